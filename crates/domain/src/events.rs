//! Domain events: every state change is one of these, appended to the journal in the
//! same transaction as the read-table change it explains.

use jiff::Timestamp;
use serde::Serialize;

use crate::facility::{Facility, FacilityPatch};
use crate::location::{Location, LocationPatch, OutOfService};

/// A facility was registered.
pub const FACILITY_REGISTERED: &str = "facility.registered";
/// A facility's details changed.
pub const FACILITY_CHANGED: &str = "facility.changed";
/// A location was added to a facility.
pub const LOCATION_ADDED: &str = "location.added";
/// A location's details changed.
pub const LOCATION_CHANGED: &str = "location.changed";
/// A location was put out of service.
pub const LOCATION_OUT_OF_SERVICE: &str = "location.taken_out_of_service";
/// A location was put back in service.
pub const LOCATION_RETURNED: &str = "location.returned_to_service";

/// A person was admitted into custody (a new person registered, or a known one re-admitted).
pub const PERSON_ADMITTED: &str = "person.admitted";
/// A court document was filed with an open custody episode.
pub const LEGAL_DOCUMENT_RECORDED: &str = "person.legal_document_recorded";
/// A person was released and the custody episode closed.
pub const PERSON_RELEASED: &str = "person.released";
/// A person's identity or admission record was corrected.
pub const PERSON_CORRECTED: &str = "person.corrected";
/// A person was placed in a cell for the first time in an episode (from unallocated).
pub const PERSON_PLACED: &str = "person.placed";
/// A person was moved from one cell to another within the facility.
pub const PERSON_MOVED: &str = "person.moved";
/// A person's security classification was set.
pub const PERSON_CLASSIFIED: &str = "person.classified";
/// A security threat group was registered.
pub const GROUP_REGISTERED: &str = "group.registered";
/// A person's affiliation with a group was recorded.
pub const AFFILIATION_RECORDED: &str = "person.affiliation_recorded";
/// A keep-apart rule was recorded.
pub const KEEP_APART_RECORDED: &str = "keep_apart.recorded";
/// A physical count was recorded.
pub const COUNT_RECORDED: &str = "count.recorded";
/// A count's discrepancy was reconciled.
pub const COUNT_RECONCILED: &str = "count.reconciled";
/// A staff member was registered.
pub const STAFF_REGISTERED: &str = "staff.registered";
/// A staff member's details changed (rank, home facility, contact, active, linked user).
pub const STAFF_UPDATED: &str = "staff.updated";
/// A shift was recorded on a facility's duty roster.
pub const SHIFT_RECORDED: &str = "shift.recorded";

/// A user was created.
pub const USER_CREATED: &str = "user.created";
/// A user was given a role.
pub const USER_GRANTED: &str = "user.granted";
/// A user was disabled.
pub const USER_DISABLED: &str = "user.disabled";
/// A user was locked after repeated failed sign-ins.
pub const USER_LOCKED: &str = "user.locked";
/// A user chose their interface language.
pub const USER_LANGUAGE_SET: &str = "user.language_set";
/// A user changed their own password.
pub const USER_PASSWORD_CHANGED: &str = "user.password_changed";
/// An API token was created.
pub const TOKEN_CREATED: &str = "token.created";
/// An API token was revoked.
pub const TOKEN_REVOKED: &str = "token.revoked";

/// The subject name of a user.
pub fn user_subject(username: &str) -> String {
    format!("user:{username}")
}

/// An event about to be appended: the journal adds sequence, id, actor, recorded_at and hashes.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    /// The event type, e.g. `location.added`.
    pub event_type: &'static str,
    /// Version of this type's payload schema.
    pub schema_version: i64,
    /// When it happened in the world.
    pub occurred_at: Timestamp,
    /// The facility concerned, if any.
    pub facility: Option<String>,
    /// What it is about, e.g. `location:42`.
    pub subject: String,
    /// The payload as JSON text: serialized once, here, and hashed exactly as stored.
    pub payload: String,
}

/// Serializes a payload. Domain types are plain data, so this cannot fail; if it ever
/// did, the entry would still record `null` rather than lose the event.
pub fn payload(v: &impl Serialize) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".to_owned())
}

#[derive(Serialize)]
struct FacilityPayload<'a> {
    facility: &'a Facility,
}

#[derive(Serialize)]
struct FacilityChangedPayload<'a> {
    changes: &'a FacilityPatch,
    facility: &'a Facility,
}

#[derive(Serialize)]
struct LocationPayload<'a> {
    location: &'a Location,
}

#[derive(Serialize)]
struct LocationChangedPayload<'a> {
    changes: &'a LocationPatch,
    location: &'a Location,
}

#[derive(Serialize)]
struct OutOfServicePayload<'a> {
    location_id: i64,
    code: &'a str,
    period: &'a OutOfService,
    /// An earlier period, already ended, that this one replaces.
    replaced_period: Option<&'a OutOfService>,
}

#[derive(Serialize)]
struct ReturnedPayload<'a> {
    location_id: i64,
    code: &'a str,
    ended_period: Option<&'a OutOfService>,
}

/// The subject name of a facility.
pub fn facility_subject(code: &str) -> String {
    format!("facility:{code}")
}

/// The subject name of a location.
pub fn location_subject(id: i64) -> String {
    format!("location:{id}")
}

impl NewEvent {
    /// An event about a user (never carrying a secret), national in scope.
    pub fn about_user(
        event_type: &'static str,
        username: &str,
        details: &impl Serialize,
        at: Timestamp,
    ) -> Self {
        Self {
            event_type,
            schema_version: 1,
            occurred_at: at,
            facility: None,
            subject: user_subject(username),
            payload: payload(details),
        }
    }

    fn new(
        event_type: &'static str,
        at: Timestamp,
        facility: &str,
        subject: String,
        payload: String,
    ) -> Self {
        Self {
            event_type,
            schema_version: 1,
            occurred_at: at,
            facility: Some(facility.to_owned()),
            subject,
            payload,
        }
    }

    /// `facility.registered`, carrying the whole facility.
    pub fn facility_registered(f: &Facility, at: Timestamp) -> Self {
        Self::new(
            FACILITY_REGISTERED,
            at,
            &f.code,
            facility_subject(&f.code),
            payload(&FacilityPayload { facility: f }),
        )
    }

    /// `facility.changed`, carrying the change asked for and the result.
    pub fn facility_changed(after: &Facility, patch: &FacilityPatch, at: Timestamp) -> Self {
        Self::new(
            FACILITY_CHANGED,
            at,
            &after.code,
            facility_subject(&after.code),
            payload(&FacilityChangedPayload {
                changes: patch,
                facility: after,
            }),
        )
    }

    /// `location.added`, carrying the whole location.
    pub fn location_added(l: &Location, at: Timestamp) -> Self {
        Self::new(
            LOCATION_ADDED,
            at,
            &l.facility,
            location_subject(l.id),
            payload(&LocationPayload { location: l }),
        )
    }

    /// `location.changed`, carrying the change asked for and the result.
    pub fn location_changed(after: &Location, patch: &LocationPatch, at: Timestamp) -> Self {
        Self::new(
            LOCATION_CHANGED,
            at,
            &after.facility,
            location_subject(after.id),
            payload(&LocationChangedPayload {
                changes: patch,
                location: after,
            }),
        )
    }

    /// `location.taken_out_of_service`, carrying the period (and an ended one it replaces).
    pub fn location_out_of_service(
        l: &Location,
        period: &OutOfService,
        replaced: Option<&OutOfService>,
        at: Timestamp,
    ) -> Self {
        Self::new(
            LOCATION_OUT_OF_SERVICE,
            at,
            &l.facility,
            location_subject(l.id),
            payload(&OutOfServicePayload {
                location_id: l.id,
                code: &l.code,
                period,
                replaced_period: replaced,
            }),
        )
    }

    /// `location.returned_to_service`, carrying the period that ended.
    pub fn location_returned(l: &Location, ended: Option<&OutOfService>, at: Timestamp) -> Self {
        Self::new(
            LOCATION_RETURNED,
            at,
            &l.facility,
            location_subject(l.id),
            payload(&ReturnedPayload {
                location_id: l.id,
                code: &l.code,
                ended_period: ended,
            }),
        )
    }
}
