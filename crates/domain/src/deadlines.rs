//! Legal deadlines ranked for a dashboard: anyone held past a legal limit comes first,
//! then what falls due within the window asked for, soonest first.

use jiff::civil::Date;
use serde::Serialize;

use crate::vocabulary;

vocabulary!(
    /// Which legal limit a deadline is.
    DeadlineKind {
        /// Pretrial detention expires (COIP art. 541).
        PretrialExpiry = "pretrial_expiry",
        /// The sentence is served: release is due.
        SentenceEnd = "sentence_end",
    }
);

/// One person's next legal limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Deadline {
    /// Whose.
    pub person: String,
    /// Which limit.
    pub kind: DeadlineKind,
    /// The last lawful day.
    #[schema(value_type = String, format = Date)]
    pub due: Date,
}

/// A deadline as the dashboard shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Ranked {
    /// The deadline.
    #[serde(flatten)]
    pub deadline: Deadline,
    /// Held past the limit: the gravest alert the system raises.
    pub overdue: bool,
    /// Days from today to the limit (negative when overdue).
    pub days_left: i64,
}

/// The deadlines overdue on their `today` (the civil date where each person is held) or
/// due within `within_days`, overdue first (longest overdue first), then soonest. A limit
/// falling today is due, not yet overdue: the person may be held until the end of that day.
pub fn rank(
    deadlines: impl IntoIterator<Item = Deadline>,
    today: impl Fn(&Deadline) -> Date,
    within_days: i64,
) -> Vec<Ranked> {
    let mut ranked: Vec<Ranked> = deadlines
        .into_iter()
        .filter_map(|d| {
            let days_left = i64::from((d.due - today(&d)).get_days());
            (days_left <= within_days).then_some(Ranked {
                overdue: days_left < 0,
                days_left,
                deadline: d,
            })
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.overdue
            .cmp(&a.overdue)
            .then(a.days_left.cmp(&b.days_left))
            .then_with(|| a.deadline.person.cmp(&b.deadline.person))
    });
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn d(person: &str, due: Date) -> Deadline {
        Deadline {
            person: person.into(),
            kind: DeadlineKind::PretrialExpiry,
            due,
        }
    }

    #[test]
    fn overdue_first_then_soonest() {
        let today = date(2023, 9, 1);
        let ranked = rank(
            [
                d("due-in-10", date(2023, 9, 11)),
                d("overdue-2", date(2023, 8, 30)),
                d("far", date(2024, 1, 1)),
                d("today", date(2023, 9, 1)),
                d("overdue-40", date(2023, 7, 23)),
            ],
            |_| today,
            30,
        );
        let order: Vec<(&str, bool, i64)> = ranked
            .iter()
            .map(|r| (r.deadline.person.as_str(), r.overdue, r.days_left))
            .collect();
        assert_eq!(
            order,
            [
                ("overdue-40", true, -40),
                ("overdue-2", true, -2),
                ("today", false, 0),
                ("due-in-10", false, 10)
            ]
        );
    }

    proptest! {
        /// Nothing overdue is ever left out, whatever the window.
        #[test]
        fn overdue_always_shown(offsets in proptest::collection::vec(-400i64..400, 0..50), within in 0i64..60) {
            let today = date(2023, 9, 1);
            let all: Vec<Deadline> = offsets.iter().enumerate()
                .map(|(i, o)| d(&format!("p{i}"), today.checked_add(jiff::Span::new().days(*o)).unwrap()))
                .collect();
            let ranked = rank(all, |_| today, within);
            let overdue = offsets.iter().filter(|o| **o < 0).count();
            prop_assert_eq!(ranked.iter().filter(|r| r.overdue).count(), overdue);
            prop_assert!(ranked.iter().take(overdue).all(|r| r.overdue));
            prop_assert!(ranked.iter().all(|r| r.days_left <= within));
        }
    }
}
