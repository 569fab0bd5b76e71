//! Crises and the staff accountability board: every staff member on duty at the sites
//! of a crisis, with what became of them (held, released, injured, missing, deceased),
//! computed at any instant from the changes recorded.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::Serialize;

use crate::validation::Refused;
use crate::vocabulary;

vocabulary!(
    /// What is known of a staff member during a crisis.
    StaffStatus {
        /// Safe and known to be.
        AccountedFor = "accounted_for",
        /// Held hostage.
        Held = "held",
        /// Released after being held.
        Released = "released",
        /// Injured.
        Injured = "injured",
        /// Not accounted for.
        Missing = "missing",
        /// Dead.
        Deceased = "deceased",
    }
);

vocabulary!(
    /// Whether a crisis is under way.
    CrisisStatus {
        /// Under way.
        Active = "active",
        /// Over: nobody held or missing.
        Closed = "closed",
    }
);

impl StaffStatus {
    /// Whether a staff member known to be `self` may be recorded as `next`.
    pub fn to(self, next: StaffStatus) -> Result<StaffStatus, Refused> {
        use StaffStatus::*;
        let refused = |code: &'static str, message: String| Err(Refused { code, message });
        match (self, next) {
            (Deceased, _) => refused(
                "deceased",
                "a staff member recorded as deceased cannot change status".into(),
            ),
            (Held, Held) => refused("already_held", "already held".into()),
            (from, Released) if from != Held => {
                refused("not_held", format!("not held (status: {from})"))
            }
            _ => Ok(next),
        }
    }

    /// Whether this status keeps a crisis from being closed.
    pub fn blocks_closing(self) -> bool {
        matches!(self, StaffStatus::Held | StaffStatus::Missing)
    }
}

/// A staff member who was on duty at one of the crisis's sites.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DutyStaff {
    /// Who.
    pub staff_id: i64,
    /// The site (facility) where they were on duty.
    pub facility: String,
    /// Their kind (`prison_guard`, `police`, …).
    pub kind: String,
}

/// One recorded change of a staff member's status, in the order recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    /// Who.
    pub staff_id: i64,
    /// At which facility (the incident's).
    pub facility: String,
    /// Their kind.
    pub kind: String,
    /// The new status.
    pub status: StaffStatus,
    /// When it became true (valid time).
    pub at: Timestamp,
    /// Who recorded it.
    pub recorded_by: String,
}

/// Held staff by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct HeldByKind {
    /// Prison guards.
    pub prison_guard: i64,
    /// Police officers.
    pub police: i64,
    /// Administrative staff.
    pub administrative: i64,
    /// Health staff.
    pub health: i64,
    /// Technical staff.
    pub technical: i64,
    /// Others.
    pub other: i64,
}

impl HeldByKind {
    /// Counts `n` more held staff of `kind` (an unknown kind counts as other).
    pub fn add(&mut self, kind: &str, n: i64) {
        *match kind {
            "prison_guard" => &mut self.prison_guard,
            "police" => &mut self.police,
            "administrative" => &mut self.administrative,
            "health" => &mut self.health,
            "technical" => &mut self.technical,
            _ => &mut self.other,
        } += n;
    }
}

/// The counts of a board, for a facility or in total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BoardCounts {
    /// Staff on the board.
    pub on_duty: i64,
    /// Safe.
    pub accounted_for: i64,
    /// Held now.
    pub held: i64,
    /// Released.
    pub released: i64,
    /// Injured.
    pub injured: i64,
    /// Missing.
    pub missing: i64,
    /// Dead.
    pub deceased: i64,
    /// The held ones by staff kind.
    pub held_by_kind: HeldByKind,
}

impl BoardCounts {
    fn count(&mut self, status: StaffStatus, kind: &str) {
        self.on_duty += 1;
        let n = match status {
            StaffStatus::AccountedFor => &mut self.accounted_for,
            StaffStatus::Held => &mut self.held,
            StaffStatus::Released => &mut self.released,
            StaffStatus::Injured => &mut self.injured,
            StaffStatus::Missing => &mut self.missing,
            StaffStatus::Deceased => &mut self.deceased,
        };
        *n += 1;
        if status == StaffStatus::Held {
            self.held_by_kind.add(kind, 1);
        }
    }
}

/// One staff member's line on the board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardLine {
    /// Who.
    pub staff_id: i64,
    /// Where.
    pub facility: String,
    /// Their kind.
    pub kind: String,
    /// Their status at the board's instant.
    pub status: StaffStatus,
    /// Since when (none: accounted for since the start).
    pub since: Option<Timestamp>,
    /// Who recorded the status.
    pub recorded_by: Option<String>,
}

/// The board at an instant: totals, per facility, and per staff member.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Board {
    /// Over every site.
    pub totals: BoardCounts,
    /// Per facility, by code.
    pub facilities: BTreeMap<String, BoardCounts>,
    /// Every staff member, by facility then id.
    pub staff: Vec<BoardLine>,
}

/// The board at `at`: everyone on duty at the sites, and anyone whose status was
/// recorded, with their latest status recorded for an instant up to `at` (changes are
/// given in the order recorded; for one instant the last recorded wins).
pub fn board(on_duty: &[DutyStaff], changes: &[StatusChange], at: Timestamp) -> Board {
    let mut lines: BTreeMap<(String, i64), BoardLine> = BTreeMap::new();
    for s in on_duty {
        lines
            .entry((s.facility.clone(), s.staff_id))
            .or_insert_with(|| BoardLine {
                staff_id: s.staff_id,
                facility: s.facility.clone(),
                kind: s.kind.clone(),
                status: StaffStatus::AccountedFor,
                since: None,
                recorded_by: None,
            });
    }
    let mut in_force: Vec<&StatusChange> = changes.iter().filter(|c| c.at <= at).collect();
    // Stable: equal instants keep the order recorded.
    in_force.sort_by_key(|c| c.at);
    for c in in_force {
        let line = lines
            .entry((c.facility.clone(), c.staff_id))
            .or_insert_with(|| BoardLine {
                staff_id: c.staff_id,
                facility: c.facility.clone(),
                kind: c.kind.clone(),
                status: StaffStatus::AccountedFor,
                since: None,
                recorded_by: None,
            });
        line.status = c.status;
        line.since = Some(c.at);
        line.recorded_by = Some(c.recorded_by.clone());
    }
    let mut b = Board::default();
    for line in lines.into_values() {
        b.totals.count(line.status, &line.kind);
        b.facilities
            .entry(line.facility.clone())
            .or_default()
            .count(line.status, &line.kind);
        b.staff.push(line);
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;
    use StaffStatus::*;
    use proptest::prelude::*;

    fn t(h: i64) -> Timestamp {
        Timestamp::from_second(1_693_000_000 + h * 3600).expect("instant")
    }

    fn change(
        staff_id: i64,
        facility: &str,
        kind: &str,
        status: StaffStatus,
        h: i64,
    ) -> StatusChange {
        StatusChange {
            staff_id,
            facility: facility.into(),
            kind: kind.into(),
            status,
            at: t(h),
            recorded_by: "ops".into(),
        }
    }

    fn duty(staff_id: i64, facility: &str, kind: &str) -> DutyStaff {
        DutyStaff {
            staff_id,
            facility: facility.into(),
            kind: kind.into(),
        }
    }

    #[test]
    fn status_rules() {
        assert_eq!(AccountedFor.to(Held), Ok(Held));
        assert_eq!(Held.to(Held).map_err(|r| r.code), Err("already_held"));
        assert_eq!(
            AccountedFor.to(Released).map_err(|r| r.code),
            Err("not_held")
        );
        assert_eq!(Held.to(Released), Ok(Released));
        assert_eq!(Released.to(Held), Ok(Held), "taken again");
        assert_eq!(Deceased.to(Released).map_err(|r| r.code), Err("deceased"));
        assert!(Held.blocks_closing() && Missing.blocks_closing());
        assert!(!Released.blocks_closing() && !Deceased.blocks_closing());
    }

    #[test]
    fn the_board_at_several_instants() {
        let on_duty = [
            duty(1, "TURI", "prison_guard"),
            duty(2, "TURI", "police"),
            duty(3, "TURI", "prison_guard"),
            duty(4, "COTOPAXI", "prison_guard"),
        ];
        let changes = [
            change(1, "TURI", "prison_guard", Held, 1),
            change(2, "TURI", "police", Held, 1),
            change(4, "COTOPAXI", "prison_guard", Missing, 2),
            change(1, "TURI", "prison_guard", Released, 5),
            change(2, "TURI", "police", Released, 6),
            change(4, "COTOPAXI", "prison_guard", AccountedFor, 6),
        ];
        let b = board(&on_duty, &changes, t(0));
        assert_eq!(
            (b.totals.on_duty, b.totals.accounted_for, b.totals.held),
            (4, 4, 0)
        );
        let b = board(&on_duty, &changes, t(3));
        assert_eq!(
            (b.totals.held, b.totals.missing, b.totals.accounted_for),
            (2, 1, 1)
        );
        assert_eq!(b.totals.held_by_kind.prison_guard, 1);
        assert_eq!(b.totals.held_by_kind.police, 1);
        assert_eq!(b.facilities["TURI"].held, 2);
        assert_eq!(b.facilities["COTOPAXI"].missing, 1);
        let one = b.staff.iter().find(|l| l.staff_id == 1).expect("line");
        assert_eq!((one.status, one.since), (Held, Some(t(1))));
        let b = board(&on_duty, &changes, t(7));
        assert_eq!(
            (b.totals.held, b.totals.released, b.totals.accounted_for),
            (0, 2, 2)
        );
    }

    proptest! {
        /// Whatever happened, the counts add up, per facility and in total, and the
        /// number held is the number whose latest change up to the instant is `held`.
        #[test]
        fn counts_add_up(events in proptest::collection::vec((0i64..12, 0usize..6, 0i64..48), 0..80),
                         h in 0i64..50) {
            let facilities = ["A", "B", "C"];
            let on_duty: Vec<DutyStaff> = (0..12).map(|i| duty(i, facilities[i as usize % 3], if i % 4 == 0 { "police" } else { "prison_guard" })).collect();
            let changes: Vec<StatusChange> = events.iter().map(|(s, st, at)| {
                let d = &on_duty[*s as usize];
                change(d.staff_id, &d.facility, &d.kind, StaffStatus::ALL[*st], *at)
            }).collect();
            let b = board(&on_duty, &changes, t(h));
            let c = b.totals;
            prop_assert_eq!(c.on_duty, 12);
            prop_assert_eq!(c.accounted_for + c.held + c.released + c.injured + c.missing + c.deceased, c.on_duty);
            let k = c.held_by_kind;
            prop_assert_eq!(k.prison_guard + k.police + k.administrative + k.health + k.technical + k.other, c.held);
            prop_assert_eq!(b.facilities.values().map(|f| f.held).sum::<i64>(), c.held);
            let mut latest: BTreeMap<i64, (i64, usize, StaffStatus)> = BTreeMap::new();
            for (i, ch) in changes.iter().enumerate() {
                let at = (ch.at.as_second() - t(0).as_second()) / 3600;
                if at <= h && latest.get(&ch.staff_id).is_none_or(|(a, j, _)| (at, i) >= (*a, *j)) {
                    latest.insert(ch.staff_id, (at, i, ch.status));
                }
            }
            prop_assert_eq!(latest.values().filter(|(_, _, s)| *s == Held).count() as i64, c.held);
        }
    }
}
