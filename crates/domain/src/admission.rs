//! Admission into custody: the record Mandela Rule 7 requires before anyone is received
//! (a valid legal order, the arrest, injuries, property, family, contacts, health
//! screening, rights), and its validation.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::custody::{LegalDocument, LegalDocumentKind};
use crate::facility::SecurityLevel;
use crate::person::{Identity, MAX_ITEMS, MAX_NAME, MAX_TEXT};
use crate::text;
use crate::validation::Collector;
use crate::{Invalid, vocabulary};

/// How far in the future an admission time may be (clocks drift).
pub const CLOCK_SKEW_SECONDS: i64 = 300;

vocabulary!(
    /// Whether the health screening on admission (Rule 30) was done.
    ScreeningStatus {
        /// Done by health staff.
        Done = "done",
        /// Still to be done.
        Pending = "pending",
    }
);

vocabulary!(
    /// How a family member is related to the person.
    Relationship {
        /// A son or daughter.
        Child = "child",
        /// Spouse or partner.
        Partner = "partner",
        /// Mother or father.
        Parent = "parent",
        /// Brother or sister.
        Sibling = "sibling",
        /// Anyone else.
        Other = "other",
    }
);

/// The arrest that led to admission (Rule 7c).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Arrest {
    /// When.
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// Where.
    pub place: String,
    /// The arresting authority, e.g. `Policía Nacional, UPC Guasmo Sur`.
    pub authority: String,
}

/// Visible injuries and complaints of prior ill-treatment (Rule 7d); empty lists mean
/// none were observed or made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Injuries {
    /// Each visible injury observed.
    pub visible: Vec<String>,
    /// Each complaint of ill-treatment before admission, in the person's words.
    pub complaints: Vec<String>,
    /// Who the injuries or complaints were reported to (judge, prosecutor), if any.
    #[serde(default)]
    pub reported_to: Option<String>,
}

/// One item of property taken into safekeeping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PropertyItem {
    /// What it is.
    pub description: String,
    /// How many.
    pub quantity: i64,
}

/// The inventory of personal property (Rule 7e), signed off by the person and the officer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Property {
    /// Items taken into safekeeping.
    pub items: Vec<PropertyItem>,
    /// Whether the person signed the inventory.
    pub signed_by_person: bool,
    /// The officer who received the property.
    pub received_by: String,
}

/// A family member (Rule 7f).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FamilyMember {
    /// Name.
    pub name: String,
    /// How related.
    pub relationship: Relationship,
    /// Age in years (required for children).
    #[serde(default)]
    pub age: Option<i64>,
    /// Who cares for a child under 18 now.
    #[serde(default)]
    pub cared_for_by: Option<String>,
}

/// Someone to contact (Rule 7g).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Name.
    pub name: String,
    /// How related to the person.
    pub relationship: String,
    /// Telephone number.
    pub phone: String,
    /// Address, if known.
    #[serde(default)]
    pub address: Option<String>,
}

/// Health screening on admission (Rule 30). The notes are health information: only
/// health officers and inspectors see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HealthScreening {
    /// Done or pending.
    pub status: ScreeningStatus,
    /// Findings (restricted).
    #[serde(default)]
    pub notes: Option<String>,
}

/// Whether the person was told their rights and the rules in a language they understand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RightsInformation {
    /// Told or not (yet).
    pub informed: bool,
    /// In which language.
    pub language: String,
}

/// The admission record kept with the custody episode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdmissionRecord {
    /// The arrest.
    pub arrest: Arrest,
    /// Injuries and complaints.
    pub injuries: Injuries,
    /// Property inventory.
    pub property: Property,
    /// Family members and children.
    #[serde(default)]
    pub family: Vec<FamilyMember>,
    /// Emergency contact.
    pub emergency_contact: Contact,
    /// Next of kin, when not the emergency contact.
    #[serde(default)]
    pub next_of_kin: Option<Contact>,
    /// Health screening.
    pub health_screening: HealthScreening,
    /// Rights information.
    pub rights: RightsInformation,
}

/// An admission as asked for: a new person (`person`) or a known one (`person_id`), where,
/// when, on what legal basis, and the Rule 7 record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdmissionRequest {
    /// The identity of someone not yet registered.
    #[serde(default)]
    pub person: Option<Identity>,
    /// A registered person: re-admission, or a possible duplicate the officer confirmed.
    /// With `person` too, the identity proves the officer has the person in front of them
    /// (it must match by document, or by names and date of birth), which allows linking
    /// to a person last held in a facility the officer cannot see.
    #[serde(default)]
    pub person_id: Option<i64>,
    /// Registers a new person although possible duplicates were shown.
    #[serde(default)]
    pub confirm_new_person: bool,
    /// The receiving facility.
    pub facility: String,
    /// The location within it, if assigned on arrival.
    #[serde(default)]
    pub location_id: Option<i64>,
    /// The security classification decided on arrival (a director's decision, as later
    /// through `POST /persons/{id}/classification`): the person is placed only where
    /// security is at least this.
    #[serde(default)]
    pub classification: Option<SecurityLevel>,
    /// When the person was received.
    #[schema(value_type = String, format = DateTime)]
    pub admitted_at: Timestamp,
    /// The court order that allows holding the person (required).
    #[serde(default)]
    pub legal_basis: Option<LegalDocument>,
    /// The arrest.
    pub arrest: Arrest,
    /// Injuries and complaints.
    pub injuries: Injuries,
    /// Property inventory.
    pub property: Property,
    /// Family members and children.
    #[serde(default)]
    pub family: Vec<FamilyMember>,
    /// Emergency contact.
    pub emergency_contact: Contact,
    /// Next of kin, when not the emergency contact.
    #[serde(default)]
    pub next_of_kin: Option<Contact>,
    /// Health screening.
    pub health_screening: HealthScreening,
    /// Rights information.
    pub rights: RightsInformation,
}

fn contact(c: &mut Collector, field: &str, k: &Contact) {
    text::required(c, &format!("{field}.name"), &k.name, MAX_NAME);
    text::required(
        c,
        &format!("{field}.relationship"),
        &k.relationship,
        MAX_NAME,
    );
    text::required(c, &format!("{field}.phone"), &k.phone, 40);
    if let Some(a) = &k.address {
        text::required(c, &format!("{field}.address"), a, 500);
    }
}

impl AdmissionRecord {
    /// Checks the record; `admitted_at` bounds the arrest.
    pub fn validate(&self, admitted_at: Timestamp) -> Result<(), Invalid> {
        let mut c = Collector::default();
        let a = &self.arrest;
        c.check(
            a.at > admitted_at,
            "arrest.at",
            "admission_before_arrest",
            format!(
                "the admission ({admitted_at}) cannot come before the arrest ({})",
                a.at
            ),
        );
        c.check(
            !crate::time::plausible(a.at),
            "arrest.at",
            "implausible_date",
            "the arrest must be between the years 1900 and 9999",
        );
        text::required(&mut c, "arrest.place", &a.place, 500);
        text::required(&mut c, "arrest.authority", &a.authority, MAX_NAME * 2);
        text::list(
            &mut c,
            "injuries.visible",
            &self.injuries.visible,
            MAX_ITEMS,
            MAX_TEXT,
        );
        text::list(
            &mut c,
            "injuries.complaints",
            &self.injuries.complaints,
            MAX_ITEMS,
            MAX_TEXT,
        );
        if let Some(r) = &self.injuries.reported_to {
            text::required(&mut c, "injuries.reported_to", r, MAX_NAME * 2);
        }
        let p = &self.property;
        c.check(
            p.items.len() > 200,
            "property.items",
            "too_many",
            "at most 200 property items",
        );
        for (i, item) in p.items.iter().take(200).enumerate() {
            let f = format!("property.items[{i}]");
            text::required(&mut c, &format!("{f}.description"), &item.description, 500);
            c.check(
                !(1..=100_000).contains(&item.quantity),
                &format!("{f}.quantity"),
                "out_of_range",
                "quantity must be between 1 and 100000",
            );
        }
        text::required(&mut c, "property.received_by", &p.received_by, MAX_NAME);
        c.check(
            self.family.len() > MAX_ITEMS,
            "family",
            "too_many",
            format!("at most {MAX_ITEMS} family members"),
        );
        for (i, m) in self.family.iter().take(MAX_ITEMS).enumerate() {
            let f = format!("family[{i}]");
            text::required(&mut c, &format!("{f}.name"), &m.name, MAX_NAME);
            if let Some(age) = m.age {
                c.check(
                    !(0..=130).contains(&age),
                    &format!("{f}.age"),
                    "out_of_range",
                    "age must be between 0 and 130",
                );
            }
            if m.relationship == Relationship::Child {
                c.check(
                    m.age.is_none(),
                    &format!("{f}.age"),
                    "required",
                    "a child's age is required (Rule 7f)",
                );
                c.check(
                    m.age.is_some_and(|a| a < 18) && m.cared_for_by.is_none(),
                    &format!("{f}.cared_for_by"),
                    "required",
                    "who cares for a child under 18 is required (Rule 7f)",
                );
            }
            if let Some(who) = &m.cared_for_by {
                text::required(&mut c, &format!("{f}.cared_for_by"), who, MAX_NAME * 2);
            }
        }
        contact(&mut c, "emergency_contact", &self.emergency_contact);
        if let Some(k) = &self.next_of_kin {
            contact(&mut c, "next_of_kin", k);
        }
        if let Some(n) = &self.health_screening.notes {
            text::required(&mut c, "health_screening.notes", n, MAX_TEXT);
        }
        text::required(&mut c, "rights.language", &self.rights.language, 40);
        c.finish()
    }

    /// The record with restricted health notes removed (for readers without health access).
    pub fn without_health_notes(mut self) -> Self {
        self.health_screening.notes = None;
        self
    }
}

impl AdmissionRequest {
    /// Checks everything that needs no stored data; `now`, `today` and `admitted_on` (civil
    /// dates in the facility's time zone) bound the dates. Returns the legal basis.
    pub fn validate(
        &self,
        now: Timestamp,
        today: Date,
        admitted_on: Date,
    ) -> Result<LegalDocument, Invalid> {
        let mut c = Collector::default();
        match (&self.person, self.person_id) {
            (None, None) => c.push(
                "person",
                "required",
                "give the identity of the person admitted (person) or a registered person's id (person_id)",
            ),
            (Some(p), _) => c.absorb(p.validate("person", today)),
            (None, Some(_)) => {}
        }
        c.check(
            self.person_id.is_some() && self.confirm_new_person,
            "confirm_new_person",
            "not_applicable",
            "confirm_new_person applies to a new person, not to a registered one",
        );
        text::code(&mut c, "facility", &self.facility, 32);
        c.check(
            self.admitted_at.as_second() > now.as_second() + CLOCK_SKEW_SECONDS,
            "admitted_at",
            "in_the_future",
            "the admission time is in the future",
        );
        c.check(
            !crate::time::plausible(self.admitted_at),
            "admitted_at",
            "implausible_date",
            "the admission must be between the years 1900 and 9999",
        );
        match &self.legal_basis {
            None => c.push(
                "legal_basis",
                "legal_basis_required",
                "no one may be admitted without a valid court order (Mandela Rule 7): give legal_basis",
            ),
            Some(d) => {
                if let Some(day) = d.carried_out_on.filter(|day| *day > admitted_on) {
                    c.push(
                        "legal_basis.carried_out_on",
                        "after_admission",
                        format!("the order cannot be carried out ({day}) after the admission ({admitted_on})"),
                    );
                }
                c.check(
                    d.kind == LegalDocumentKind::Suspension,
                    "legal_basis.kind",
                    "not_a_detention_order",
                    "a suspension does not order detention: the legal basis must be a pretrial detention order, a sentence or another court order",
                );
                c.absorb(d.validate("legal_basis", today));
            }
        }
        c.absorb(self.record().validate(self.admitted_at));
        c.finish()?;
        // With no legal basis the collector has refused already.
        self.legal_basis.clone().ok_or_else(|| {
            Invalid(vec![crate::FieldError::new(
                "legal_basis",
                "legal_basis_required",
                "required",
            )])
        })
    }

    /// The Rule 7 record to keep with the episode.
    pub fn record(&self) -> AdmissionRecord {
        AdmissionRecord {
            arrest: self.arrest.clone(),
            injuries: self.injuries.clone(),
            property: self.property.clone(),
            family: self.family.clone(),
            emergency_contact: self.emergency_contact.clone(),
            next_of_kin: self.next_of_kin.clone(),
            health_screening: self.health_screening.clone(),
            rights: self.rights.clone(),
        }
    }
}

/// Whether a place that holds `holds` may receive a person of `sex` (Mandela Rule 11a:
/// men and women are held apart).
pub fn sex_fits(sex: crate::person::Sex, holds: crate::HoldsSex) -> bool {
    use crate::person::Sex;
    holds.admits(match sex {
        Sex::Male => crate::HoldsSex::Men,
        Sex::Female => crate::HoldsSex::Women,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn request() -> AdmissionRequest {
        serde_json::from_value(serde_json::json!({
            "person": {
                "given_names": "Juan", "first_surname": "Vera", "date_of_birth": "1990-05-01",
                "sex": "male", "nationality": "EC",
                "document": {"kind": "cedula", "number": "1710034065"}
            },
            "facility": "CPL-GY-1",
            "admitted_at": "2026-11-01T15:00:00Z",
            "legal_basis": {
                "kind": "pretrial_detention_order", "case_number": "1", "court": "Unidad Judicial",
                "judge": "Dra. Torres", "issued_on": "2026-11-01", "carried_out_on": "2026-11-01",
                "offences": [{"description": "Robo", "max_penalty": {"years": 7, "months": 0, "days": 0}}]
            },
            "arrest": {"at": "2026-10-31T22:00:00Z", "place": "Guayaquil", "authority": "Policía Nacional"},
            "injuries": {"visible": [], "complaints": []},
            "property": {"items": [], "signed_by_person": true, "received_by": "ASP Vera"},
            "family": [{"name": "Ana", "relationship": "child", "age": 6, "cared_for_by": "Rosa"}],
            "emergency_contact": {"name": "Rosa", "relationship": "madre", "phone": "0991234567"},
            "health_screening": {"status": "pending"},
            "rights": {"informed": true, "language": "es"}
        }))
        .unwrap()
    }

    fn codes(r: &AdmissionRequest) -> Vec<String> {
        let now = "2026-11-28T12:00:00Z".parse().unwrap();
        r.validate(now, date(2026, 11, 28), date(2026, 11, 1))
            .err()
            .map(|e| {
                e.0.into_iter()
                    .map(|e| format!("{}:{}", e.field, e.code))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn a_complete_admission_is_valid_and_yields_its_basis() {
        let r = request();
        let now = "2026-11-28T12:00:00Z".parse().unwrap();
        let basis = r
            .validate(now, date(2026, 11, 28), date(2026, 11, 1))
            .unwrap();
        assert_eq!(basis.kind, LegalDocumentKind::PretrialDetentionOrder);
    }

    #[test]
    fn a_classification_is_one_of_the_security_levels() {
        let mut v = serde_json::to_value(request()).unwrap();
        assert_eq!(request().classification, None, "optional");
        v["classification"] = serde_json::json!("maximum");
        let r: AdmissionRequest = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(r.classification, Some(SecurityLevel::Maximum));
        assert_eq!(codes(&r), Vec::<String>::new());
        v["classification"] = serde_json::json!("supermax");
        assert!(serde_json::from_value::<AdmissionRequest>(v).is_err());
    }

    /// Breaks one rule of a valid request.
    type Breaker = fn(&mut AdmissionRequest);

    #[test]
    fn each_broken_rule_is_named() {
        let cases: Vec<(&str, Breaker)> = vec![
            ("legal_basis:legal_basis_required", |r| r.legal_basis = None),
            ("person:required", |r| r.person = None),
            ("arrest.at:admission_before_arrest", |r| {
                r.arrest.at = "2026-11-02T00:00:00Z".parse().unwrap()
            }),
            ("admitted_at:in_the_future", |r| {
                r.admitted_at = "2026-12-01T00:00:00Z".parse().unwrap();
                r.arrest.at = r.admitted_at;
            }),
            ("legal_basis.carried_out_on:after_admission", |r| {
                let b = r.legal_basis.as_mut().unwrap();
                b.issued_on = date(2026, 11, 2);
                b.carried_out_on = Some(date(2026, 11, 2));
            }),
            ("legal_basis.kind:not_a_detention_order", |r| {
                let b = r.legal_basis.as_mut().unwrap();
                b.kind = LegalDocumentKind::Suspension;
                b.carried_out_on = None;
                b.offences.clear();
                b.suspended_from = Some(date(2026, 11, 1));
                b.suspended_to = Some(date(2026, 11, 1));
                b.basis = Some("x".into());
            }),
            ("family[0].cared_for_by:required", |r| {
                r.family[0].cared_for_by = None
            }),
            ("family[0].age:required", |r| r.family[0].age = None),
            ("property.received_by:required", |r| {
                r.property.received_by.clear()
            }),
            ("emergency_contact.phone:control_characters", |r| {
                r.emergency_contact.phone = "099\u{0}".into()
            }),
            ("confirm_new_person:not_applicable", |r| {
                r.person = None;
                r.person_id = Some(1);
                r.confirm_new_person = true;
            }),
            ("person.document.number:invalid_cedula", |r| {
                r.person.as_mut().unwrap().document.as_mut().unwrap().number = "1710034066".into()
            }),
        ];
        assert_eq!(codes(&request()), Vec::<String>::new());
        for (expected, break_it) in cases {
            let mut r = request();
            break_it(&mut r);
            let found = codes(&r);
            assert!(found.iter().any(|c| c == expected), "{expected}: {found:?}");
        }
    }
}
