//! The national situation in one answer: what is under way, who is held, which
//! facilities are not under normal control, attacks outside the walls, what the law
//! required to be told and was not, and the population figures.

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use custodia_domain::access::Action;
use custodia_domain::crisis::HeldByKind;
use custodia_domain::incident::ControlStatus;
use custodia_domain::occupancy::Occupancy;
use custodia_domain::time::canonical;
use custodia_store::Store;
use custodia_store::incidents::IncidentFilter;
use custodia_store::notifications::NotificationFilter;

use super::control::{ControlView, view as control_view};
use super::crises::{CrisisView, crises};
use super::notify::{NotificationView, view as notification_view};
use super::report::{IncidentSummary, sees, summary};
use crate::error::AppError;
use crate::population::national_roll;
use crate::principal::Principal;

/// Staff held or missing now at one facility, over the active crises.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct HeldAt {
    /// The facility.
    pub facility: String,
    /// Held hostage now.
    pub held: i64,
    /// Missing now.
    pub missing: i64,
    /// The held ones by kind.
    pub held_by_kind: HeldByKind,
}

/// The national situation now.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Situation {
    /// When.
    pub at: String,
    /// Crises under way.
    pub active_crises: Vec<CrisisView>,
    /// Incidents not closed, latest first.
    pub active_incidents: Vec<IncidentSummary>,
    /// Staff held or missing now, by facility.
    pub staff_held: Vec<HeldAt>,
    /// Total held now.
    pub staff_held_total: i64,
    /// Facilities not under normal control.
    pub facilities_not_normal: Vec<ControlView>,
    /// Incidents at sites outside any facility in the last 72 hours.
    pub attacks_outside: Vec<IncidentSummary>,
    /// Notifications past due and not made.
    pub overdue_notifications: Vec<NotificationView>,
    /// Persons in transit between facilities.
    pub persons_in_transit: i64,
    /// Occupancy over the facilities in reach.
    pub occupancy: Occupancy,
}

/// The situation over the facilities in the principal's reach.
pub async fn situation(store: &Store, who: &Principal) -> Result<Situation, AppError> {
    let visible = who.require_some(Action::IncidentRead)?;
    let now = Timestamp::now();
    let stamp = canonical(now);
    let active_crises = crises(store, who, true).await?;
    let open = store
        .incidents(&IncidentFilter {
            open_only: true,
            limit: 500,
            ..IncidentFilter::default()
        })
        .await?;
    let active_incidents: Vec<IncidentSummary> = open
        .into_iter()
        .filter(|i| sees(who, i))
        .map(summary)
        .collect();
    let mut held: BTreeMap<String, HeldAt> = BTreeMap::new();
    for (facility, status, kind, n) in store.held_now().await? {
        if !visible.admits(&facility) {
            continue;
        }
        let line = held.entry(facility.clone()).or_insert_with(|| HeldAt {
            facility,
            ..HeldAt::default()
        });
        if status == "missing" {
            line.missing += n;
            continue;
        }
        line.held += n;
        line.held_by_kind.add(&kind, n);
    }
    let staff_held: Vec<HeldAt> = held.into_values().collect();
    let facilities_not_normal = store
        .controls()
        .await?
        .into_iter()
        .filter(|c| c.status != ControlStatus::Normal.as_str() && visible.admits(&c.facility))
        .map(control_view)
        .collect();
    let attacks_outside = if who.allows(Action::IncidentRead, None) {
        store
            .incidents(&IncidentFilter {
                outside_only: true,
                from: Some(canonical(now - SignedDuration::from_hours(72))),
                limit: 200,
                ..IncidentFilter::default()
            })
            .await?
            .into_iter()
            .map(summary)
            .collect()
    } else {
        Vec::new()
    };
    let overdue_notifications = store
        .notifications(&NotificationFilter {
            status: Some("pending".into()),
            due_before: Some(stamp.clone()),
            limit: 500,
            ..NotificationFilter::default()
        })
        .await?
        .into_iter()
        .filter(|n| who.allows(Action::NotificationRead, n.facility.as_deref()))
        .map(|n| notification_view(n, &stamp))
        .collect();
    let roll = national_roll(store, who).await?;
    Ok(Situation {
        at: stamp,
        active_crises,
        active_incidents,
        staff_held_total: staff_held.iter().map(|h| h.held).sum(),
        staff_held,
        facilities_not_normal,
        attacks_outside,
        overdue_notifications,
        persons_in_transit: roll.totals.in_transit_out,
        occupancy: roll.totals.occupancy,
    })
}
