//! Seizing an item in a search, handing it over along its chain of custody, and reading
//! an item with its whole chain.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use custodia_domain::access::Action;
use custodia_domain::seizure::{
    CashDetails, Disposal, DrugDetails, Holder, ItemCategory, may_hand_over, milligrams,
    minor_units, month_in, validate_item,
};
use custodia_domain::text;
use custodia_domain::time::{canonical, to_micros};
use custodia_domain::validation::Collector;
use custodia_store::seizures::{HandoverRow, ItemRow};
use custodia_store::{Store, WriteTx};

use super::views::{ItemView, item_view};
use super::{
    ITEM_DISPOSED, ITEM_HANDED_OVER, ITEM_SEIZED, check_instant, corrupt, event, in_custody_at,
    sees, stored,
};
use crate::error::AppError;
use crate::persons::invalid_field;
use crate::principal::Principal;

/// An item seized in a search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemRequest {
    /// What kind of thing.
    pub category: ItemCategory,
    /// What it is, e.g. `Fusiles` (at most 500 characters).
    pub description: Option<String>,
    /// How many (at least 1).
    pub quantity: i64,
    /// For drugs (required then): which, and the weight in grams.
    pub drugs: Option<DrugDetails>,
    /// For cash (required then): currency and amount.
    pub cash: Option<CashDetails>,
    /// Where found: a location of the search's facility (this, `found_place`, or both).
    pub location_id: Option<i64>,
    /// Where found, in words (at most 500 characters).
    pub found_place: Option<String>,
    /// The person in custody it is linked to, if known (in custody at that facility).
    pub person_id: Option<i64>,
    /// A photograph, by reference (at most 500 characters).
    pub photo_reference: Option<String>,
    /// Who takes it first: a staff member or a named person with their office.
    pub holder: Holder,
    /// When found (RFC 3339), within the search; its end when absent.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub found_at: Option<Timestamp>,
}

/// A handover along an item's chain of custody.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandoverRequest {
    /// Who hands it over: must be who holds it now.
    pub from: Holder,
    /// Who receives it.
    pub to: Holder,
    /// When (RFC 3339), not before the holder received it.
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// What for (at most 1,000 characters), e.g. `Ingreso al centro de acopio`.
    pub purpose: String,
    /// For the last link: destroyed, handed to the prosecutor, or returned. Nothing more
    /// is accepted after it.
    pub disposal: Option<Disposal>,
}

/// Checks that a staff member named as a holder is registered.
async fn staff_known(tx: &mut WriteTx, holder: &Holder, field: &str) -> Result<(), AppError> {
    if let Some(id) = holder.staff_id
        && tx.staff_member(id).await?.is_none()
    {
        return Err(invalid_field(
            &format!("{field}.staff_id"),
            "unknown_staff",
            format!("staff member {id} is not registered"),
        ));
    }
    Ok(())
}

/// Records an item seized in a search (`item.seized`), with its first holder.
pub async fn seize(
    store: &Store,
    who: &Principal,
    search_id: i64,
    r: ItemRequest,
) -> Result<ItemView, AppError> {
    let now = Timestamp::now();
    let mut c = Collector::default();
    validate_item(
        &mut c,
        r.category,
        r.quantity,
        r.drugs.as_ref(),
        r.cash.as_ref(),
        r.location_id,
        r.found_place.as_deref(),
    );
    for (field, value) in [
        ("description", &r.description),
        ("photo_reference", &r.photo_reference),
    ] {
        if let Some(v) = value {
            text::required(&mut c, field, v, 500);
        }
    }
    r.holder.validate(&mut c, "holder");
    if let Some(at) = r.found_at {
        check_instant(&mut c, "found_at", at, now);
    }
    c.finish()?;
    let who = who.clone();
    let id = store
        .write(&who.actor.clone(), async move |tx| {
            let s = tx
                .search(search_id)
                .await?
                .filter(|s| sees(&who, &s.facility))
                .ok_or_else(|| AppError::not_found("search", search_id))?;
            who.require_in(Action::ItemCustody, &s.facility, "search", search_id)?;
            let (started, ended) = (
                stored("searches.started_at", &s.started_at)?,
                stored("searches.ended_at", &s.ended_at)?,
            );
            let found_at = r.found_at.map_or(ended, to_micros);
            if found_at < started || found_at > ended {
                return Err(invalid_field(
                    "found_at",
                    "outside_search",
                    format!(
                        "found_at is not within the search ({} to {})",
                        s.started_at, s.ended_at
                    ),
                ));
            }
            if let Some(l) = r.location_id
                && tx
                    .location(l)
                    .await?
                    .is_none_or(|l| l.facility != s.facility)
            {
                return Err(invalid_field(
                    "location_id",
                    "unknown_location",
                    format!("location {l} is not a place of {}", s.facility),
                ));
            }
            if let Some(p) = r.person_id
                && !in_custody_at(tx, p, &s.facility).await?
            {
                return Err(invalid_field(
                    "person_id",
                    "not_in_custody_here",
                    format!("person {p} is not in custody at {}", s.facility),
                ));
            }
            staff_known(tx, &r.holder, "holder").await?;
            let timezone = tx
                .facility(&s.facility)
                .await?
                .map(|f| f.timezone)
                .ok_or_else(|| corrupt("searches.facility", &s.facility))?;
            let mut row = ItemRow {
                id: 0,
                search_id,
                facility: s.facility.clone(),
                category: r.category.as_str().to_owned(),
                description: r.description.clone(),
                quantity: r.quantity,
                drug_kind: r.drugs.as_ref().map(|d| d.kind.as_str().to_owned()),
                weight_mg: r.drugs.as_ref().and_then(|d| d.grams).and_then(milligrams),
                currency: r.cash.as_ref().and_then(|m| m.currency.clone()),
                amount_minor: r.cash.as_ref().and_then(|m| m.amount).and_then(minor_units),
                location_id: r.location_id,
                found_place: r.found_place.clone(),
                person_id: r.person_id,
                photo_reference: r.photo_reference.clone(),
                found_at: canonical(found_at),
                found_month: month_in(found_at, &timezone),
                first_holder: r.holder.clone(),
                holder: r.holder.clone(),
                held_since: canonical(found_at),
                disposal: None,
                recorded_at: canonical(now),
                recorded_by: who.actor.clone(),
            };
            row.id = tx.insert_item(&row).await?;
            tx.append(event(
                ITEM_SEIZED,
                found_at,
                &s.facility,
                format!("item:{}", row.id),
                &serde_json::json!({
                    "item_id": row.id, "search_id": search_id, "facility": row.facility,
                    "category": r.category, "description": row.description,
                    "quantity": row.quantity, "drugs": r.drugs.as_ref().map(|d| serde_json::json!({
                        "kind": d.kind, "milligrams": row.weight_mg,
                    })),
                    "cash": r.cash.as_ref().map(|m| serde_json::json!({
                        "currency": m.currency, "minor_units": row.amount_minor,
                    })),
                    "location_id": row.location_id, "found_place": row.found_place,
                    "person_id": row.person_id, "photo_reference": row.photo_reference,
                    "found_at": row.found_at, "found_month": row.found_month,
                    "holder": row.holder,
                }),
            ))
            .await?;
            Ok::<_, AppError>(row.id)
        })
        .await?;
    item_view(
        store
            .seized_item(id)
            .await?
            .ok_or_else(|| AppError::not_found("item", id))?,
        Vec::new(),
    )
}

/// Hands an item over (`item.handed_over`, or `item.disposed` with a disposal): only
/// from its current holder, only until it is disposed of.
pub async fn hand_over(
    store: &Store,
    who: &Principal,
    id: i64,
    r: HandoverRequest,
) -> Result<ItemView, AppError> {
    let now = Timestamp::now();
    let mut c = Collector::default();
    r.from.validate(&mut c, "from");
    r.to.validate(&mut c, "to");
    c.check(
        r.from.same_as(&r.to),
        "to",
        "same_holder",
        "an item is handed over to someone else",
    );
    text::required(&mut c, "purpose", &r.purpose, 1000);
    check_instant(&mut c, "at", r.at, now);
    c.finish()?;
    let at = to_micros(r.at);
    let principal = who.clone();
    store
        .write(&who.actor, async move |tx| {
            let who = &principal;
            let item = tx
                .seized_item(id)
                .await?
                .filter(|i| sees(who, &i.facility))
                .ok_or_else(|| AppError::not_found("item", id))?;
            who.require_in(Action::ItemCustody, &item.facility, "item", id)?;
            let disposal = item
                .disposal
                .as_deref()
                .map(Disposal::parse)
                .transpose()
                .map_err(|e| corrupt("seized_items.disposal", e))?;
            may_hand_over(&item.holder, disposal, &r.from)?;
            if at < stored("seized_items.held_since", &item.held_since)? {
                return Err(invalid_field(
                    "at",
                    "before_custody",
                    format!(
                        "at is before the holder received the item ({})",
                        item.held_since
                    ),
                ));
            }
            staff_known(tx, &r.to, "to").await?;
            let mut h = HandoverRow {
                id: 0,
                item_id: id,
                from: r.from.clone(),
                to: r.to.clone(),
                at: canonical(at),
                purpose: r.purpose.clone(),
                disposal: r.disposal.map(|d| d.as_str().to_owned()),
                recorded_at: canonical(now),
                recorded_by: who.actor.clone(),
            };
            h.id = tx.insert_handover(&h).await?;
            tx.append(event(
                if r.disposal.is_some() {
                    ITEM_DISPOSED
                } else {
                    ITEM_HANDED_OVER
                },
                at,
                &item.facility,
                format!("item:{id}"),
                &serde_json::json!({
                    "item_id": id, "handover_id": h.id, "from": h.from, "to": h.to,
                    "at": h.at, "purpose": h.purpose, "disposal": r.disposal,
                }),
            ))
            .await?;
            Ok::<_, AppError>(())
        })
        .await?;
    item(store, who, id).await
}

/// One seized item with its whole chain of custody.
pub async fn item(store: &Store, who: &Principal, id: i64) -> Result<ItemView, AppError> {
    let i = store
        .seized_item(id)
        .await?
        .filter(|i| sees(who, &i.facility))
        .ok_or_else(|| AppError::not_found("item", id))?;
    let chain = store.handovers(id).await?;
    item_view(i, chain)
}
