//! The legal clock (Ecuador, COIP): when pretrial detention must end (art. 541) and when a
//! sentence is served (full credit for pretrial time, accumulation capped at 40 years).
//! Civil dates with calendar arithmetic; a term in months or years ends on the same-numbered
//! day, or the month's last day when there is none (31 August + 6 months = 28/29 February).

use jiff::civil::Date;
use jiff::{Span, ToSpan};
use serde::{Deserialize, Serialize};

/// A length of time as the law writes it: years, months and days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Term {
    /// Whole years.
    pub years: i64,
    /// Whole months.
    pub months: i64,
    /// Whole days.
    pub days: i64,
}

impl Term {
    /// A term of years.
    pub fn years(years: i64) -> Self {
        Self {
            years,
            ..Self::default()
        }
    }

    /// A term of months.
    pub fn months(months: i64) -> Self {
        Self {
            months,
            ..Self::default()
        }
    }

    fn span(self) -> Result<Span, LegalError> {
        Span::new()
            .try_years(self.years)
            .and_then(|s| s.try_months(self.months))
            .and_then(|s| s.try_days(self.days))
            .map_err(|_| LegalError::OutOfRange)
    }

    /// Whether the term is nothing at all.
    pub fn is_zero(self) -> bool {
        self.years == 0 && self.months == 0 && self.days == 0
    }

    /// Whether any part is negative.
    pub fn is_negative(self) -> bool {
        self.years < 0 || self.months < 0 || self.days < 0
    }

    /// The term in months, days aside (for comparing penalties).
    fn whole_months(self) -> i64 {
        self.years * 12 + self.months
    }
}

/// Why a legal date cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LegalError {
    /// Pretrial detention needs at least one charged offence.
    #[error("no offence charged: pretrial detention needs at least one")]
    NoOffence,
    /// An offence's maximum penalty is missing, zero or negative.
    #[error("offence {0}: its legal maximum penalty must be a positive term")]
    NoPenalty(usize),
    /// A sentence of nothing, or a negative one.
    #[error("sentence {0}: a sentence must be a positive term")]
    EmptySentence(usize),
    /// A suspension that ends before it begins.
    #[error("suspension {0}: it ends before it begins")]
    BackwardsSuspension(usize),
    /// Credit for time served cannot be negative.
    #[error("credit for time already served cannot be negative")]
    NegativeCredit,
    /// A date beyond what the calendar holds.
    #[error("the date falls outside the calendar's range")]
    OutOfRange,
}

/// Penalties above this make pretrial detention last one year instead of six months.
pub const PRETRIAL_THRESHOLD: Term = Term {
    years: 5,
    months: 0,
    days: 0,
};
/// Sentences accumulate up to this.
pub const ACCUMULATION_CAP: Term = Term {
    years: 40,
    months: 0,
    days: 0,
};

/// The longest pretrial detention for the most serious charge (COIP art. 541): six months
/// when it is punishable by at most five years, one year when by more.
pub fn pretrial_limit(max_penalties: &[Term]) -> Result<Term, LegalError> {
    if max_penalties.is_empty() {
        return Err(LegalError::NoOffence);
    }
    for (i, p) in max_penalties.iter().enumerate() {
        if p.is_zero() || p.is_negative() {
            return Err(LegalError::NoPenalty(i + 1));
        }
    }
    let exceeds = |p: &Term| {
        p.whole_months() > PRETRIAL_THRESHOLD.whole_months()
            || (p.whole_months() == PRETRIAL_THRESHOLD.whole_months() && p.days > 0)
    };
    Ok(if max_penalties.iter().any(exceeds) {
        Term::years(1)
    } else {
        Term::months(6)
    })
}

/// A period during which the pretrial clock stood still (delays caused by the defence),
/// both days included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Suspension {
    /// First day.
    #[schema(value_type = String, format = Date)]
    pub from: Date,
    /// Last day.
    #[schema(value_type = String, format = Date)]
    pub to: Date,
    /// The legal basis (court decision) for it.
    pub basis: String,
}

/// Days the clock stood still on or after `start`: overlapping suspensions count once.
fn suspended_days(start: Date, suspensions: &[Suspension]) -> Result<i64, LegalError> {
    let mut ranges: Vec<(Date, Date)> = Vec::with_capacity(suspensions.len());
    for (i, s) in suspensions.iter().enumerate() {
        if s.to < s.from {
            return Err(LegalError::BackwardsSuspension(i + 1));
        }
        if s.to >= start {
            ranges.push((s.from.max(start), s.to));
        }
    }
    ranges.sort();
    let mut days = 0i64;
    let mut covered_until: Option<Date> = None;
    for (from, to) in ranges {
        let from = match covered_until {
            Some(c) if c >= to => continue,
            Some(c) if c >= from => c.tomorrow().map_err(|_| LegalError::OutOfRange)?,
            _ => from,
        };
        days += i64::from((to - from).get_days()) + 1;
        covered_until = Some(to);
    }
    Ok(days)
}

/// The day pretrial detention expires: the day the order was carried out, plus the limit
/// for the most serious charge, plus every day the clock was suspended. On that day, at
/// the latest, the person must be released unless sentenced.
pub fn pretrial_expiry(
    order_carried_out: Date,
    max_penalties: &[Term],
    suspensions: &[Suspension],
) -> Result<Date, LegalError> {
    let limit = pretrial_limit(max_penalties)?.span()?;
    let base = order_carried_out
        .checked_add(limit)
        .map_err(|_| LegalError::OutOfRange)?;
    let extra = suspended_days(order_carried_out, suspensions)?;
    base.checked_add(extra.days())
        .map_err(|_| LegalError::OutOfRange)
}

/// The day a sentence (or several, accumulated) is served: its start, plus the sentences'
/// total capped at 40 years, less the days already spent in pretrial detention.
pub fn sentence_end(start: Date, sentences: &[Term], credit_days: i64) -> Result<Date, LegalError> {
    if sentences.is_empty() {
        return Err(LegalError::EmptySentence(1));
    }
    for (i, s) in sentences.iter().enumerate() {
        if s.is_zero() || s.is_negative() {
            return Err(LegalError::EmptySentence(i + 1));
        }
    }
    if credit_days < 0 {
        return Err(LegalError::NegativeCredit);
    }
    let total = sentences.iter().fold(Term::default(), |t, s| Term {
        years: t.years + s.years,
        months: t.months + s.months,
        days: t.days + s.days,
    });
    let uncapped = start
        .checked_add(total.span()?)
        .map_err(|_| LegalError::OutOfRange)?;
    let cap = start
        .checked_add(ACCUMULATION_CAP.span()?)
        .map_err(|_| LegalError::OutOfRange)?;
    uncapped
        .min(cap)
        .checked_sub(credit_days.days())
        .map_err(|_| LegalError::OutOfRange)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn t(years: i64, months: i64, days: i64) -> Term {
        Term {
            years,
            months,
            days,
        }
    }

    fn susp(from: Date, to: Date) -> Suspension {
        Suspension {
            from,
            to,
            basis: "diferimiento solicitado por la defensa".into(),
        }
    }

    /// Worked examples, written out: (order carried out, maximum penalties, suspensions, expiry).
    #[test]
    fn pretrial_worked_examples() {
        let cases: Vec<(Date, Vec<Term>, Vec<Suspension>, Date)> = vec![
            // 1. Theft up to 3 years: six months.
            (
                date(2023, 8, 30),
                vec![t(3, 0, 0)],
                vec![],
                date(2024, 2, 29),
            ),
            // 2. Exactly five years is still six months.
            (
                date(2023, 1, 15),
                vec![t(5, 0, 0)],
                vec![],
                date(2023, 7, 15),
            ),
            // 3. Five years and a day is more than five: one year.
            (
                date(2023, 1, 15),
                vec![t(5, 0, 1)],
                vec![],
                date(2024, 1, 15),
            ),
            // 4. Terrorism (up to 13 years): one year.
            (
                date(2023, 8, 31),
                vec![t(13, 0, 0)],
                vec![],
                date(2024, 8, 31),
            ),
            // 5. The most serious of several charges decides.
            (
                date(2023, 3, 1),
                vec![t(1, 0, 0), t(7, 0, 0), t(3, 0, 0)],
                vec![],
                date(2024, 3, 1),
            ),
            // 6. 31 August + 6 months ends on the last day of February (leap year).
            (
                date(2023, 8, 31),
                vec![t(2, 0, 0)],
                vec![],
                date(2024, 2, 29),
            ),
            // 7. ... and of a common year.
            (
                date(2022, 8, 31),
                vec![t(2, 0, 0)],
                vec![],
                date(2023, 2, 28),
            ),
            // 8. 29 February + 1 year lands on 28 February.
            (
                date(2024, 2, 29),
                vec![t(10, 0, 0)],
                vec![],
                date(2025, 2, 28),
            ),
            // 9. A ten-day suspension adds ten days.
            (
                date(2023, 1, 10),
                vec![t(3, 0, 0)],
                vec![susp(date(2023, 2, 1), date(2023, 2, 10))],
                date(2023, 7, 20),
            ),
            // 10. Overlapping suspensions count once (1–10 and 5–14 March: 14 days).
            (
                date(2023, 1, 10),
                vec![t(3, 0, 0)],
                vec![
                    susp(date(2023, 3, 1), date(2023, 3, 10)),
                    susp(date(2023, 3, 5), date(2023, 3, 14)),
                ],
                date(2023, 7, 24),
            ),
            // 11. A suspension before the order counts only from the order's day (3 days).
            (
                date(2023, 1, 10),
                vec![t(3, 0, 0)],
                vec![susp(date(2023, 1, 1), date(2023, 1, 12))],
                date(2023, 7, 13),
            ),
            // 12. A suspension wholly before the order does not count.
            (
                date(2023, 1, 10),
                vec![t(3, 0, 0)],
                vec![susp(date(2022, 12, 1), date(2022, 12, 31))],
                date(2023, 7, 10),
            ),
            // 13. A one-day suspension adds one day.
            (
                date(2023, 6, 1),
                vec![t(8, 0, 0)],
                vec![susp(date(2023, 9, 9), date(2023, 9, 9))],
                date(2024, 6, 2),
            ),
            // 14. A suspension nested inside another adds nothing more.
            (
                date(2023, 6, 1),
                vec![t(4, 0, 0)],
                vec![
                    susp(date(2023, 7, 1), date(2023, 7, 31)),
                    susp(date(2023, 7, 10), date(2023, 7, 12)),
                ],
                date(2024, 1, 1),
            ),
            // 15. Across a year's end.
            (
                date(2023, 12, 31),
                vec![t(3, 0, 0)],
                vec![],
                date(2024, 6, 30),
            ),
            // 16. Penalty given in months (48 months = 4 years): six months.
            (
                date(2023, 5, 20),
                vec![t(0, 48, 0)],
                vec![],
                date(2023, 11, 20),
            ),
            // 17. Penalty in months above five years (61 months): one year.
            (
                date(2023, 5, 20),
                vec![t(0, 61, 0)],
                vec![],
                date(2024, 5, 20),
            ),
            // 18. A suspension reaching past the plain expiry still counts in full.
            (
                date(2023, 1, 1),
                vec![t(2, 0, 0)],
                vec![susp(date(2023, 6, 20), date(2023, 7, 9))],
                date(2023, 7, 21),
            ),
            // 19. Adjacent suspensions (1–5 and 6–10 May) add ten days.
            (
                date(2023, 4, 1),
                vec![t(2, 0, 0)],
                vec![
                    susp(date(2023, 5, 1), date(2023, 5, 5)),
                    susp(date(2023, 5, 6), date(2023, 5, 10)),
                ],
                date(2023, 10, 11),
            ),
            // 20. Suspensions given in any order.
            (
                date(2023, 4, 1),
                vec![t(2, 0, 0)],
                vec![
                    susp(date(2023, 6, 1), date(2023, 6, 2)),
                    susp(date(2023, 5, 1), date(2023, 5, 1)),
                ],
                date(2023, 10, 4),
            ),
            // 21. 30 April + 1 year.
            (
                date(2023, 4, 30),
                vec![t(6, 0, 0)],
                vec![],
                date(2024, 4, 30),
            ),
        ];
        for (i, (start, penalties, suspensions, expected)) in cases.into_iter().enumerate() {
            assert_eq!(
                pretrial_expiry(start, &penalties, &suspensions),
                Ok(expected),
                "case {}",
                i + 1
            );
        }
    }

    /// Worked examples: (start, sentences, credit days, release date).
    #[test]
    fn sentence_worked_examples() {
        let cases: Vec<(Date, Vec<Term>, i64, Date)> = vec![
            (date(2023, 9, 1), vec![t(3, 0, 0)], 0, date(2026, 9, 1)),
            (date(2023, 9, 1), vec![t(3, 0, 0)], 120, date(2026, 5, 4)),
            (date(2023, 8, 31), vec![t(0, 6, 0)], 0, date(2024, 2, 29)),
            (date(2023, 1, 1), vec![t(2, 6, 15)], 0, date(2025, 7, 16)),
            (
                date(2023, 1, 1),
                vec![t(10, 0, 0), t(12, 0, 0)],
                0,
                date(2045, 1, 1),
            ),
            // Accumulation capped at 40 years (3 × 25 years).
            (
                date(2023, 1, 1),
                vec![t(25, 0, 0), t(25, 0, 0), t(25, 0, 0)],
                0,
                date(2063, 1, 1),
            ),
            // Credit is taken from the capped total.
            (
                date(2023, 1, 1),
                vec![t(30, 0, 0), t(30, 0, 0)],
                365,
                date(2062, 1, 1),
            ),
            // Credit longer than the sentence: already served (a date in the past).
            (date(2023, 1, 1), vec![t(0, 6, 0)], 200, date(2022, 12, 13)),
            (date(2024, 2, 29), vec![t(1, 0, 0)], 0, date(2025, 2, 28)),
            (date(2023, 3, 31), vec![t(0, 1, 0)], 0, date(2023, 4, 30)),
        ];
        for (i, (start, sentences, credit, expected)) in cases.into_iter().enumerate() {
            assert_eq!(
                sentence_end(start, &sentences, credit),
                Ok(expected),
                "case {}",
                i + 1
            );
        }
    }

    #[test]
    fn bad_input_is_a_specific_error() {
        let d = date(2023, 1, 1);
        assert_eq!(pretrial_expiry(d, &[], &[]), Err(LegalError::NoOffence));
        assert_eq!(
            pretrial_expiry(d, &[t(3, 0, 0), t(0, 0, 0)], &[]),
            Err(LegalError::NoPenalty(2))
        );
        assert_eq!(
            pretrial_expiry(d, &[t(-1, 0, 0)], &[]),
            Err(LegalError::NoPenalty(1))
        );
        assert_eq!(
            pretrial_expiry(
                d,
                &[t(3, 0, 0)],
                &[susp(date(2023, 2, 2), date(2023, 2, 1))]
            ),
            Err(LegalError::BackwardsSuspension(1))
        );
        assert_eq!(
            sentence_end(d, &[t(0, 0, 0)], 0),
            Err(LegalError::EmptySentence(1))
        );
        assert_eq!(sentence_end(d, &[], 0), Err(LegalError::EmptySentence(1)));
        assert_eq!(
            sentence_end(d, &[t(1, 0, 0)], -1),
            Err(LegalError::NegativeCredit)
        );
        assert_eq!(
            sentence_end(date(9999, 1, 1), &[t(5, 0, 0)], 0),
            Err(LegalError::OutOfRange)
        );
    }

    fn any_date() -> impl Strategy<Value = Date> {
        (1990i16..2060, 1i8..=12, 1i8..=31).prop_map(|(y, m, d)| {
            let last = date(y, m, 1).last_of_month().day();
            date(y, m, d.min(last))
        })
    }

    proptest! {
        /// Suspensions only ever move expiry later, by exactly the days they cover after the
        /// start when they do not overlap.
        #[test]
        fn suspensions_extend_by_their_days(start in any_date(), years in 1i64..20, offset in 0i64..300, len in 0i64..60) {
            let plain = pretrial_expiry(start, &[t(years, 0, 0)], &[]).unwrap();
            let from = start.checked_add(offset.days()).unwrap();
            let to = from.checked_add(len.days()).unwrap();
            let suspended = pretrial_expiry(start, &[t(years, 0, 0)], &[susp(from, to)]).unwrap();
            prop_assert_eq!(i64::from((suspended - plain).get_days()), len + 1);
            // The same suspension twice changes nothing.
            let twice = pretrial_expiry(start, &[t(years, 0, 0)], &[susp(from, to), susp(from, to)]).unwrap();
            prop_assert_eq!(twice, suspended);
        }

        /// Expiry is six months or one year after the start, never less, never more.
        #[test]
        fn expiry_is_six_or_twelve_months_on(start in any_date(), years in 1i64..30) {
            let expiry = pretrial_expiry(start, &[t(years, 0, 0)], &[]).unwrap();
            let months = if years > 5 { 12 } else { 6 };
            prop_assert_eq!(expiry, start.checked_add(months.months()).unwrap());
            prop_assert!(expiry > start);
        }

        /// Credit moves release earlier by exactly its days, and the cap holds.
        #[test]
        fn credit_and_cap(start in any_date(), a in 1i64..35, b in 1i64..35, credit in 0i64..2000) {
            let plain = sentence_end(start, &[t(a, 0, 0), t(b, 0, 0)], 0).unwrap();
            let credited = sentence_end(start, &[t(a, 0, 0), t(b, 0, 0)], credit).unwrap();
            prop_assert_eq!(i64::from((plain - credited).get_days()), credit);
            prop_assert!(plain <= start.checked_add(40.years()).unwrap());
            if a + b <= 40 {
                prop_assert_eq!(plain, start.checked_add((a + b).years()).unwrap());
            }
        }
    }
}
