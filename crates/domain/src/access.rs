//! Who may do what, where: roles, grants (role × facility or national) and the
//! permission matrix, kept here as data so that one table answers every question.

use serde::{Deserialize, Serialize};

use crate::vocabulary;

vocabulary!(
    /// A role a user can be granted, nationally or for one facility.
    Role {
        /// Manages users, tokens and national reference data.
        NationalAdmin = "national-admin",
        /// The national operations centre: reads everything, commands in a crisis.
        NationalOperations = "national-operations",
        /// Runs one facility: reads and changes its records.
        FacilityDirector = "facility-director",
        /// Staff of one facility: reads its records, records day-to-day changes.
        FacilityOfficer = "facility-officer",
        /// Keeps legal records (admissions, legal status, releases).
        RecordsOfficer = "records-officer",
        /// Alone sees gang intelligence and keep-apart reasons.
        IntelligenceAnalyst = "intelligence-analyst",
        /// Sees and records health information.
        HealthOfficer = "health-officer",
        /// Inspector or auditor: reads everything, including the journal and who read what.
        Inspector = "inspector",
        /// Another system, through an API token with a narrow scope.
        Integration = "integration",
    }
);

vocabulary!(
    /// Something a principal may be allowed to do.
    Action {
        /// See facilities, their locations and figures.
        FacilityRead = "facility.read",
        /// Register facilities (national reference data).
        FacilityCreate = "facility.create",
        /// Change a facility's details.
        FacilityUpdate = "facility.update",
        /// Add locations, change them, put them out of service and back.
        LocationWrite = "location.write",
        /// Read the journal's history of a record.
        HistoryRead = "history.read",
        /// Read who read or exported whose file.
        AccessAuditRead = "access-audit.read",
        /// Create, disable and grant users; create and revoke tokens.
        UserAdmin = "user.admin",
        /// Find people and read their files (each read is journaled).
        PersonRead = "person.read",
        /// Admit a person into custody.
        PersonAdmit = "person.admit",
        /// Record court documents and releases (legal status).
        LegalWrite = "legal.write",
        /// Correct a person's identity (with a reason; the old value stays in the history).
        PersonCorrect = "person.correct",
        /// See health information (screening notes).
        HealthRead = "health.read",
        /// Record and correct health information (the admission's health screening).
        HealthWrite = "health.write",
        /// Place persons in cells and move them within the facility; record absences.
        PlacementWrite = "placement.write",
        /// Override capacity (or a place out of service) with a written reason.
        CapacityOverride = "capacity.override",
        /// Set a person's security classification.
        ClassificationWrite = "classification.write",
        /// See gangs, affiliations and keep-apart rules and reasons.
        IntelligenceRead = "intelligence.read",
        /// Record gangs, affiliations and keep-apart rules.
        IntelligenceWrite = "intelligence.write",
        /// Record physical counts and reconcile them.
        CountWrite = "count.write",
        /// Request transfers from a facility and cancel them before they leave.
        TransferRequest = "transfer.request",
        /// Approve transfers and bulk operations between facilities (national).
        TransferApprove = "transfer.approve",
        /// Record a death in custody.
        DeathRecord = "death.record",
        /// See the staff register and duty rosters.
        StaffRead = "staff.read",
        /// Register staff and set duty rosters (shifts).
        StaffWrite = "staff.write",
        /// See incidents, their timelines and the people involved.
        IncidentRead = "incident.read",
        /// Report an incident and add entries to its timeline.
        IncidentReport = "incident.report",
        /// Manage incidents: status, people involved, links.
        IncidentManage = "incident.manage",
        /// Record injuries and deaths (casualties) in incidents.
        CasualtyRecord = "casualty.record",
        /// Open and run crises: group incidents, record hostages taken and released (national).
        CrisisCommand = "crisis.command",
        /// Set a facility's control status (national).
        ControlStatusWrite = "control-status.write",
        /// See mandatory notifications.
        NotificationRead = "notification.read",
        /// Record a mandatory notification as done (how and to whom).
        NotificationComplete = "notification.complete",
        /// See searches, seized items and their chain of custody.
        SearchRead = "search.read",
        /// Record searches (requisas).
        SearchWrite = "search.write",
        /// Record seized items and hand them over along the chain of custody.
        ItemCustody = "item.custody",
    }
);

/// Where a grant applies.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case", tag = "scope", content = "facility")]
pub enum Scope {
    /// Every facility, and national matters.
    National,
    /// One facility, by code.
    Facility(String),
}

/// A role held in a scope.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
pub struct Grant {
    /// The role.
    pub role: Role,
    /// Where it applies.
    #[serde(flatten)]
    pub scope: Scope,
}

impl Grant {
    /// A national grant.
    pub fn national(role: Role) -> Self {
        Self {
            role,
            scope: Scope::National,
        }
    }

    /// A grant for one facility.
    pub fn facility(role: Role, code: &str) -> Self {
        Self {
            role,
            scope: Scope::Facility(code.to_owned()),
        }
    }

    /// Checks that the role fits the scope: national roles are national, a facility's
    /// director and officers belong to one facility (a forgotten `--facility` must not
    /// become a national grant).
    pub fn check(&self) -> Result<(), crate::Invalid> {
        use Role::*;
        let mut c = crate::validation::Collector::default();
        let national = matches!(self.scope, Scope::National);
        match self.role {
            NationalAdmin | NationalOperations | Inspector => c.check(
                !national,
                "grants",
                "national_role",
                format!(
                    "{} is a national role: give it without a facility",
                    self.role
                ),
            ),
            FacilityDirector | FacilityOfficer => c.check(
                national,
                "grants",
                "facility_role",
                format!("{} belongs to one facility: name it", self.role),
            ),
            RecordsOfficer | IntelligenceAnalyst | HealthOfficer | Integration => {}
        }
        c.finish()
    }
}

/// Whether an action concerns one facility or the nation as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Allowed by a grant for that facility or a national one.
    Facility,
    /// Allowed by a national grant only.
    National,
}

impl Action {
    /// Whether the action only reads (what a read-only token may do).
    pub fn is_read(self) -> bool {
        matches!(
            self,
            Action::FacilityRead
                | Action::HistoryRead
                | Action::AccessAuditRead
                | Action::PersonRead
                | Action::HealthRead
                | Action::IntelligenceRead
                | Action::StaffRead
                | Action::SearchRead
                | Action::IncidentRead
                | Action::NotificationRead
        )
    }

    /// Whether a facility grant can allow this action.
    pub fn reach(self) -> Reach {
        match self {
            Action::FacilityCreate
            | Action::UserAdmin
            | Action::AccessAuditRead
            | Action::TransferApprove
            | Action::CrisisCommand
            | Action::ControlStatusWrite => Reach::National,
            _ => Reach::Facility,
        }
    }
}

/// The permission matrix: each role and the actions it allows within its scope.
pub const MATRIX: &[(Role, &[Action])] = &[
    (
        Role::NationalAdmin,
        &[
            Action::FacilityRead,
            Action::FacilityCreate,
            Action::FacilityUpdate,
            Action::LocationWrite,
            Action::HistoryRead,
            Action::AccessAuditRead,
            Action::UserAdmin,
            Action::PersonRead,
            Action::PersonAdmit,
            Action::LegalWrite,
            Action::PersonCorrect,
            Action::PlacementWrite,
            Action::CapacityOverride,
            Action::ClassificationWrite,
            Action::IntelligenceRead,
            Action::IntelligenceWrite,
            Action::CountWrite,
            Action::TransferRequest,
            Action::TransferApprove,
            Action::DeathRecord,
            Action::StaffRead,
            Action::StaffWrite,
            Action::IncidentRead,
            Action::IncidentReport,
            Action::IncidentManage,
            Action::CasualtyRecord,
            Action::CrisisCommand,
            Action::ControlStatusWrite,
            Action::NotificationRead,
            Action::NotificationComplete,
            Action::SearchRead,
            Action::SearchWrite,
            Action::ItemCustody,
        ],
    ),
    (
        Role::NationalOperations,
        &[
            Action::FacilityRead,
            Action::HistoryRead,
            Action::PersonRead,
            Action::IntelligenceRead,
            Action::TransferRequest,
            Action::TransferApprove,
            Action::StaffRead,
            Action::IncidentRead,
            Action::IncidentReport,
            Action::IncidentManage,
            Action::CrisisCommand,
            Action::ControlStatusWrite,
            Action::NotificationRead,
            Action::NotificationComplete,
            Action::SearchRead,
        ],
    ),
    (
        Role::FacilityDirector,
        &[
            Action::FacilityRead,
            Action::FacilityUpdate,
            Action::LocationWrite,
            Action::HistoryRead,
            Action::PersonRead,
            Action::PersonAdmit,
            Action::LegalWrite,
            Action::PersonCorrect,
            Action::PlacementWrite,
            Action::CapacityOverride,
            Action::ClassificationWrite,
            Action::CountWrite,
            Action::TransferRequest,
            Action::DeathRecord,
            Action::StaffRead,
            Action::StaffWrite,
            Action::IncidentRead,
            Action::IncidentReport,
            Action::IncidentManage,
            Action::CasualtyRecord,
            Action::NotificationRead,
            Action::NotificationComplete,
            Action::SearchRead,
            Action::SearchWrite,
            Action::ItemCustody,
        ],
    ),
    (
        Role::FacilityOfficer,
        &[
            Action::FacilityRead,
            Action::PersonRead,
            Action::PersonAdmit,
            Action::PlacementWrite,
            Action::CountWrite,
            Action::DeathRecord,
            Action::StaffRead,
            Action::IncidentRead,
            Action::IncidentReport,
            Action::SearchRead,
            Action::ItemCustody,
        ],
    ),
    (
        Role::RecordsOfficer,
        &[
            Action::FacilityRead,
            Action::HistoryRead,
            Action::PersonRead,
            Action::PersonAdmit,
            Action::LegalWrite,
            Action::PersonCorrect,
            Action::IncidentRead,
            Action::NotificationRead,
            Action::NotificationComplete,
        ],
    ),
    (
        Role::IntelligenceAnalyst,
        &[
            Action::FacilityRead,
            Action::PersonRead,
            Action::IntelligenceRead,
            Action::IntelligenceWrite,
            Action::IncidentRead,
            Action::SearchRead,
        ],
    ),
    (
        Role::HealthOfficer,
        &[
            Action::FacilityRead,
            Action::PersonRead,
            Action::HealthRead,
            Action::HealthWrite,
            Action::DeathRecord,
            Action::IncidentRead,
            Action::IncidentReport,
            Action::CasualtyRecord,
            Action::NotificationRead,
        ],
    ),
    (
        Role::Inspector,
        &[
            Action::FacilityRead,
            Action::HistoryRead,
            Action::AccessAuditRead,
            Action::PersonRead,
            Action::HealthRead,
            Action::StaffRead,
            Action::IncidentRead,
            Action::NotificationRead,
            Action::SearchRead,
        ],
    ),
    (
        Role::Integration,
        &[Action::FacilityRead, Action::PersonRead],
    ),
];

/// The actions a role allows.
pub fn actions_of(role: Role) -> &'static [Action] {
    MATRIX
        .iter()
        .find(|(r, _)| *r == role)
        .map_or(&[], |(_, actions)| actions)
}

/// Whether a set of grants allows `action` on `facility` (`None`: a national matter or
/// any facility at all).
pub fn allows(grants: &[Grant], action: Action, facility: Option<&str>) -> bool {
    grants.iter().any(|g| {
        actions_of(g.role).contains(&action)
            && match (&g.scope, action.reach(), facility) {
                (Scope::National, _, _) => true,
                (Scope::Facility(_), Reach::National, _) => false,
                (Scope::Facility(own), Reach::Facility, Some(f)) => own == f,
                (Scope::Facility(_), Reach::Facility, None) => false,
            }
    })
}

/// Which facilities a set of grants allows `action` in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FacilityFilter {
    /// All of them.
    All,
    /// Only these codes.
    Only(Vec<String>),
}

impl FacilityFilter {
    /// Whether a facility passes the filter.
    pub fn admits(&self, code: &str) -> bool {
        match self {
            FacilityFilter::All => true,
            FacilityFilter::Only(codes) => codes.iter().any(|c| c == code),
        }
    }
}

/// The facilities in which `grants` allow `action`.
pub fn facilities_for(grants: &[Grant], action: Action) -> FacilityFilter {
    let mut codes = Vec::new();
    for g in grants
        .iter()
        .filter(|g| actions_of(g.role).contains(&action))
    {
        match &g.scope {
            Scope::National => return FacilityFilter::All,
            Scope::Facility(code) if action.reach() == Reach::Facility => codes.push(code.clone()),
            Scope::Facility(_) => {}
        }
    }
    codes.sort();
    codes.dedup();
    FacilityFilter::Only(codes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::*;
    use Role::*;

    /// The matrix written out once more, row by row, as the contract it is: changing a
    /// row of `MATRIX` must change this table too.
    const EXPECTED: &[(Role, &[Action])] = &[
        (
            NationalAdmin,
            &[
                FacilityRead,
                FacilityCreate,
                FacilityUpdate,
                LocationWrite,
                HistoryRead,
                AccessAuditRead,
                UserAdmin,
                PersonRead,
                PersonAdmit,
                LegalWrite,
                PersonCorrect,
                PlacementWrite,
                CapacityOverride,
                ClassificationWrite,
                IntelligenceRead,
                IntelligenceWrite,
                CountWrite,
                TransferRequest,
                TransferApprove,
                DeathRecord,
                StaffRead,
                StaffWrite,
                IncidentRead,
                IncidentReport,
                IncidentManage,
                CasualtyRecord,
                CrisisCommand,
                ControlStatusWrite,
                NotificationRead,
                NotificationComplete,
                SearchRead,
                SearchWrite,
                ItemCustody,
            ],
        ),
        (
            NationalOperations,
            &[
                FacilityRead,
                HistoryRead,
                PersonRead,
                IntelligenceRead,
                TransferRequest,
                TransferApprove,
                StaffRead,
                IncidentRead,
                IncidentReport,
                IncidentManage,
                CrisisCommand,
                ControlStatusWrite,
                NotificationRead,
                NotificationComplete,
                SearchRead,
            ],
        ),
        (
            FacilityDirector,
            &[
                FacilityRead,
                FacilityUpdate,
                LocationWrite,
                HistoryRead,
                PersonRead,
                PersonAdmit,
                LegalWrite,
                PersonCorrect,
                PlacementWrite,
                CapacityOverride,
                ClassificationWrite,
                CountWrite,
                TransferRequest,
                DeathRecord,
                StaffRead,
                StaffWrite,
                IncidentRead,
                IncidentReport,
                IncidentManage,
                CasualtyRecord,
                NotificationRead,
                NotificationComplete,
                SearchRead,
                SearchWrite,
                ItemCustody,
            ],
        ),
        (
            FacilityOfficer,
            &[
                FacilityRead,
                PersonRead,
                PersonAdmit,
                PlacementWrite,
                CountWrite,
                DeathRecord,
                StaffRead,
                IncidentRead,
                IncidentReport,
                SearchRead,
                ItemCustody,
            ],
        ),
        (
            RecordsOfficer,
            &[
                FacilityRead,
                HistoryRead,
                PersonRead,
                PersonAdmit,
                LegalWrite,
                PersonCorrect,
                IncidentRead,
                NotificationRead,
                NotificationComplete,
            ],
        ),
        (
            IntelligenceAnalyst,
            &[
                FacilityRead,
                PersonRead,
                IntelligenceRead,
                IntelligenceWrite,
                IncidentRead,
                SearchRead,
            ],
        ),
        (
            HealthOfficer,
            &[
                FacilityRead,
                PersonRead,
                HealthRead,
                HealthWrite,
                DeathRecord,
                IncidentRead,
                IncidentReport,
                CasualtyRecord,
                NotificationRead,
            ],
        ),
        (
            Inspector,
            &[
                FacilityRead,
                HistoryRead,
                AccessAuditRead,
                PersonRead,
                HealthRead,
                StaffRead,
                IncidentRead,
                NotificationRead,
                SearchRead,
            ],
        ),
        (Integration, &[FacilityRead, PersonRead]),
    ];

    fn row(role: Role) {
        let expected = EXPECTED
            .iter()
            .find(|(r, _)| *r == role)
            .map(|(_, a)| *a)
            .unwrap();
        for action in Action::ALL {
            assert_eq!(
                actions_of(role).contains(action),
                expected.contains(action),
                "{role} / {action}"
            );
        }
    }

    #[test]
    fn row_national_admin() {
        row(NationalAdmin);
    }
    #[test]
    fn row_national_operations() {
        row(NationalOperations);
    }
    #[test]
    fn row_facility_director() {
        row(FacilityDirector);
    }
    #[test]
    fn row_facility_officer() {
        row(FacilityOfficer);
    }
    #[test]
    fn row_records_officer() {
        row(RecordsOfficer);
    }
    #[test]
    fn row_intelligence_analyst() {
        row(IntelligenceAnalyst);
    }
    #[test]
    fn row_health_officer() {
        row(HealthOfficer);
    }
    #[test]
    fn row_inspector() {
        row(Inspector);
    }
    #[test]
    fn row_integration() {
        row(Integration);
    }

    #[test]
    fn every_role_has_a_row() {
        for role in Role::ALL {
            assert!(MATRIX.iter().any(|(r, _)| r == role), "{role}");
        }
    }

    #[test]
    fn facility_grants_stay_in_their_facility() {
        let cuenca = [Grant::facility(FacilityDirector, "CPL-AZ-1")];
        assert!(allows(&cuenca, LocationWrite, Some("CPL-AZ-1")));
        assert!(
            !allows(&cuenca, LocationWrite, Some("CPL-CX-1")),
            "Latacunga is not Cuenca"
        );
        assert!(!allows(&cuenca, FacilityRead, None));
        assert_eq!(
            facilities_for(&cuenca, FacilityRead),
            FacilityFilter::Only(vec!["CPL-AZ-1".into()])
        );
        // National actions need a national grant, even for a role that has them.
        let local_admin = [Grant::facility(NationalAdmin, "CPL-AZ-1")];
        assert!(!allows(&local_admin, UserAdmin, None));
        assert!(allows(&[Grant::national(NationalAdmin)], UserAdmin, None));
        assert_eq!(
            facilities_for(&[Grant::national(Inspector)], FacilityRead),
            FacilityFilter::All
        );
        assert!(!allows(
            &[Grant::national(Inspector)],
            LocationWrite,
            Some("CPL-AZ-1")
        ));
    }

    #[test]
    fn roles_fit_their_scope() {
        assert!(Grant::national(NationalAdmin).check().is_ok());
        assert!(Grant::facility(NationalAdmin, "CPL-AZ-1").check().is_err());
        assert!(
            Grant::facility(FacilityDirector, "CPL-AZ-1")
                .check()
                .is_ok()
        );
        assert!(Grant::national(FacilityDirector).check().is_err());
        assert!(Grant::national(FacilityOfficer).check().is_err());
        assert!(Grant::national(HealthOfficer).check().is_ok());
        assert!(Grant::facility(Integration, "CPL-AZ-1").check().is_ok());
    }

    #[test]
    fn grants_serialize_flat() {
        let g = Grant::facility(FacilityOfficer, "CPL-AZ-1");
        assert_eq!(
            serde_json::to_string(&g).unwrap(),
            r#"{"role":"facility-officer","scope":"facility","facility":"CPL-AZ-1"}"#
        );
        let n: Grant = serde_json::from_str(r#"{"role":"inspector","scope":"national"}"#).unwrap();
        assert_eq!(n, Grant::national(Inspector));
    }
}
