//! The August 2023 crisis, replayed through the use cases (see
//! `../shared/scenario/ecuador-2023.md`): staff on duty at six prisons, six hostage-takings
//! grouped in one crisis, 57 officers (50 guards, 7 police; 44 at Turi) taken and
//! released prison by prison at their times, the attacks outside the walls, and the
//! control status of the prisons. Everyone is generated; the figures are the public ones.

use anyhow::Context;
use jiff::Timestamp;

use custodia_app::Principal;
use custodia_app::incidents::{
    self, ControlRequest, CrisisClose, CrisisRequest, HostageRelease, HostageRequest,
    IncidentRequest, StaffIds,
};
use custodia_domain::incident::{ControlStatus, IncidentType, Site};
use custodia_domain::staff::{NewShift, NewStaff, Post, StaffKind};
use custodia_store::Store;

use crate::people::{Dice, identity};

/// One prison of the crisis: how many were on duty and how many of them were taken.
struct Site2023 {
    code: &'static str,
    guards_on_duty: usize,
    police_on_duty: usize,
    guards_taken: usize,
    police_taken: usize,
    /// When the hostages were taken and released (UTC).
    taken_at: &'static str,
    released_at: &'static str,
}

/// Six prisons, 57 officers: 44 at Turi (40 guards, 4 police), 13 at the other five.
const SITES: [Site2023; 6] = [
    Site2023 {
        code: "CPL-AZ-1",
        guards_on_duty: 52,
        police_on_duty: 6,
        guards_taken: 40,
        police_taken: 4,
        taken_at: "2023-08-30T23:10:00Z",
        released_at: "2023-09-01T02:40:00Z",
    },
    Site2023 {
        code: "CPL-CX-1",
        guards_on_duty: 12,
        police_on_duty: 3,
        guards_taken: 3,
        police_taken: 1,
        taken_at: "2023-08-30T23:25:00Z",
        released_at: "2023-08-31T21:15:00Z",
    },
    Site2023 {
        code: "CPL-EO-1",
        guards_on_duty: 10,
        police_on_duty: 2,
        guards_taken: 2,
        police_taken: 1,
        taken_at: "2023-08-30T23:40:00Z",
        released_at: "2023-08-31T23:05:00Z",
    },
    Site2023 {
        code: "CPL-ES-1",
        guards_on_duty: 8,
        police_on_duty: 2,
        guards_taken: 2,
        police_taken: 0,
        taken_at: "2023-08-31T00:05:00Z",
        released_at: "2023-08-31T19:30:00Z",
    },
    Site2023 {
        code: "CPL-SD-1",
        guards_on_duty: 8,
        police_on_duty: 2,
        guards_taken: 1,
        police_taken: 1,
        taken_at: "2023-08-31T00:20:00Z",
        released_at: "2023-08-31T22:10:00Z",
    },
    Site2023 {
        code: "CRS-NA-1",
        guards_on_duty: 6,
        police_on_duty: 1,
        guards_taken: 2,
        police_taken: 0,
        taken_at: "2023-08-31T00:45:00Z",
        released_at: "2023-09-01T00:20:00Z",
    },
];

/// The attacks outside the walls: four car bombs and three explosive devices in under
/// 48 hours (the Napo bridge first).
const ATTACKS: [(&str, &str, &str, f64, f64, &str); 7] = [
    (
        "2023-08-30T17:30:00Z",
        "Puente sobre el río Napo, vía Tena–Puyo",
        "Napo",
        -1.0,
        -77.81,
        "Cilindro de gas con dinamita bajo un puente",
    ),
    (
        "2023-08-31T06:20:00Z",
        "Antiguas oficinas del servicio penitenciario, Quito",
        "Pichincha",
        -0.2,
        -78.49,
        "Coche bomba cerca de una antigua oficina del servicio",
    ),
    (
        "2023-08-31T07:10:00Z",
        "Oficinas del servicio penitenciario, Quito",
        "Pichincha",
        -0.18,
        -78.48,
        "Vehículo explotó frente a las oficinas actuales del servicio",
    ),
    (
        "2023-08-31T09:00:00Z",
        "Machala, El Oro",
        "El Oro",
        -3.26,
        -79.96,
        "Coche bomba",
    ),
    (
        "2023-08-31T10:30:00Z",
        "Pasaje, El Oro",
        "El Oro",
        -3.33,
        -79.81,
        "Coche bomba",
    ),
    (
        "2023-08-31T14:00:00Z",
        "Cuenca, Azuay",
        "Azuay",
        -2.9,
        -79.0,
        "Artefacto explosivo",
    ),
    (
        "2023-09-01T03:00:00Z",
        "Taxi detenido en Napo",
        "Napo",
        -0.99,
        -77.81,
        "Dinamita con detonador en un taxi; destruida en detonación controlada",
    ),
];

fn at(text: &str) -> anyhow::Result<Timestamp> {
    text.parse()
        .with_context(|| format!("scenario instant {text}"))
}

/// What the replay recorded, for checks.
pub struct Replayed {
    /// The crisis.
    pub crisis_id: i64,
    /// The instant when all 57 were held (after the last taking, before the first release).
    pub peak: Timestamp,
    /// After the last release.
    pub after: Timestamp,
}

/// Registers generated staff at a site and the night shift they were on.
async fn staff_on_duty(
    store: &Store,
    who: &Principal,
    dice: &mut Dice,
    site: &Site2023,
    serial: &mut u64,
) -> anyhow::Result<(Vec<i64>, Vec<i64>)> {
    let (mut guards, mut police) = (Vec::new(), Vec::new());
    for (kind, n) in [
        (StaffKind::PrisonGuard, site.guards_on_duty),
        (StaffKind::Police, site.police_on_duty),
    ] {
        for _ in 0..n {
            *serial += 1;
            let person = identity(dice, 5_000_000 + *serial);
            let registered = custodia_app::staff::register(
                store,
                who,
                NewStaff {
                    service_number: format!("SNAI-2023-{:04}", *serial),
                    given_names: person.given_names,
                    surnames: format!(
                        "{} {}",
                        person.first_surname,
                        person.second_surname.unwrap_or_default()
                    )
                    .trim()
                    .to_owned(),
                    kind,
                    rank: Some(if kind == StaffKind::Police {
                        "Cabo".into()
                    } else {
                        "Agente de seguridad penitenciaria".into()
                    }),
                    home_facility: site.code.into(),
                    emergency_contact: None,
                    active: None,
                    user: None,
                },
            )
            .await?;
            match kind {
                StaffKind::Police => police.push(registered.id),
                _ => guards.push(registered.id),
            }
        }
    }
    let everyone: Vec<i64> = guards.iter().chain(&police).copied().collect();
    custodia_app::staff::record_shift(
        store,
        who,
        site.code,
        NewShift {
            starts_at: at("2023-08-30T19:00:00Z")?,
            ends_at: at("2023-08-31T19:00:00Z")?,
            staff_ids: Vec::new(),
            posts: vec![Post {
                post: "Turno de 24 horas".into(),
                staff_ids: everyone,
            }],
        },
    )
    .await?;
    Ok((guards, police))
}

/// Records the crisis. The facilities must be registered (the seed).
pub async fn replay_2023(store: &Store) -> anyhow::Result<Replayed> {
    let who = Principal::system("demo");
    let mut dice = Dice::new(2023);
    let mut serial = 0;
    let mut incidents_ids = Vec::new();
    let mut sites = Vec::new();
    for site in &SITES {
        let (guards, police) = staff_on_duty(store, &who, &mut dice, site, &mut serial).await?;
        let taken_at = at(site.taken_at)?;
        let incident = incidents::report(
            store,
            &who,
            IncidentRequest {
                incident_type: IncidentType::HostageTaking,
                site: Site {
                    facility: Some(site.code.into()),
                    ..Site::default()
                },
                occurred_at: taken_at,
                severity: None,
                summary: format!(
                    "Toma de rehenes: {} servidores retenidos por internos",
                    site.guards_taken + site.police_taken
                ),
                status: Some(custodia_domain::incident::IncidentStatus::Active),
                attachments: Vec::new(),
            },
        )
        .await?;
        incidents_ids.push(incident.id);
        let taken: Vec<i64> = guards[..site.guards_taken]
            .iter()
            .chain(&police[..site.police_taken])
            .copied()
            .collect();
        sites.push((site, incident.id, taken));
    }
    let crisis = incidents::open_crisis(
        store,
        &who,
        CrisisRequest {
            name: "Agosto 2023 — tomas de rehenes simultáneas en seis cárceles".into(),
            started_at: at(SITES[0].taken_at)?,
            summary: Some("Respuesta de las bandas a los traslados y requisas: 57 servidores retenidos (50 guías, 7 policías), 44 en Turi; atentados con explosivos fuera de las cárceles.".into()),
            incident_ids: incidents_ids,
        },
    )
    .await?;
    for (site, incident, taken) in &sites {
        incidents::take_hostages(
            store,
            &who,
            crisis.id,
            HostageRequest {
                incident_id: *incident,
                staff_ids: taken.clone(),
                at: at(site.taken_at)?,
                circumstances: Some("Retenidos por internos durante la noche".into()),
            },
        )
        .await?;
        incidents::set_control(
            store,
            &who,
            site.code,
            ControlRequest {
                status: if site.code == "CPL-AZ-1" {
                    ControlStatus::LostControl
                } else {
                    ControlStatus::PartialLossOfControl
                },
                reason: "Toma de rehenes".into(),
                since: Some(at(site.taken_at)?),
            },
        )
        .await?;
    }
    for (when, address, province, latitude, longitude, summary) in ATTACKS {
        let attack = incidents::report(
            store,
            &who,
            IncidentRequest {
                incident_type: IncidentType::ExplosionOrAttack,
                site: Site {
                    address: Some(address.into()),
                    province: Some(province.into()),
                    latitude: Some(latitude),
                    longitude: Some(longitude),
                    ..Site::default()
                },
                occurred_at: at(when)?,
                severity: None,
                summary: summary.into(),
                status: None,
                attachments: Vec::new(),
            },
        )
        .await?;
        incidents::add_incident(
            store,
            &who,
            crisis.id,
            incidents::AddIncident {
                incident_id: attack.id,
            },
        )
        .await?;
    }
    let mut releases: Vec<&(&Site2023, i64, Vec<i64>)> = sites.iter().collect();
    releases.sort_by_key(|(s, _, _)| s.released_at);
    for (site, incident, _) in releases {
        let released = at(site.released_at)?;
        incidents::release_hostages(
            store,
            &who,
            crisis.id,
            HostageRelease {
                incident_id: *incident,
                staff_ids: StaffIds::All("all".into()),
                at: released,
                circumstances: "Liberados; el servicio no informó cómo".into(),
            },
        )
        .await?;
        incidents::set_control(
            store,
            &who,
            site.code,
            ControlRequest {
                status: ControlStatus::Normal,
                reason: "Rehenes liberados; control recuperado".into(),
                since: Some(released),
            },
        )
        .await?;
    }
    // The July search at Litoral that preceded the crisis, its find as an incident.
    let search = crate::scenario_search::litoral_search_2023(store, &who).await?;
    let find = incidents::report(
        store,
        &who,
        IncidentRequest {
            incident_type: IncidentType::FindOfIllicitItems,
            site: Site {
                facility: Some(crate::scenario_search::LITORAL.into()),
                ..Site::default()
            },
            occurred_at: at("2023-07-26T22:30:00Z")?,
            severity: Some(custodia_domain::incident::Severity::High),
            summary: "Requisa: 42 armas de fuego, 6 granadas, 2.131 municiones, explosivos, 149 teléfonos".into(),
            status: None,
            attachments: Vec::new(),
        },
    )
    .await?;
    incidents::link_search(
        store,
        &who,
        find.id,
        incidents::LinkSearch { search_id: search },
    )
    .await?;
    let after = at("2023-09-01T03:30:00Z")?;
    incidents::close_crisis(
        store,
        &who,
        crisis.id,
        CrisisClose {
            at: Some(after),
            note: Some("Los 57 servidores fueron liberados".into()),
        },
    )
    .await?;
    Ok(Replayed {
        crisis_id: crisis.id,
        peak: at("2023-08-31T01:00:00Z")?,
        after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use custodia_testkit::both_backends;

    both_backends! {
        // The replay's board has the public figures: 57 held at the peak (44 at Turi;
        // 50 guards and 7 police), none after the last release; the situation then shows
        // nobody held and every prison back to normal.
        async fn the_board_has_the_public_figures(db) {
            let store = &db.store;
            assert!(crate::seed::load(store, false).await.expect("seed"));
            let r = replay_2023(store).await.expect("replay");
            let ops = Principal::system("test");
            let peak = incidents::accountability(store, &ops, r.crisis_id, Some(r.peak)).await.expect("board");
            assert_eq!(peak.totals.held, 57);
            assert_eq!(peak.totals.held_by_kind.prison_guard, 50);
            assert_eq!(peak.totals.held_by_kind.police, 7);
            let turi = peak.facilities.iter().find(|f| f.code == "CPL-AZ-1").expect("Turi");
            assert_eq!(turi.held, 44);
            assert_eq!(peak.facilities.len(), 6);
            assert!(peak.totals.on_duty > 57 && peak.totals.accounted_for == peak.totals.on_duty - 57);
            let after = incidents::accountability(store, &ops, r.crisis_id, Some(r.after)).await.expect("board");
            assert_eq!((after.totals.held, after.totals.released), (0, 57));
            let situation = incidents::situation(store, &ops).await.expect("situation");
            assert_eq!(situation.staff_held_total, 0);
            assert!(situation.facilities_not_normal.is_empty());
            assert!(situation.active_crises.is_empty());
            let crisis = incidents::crisis(store, &ops, r.crisis_id).await.expect("crisis");
            assert_eq!(crisis.incident_ids.len(), 13, "six hostage-takings and seven attacks");
            let finds = incidents::incidents(store, &ops, incidents::IncidentQuery { incident_type: Some(IncidentType::FindOfIllicitItems), ..Default::default() }).await.expect("incidents");
            let find = incidents::incident(store, &ops, finds[0].id).await.expect("incident");
            assert_eq!(find.seizures.len(), 1);
            assert_eq!(find.seizures[0].items, 12, "the Litoral seizure list");
        }
    }
}
