//! Use cases for the staff register: register, change, look up and list staff members.
//! Duty rosters (shifts, who is on duty) are in [`shifts`].
//!
//! Who sees whom: a facility-scoped user sees the staff whose home facility is theirs;
//! anyone else is absent for them (404). Registering and changing need `staff.write` at
//! the home facility (both homes, when it changes).

mod list;
mod shifts;

pub use list::{StaffPage, StaffQuery, list};
pub use shifts::{
    OnDutyMember, OnDutyView, PostView, ShiftView, ShiftsQuery, on_duty, record_shift, shifts,
};

use jiff::Timestamp;
use serde::Serialize;

use custodia_domain::access::Action;
use custodia_domain::events::{NewEvent, STAFF_REGISTERED, STAFF_UPDATED};
use custodia_domain::names::fold;
use custodia_domain::staff::{EmergencyContact, NewStaff, StaffKind, StaffPatch};
use custodia_domain::time::canonical;
use custodia_store::staff::StaffRow;
use custodia_store::{Store, StoreError, WriteTx};

use crate::error::AppError;
use crate::persons::{invalid_field, json, parse};
use crate::principal::Principal;

/// A staff member as the API shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StaffView {
    /// Id.
    pub id: i64,
    /// Service number.
    pub service_number: String,
    /// Given names.
    pub given_names: String,
    /// Surnames.
    pub surnames: String,
    /// What they do.
    pub kind: StaffKind,
    /// Rank or grade.
    pub rank: Option<String>,
    /// The facility they belong to.
    pub home_facility: String,
    /// Whom to call.
    pub emergency_contact: Option<EmergencyContact>,
    /// In service.
    pub active: bool,
    /// The username of the linked user account, if any.
    pub user: Option<String>,
    /// When registered.
    pub created_at: String,
    /// When last changed.
    pub updated_at: String,
}

pub(crate) fn corrupt(what: &str, e: impl std::fmt::Display) -> AppError {
    AppError::Store(StoreError::Corrupt(format!("{what}: {e}")))
}

/// The stored kind of a staff member.
pub(crate) fn kind_of(kind: &str) -> Result<StaffKind, AppError> {
    StaffKind::parse(kind).map_err(|e| corrupt("staff.kind", e))
}

impl TryFrom<StaffRow> for StaffView {
    type Error = AppError;

    fn try_from(s: StaffRow) -> Result<Self, AppError> {
        Ok(StaffView {
            kind: kind_of(&s.kind)?,
            emergency_contact: s
                .emergency_contact
                .as_deref()
                .map(|j| parse("staff.emergency_contact", j))
                .transpose()?,
            id: s.id,
            service_number: s.service_number,
            given_names: s.given_names,
            surnames: s.surnames,
            rank: s.rank,
            home_facility: s.home_facility,
            active: s.active,
            user: s.username,
            created_at: s.created_at,
            updated_at: s.updated_at,
        })
    }
}

/// The subject of a staff member's journal entries.
pub fn staff_subject(id: i64) -> String {
    format!("staff:{id}")
}

/// Whether the principal may see this staff member (by their home facility).
pub(crate) fn sees(who: &Principal, s: &StaffRow) -> bool {
    who.allows(Action::StaffRead, Some(&s.home_facility))
}

/// The staff member, if the principal may see them; else as if they did not exist.
async fn visible(tx: &mut WriteTx, who: &Principal, id: i64) -> Result<StaffRow, AppError> {
    tx.staff_member(id)
        .await?
        .filter(|s| sees(who, s))
        .ok_or_else(|| AppError::not_found("staff", id))
}

/// Refuses unless the facility exists and the principal may write staff there (a
/// facility out of sight is as absent as one that does not exist).
async fn writable_facility(tx: &mut WriteTx, who: &Principal, code: &str) -> Result<(), AppError> {
    who.require(Action::StaffWrite, Some(code))?;
    if tx.facility(code).await?.is_none() {
        return Err(AppError::not_found("facility", code));
    }
    Ok(())
}

/// Checks that `username` names a user not linked to another staff member than `own`.
async fn linkable(tx: &mut WriteTx, username: &str, own: Option<i64>) -> Result<(), AppError> {
    if !tx.user_exists(username).await? {
        return Err(invalid_field(
            "user",
            "unknown_user",
            format!("there is no user {username}"),
        ));
    }
    if let Some(other) = tx.staff_by_user(username).await?
        && Some(other.id) != own
    {
        return Err(AppError::Conflict {
            code: "user_already_linked",
            message: format!(
                "user {username} is already linked to another staff member; a user is linked to at most one"
            ),
        });
    }
    Ok(())
}

fn event(event_type: &'static str, s: &StaffView, payload: String, at: Timestamp) -> NewEvent {
    NewEvent {
        event_type,
        schema_version: 1,
        occurred_at: at,
        facility: Some(s.home_facility.clone()),
        subject: staff_subject(s.id),
        payload,
    }
}

/// Registers a staff member (`staff.registered`).
pub async fn register(
    store: &Store,
    who: &Principal,
    new: NewStaff,
) -> Result<StaffView, AppError> {
    new.validate()?;
    let now = Timestamp::now();
    let who = who.clone();
    store
        .write(&who.actor.clone(), async move |tx| {
            writable_facility(tx, &who, &new.home_facility).await?;
            if tx
                .staff_by_service_number(&new.service_number)
                .await?
                .is_some()
            {
                return Err(AppError::Conflict {
                    code: "duplicate_service_number",
                    message: format!(
                        "service number {} is already registered",
                        new.service_number
                    ),
                });
            }
            if let Some(user) = &new.user {
                linkable(tx, user, None).await?;
            }
            let stamp = canonical(now);
            let mut row = StaffRow {
                id: 0,
                service_number: new.service_number.clone(),
                given_names: new.given_names.clone(),
                surnames: new.surnames.clone(),
                kind: new.kind.as_str().to_owned(),
                rank: new.rank.clone(),
                home_facility: new.home_facility.clone(),
                emergency_contact: new.emergency_contact.as_ref().map(json),
                active: new.active.unwrap_or(true),
                username: new.user.clone(),
                sort_key: fold(&format!("{} {}", new.surnames, new.given_names)),
                search_key: fold(&format!(
                    "{} {} {}",
                    new.service_number, new.given_names, new.surnames
                )),
                created_at: stamp.clone(),
                updated_at: stamp,
            };
            row.id = tx.insert_staff(&row).await?;
            let view = StaffView::try_from(row)?;
            let payload = json(&serde_json::json!({ "staff": &view }));
            tx.append(event(STAFF_REGISTERED, &view, payload, now))
                .await?;
            Ok(view)
        })
        .await
}

/// One staff member.
pub async fn get(store: &Store, who: &Principal, id: i64) -> Result<StaffView, AppError> {
    who.require_some(Action::StaffRead)?;
    let s = store
        .staff_member(id)
        .await?
        .filter(|s| sees(who, s))
        .ok_or_else(|| AppError::not_found("staff", id))?;
    StaffView::try_from(s)
}

/// Changes a staff member's rank, home facility, emergency contact, whether in service,
/// or linked user (`staff.updated`; nothing is journaled when nothing changes).
pub async fn update(
    store: &Store,
    who: &Principal,
    id: i64,
    patch: StaffPatch,
) -> Result<StaffView, AppError> {
    who.require_some(Action::StaffRead)?;
    let now = Timestamp::now();
    let who = who.clone();
    store
        .write(&who.actor.clone(), async move |tx| {
            let before = visible(tx, &who, id).await?;
            who.require_in(Action::StaffWrite, &before.home_facility, "staff", id)?;
            patch.validate()?;
            let mut after = before.clone();
            if let Some(home) = &patch.home_facility
                && *home != before.home_facility
            {
                writable_facility(tx, &who, home).await?;
                after.home_facility = home.clone();
            }
            if let Some(rank) = &patch.rank {
                after.rank = rank.clone();
            }
            if let Some(contact) = &patch.emergency_contact {
                after.emergency_contact = contact.as_ref().map(json);
            }
            if let Some(active) = patch.active {
                after.active = active;
            }
            if let Some(user) = &patch.user {
                if let Some(u) = user
                    && before.username.as_deref() != Some(u)
                {
                    linkable(tx, u, Some(id)).await?;
                }
                after.username = user.clone();
            }
            if after == before {
                return StaffView::try_from(after);
            }
            after.updated_at = canonical(now);
            tx.update_staff(&after).await?;
            let view = StaffView::try_from(after)?;
            let payload = json(&serde_json::json!({
                "changes": &patch,
                "previous_home_facility": before.home_facility,
                "staff": &view,
            }));
            tx.append(event(STAFF_UPDATED, &view, payload, now)).await?;
            Ok(view)
        })
        .await
}
