//! Each facility's control status, set by national operations with a reason; the
//! history is kept.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use custodia_domain::access::Action;
use custodia_domain::incident::ControlStatus;
use custodia_domain::text;
use custodia_domain::time::canonical;
use custodia_domain::validation::Collector;
use custodia_store::Store;
use custodia_store::crises::ControlRow;

use super::{CONTROL_STATUS_SET, new_event, past};
use crate::error::AppError;
use crate::principal::Principal;

/// A control status to set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ControlRequest {
    /// `normal`, `disturbance`, `partial_loss_of_control`, `lost_control`, `being_retaken`.
    pub status: ControlStatus,
    /// Why (at most 2,000 characters).
    pub reason: String,
    /// Since when (RFC 3339); now when absent.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub since: Option<Timestamp>,
}

/// A facility's control status.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ControlView {
    /// The facility.
    pub facility: String,
    /// The status.
    pub status: String,
    /// Why.
    pub reason: String,
    /// Since when.
    pub since: String,
    /// Set by.
    pub set_by: String,
}

pub(crate) fn view(c: ControlRow) -> ControlView {
    ControlView {
        facility: c.facility,
        status: c.status,
        reason: c.reason,
        since: c.since,
        set_by: c.set_by,
    }
}

/// Sets a facility's control status (national operations).
pub async fn set_control(
    store: &Store,
    who: &Principal,
    code: &str,
    r: ControlRequest,
) -> Result<ControlView, AppError> {
    let mut c = Collector::default();
    text::required(&mut c, "reason", &r.reason, 2000);
    c.finish()?;
    who.require(Action::FacilityRead, Some(code))?;
    who.require(Action::ControlStatusWrite, None)?;
    let now = Timestamp::now();
    let since = past("since", r.since.unwrap_or(now), now)?;
    let code = code.to_owned();
    let principal = who.clone();
    store
        .write(&who.actor, async move |tx| {
            tx.facility(&code)
                .await?
                .ok_or_else(|| AppError::not_found("facility", &code))?;
            if let Some(current) = tx.control(&code).await?
                && canonical(since) < current.since
            {
                return Err(crate::persons::invalid_field(
                    "since",
                    "before_current_status",
                    format!("{code} is {} since {}", current.status, current.since),
                ));
            }
            let row = ControlRow {
                facility: code.clone(),
                status: r.status.as_str().to_owned(),
                reason: r.reason.clone(),
                since: canonical(since),
                set_by: principal.actor.clone(),
            };
            tx.set_control(&row, &canonical(now)).await?;
            tx.append(new_event(
                CONTROL_STATUS_SET,
                since,
                Some(&code),
                format!("facility:{code}"),
                &serde_json::json!({
                    "facility": code, "status": r.status, "reason": r.reason,
                    "since": row.since,
                }),
            ))
            .await?;
            Ok(view(row))
        })
        .await
}

/// A facility's control status history, latest first (`normal` when never set).
pub async fn control_history(
    store: &Store,
    who: &Principal,
    code: &str,
) -> Result<Vec<ControlView>, AppError> {
    who.require(Action::FacilityRead, Some(code))?;
    store
        .facility(code)
        .await?
        .ok_or_else(|| AppError::not_found("facility", code))?;
    Ok(store
        .control_history(code)
        .await?
        .into_iter()
        .map(view)
        .collect())
}
