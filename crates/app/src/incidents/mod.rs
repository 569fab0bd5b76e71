//! Incidents and crisis command: incidents at facilities and at sites outside them,
//! crises grouping them, the staff accountability board with hostages taken and
//! released, the notifications the law requires, each facility's control status, and
//! the national situation.

mod control;
mod crises;
mod notify;
mod report;
mod situation;
mod staff_status;

pub use control::{ControlRequest, ControlView, control_history, set_control};
pub use crises::{
    AddIncident, BoardFacility, BoardStaff, BoardView, CrisisClose, CrisisRequest, CrisisView,
    accountability, add_incident, close_crisis, crises, crisis, crisis_timeline_entry, open_crisis,
};
pub(crate) use notify::{About, created_event, notify, required_for};
pub use notify::{NotificationDone, NotificationQuery, NotificationView, complete, notifications};
pub use report::{
    AttachmentRequest, AttachmentView, CasualtyRequest, CasualtyView, IncidentQuery,
    IncidentRequest, IncidentSummary, IncidentView, InvolvedRequest, InvolvedView, LinkSearch,
    LinkedSearchView, StatusRequest, TimelineRequest, TimelineView, add_attachment, add_involved,
    add_timeline, change_status, incident, incidents, link_search, record_casualty, report,
};
pub(crate) use report::{NewIncident, casualty, involve_deceased, open_incident};
pub use situation::{Situation, situation};
pub use staff_status::{
    HostageRelease, HostageRequest, StaffIds, StaffStatusRequest, release_hostages,
    set_staff_status, take_hostages,
};

use jiff::Timestamp;

use custodia_domain::events::NewEvent;

use crate::error::AppError;
use crate::persons::invalid_field;

/// An incident was reported.
pub const INCIDENT_REPORTED: &str = "incident.reported";
/// An incident's status changed.
pub const INCIDENT_STATUS_CHANGED: &str = "incident.status_changed";
/// An entry was added to an incident's or a crisis's timeline.
pub const TIMELINE_ENTRY_ADDED: &str = "timeline.entry_added";
/// A person or staff member was recorded as involved.
pub const INCIDENT_PERSON_INVOLVED: &str = "incident.person_involved";
/// A casualty was recorded.
pub const CASUALTY_RECORDED: &str = "incident.casualty_recorded";
/// An attachment was referenced.
pub const ATTACHMENT_ADDED: &str = "incident.attachment_added";
/// A search was linked to an incident.
pub const INCIDENT_SEARCH_LINKED: &str = "incident.search_linked";
/// A crisis was opened.
pub const CRISIS_OPENED: &str = "crisis.opened";
/// An incident was added to a crisis.
pub const CRISIS_INCIDENT_ADDED: &str = "crisis.incident_added";
/// A crisis was closed.
pub const CRISIS_CLOSED: &str = "crisis.closed";
/// Staff were taken hostage.
pub const HOSTAGES_TAKEN: &str = "crisis.hostages_taken";
/// Hostages were released.
pub const HOSTAGES_RELEASED: &str = "crisis.hostages_released";
/// Staff status changed (injured, missing, deceased, accounted for).
pub const STAFF_STATUS_CHANGED: &str = "crisis.staff_status_changed";
/// A notification task was created.
pub const NOTIFICATION_CREATED: &str = "notification.created";
/// A notification was made.
pub const NOTIFICATION_DONE: &str = "notification.done";
/// A facility's control status was set.
pub const CONTROL_STATUS_SET: &str = "facility.control_status_set";

fn new_event(
    event_type: &'static str,
    occurred_at: Timestamp,
    facility: Option<&str>,
    subject: String,
    payload: &impl serde::Serialize,
) -> NewEvent {
    NewEvent {
        event_type,
        schema_version: 1,
        occurred_at,
        facility: facility.map(str::to_owned),
        subject,
        payload: crate::persons::json(payload),
    }
}

/// Refuses an instant after `now`; returns it at the journal's precision.
fn past(field: &str, at: Timestamp, now: Timestamp) -> Result<Timestamp, AppError> {
    if at > now {
        return Err(invalid_field(
            field,
            "in_the_future",
            format!("{field} is in the future"),
        ));
    }
    Ok(custodia_domain::time::to_micros(at))
}

/// Parses an instant read back from the database.
fn stored(column: &str, text: &str) -> Result<Timestamp, AppError> {
    custodia_domain::time::parse(text).map_err(|e| {
        AppError::Store(custodia_store::StoreError::Corrupt(format!(
            "{column}: {e}"
        )))
    })
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> AppError {
    AppError::Store(custodia_store::StoreError::Corrupt(format!("{what}: {e}")))
}
