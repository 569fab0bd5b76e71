//! Legal deadlines: who must be released soon, and who is held past a legal limit — the
//! gravest alert the system raises, always listed first.

use std::collections::HashMap;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use custodia_domain::access::{Action, FacilityFilter};
use custodia_domain::deadlines::{Deadline, DeadlineKind, rank};
use custodia_domain::time::date_in;
use custodia_domain::{FieldError, Invalid};
use custodia_store::Store;

use crate::error::AppError;
use crate::principal::Principal;

/// The longest window that may be asked for, in days.
pub const MAX_WINDOW_DAYS: i64 = 3650;

/// One legal limit of one person.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DeadlineItem {
    /// The person.
    pub person_id: i64,
    /// Registry number.
    pub registry_number: String,
    /// Full name.
    pub full_name: String,
    /// The facility holding them.
    pub facility: String,
    /// Which limit.
    pub kind: DeadlineKind,
    /// The last lawful day.
    #[schema(value_type = String, format = Date)]
    pub due: Date,
    /// Held past the limit.
    pub overdue: bool,
    /// Days from today (in the facility's time zone) to the limit; negative when overdue.
    pub days_left: i64,
}

/// Deadlines in a window, overdue first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Deadlines {
    /// The window asked for.
    pub within_days: i64,
    /// How many are overdue.
    pub overdue: usize,
    /// Overdue first (longest overdue first), then soonest.
    pub items: Vec<DeadlineItem>,
}

fn parse_date(text: &str) -> Result<Date, AppError> {
    text.parse().map_err(|e| {
        AppError::Store(custodia_store::StoreError::Corrupt(format!(
            "date {text}: {e}"
        )))
    })
}

/// Pretrial expiries and release dates overdue or due within `within_days`, in `facility`
/// or in every facility the principal may read.
pub async fn deadlines(
    store: &Store,
    who: &Principal,
    facility: Option<&str>,
    within_days: i64,
) -> Result<Deadlines, AppError> {
    if !(0..=MAX_WINDOW_DAYS).contains(&within_days) {
        return Err(Invalid(vec![FieldError::new(
            "within_days",
            "out_of_range",
            format!("within_days must be between 0 and {MAX_WINDOW_DAYS}"),
        )])
        .into());
    }
    let scope = match facility {
        Some(code) => {
            who.require(Action::PersonRead, Some(code))?;
            if store.facility(code).await?.is_none() {
                return Err(AppError::not_found("facility", code));
            }
            FacilityFilter::Only(vec![code.to_owned()])
        }
        None => who.require_some(Action::PersonRead)?,
    };
    let now = Timestamp::now();
    let zones: HashMap<String, String> = store
        .facilities()
        .await?
        .into_iter()
        .map(|f| (f.code, f.timezone))
        .collect();
    // A day beyond the window in UTC covers every time zone; each row is then judged by
    // its own facility's date.
    let until = date_in(now, "UTC")
        .checked_add(jiff::Span::new().days(within_days + 1))
        .map_err(|e| AppError::Store(custodia_store::StoreError::Corrupt(e.to_string())))?;
    // The store reads each facility in reach through its own index ("" reads them all).
    let codes: Vec<&str> = match &scope {
        FacilityFilter::All => vec![""],
        FacilityFilter::Only(codes) => codes.iter().map(String::as_str).collect(),
    };
    let mut rows = Vec::new();
    for code in codes {
        rows.extend(store.deadlines(code, &until.to_string()).await?);
    }
    let mut limits = Vec::new();
    for row in &rows {
        if let Some(d) = &row.pretrial_expiry {
            limits.push(Deadline {
                person: row.registry_number.clone(),
                kind: DeadlineKind::PretrialExpiry,
                due: parse_date(d)?,
            });
        }
        if let Some(d) = &row.release_date {
            limits.push(Deadline {
                person: row.registry_number.clone(),
                kind: DeadlineKind::SentenceEnd,
                due: parse_date(d)?,
            });
        }
    }
    let by_registry: HashMap<&str, &custodia_store::persons::DeadlineRow> = rows
        .iter()
        .map(|r| (r.registry_number.as_str(), r))
        .collect();
    let today_of = |d: &Deadline| {
        let zone = by_registry
            .get(d.person.as_str())
            .and_then(|r| zones.get(&r.facility))
            .map_or("UTC", String::as_str);
        date_in(now, zone)
    };
    let items: Vec<DeadlineItem> = rank(limits, today_of, within_days)
        .into_iter()
        .filter_map(|r| {
            let row = by_registry.get(r.deadline.person.as_str())?;
            Some(DeadlineItem {
                person_id: row.person_id,
                registry_number: row.registry_number.clone(),
                full_name: row.full_name.clone(),
                facility: row.facility.clone(),
                kind: r.deadline.kind,
                due: r.deadline.due,
                overdue: r.overdue,
                days_left: r.days_left,
            })
        })
        .collect();
    Ok(Deadlines {
        within_days,
        overdue: items.iter().filter(|i| i.overdue).count(),
        items,
    })
}
