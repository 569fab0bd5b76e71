//! Searches, items and handovers as the API shows them, built from the stored rows.

use serde::Serialize;

use custodia_domain::seizure::{
    CashDetails, Disposal, DrugDetails, DrugKind, Holder, ItemCategory, PersonSafeguards,
    SearchKind, TeamMember, amount, grams,
};
use custodia_store::seizures::{HandoverRow, ItemRow, SearchRow, TeamRow};

use super::corrupt;
use crate::error::AppError;

/// One link of a chain of custody.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HandoverView {
    /// Id.
    pub id: i64,
    /// Who handed the item over (its holder until then).
    pub from: Holder,
    /// Who received it.
    pub to: Holder,
    /// When.
    pub at: String,
    /// What for.
    pub purpose: String,
    /// For the last link: how the item was disposed of.
    pub disposal: Option<Disposal>,
    /// When recorded.
    pub recorded_at: String,
    /// By whom.
    pub recorded_by: String,
}

/// A seized item with its whole chain of custody.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ItemView {
    /// Id.
    pub id: i64,
    /// The search that seized it.
    pub search_id: i64,
    /// The facility searched.
    pub facility: String,
    /// What kind of thing.
    pub category: ItemCategory,
    /// What it is, e.g. `Fusiles`.
    pub description: Option<String>,
    /// How many.
    pub quantity: i64,
    /// For drugs: which, and the weight in grams.
    pub drugs: Option<DrugDetails>,
    /// For cash: currency and amount.
    pub cash: Option<CashDetails>,
    /// Where found: a location of the facility.
    pub location_id: Option<i64>,
    /// Where found, in words.
    pub found_place: Option<String>,
    /// The person in custody it is linked to.
    pub person_id: Option<i64>,
    /// A photograph, by reference.
    pub photo_reference: Option<String>,
    /// When found.
    pub found_at: String,
    /// Who took it first.
    pub first_holder: Holder,
    /// Who holds it now (when disposed of: who received it last).
    pub holder: Holder,
    /// Since when.
    pub held_since: String,
    /// How it was disposed of; nothing more is accepted after that.
    pub disposal: Option<Disposal>,
    /// The handovers from the first holder on, in order.
    pub handovers: Vec<HandoverView>,
    /// When recorded.
    pub recorded_at: String,
    /// By whom.
    pub recorded_by: String,
}

/// A search in a list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SearchSummary {
    /// Id.
    pub id: i64,
    /// The facility searched.
    pub facility: String,
    /// What was searched.
    pub kind: SearchKind,
    /// When it began.
    pub started_at: String,
    /// When it ended.
    pub ended_at: String,
    /// Why.
    pub reason: String,
    /// Who authorised it.
    pub authorised_by: String,
    /// For a search of a person: who.
    pub person_id: Option<i64>,
    /// How many item lines it seized.
    pub items: i64,
    /// When recorded.
    pub recorded_at: String,
    /// By whom.
    pub recorded_by: String,
}

/// A search with everything it seized.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SearchView {
    /// Id.
    pub id: i64,
    /// The facility searched.
    pub facility: String,
    /// What was searched.
    pub kind: SearchKind,
    /// The locations searched.
    pub location_ids: Vec<i64>,
    /// Who searched.
    pub team: Vec<TeamMember>,
    /// Who authorised it.
    pub authorised_by: String,
    /// When it began.
    pub started_at: String,
    /// When it ended.
    pub ended_at: String,
    /// Why.
    pub reason: String,
    /// For a search of a person: who, and the safeguards recorded.
    pub person: Option<PersonSafeguards>,
    /// A note.
    pub note: Option<String>,
    /// What it seized, with each item's chain of custody.
    pub items: Vec<ItemView>,
    /// When recorded.
    pub recorded_at: String,
    /// By whom.
    pub recorded_by: String,
}

pub(super) fn handover_view(h: HandoverRow) -> Result<HandoverView, AppError> {
    Ok(HandoverView {
        disposal: h
            .disposal
            .as_deref()
            .map(Disposal::parse)
            .transpose()
            .map_err(|e| corrupt("item_handovers.disposal", e))?,
        id: h.id,
        from: h.from,
        to: h.to,
        at: h.at,
        purpose: h.purpose,
        recorded_at: h.recorded_at,
        recorded_by: h.recorded_by,
    })
}

pub(super) fn item_view(i: ItemRow, handovers: Vec<HandoverRow>) -> Result<ItemView, AppError> {
    let drugs = match (&i.drug_kind, i.weight_mg) {
        (Some(kind), Some(mg)) => Some(DrugDetails {
            kind: DrugKind::parse(kind).map_err(|e| corrupt("seized_items.drug_kind", e))?,
            grams: Some(grams(mg)),
        }),
        _ => None,
    };
    let cash = match (&i.currency, i.amount_minor) {
        (Some(currency), Some(minor)) => Some(CashDetails {
            currency: Some(currency.clone()),
            amount: Some(amount(minor)),
        }),
        _ => None,
    };
    Ok(ItemView {
        category: ItemCategory::parse(&i.category)
            .map_err(|e| corrupt("seized_items.category", e))?,
        disposal: i
            .disposal
            .as_deref()
            .map(Disposal::parse)
            .transpose()
            .map_err(|e| corrupt("seized_items.disposal", e))?,
        handovers: handovers
            .into_iter()
            .map(handover_view)
            .collect::<Result<_, _>>()?,
        drugs,
        cash,
        id: i.id,
        search_id: i.search_id,
        facility: i.facility,
        description: i.description,
        quantity: i.quantity,
        location_id: i.location_id,
        found_place: i.found_place,
        person_id: i.person_id,
        photo_reference: i.photo_reference,
        found_at: i.found_at,
        first_holder: i.first_holder,
        holder: i.holder,
        held_since: i.held_since,
        recorded_at: i.recorded_at,
        recorded_by: i.recorded_by,
    })
}

pub(super) fn kind_of(s: &SearchRow) -> Result<SearchKind, AppError> {
    SearchKind::parse(&s.kind).map_err(|e| corrupt("searches.kind", e))
}

pub(super) fn summary(s: SearchRow, items: i64) -> Result<SearchSummary, AppError> {
    Ok(SearchSummary {
        kind: kind_of(&s)?,
        id: s.id,
        facility: s.facility,
        started_at: s.started_at,
        ended_at: s.ended_at,
        reason: s.reason,
        authorised_by: s.authorised_by,
        person_id: s.person_id,
        items,
        recorded_at: s.recorded_at,
        recorded_by: s.recorded_by,
    })
}

/// The safeguards of a search of a person, as stored.
pub(super) fn safeguards(s: &SearchRow) -> Option<PersonSafeguards> {
    s.person_id.map(|person_id| PersonSafeguards {
        person_id,
        same_sex_searcher: s.same_sex_searcher.unwrap_or(false),
        in_private: s.in_private.unwrap_or(false),
        intrusive: s.intrusive.unwrap_or(false),
        health_professional: s.health_professional.clone(),
        intrusive_reason: s.intrusive_reason.clone(),
    })
}

pub(super) fn search_view(
    s: SearchRow,
    location_ids: Vec<i64>,
    team: Vec<TeamRow>,
    items: Vec<ItemView>,
) -> Result<SearchView, AppError> {
    Ok(SearchView {
        kind: kind_of(&s)?,
        person: safeguards(&s),
        team: team
            .into_iter()
            .map(|m| TeamMember {
                name: m.name,
                role: m.role,
                staff_id: m.staff_id,
            })
            .collect(),
        location_ids,
        items,
        id: s.id,
        facility: s.facility,
        authorised_by: s.authorised_by,
        started_at: s.started_at,
        ended_at: s.ended_at,
        reason: s.reason,
        note: s.note,
        recorded_at: s.recorded_at,
        recorded_by: s.recorded_by,
    })
}
