//! Capacity and occupancy: the figures a director, the press and Mandela Rule 10
//! statistics use. Parent totals are always derived from children, never stored.

use std::collections::HashMap;

use jiff::Timestamp;
use serde::Serialize;

use crate::location::Location;

/// Capacity and occupancy of a location's subtree, or of a whole facility.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Occupancy {
    /// Official places.
    pub design_capacity: i64,
    /// Places that may be used when everything is in service.
    pub operational_capacity: i64,
    /// Operational places not out of service now.
    pub usable: i64,
    /// Persons held.
    pub occupied: i64,
    /// Usable places left, counted place by place: an overcrowded cell does not use up
    /// the free places of the cell next to it.
    pub free: i64,
    /// Persons held beyond the usable places, counted place by place (overcrowding).
    pub over_capacity: i64,
    /// occupied ÷ design capacity (1.0 = full); null when there are no official places.
    pub occupancy_rate: Option<f64>,
}

impl Occupancy {
    /// The figures of one location's own places.
    fn own(design: i64, operational: i64, usable: i64, occupied: i64) -> Self {
        Occupancy {
            design_capacity: design,
            operational_capacity: operational,
            usable,
            occupied,
            free: (usable - occupied).max(0),
            over_capacity: (occupied - usable).max(0),
            occupancy_rate: None,
        }
    }

    fn add(&mut self, other: &Occupancy) {
        self.design_capacity += other.design_capacity;
        self.operational_capacity += other.operational_capacity;
        self.usable += other.usable;
        self.occupied += other.occupied;
        self.free += other.free;
        self.over_capacity += other.over_capacity;
    }

    fn finish(mut self) -> Self {
        self.occupancy_rate =
            (self.design_capacity > 0).then(|| self.occupied as f64 / self.design_capacity as f64);
        self
    }
}

/// Totals for every location's subtree at instant `at`. A location out of service, or
/// under one that is, has no usable places; persons held there still count as occupied.
pub fn by_location(
    tree: &[Location],
    occupied: &HashMap<i64, i64>,
    at: Timestamp,
) -> HashMap<i64, Occupancy> {
    let mut children: HashMap<Option<i64>, Vec<usize>> = HashMap::new();
    for (i, l) in tree.iter().enumerate() {
        children.entry(l.parent_id).or_default().push(i);
    }
    let mut totals: HashMap<i64, Occupancy> = HashMap::with_capacity(tree.len());
    // Iterative post-order walk from the roots, carrying "an ancestor is out of service".
    let mut stack: Vec<(usize, bool, bool)> = children
        .get(&None)
        .into_iter()
        .flatten()
        .map(|&i| (i, false, false))
        .collect();
    while let Some((i, inherited_out, expanded)) = stack.pop() {
        let l = &tree[i];
        let out = inherited_out || l.out_of_service_at(at);
        let kids = children.get(&Some(l.id)).map(Vec::as_slice).unwrap_or(&[]);
        if !expanded {
            stack.push((i, inherited_out, true));
            stack.extend(kids.iter().map(|&k| (k, out, false)));
            continue;
        }
        let mut own = Occupancy::own(
            l.design_capacity,
            l.operational_capacity,
            if out { 0 } else { l.operational_capacity },
            occupied.get(&l.id).copied().unwrap_or(0),
        );
        for k in kids {
            if let Some(child) = totals.get(&tree[*k].id) {
                own.add(child);
            }
        }
        totals.insert(l.id, own.finish());
    }
    totals
}

/// Totals for a whole facility: the sum of its top-level locations.
pub fn facility_total(tree: &[Location], by_location: &HashMap<i64, Occupancy>) -> Occupancy {
    let mut total = Occupancy::default();
    for root in tree.iter().filter(|l| l.parent_id.is_none()) {
        if let Some(t) = by_location.get(&root.id) {
            total.add(t);
        }
    }
    total.finish()
}

/// A facility's figures from sums over its locations taken as if every place were in
/// service (`in_service`: usable and the place-by-place free and over-capacity counts
/// computed that way), corrected for the places out of service now: `closed` lists each
/// such location once as (operational places, persons held). The national roll reads
/// these sums from counters instead of walking every location; the result equals
/// [`facility_total`] over [`by_location`].
pub fn from_sums(in_service: Occupancy, closed: impl IntoIterator<Item = (i64, i64)>) -> Occupancy {
    let mut t = in_service;
    t.usable = t.operational_capacity;
    for (operational, occupied) in closed {
        t.usable -= operational;
        t.free -= (operational - occupied).max(0);
        // Everyone held in a closed place is beyond its usable places.
        t.over_capacity += occupied - (occupied - operational).max(0);
    }
    t.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::location::tests::loc;
    use crate::location::{OutOfService, OutOfServiceReason};
    use proptest::prelude::*;

    fn now() -> Timestamp {
        "2023-08-31T12:00:00Z".parse().unwrap()
    }

    fn sealed() -> Option<OutOfService> {
        Some(OutOfService {
            reason: OutOfServiceReason::SecuritySealed,
            since: "2023-08-30T00:00:00Z".parse().unwrap(),
            until: None,
            note: None,
        })
    }

    #[test]
    fn parents_sum_children_and_out_of_service_is_not_usable() {
        let mut tree = vec![
            loc(1, "A", None, 0, 0),
            loc(2, "A-1", Some(1), 0, 0),
            loc(3, "A-1-1", Some(2), 4, 6),
            loc(4, "A-1-2", Some(2), 4, 6),
            loc(5, "A-2", Some(1), 10, 10),
            loc(6, "B", None, 20, 20),
        ];
        tree[1].out_of_service = sealed();
        let occupied = HashMap::from([(3, 5), (5, 12), (6, 10)]);
        let t = by_location(&tree, &occupied, now());
        assert_eq!(t[&3].usable, 0, "inherits the parent's closure");
        assert_eq!(t[&2].design_capacity, 8);
        assert_eq!(t[&2].operational_capacity, 12);
        assert_eq!(t[&2].usable, 0);
        assert_eq!(t[&2].over_capacity, 5);
        assert_eq!(t[&5].free, 0);
        assert_eq!(t[&5].over_capacity, 2);
        assert_eq!(t[&1].design_capacity, 18);
        assert_eq!(t[&1].usable, 10);
        assert_eq!(t[&1].occupied, 17);
        assert_eq!(
            t[&1].over_capacity, 7,
            "5 in the closed block, 2 over in A-2"
        );
        let total = facility_total(&tree, &t);
        assert_eq!(total.design_capacity, 38);
        assert_eq!(total.usable, 30);
        assert_eq!(total.occupied, 27);
        assert_eq!(
            total.free, 10,
            "B's 10 free places stay free despite A's overcrowding"
        );
        assert_eq!(total.over_capacity, 7);
        assert_eq!(total.occupancy_rate, Some(27.0 / 38.0));
    }

    #[test]
    fn empty_facility_has_no_rate() {
        let total = facility_total(&[], &HashMap::new());
        assert_eq!(total.occupancy_rate, None);
        assert_eq!(total.free, 0);
    }

    proptest! {
        /// Whatever the tree, the facility total equals the sum over its places, and
        /// usable + closed operational places = operational capacity.
        #[test]
        fn totals_are_sums(parents in proptest::collection::vec(0usize..10, 1..40),
                           caps in proptest::collection::vec((0i64..50, 0i64..50, 0i64..60, any::<bool>()), 40)) {
            let tree: Vec<Location> = parents.iter().enumerate().map(|(i, p)| {
                let id = i as i64 + 1;
                let parent = if i == 0 || *p >= i { None } else { Some(*p as i64 + 1) };
                let (d, o, _, closed) = caps[i];
                let mut l = loc(id, &format!("L{id}"), parent, d, o);
                if closed { l.out_of_service = sealed(); }
                l
            }).collect();
            let occupied: HashMap<i64, i64> = tree.iter().map(|l| (l.id, caps[l.id as usize - 1].2)).collect();
            let t = by_location(&tree, &occupied, now());
            let total = facility_total(&tree, &t);
            prop_assert_eq!(total.design_capacity, tree.iter().map(|l| l.design_capacity).sum::<i64>());
            prop_assert_eq!(total.occupied, occupied.values().sum::<i64>());
            prop_assert!(total.usable <= total.operational_capacity);
            prop_assert_eq!(total.free - total.over_capacity, total.usable - total.occupied);
            for l in &tree {
                if l.out_of_service.is_some() { prop_assert_eq!(t[&l.id].usable, 0); }
            }
        }

        /// The roll's shortcut (sums as if all in service, corrected for the closed
        /// subtrees) gives exactly the figures of the walk over the tree.
        #[test]
        fn sums_corrected_for_closures_equal_the_walk(
            parents in proptest::collection::vec(0usize..10, 1..40),
            caps in proptest::collection::vec((0i64..50, 0i64..50, 0i64..60, 0u8..8), 40)) {
            let tree: Vec<Location> = parents.iter().enumerate().map(|(i, p)| {
                let id = i as i64 + 1;
                let parent = if i == 0 || *p >= i { None } else { Some(*p as i64 + 1) };
                let (d, o, _, closed) = caps[i];
                let mut l = loc(id, &format!("L{id}"), parent, d, o);
                if closed == 0 { l.out_of_service = sealed(); }
                l
            }).collect();
            let occupied: HashMap<i64, i64> = tree.iter().map(|l| (l.id, caps[l.id as usize - 1].2)).collect();
            let walk = facility_total(&tree, &by_location(&tree, &occupied, now()));
            let mut sums = Occupancy::default();
            for l in &tree {
                sums.add(&Occupancy::own(l.design_capacity, l.operational_capacity,
                    l.operational_capacity, occupied[&l.id]));
            }
            let closed_ids = crate::location::out_of_service_ids(&tree, now());
            let closed = tree.iter().filter(|l| closed_ids.contains(&l.id))
                .map(|l| (l.operational_capacity, occupied[&l.id]));
            prop_assert_eq!(from_sums(sums, closed), walk);
        }
    }
}
