//! The July 2023 search at the Penitenciaría del Litoral (Guayaquil), replayed through
//! the use cases with the seizure list the scenario gives (see
//! `../shared/scenario/ecuador-2023.md`): 14 rifles, 23 pistols, 2 revolvers, 2
//! sub-machine guns, a grenade launcher, 6 grenades, 2,131 rounds, 6 improvised explosive
//! devices, 65 sticks of explosive gel, 10 radios, 149 phones and US$4,441. The scenario
//! gives the month, not the day: the search is dated 26 July 2023, after the state of
//! emergency in the prisons; the people named are invented, the offices real ones.

use anyhow::Context;
use jiff::Timestamp;

use custodia_app::Principal;
use custodia_app::seizures::{self, HandoverRequest, ItemRequest, SearchRequest};
use custodia_domain::seizure::{
    CashDetails, Disposal, Holder, ItemCategory, SearchKind, TeamMember,
};
use custodia_store::Store;

/// The Penitenciaría del Litoral, as the reference facilities name it.
pub const LITORAL: &str = "CPL-GY-1";

/// When the search began and ended, and when its items changed hands (UTC; Guayaquil is
/// UTC−5).
const STARTED: &str = "2023-07-26T10:00:00Z";
const ENDED: &str = "2023-07-26T22:30:00Z";
const TO_EVIDENCE_STORE: &str = "2023-07-27T01:30:00Z";
const TO_PROSECUTOR: &str = "2023-07-28T15:00:00Z";

/// The seizure list: category, quantity, description, and the cash line's amount.
const SEIZED: [(ItemCategory, i64, &str); 12] = [
    (ItemCategory::Firearm, 14, "Fusiles"),
    (ItemCategory::Firearm, 23, "Pistolas"),
    (ItemCategory::Firearm, 2, "Revólveres"),
    (ItemCategory::Firearm, 2, "Subametralladoras"),
    (ItemCategory::Firearm, 1, "Lanzagranadas"),
    (ItemCategory::Grenade, 6, "Granadas"),
    (
        ItemCategory::Ammunition,
        2131,
        "Cartuchos de varios calibres",
    ),
    (
        ItemCategory::Explosive,
        6,
        "Artefactos explosivos improvisados",
    ),
    (ItemCategory::Explosive, 65, "Tacos de gel explosivo"),
    (ItemCategory::Radio, 10, "Radios portátiles"),
    (ItemCategory::MobilePhone, 149, "Teléfonos celulares"),
    (ItemCategory::Cash, 1, "Dinero en efectivo"),
];
/// The cash seized, in US dollars (Ecuador's currency).
const CASH_USD: f64 = 4441.0;

fn at(text: &str) -> anyhow::Result<Timestamp> {
    text.parse()
        .with_context(|| format!("scenario instant {text}"))
}

/// Records the July 2023 search at Litoral and its seized items, each handed from the
/// search team to the police evidence store and then to the prosecutor. The reference
/// facilities must be registered (the seed). Returns the search's id.
pub async fn litoral_search_2023(store: &Store, who: &Principal) -> anyhow::Result<i64> {
    let units: Vec<i64> = store
        .locations_of(LITORAL)
        .await?
        .into_iter()
        .filter(|l| l.parent_id.is_none())
        .map(|l| l.id)
        .collect();
    anyhow::ensure!(!units.is_empty(), "{LITORAL} has no pabellones: seed first");
    let member = |name: &str, role: &str| TeamMember {
        name: name.into(),
        role: Some(role.into()),
        staff_id: None,
    };
    let search = seizures::record_search(
        store,
        who,
        SearchRequest {
            facility: LITORAL.into(),
            kind: SearchKind::Area,
            location_ids: units,
            team: vec![
                member("Fuerzas Armadas — Comando Conjunto", "control del perímetro e ingreso"),
                member("Policía Nacional — Grupo de Intervención y Rescate (GIR)", "requisa de pabellones"),
                member("SNAI — Dirección del CPL Guayas N° 1", "acompañamiento y registro"),
            ],
            authorised_by: "Dirección General del SNAI, en el marco del estado de excepción en el sistema penitenciario".into(),
            started_at: at(STARTED)?,
            ended_at: at(ENDED)?,
            reason: "Retomar el control del centro tras los enfrentamientos de julio: búsqueda de armas, explosivos y equipos de comunicación".into(),
            person: None,
            note: Some("Requisa de los doce pabellones".into()),
        },
    )
    .await?;
    let team = Holder::named(
        "Tnte. Andrés Cedeño",
        "Policía Nacional — Grupo de Intervención y Rescate (GIR)",
    );
    let evidence = Holder::named(
        "Sgto. María Villacís",
        "Policía Nacional — Centro de Acopio de Evidencias, Zona 8",
    );
    let prosecutor = Holder::named("Ab. Jorge Alvarado", "Fiscalía Provincial del Guayas");
    for (category, quantity, description) in SEIZED {
        let item = seizures::seize(
            store,
            who,
            search.id,
            ItemRequest {
                category,
                description: Some(description.into()),
                quantity,
                drugs: None,
                cash: (category == ItemCategory::Cash).then(|| CashDetails {
                    currency: Some("USD".into()),
                    amount: Some(CASH_USD),
                }),
                location_id: None,
                found_place: Some("Pabellones del CPL Guayas N° 1".into()),
                person_id: None,
                photo_reference: Some(format!("GIR-REQ-2023-07-26/{}", category.as_str())),
                holder: team.clone(),
                found_at: None,
            },
        )
        .await?;
        for (from, to, when, purpose, disposal) in [
            (
                &team,
                &evidence,
                TO_EVIDENCE_STORE,
                "Ingreso al centro de acopio de evidencias con acta de cadena de custodia",
                None,
            ),
            (
                &evidence,
                &prosecutor,
                TO_PROSECUTOR,
                "Entrega a Fiscalía para la investigación",
                Some(Disposal::HandedToProsecutor),
            ),
        ] {
            seizures::hand_over(
                store,
                who,
                item.id,
                HandoverRequest {
                    from: from.clone(),
                    to: to.clone(),
                    at: at(when)?,
                    purpose: purpose.into(),
                    disposal,
                },
            )
            .await?;
        }
    }
    Ok(search.id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use custodia_app::seizures::StatsQuery;
    use custodia_testkit::both_backends;

    both_backends! {
        // On a seeded database the search's statistics are the scenario's figures, all
        // in July 2023 at Litoral, every item with the prosecutor.
        async fn the_statistics_are_the_scenarios(db) {
            let store = &db.store;
            assert!(crate::seed::load(store, false).await.expect("seed"));
            let who = Principal::system("test");
            let id = litoral_search_2023(store, &who).await.expect("search");
            let stats = seizures::stats(store, &who, StatsQuery {
                facility: Some(LITORAL.into()),
                ..StatsQuery::default()
            })
            .await
            .expect("stats");
            let quantity = |c: ItemCategory| {
                stats.by_category.iter().find(|t| t.category == c).map_or(0, |t| t.quantity)
            };
            assert_eq!(quantity(ItemCategory::Firearm), 14 + 23 + 2 + 2 + 1);
            assert_eq!(quantity(ItemCategory::Grenade), 6);
            assert_eq!(quantity(ItemCategory::Ammunition), 2131);
            assert_eq!(quantity(ItemCategory::Explosive), 6 + 65);
            assert_eq!(quantity(ItemCategory::Radio), 10);
            assert_eq!(quantity(ItemCategory::MobilePhone), 149);
            assert_eq!(stats.cash_totals.len(), 1);
            assert_eq!((stats.cash_totals[0].currency.as_str(), stats.cash_totals[0].amount), ("USD", 4441.0));
            assert!(stats.rows.iter().all(|r| r.facility == LITORAL && r.month == "2023-07"), "{:?}", stats.rows);
            assert!(stats.drugs.is_empty());
            let search = seizures::search(store, &who, id).await.expect("search");
            assert_eq!(search.items.len(), SEIZED.len());
            assert_eq!(search.location_ids.len(), 12, "the twelve pabellones");
            for item in &search.items {
                assert_eq!(item.disposal, Some(Disposal::HandedToProsecutor));
                assert_eq!(item.handovers.len(), 2);
                assert_eq!(item.holder.office.as_deref(), Some("Fiscalía Provincial del Guayas"));
            }
            // The whole chain is in the journal.
            let events: Vec<String> = store.journal_page(0, 1_000_000).await.expect("journal")
                .into_iter().map(|e| e.event_type).filter(|t| t.starts_with("item.") || t.starts_with("search.")).collect();
            assert_eq!(events.iter().filter(|t| *t == "item.seized").count(), SEIZED.len());
            assert_eq!(events.iter().filter(|t| *t == "item.handed_over").count(), SEIZED.len());
            assert_eq!(events.iter().filter(|t| *t == "item.disposed").count(), SEIZED.len());
            assert_eq!(events.iter().filter(|t| *t == "search.recorded").count(), 1);
        }
    }
}
