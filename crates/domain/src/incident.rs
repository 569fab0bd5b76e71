//! Incidents: what happened, where (a facility, a place in it, or a site outside the
//! walls), how serious, who was involved and in what role, and the status an incident
//! moves through. Reference numbers and a facility's control status live here too.

use serde::{Deserialize, Serialize};

use crate::validation::{Collector, Refused};
use crate::{text, vocabulary};

vocabulary!(
    /// What kind of incident.
    IncidentType {
        /// Staff or others taken and held.
        HostageTaking = "hostage_taking",
        /// A riot or disturbance.
        Riot = "riot",
        /// Persons in custody refusing orders together.
        ConcertedIndiscipline = "concerted_indiscipline",
        /// An assault on staff.
        AssaultOnStaff = "assault_on_staff",
        /// An assault between persons in custody.
        AssaultBetweenPersons = "assault_between_persons",
        /// A killing.
        Homicide = "homicide",
        /// A death in custody (opened automatically when a death is recorded).
        DeathInCustody = "death_in_custody",
        /// A serious injury.
        SeriousInjury = "serious_injury",
        /// Self-harm.
        SelfHarm = "self_harm",
        /// An escape.
        Escape = "escape",
        /// An attempted escape.
        AttemptedEscape = "attempted_escape",
        /// Illicit items found (weapons, phones, drugs…).
        FindOfIllicitItems = "find_of_illicit_items",
        /// Force used by staff.
        UseOfForce = "use_of_force",
        /// A fire.
        Fire = "fire",
        /// A protest or hunger strike.
        ProtestOrHungerStrike = "protest_or_hunger_strike",
        /// An explosion or attack, inside or outside the walls.
        ExplosionOrAttack = "explosion_or_attack",
        /// Staff unaccounted for.
        StaffMissing = "staff_missing",
    }
);

vocabulary!(
    /// How serious an incident is.
    Severity {
        /// Low.
        Low = "low",
        /// Medium.
        Medium = "medium",
        /// High.
        High = "high",
        /// Critical: lives at risk, loss of control.
        Critical = "critical",
    }
);

vocabulary!(
    /// Where an incident stands.
    IncidentStatus {
        /// Reported, not yet being handled.
        Reported = "reported",
        /// Under way and being handled.
        Active = "active",
        /// Under control, not yet closed.
        Contained = "contained",
        /// Over.
        Closed = "closed",
        /// Closed once, opened again.
        Reopened = "reopened",
    }
);

vocabulary!(
    /// The part a person in custody played.
    PersonRole {
        /// Did it.
        Perpetrator = "perpetrator",
        /// Suffered it.
        Victim = "victim",
        /// Took hostages.
        HostageTaker = "hostage_taker",
        /// Was injured.
        Injured = "injured",
        /// Died.
        Deceased = "deceased",
        /// Saw it.
        Witness = "witness",
    }
);

vocabulary!(
    /// The part a staff member played.
    StaffRole {
        /// Was held hostage.
        Hostage = "hostage",
        /// Was injured.
        Injured = "injured",
        /// Died.
        Deceased = "deceased",
        /// Negotiated.
        Negotiator = "negotiator",
        /// Responded.
        Responder = "responder",
        /// Was first on the scene.
        FirstOnScene = "first_on_scene",
    }
);

vocabulary!(
    /// Whether a facility's authorities are in control.
    ControlStatus {
        /// Normal operation.
        Normal = "normal",
        /// A disturbance under way.
        Disturbance = "disturbance",
        /// Parts of the facility are not under the authorities' control.
        PartialLossOfControl = "partial_loss_of_control",
        /// The authorities have lost control.
        LostControl = "lost_control",
        /// Forces are retaking it.
        BeingRetaken = "being_retaken",
    }
);

vocabulary!(
    /// What happened to someone hurt in an incident.
    CasualtyOutcome {
        /// Injured.
        Injured = "injured",
        /// Seriously injured (a notification is due for a person in custody).
        SeriouslyInjured = "seriously_injured",
        /// Dead.
        Deceased = "deceased",
    }
);

impl IncidentType {
    /// The severity assumed when the reporter gives none.
    pub fn default_severity(self) -> Severity {
        use IncidentType::*;
        match self {
            HostageTaking | Riot | Homicide | DeathInCustody | ExplosionOrAttack | Escape
            | StaffMissing => Severity::Critical,
            AssaultOnStaff | SeriousInjury | Fire | UseOfForce | AttemptedEscape => Severity::High,
            ConcertedIndiscipline
            | AssaultBetweenPersons
            | SelfHarm
            | ProtestOrHungerStrike
            | FindOfIllicitItems => Severity::Medium,
        }
    }
}

impl IncidentStatus {
    /// Whether the incident is still to be handled (shown as active on the situation).
    pub fn is_open(self) -> bool {
        !matches!(self, IncidentStatus::Closed)
    }

    /// Whether an incident may go from this status to `next`.
    pub fn to(self, next: IncidentStatus) -> Result<IncidentStatus, Refused> {
        use IncidentStatus::*;
        let allowed = match self {
            Reported => matches!(next, Active | Contained | Closed),
            Active => matches!(next, Contained | Closed),
            Contained => matches!(next, Active | Closed),
            Closed => matches!(next, Reopened),
            Reopened => matches!(next, Active | Contained | Closed),
        };
        if allowed {
            Ok(next)
        } else {
            Err(Refused {
                code: "invalid_transition",
                message: format!("an incident that is {self} cannot become {next}"),
            })
        }
    }
}

/// Where an incident happened: a facility (optionally a place in it), or a site outside
/// the walls (a corrections office, a bridge, a street) by address, province and
/// coordinates.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Site {
    /// The facility, when it happened in or at one.
    pub facility: Option<String>,
    /// The place in that facility.
    pub location_id: Option<i64>,
    /// The address, for a site outside a facility (or to be precise about one).
    pub address: Option<String>,
    /// The province (required with an address and no facility).
    pub province: Option<String>,
    /// Latitude, degrees (WGS 84).
    pub latitude: Option<f64>,
    /// Longitude, degrees (WGS 84).
    pub longitude: Option<f64>,
}

impl Site {
    /// Checks the site's own shape (whether the facility and place exist is the store's).
    pub fn validate(&self, c: &mut Collector) {
        c.check(
            self.facility.is_none() && self.address.is_none(),
            "site",
            "required",
            "a site is a facility or an address",
        );
        c.check(
            self.location_id.is_some() && self.facility.is_none(),
            "site.location_id",
            "facility_required",
            "a place is given with its facility",
        );
        if let Some(a) = &self.address {
            text::required(c, "site.address", a, 300);
        }
        if let Some(p) = &self.province {
            text::required(c, "site.province", p, 100);
        }
        c.check(
            self.facility.is_none() && self.address.is_some() && self.province.is_none(),
            "site.province",
            "required",
            "a site outside a facility needs its province",
        );
        c.check(
            self.latitude.is_some() != self.longitude.is_some(),
            "site.latitude",
            "incomplete_coordinates",
            "give both latitude and longitude, or neither",
        );
        c.check(
            self.latitude.is_some_and(|v| !(-90.0..=90.0).contains(&v)),
            "site.latitude",
            "out_of_range",
            "latitude is between -90 and 90",
        );
        c.check(
            self.longitude
                .is_some_and(|v| !(-180.0..=180.0).contains(&v)),
            "site.longitude",
            "out_of_range",
            "longitude is between -180 and 180",
        );
    }

    /// Whether the site is outside any facility (an attack on an office, a bridge…).
    pub fn is_outside(&self) -> bool {
        self.facility.is_none()
    }
}

/// An incident's reference number: the facility code (or `EXT` for a site outside any
/// facility), the year and a sequence number within them, e.g. `CRS-TURI-2023-00012`.
pub fn reference(facility: Option<&str>, year: i16, sequence: i64) -> String {
    format!("{}-{year}-{sequence:05}", facility.unwrap_or("EXT"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use IncidentStatus::*;

    /// Every (from, to) pair, written out: the status machine as a table.
    #[test]
    fn status_transitions() {
        let table: &[(IncidentStatus, &[IncidentStatus])] = &[
            (Reported, &[Active, Contained, Closed]),
            (Active, &[Contained, Closed]),
            (Contained, &[Active, Closed]),
            (Closed, &[Reopened]),
            (Reopened, &[Active, Contained, Closed]),
        ];
        for (from, allowed) in table {
            for to in IncidentStatus::ALL {
                assert_eq!(from.to(*to).is_ok(), allowed.contains(to), "{from} -> {to}");
            }
        }
        assert_eq!(
            Closed.to(Active).map_err(|r| r.code),
            Err("invalid_transition")
        );
    }

    fn codes(site: &Site) -> Vec<String> {
        let mut c = Collector::default();
        site.validate(&mut c);
        match c.finish() {
            Ok(()) => vec![],
            Err(e) => {
                e.0.into_iter()
                    .map(|f| format!("{}:{}", f.field, f.code))
                    .collect()
            }
        }
    }

    #[test]
    fn a_site_is_a_facility_or_an_address_with_its_province() {
        assert_eq!(codes(&Site::default()), ["site:required"]);
        let turi = Site {
            facility: Some("CRS-TURI".into()),
            ..Site::default()
        };
        assert!(codes(&turi).is_empty());
        let bridge = Site {
            address: Some("Puente sobre el río Napo".into()),
            province: Some("Napo".into()),
            latitude: Some(-0.99),
            longitude: Some(-77.81),
            ..Site::default()
        };
        assert!(codes(&bridge).is_empty());
        assert!(bridge.is_outside() && !turi.is_outside());
        let nowhere = Site {
            address: Some("Av. 10 de Agosto".into()),
            latitude: Some(95.0),
            ..Site::default()
        };
        assert_eq!(
            codes(&nowhere),
            [
                "site.province:required",
                "site.latitude:incomplete_coordinates",
                "site.latitude:out_of_range"
            ]
        );
        let place_alone = Site {
            location_id: Some(3),
            address: Some("x".into()),
            province: Some("Azuay".into()),
            ..Site::default()
        };
        assert_eq!(codes(&place_alone), ["site.location_id:facility_required"]);
    }

    #[test]
    fn references_and_default_severity() {
        assert_eq!(reference(Some("CRS-TURI"), 2023, 12), "CRS-TURI-2023-00012");
        assert_eq!(reference(None, 2023, 1), "EXT-2023-00001");
        assert_eq!(
            IncidentType::HostageTaking.default_severity(),
            Severity::Critical
        );
        assert_eq!(IncidentType::SelfHarm.default_severity(), Severity::Medium);
    }
}
