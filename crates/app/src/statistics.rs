//! National statistics over the facilities in reach: persons held at the end of each of
//! the last months (rebuilt from the movements history, so late-recorded moves count
//! where they happened) against today's capacity, the pretrial share now, and deaths
//! in custody by cause.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Serialize;

use custodia_domain::access::Action;
use custodia_domain::custody::LegalStatus;
use custodia_domain::time::canonical;
use custodia_store::Store;

use crate::error::AppError;
use crate::principal::Principal;

/// The national calendar: month ends are read in Ecuador's mainland time zone.
pub const NATIONAL_ZONE: &str = "America/Guayaquil";

/// At most this many months back.
pub const MAX_MONTHS: u32 = custodia_store::statistics::MAX_INSTANTS as u32;

/// One facility's figures.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FacilityStatistics {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Operational capacity today.
    pub capacity: i64,
    /// Persons held at each instant of `Statistics::instants`.
    pub held: Vec<i64>,
    /// Held now awaiting trial.
    pub pretrial: i64,
    /// Held now under a sentence.
    pub sentenced: i64,
    /// Held now under another order.
    pub other: i64,
}

/// Deaths of one cause.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DeathCount {
    /// The cause category.
    pub cause: String,
    /// How many.
    pub count: i64,
}

/// The statistics.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Statistics {
    /// `YYYY-MM` of each month counted (the last one is the current month, counted now).
    pub months: Vec<String>,
    /// The instant each month was counted at: the start of the next month, or now.
    pub instants: Vec<String>,
    /// When the first month began (canonical instant): the start of the period counted.
    pub from: String,
    /// By facility.
    pub facilities: Vec<FacilityStatistics>,
    /// Deaths in custody since the first month began, by cause.
    pub deaths: Vec<DeathCount>,
}

/// The first day of the month `back` months before `today`'s.
fn month_start(today: Date, back: i32) -> Date {
    let first = today.first_of_month();
    first
        .checked_sub(jiff::Span::new().months(back))
        .unwrap_or(first)
}

/// Counts for the last `months` months over the facilities the caller may see.
pub async fn statistics(
    store: &Store,
    who: &Principal,
    months: u32,
) -> Result<Statistics, AppError> {
    who.require_some(Action::FacilityRead)?;
    if !(1..=MAX_MONTHS).contains(&months) {
        return Err(crate::persons::invalid_field(
            "months",
            "out_of_range",
            format!("months must be between 1 and {MAX_MONTHS}"),
        ));
    }
    let tz = TimeZone::get(NATIONAL_ZONE).unwrap_or(TimeZone::UTC);
    let now = Timestamp::now();
    let today = now.to_zoned(tz.clone()).date();
    let mut labels = Vec::new();
    let mut instants = Vec::new();
    for back in (0..months as i32).rev() {
        let start = month_start(today, back);
        labels.push(start.strftime("%Y-%m").to_string());
        let at = if back == 0 {
            now
        } else {
            month_start(today, back - 1)
                .to_zoned(tz.clone())
                .map(|z| z.timestamp())
                .unwrap_or(now)
        };
        instants.push(canonical(at));
    }
    let roll = crate::population::national_roll(store, who).await?;
    let mut facilities: Vec<FacilityStatistics> = roll
        .facilities
        .into_iter()
        .filter(|f| who.allows(Action::FacilityRead, Some(&f.code)))
        .map(|f| FacilityStatistics {
            capacity: f.totals.occupancy.operational_capacity,
            code: f.code,
            name: f.name,
            held: vec![0; instants.len()],
            pretrial: 0,
            sentenced: 0,
            other: 0,
        })
        .collect();
    let index: BTreeMap<String, usize> = facilities
        .iter()
        .enumerate()
        .map(|(i, f)| (f.code.clone(), i))
        .collect();
    for (code, held) in store.held_at_each(&instants).await? {
        if let Some(&i) = index.get(&code) {
            facilities[i].held = held;
        }
    }
    for c in store.held_by_legal_status().await? {
        let Some(&i) = index.get(&c.facility) else {
            continue;
        };
        let f = &mut facilities[i];
        match LegalStatus::parse(&c.key) {
            Ok(LegalStatus::Pretrial) => f.pretrial += c.count,
            Ok(LegalStatus::Sentenced) => f.sentenced += c.count,
            _ => f.other += c.count,
        }
    }
    let from = month_start(today, months as i32 - 1)
        .to_zoned(tz)
        .map(|z| canonical(z.timestamp()))
        .unwrap_or_default();
    let mut deaths: BTreeMap<String, i64> = BTreeMap::new();
    for c in store.deaths_by_cause(&from).await? {
        if index.contains_key(&c.facility) {
            *deaths.entry(c.key).or_default() += c.count;
        }
    }
    Ok(Statistics {
        months: labels,
        instants,
        from,
        facilities,
        deaths: deaths
            .into_iter()
            .map(|(cause, count)| DeathCount { cause, count })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_starts_go_back_across_years() {
        let today = jiff::civil::date(2026, 2, 17);
        assert_eq!(month_start(today, 0), jiff::civil::date(2026, 2, 1));
        assert_eq!(month_start(today, 2), jiff::civil::date(2025, 12, 1));
        assert_eq!(month_start(today, 14), jiff::civil::date(2024, 12, 1));
    }
}
