//! Seizure statistics: item lines and quantities by category, facility and month (the
//! facility's own calendar), with grams of drugs by kind and cash by currency.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use custodia_domain::access::{Action, FacilityFilter};
use custodia_domain::seizure::{DrugKind, ItemCategory, amount, grams};
use custodia_store::Store;
use custodia_store::seizures::{CategorySum, DetailSum, StatsFilter};

use super::corrupt;
use super::searches::instant_param;
use crate::error::AppError;
use crate::principal::Principal;

/// Which seizures to count.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StatsQuery {
    /// At this facility.
    pub facility: Option<String>,
    /// Found at or after (RFC 3339).
    pub from: Option<String>,
    /// Found before (RFC 3339).
    pub to: Option<String>,
}

/// One category at one facility in one month.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CategoryRow {
    /// Facility.
    pub facility: String,
    /// `YYYY-MM`, in the facility's time zone.
    pub month: String,
    /// Category.
    pub category: ItemCategory,
    /// Item lines recorded.
    pub items: i64,
    /// Their total quantity.
    pub quantity: i64,
}

/// One category over everything counted.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CategoryTotal {
    /// Category.
    pub category: ItemCategory,
    /// Item lines recorded.
    pub items: i64,
    /// Their total quantity.
    pub quantity: i64,
}

/// One kind of drug at one facility in one month.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DrugRow {
    /// Facility.
    pub facility: String,
    /// `YYYY-MM`, in the facility's time zone.
    pub month: String,
    /// Which drug.
    pub kind: DrugKind,
    /// Item lines recorded.
    pub items: i64,
    /// Their total quantity (packages, doses…).
    pub quantity: i64,
    /// Their total weight in grams.
    pub grams: f64,
}

/// One kind of drug over everything counted.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DrugTotal {
    /// Which drug.
    pub kind: DrugKind,
    /// Item lines recorded.
    pub items: i64,
    /// Total weight in grams.
    pub grams: f64,
}

/// One currency at one facility in one month.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CashRow {
    /// Facility.
    pub facility: String,
    /// `YYYY-MM`, in the facility's time zone.
    pub month: String,
    /// ISO 4217 code.
    pub currency: String,
    /// Item lines recorded.
    pub items: i64,
    /// Total amount.
    pub amount: f64,
}

/// One currency over everything counted.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CashTotal {
    /// ISO 4217 code.
    pub currency: String,
    /// Item lines recorded.
    pub items: i64,
    /// Total amount.
    pub amount: f64,
}

/// Seizure statistics over the facilities in reach (or one), found within a window.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SeizureStats {
    /// The facility asked for, if one.
    pub facility: Option<String>,
    /// Found at or after.
    pub from: Option<String>,
    /// Found before.
    pub to: Option<String>,
    /// By category, over everything counted.
    pub by_category: Vec<CategoryTotal>,
    /// By facility, month and category.
    pub rows: Vec<CategoryRow>,
    /// Drugs by kind, over everything counted.
    pub drug_totals: Vec<DrugTotal>,
    /// Drugs by facility, month and kind.
    pub drugs: Vec<DrugRow>,
    /// Cash by currency, over everything counted.
    pub cash_totals: Vec<CashTotal>,
    /// Cash by facility, month and currency.
    pub cash: Vec<CashRow>,
}

/// Adds up `(key, items, amount)` triples by key, in key order: the totals are the sums
/// of the rows, and nothing else.
fn totals<K: Ord>(rows: impl IntoIterator<Item = (K, i64, i64)>) -> Vec<(K, i64, i64)> {
    let mut sums: BTreeMap<K, (i64, i64)> = BTreeMap::new();
    for (key, items, amount) in rows {
        let sum = sums.entry(key).or_default();
        sum.0 += items;
        sum.1 += amount;
    }
    sums.into_iter().map(|(k, (i, a))| (k, i, a)).collect()
}

/// Counts what was seized in reach (one facility with `facility`), found in the window.
pub async fn stats(
    store: &Store,
    who: &Principal,
    q: StatsQuery,
) -> Result<SeizureStats, AppError> {
    let visible = who.require_some(Action::SearchRead)?;
    if let Some(f) = &q.facility {
        who.require(Action::SearchRead, Some(f))?;
    }
    let from = instant_param("from", q.from.as_deref())?;
    let to = instant_param("to", q.to.as_deref())?;
    let facilities: Vec<Option<String>> = match (&q.facility, &visible) {
        (Some(f), _) => vec![Some(f.clone())],
        (None, FacilityFilter::All) => vec![None],
        (None, FacilityFilter::Only(codes)) => codes.iter().cloned().map(Some).collect(),
    };
    let (mut categories, mut drugs, mut cash): (Vec<CategorySum>, Vec<DetailSum>, Vec<DetailSum>) =
        Default::default();
    for facility in facilities {
        let filter = StatsFilter {
            facility,
            from: from.clone(),
            to: to.clone(),
        };
        categories.extend(store.seizure_sums(&filter).await?);
        drugs.extend(store.drug_sums(&filter).await?);
        cash.extend(store.cash_sums(&filter).await?);
    }
    let mut rows = categories
        .into_iter()
        .map(|s| {
            Ok(CategoryRow {
                category: ItemCategory::parse(&s.category)
                    .map_err(|e| corrupt("seized_items.category", e))?,
                facility: s.facility,
                month: s.month,
                items: s.items,
                quantity: s.quantity,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    // One facility's query after another's: put them in one order, categories and kinds
    // in the order of their vocabularies (as the totals are).
    rows.sort_by(|a, b| {
        (&a.facility, &a.month, a.category).cmp(&(&b.facility, &b.month, b.category))
    });
    cash.sort_by(|a, b| (&a.facility, &a.month, &a.key).cmp(&(&b.facility, &b.month, &b.key)));
    let mut drug_rows = drugs
        .iter()
        .map(|s| {
            Ok((
                DrugKind::parse(&s.key).map_err(|e| corrupt("seized_items.drug_kind", e))?,
                s,
            ))
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    drug_rows.sort_by(|(k, a), (l, b)| (&a.facility, &a.month, k).cmp(&(&b.facility, &b.month, l)));
    Ok(SeizureStats {
        facility: q.facility,
        from,
        to,
        by_category: totals(rows.iter().map(|r| (r.category, r.items, r.quantity)))
            .into_iter()
            .map(|(category, items, quantity)| CategoryTotal {
                category,
                items,
                quantity,
            })
            .collect(),
        drug_totals: totals(drug_rows.iter().map(|(k, s)| (*k, s.items, s.total)))
            .into_iter()
            .map(|(kind, items, mg)| DrugTotal {
                kind,
                items,
                grams: grams(mg),
            })
            .collect(),
        drugs: drug_rows
            .iter()
            .map(|(kind, s)| DrugRow {
                facility: s.facility.clone(),
                month: s.month.clone(),
                kind: *kind,
                items: s.items,
                quantity: s.quantity,
                grams: grams(s.total),
            })
            .collect(),
        cash_totals: totals(cash.iter().map(|s| (s.key.clone(), s.items, s.total)))
            .into_iter()
            .map(|(currency, items, minor)| CashTotal {
                currency,
                items,
                amount: amount(minor),
            })
            .collect(),
        cash: cash
            .into_iter()
            .map(|s| CashRow {
                facility: s.facility,
                month: s.month,
                currency: s.key,
                items: s.items,
                amount: amount(s.total),
            })
            .collect(),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_are_the_sums_of_the_rows() {
        let rows = vec![("firearm", 2, 37), ("radio", 1, 10), ("firearm", 3, 5)];
        assert_eq!(totals(rows), vec![("firearm", 5, 42), ("radio", 1, 10)]);
        assert!(totals(Vec::<(u8, i64, i64)>::new()).is_empty());
    }
}
