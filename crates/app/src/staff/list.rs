//! Listing the staff register: by home facility, kind, in service or not, and a fragment
//! of the service number or names, in name order, a page at a time.

use serde::{Deserialize, Serialize};

use custodia_domain::access::{Action, FacilityFilter};
use custodia_domain::names::fold;
use custodia_domain::staff::StaffKind;
use custodia_domain::text;
use custodia_domain::validation::Collector;
use custodia_store::Store;
use custodia_store::staff::{StaffFilter, StaffRow};

use super::StaffView;
use crate::error::AppError;
use crate::principal::Principal;

/// Largest page.
pub const MAX_LIMIT: i64 = 200;
/// Deepest offset.
pub const MAX_OFFSET: i64 = 10_000;
/// Page size when none is asked for.
const DEFAULT_LIMIT: i64 = 50;

/// Which staff to list, and which page.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StaffQuery {
    /// Only staff whose home facility this is; every facility in reach when absent.
    pub facility: Option<String>,
    /// Only this kind.
    pub kind: Option<StaffKind>,
    /// Only those in service (true) or not (false).
    pub active: Option<bool>,
    /// A fragment of the service number or names (accents and case ignored).
    pub q: Option<String>,
    /// Skip this many (default 0, at most 10000).
    pub offset: Option<i64>,
    /// At most this many (default 50, at most 200).
    pub limit: Option<i64>,
}

/// A page of staff, in name order.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StaffPage {
    /// This page.
    pub items: Vec<StaffView>,
    /// Where it starts.
    pub offset: i64,
    /// Its size limit.
    pub limit: i64,
    /// The offset of the next page, if there is one.
    pub next_offset: Option<i64>,
    /// How many staff match.
    pub total: i64,
}

/// Lists the staff the principal may see.
pub async fn list(store: &Store, who: &Principal, q: StaffQuery) -> Result<StaffPage, AppError> {
    let offset = q.offset.unwrap_or(0);
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
    let mut c = Collector::default();
    if let Some(text) = &q.q {
        text::optional(&mut c, "q", text, 200);
    }
    c.check(
        !(1..=MAX_LIMIT).contains(&limit),
        "limit",
        "out_of_range",
        format!("limit must be between 1 and {MAX_LIMIT}"),
    );
    c.check(
        !(0..=MAX_OFFSET).contains(&offset),
        "offset",
        "out_of_range",
        format!("offset must be between 0 and {MAX_OFFSET}"),
    );
    c.finish()?;
    let facilities: Vec<Option<String>> = match &q.facility {
        Some(code) => {
            who.require(Action::StaffRead, Some(code))?;
            if store.facility(code).await?.is_none() {
                return Err(AppError::not_found("facility", code));
            }
            vec![Some(code.clone())]
        }
        None => match who.require_some(Action::StaffRead)? {
            FacilityFilter::All => vec![None],
            FacilityFilter::Only(codes) => codes.into_iter().map(Some).collect(),
        },
    };
    let filter = |facility: Option<String>| StaffFilter {
        facility,
        kind: q.kind.map(|k| k.as_str().to_owned()),
        active: q.active,
        q: q.q.as_deref().map(fold).filter(|f| !f.is_empty()),
    };
    let (rows, total) = if let [one] = facilities.as_slice() {
        let f = filter(one.clone());
        (
            store.staff_list(&f, offset, limit).await?,
            store.staff_count(&f).await?,
        )
    } else {
        // Several facilities (a user granted more than one): each one's first
        // offset + limit in name order, merged.
        let mut rows: Vec<StaffRow> = Vec::new();
        let mut total = 0;
        for facility in facilities {
            let f = filter(facility);
            rows.extend(store.staff_list(&f, 0, offset + limit).await?);
            total += store.staff_count(&f).await?;
        }
        rows.sort_by(|a, b| a.sort_key.cmp(&b.sort_key).then(a.id.cmp(&b.id)));
        let page = rows
            .into_iter()
            .skip(offset as usize)
            .take(limit as usize)
            .collect();
        (page, total)
    };
    let items = rows
        .into_iter()
        .map(StaffView::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(StaffPage {
        items,
        offset,
        limit,
        next_offset: (offset + limit < total).then_some(offset + limit),
        total,
    })
}
