//! The movements history with valid time: each person's stays, one after another, each
//! from the instant a movement happened until the next one. A movement recorded late
//! lands at its real time: it cuts the stay it falls in, and the new stay lasts until
//! that stay would have ended. "Who was in unit B at 03:00?" is then the stays that
//! cover 03:00.

use jiff::Timestamp;

use crate::validation::Refused;

/// A stay as far as time goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// The stay's id.
    pub id: i64,
    /// When it began (the movement's occurred_at).
    pub from: Timestamp,
    /// When the next movement ended it; `None` while it lasts.
    pub until: Option<Timestamp>,
}

impl Span {
    /// Whether the stay covers the instant `at`.
    pub fn covers(&self, at: Timestamp) -> bool {
        self.from <= at && self.until.is_none_or(|u| at < u)
    }
}

/// Where a movement at some instant goes in a person's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    /// The stay it cuts short: its `until` becomes the movement's instant.
    pub cuts: i64,
    /// Until when the new stay lasts: the cut stay's old end (`None`: it is current).
    pub until: Option<Timestamp>,
}

impl Slot {
    /// Whether the movement changes where the person is now.
    pub fn is_current(&self) -> bool {
        self.until.is_none()
    }
}

/// Finds where a movement at `at` goes in a person's stays (in any order). Refused before
/// the first stay (the admission) and at the very instant another movement happened.
pub fn slot(stays: &[Span], at: Timestamp) -> Result<Slot, Refused> {
    if stays.iter().any(|s| s.from == at) {
        return Err(Refused {
            code: "same_instant",
            message: format!("another movement of this person is recorded at {at}"),
        });
    }
    stays
        .iter()
        .find(|s| s.covers(at))
        .map(|s| Slot {
            cuts: s.id,
            until: s.until,
        })
        .ok_or_else(|| Refused {
            code: "before_admission",
            message: format!("{at} is before the person's first recorded movement"),
        })
}

/// Applies a movement to spans (as the store does to its table): for tests and for
/// rebuilding the history from the journal.
pub fn insert(stays: &mut Vec<Span>, id: i64, at: Timestamp) -> Result<Slot, Refused> {
    let slot = slot(stays, at)?;
    for s in stays.iter_mut().filter(|s| s.id == slot.cuts) {
        s.until = Some(at);
    }
    stays.push(Span {
        id,
        from: at,
        until: slot.until,
    });
    Ok(slot)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t(h: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + h * 3600).unwrap()
    }

    fn admitted() -> Vec<Span> {
        vec![Span {
            id: 1,
            from: t(0),
            until: None,
        }]
    }

    #[test]
    fn a_movement_now_ends_the_current_stay() {
        let mut s = admitted();
        let slot = insert(&mut s, 2, t(5)).unwrap();
        assert!(slot.is_current());
        assert_eq!(s[0].until, Some(t(5)));
        assert_eq!(
            s[1],
            Span {
                id: 2,
                from: t(5),
                until: None
            }
        );
    }

    /// Moved at 05:00 (recorded), then a move at 03:00 recorded late: from 03:00 to 05:00
    /// the person was where the late record says, and now is still where 05:00 put them.
    #[test]
    fn a_late_record_lands_at_its_real_time() {
        let mut s = admitted();
        insert(&mut s, 2, t(5)).unwrap();
        let slot = insert(&mut s, 3, t(3)).unwrap();
        assert!(!slot.is_current());
        assert_eq!(slot.cuts, 1);
        let at = |h| s.iter().find(|x| x.covers(t(h))).unwrap().id;
        assert_eq!((at(1), at(3), at(4), at(5), at(9)), (1, 3, 3, 2, 2));
    }

    #[test]
    fn refusals() {
        let mut s = admitted();
        assert_eq!(slot(&s, t(-1)).unwrap_err().code, "before_admission");
        assert_eq!(slot(&s, t(0)).unwrap_err().code, "same_instant");
        insert(&mut s, 2, t(2)).unwrap();
        assert_eq!(slot(&s, t(2)).unwrap_err().code, "same_instant");
    }

    proptest! {
        /// Whatever order movements are recorded in, the stays end up one after another
        /// without gap or overlap, ordered by when they happened, the last one open.
        #[test]
        fn history_stays_contiguous(hours in proptest::collection::hash_set(1i64..1000, 0..40)) {
            let mut s = admitted();
            for (i, h) in hours.iter().enumerate() {
                insert(&mut s, i as i64 + 2, t(*h)).unwrap();
            }
            s.sort_by_key(|x| x.from);
            prop_assert_eq!(s.len(), hours.len() + 1);
            for w in s.windows(2) {
                prop_assert_eq!(w[0].until, Some(w[1].from));
            }
            prop_assert_eq!(s.last().unwrap().until, None);
        }
    }
}
