//! The pieces of the demo population: generated admissions, the gangs of the 2023
//! crisis with their rivalries and keep-apart rules, placement in cells (gang members in
//! their own pabellones, as the service kept them), and a few absences and rules between
//! persons once everyone is placed. Everything goes through the real use cases.

use std::collections::HashMap;

use custodia_app::population::{
    self, Affiliation, KeepApartRequest, NewGroup, Override, PlacementRequest,
};
use custodia_app::{AppError, Principal};
use custodia_domain::admission::*;
use custodia_domain::custody::{LegalDocument, LegalDocumentKind, Offence};
use custodia_domain::legal::Term;
use custodia_domain::person::Sex;
use custodia_domain::placement::{KeepApartKind, KeepApartReason, KeepApartScope};
use custodia_domain::transfer::AbsenceKind;
use custodia_domain::{Facility, HoldsAge, HoldsSex, Location};
use custodia_store::Store;

use crate::people::Dice;

/// The gangs publicly named in the crisis.
const GANGS: [&str; 5] = [
    "Los Choneros",
    "Los Lobos",
    "Los Tiguerones",
    "Chone Killers",
    "Los Lagartos",
];

/// Registers the gangs, their rivalries and the keep-apart rules between rival gangs
/// (never in the same pabellón). Returns their ids, in the order of [`GANGS`].
pub async fn gangs(store: &Store, seeder: &Principal) -> anyhow::Result<Vec<i64>> {
    let rivals: [&[usize]; 5] = [&[], &[0], &[0], &[1], &[2]];
    let mut ids = Vec::new();
    for (i, name) in GANGS.iter().enumerate() {
        let group = population::register_group(
            store,
            seeder,
            NewGroup {
                name: (*name).to_owned(),
                aliases: Vec::new(),
                rivals: rivals[i].iter().map(|r| ids[*r]).collect(),
                note: Some("Grupo delictivo organizado (datos de demostración)".to_owned()),
            },
        )
        .await?;
        ids.push(group.id);
    }
    for (a, b) in [(0, 1), (0, 2), (1, 3), (2, 4)] {
        population::record_keep_apart(
            store,
            seeder,
            KeepApartRequest {
                kind: KeepApartKind::Groups,
                a: ids[a],
                b: ids[b],
                reason: KeepApartReason::RivalGang,
                scope: KeepApartScope::Unit,
                from: Some(jiff::civil::date(2021, 9, 28)),
                until: None,
                authorized_by: "Dirección de Seguridad Penitenciaria (demo)".to_owned(),
                note: None,
            },
        )
        .await?;
    }
    Ok(ids)
}

/// A generated admission to `facility`: an adolescent for a CAI, an adult elsewhere; a
/// woman where only women are held, mostly men where both are; pretrial or sentenced.
pub fn admission(
    dice: &mut Dice,
    n: u64,
    facility: &Facility,
    now: jiff::Timestamp,
) -> anyhow::Result<AdmissionRequest> {
    let mut person = crate::people::identity(dice, 900_000 + n);
    let days_ago = 3 + (dice.unit().powi(2) * 720.0) as i64;
    let admitted_at = now.checked_sub(jiff::SignedDuration::from_hours(
        days_ago * 24 + dice.below(12) as i64,
    ))?;
    let admitted_on = custodia_domain::time::date_in(admitted_at, &facility.timezone);
    person.sex = match facility.holds_sex {
        HoldsSex::Men => Sex::Male,
        HoldsSex::Women => Sex::Female,
        HoldsSex::Both if dice.chance(0.15) => Sex::Female,
        HoldsSex::Both => Sex::Male,
    };
    person.date_of_birth = match facility.holds_age {
        HoldsAge::Adults => jiff::civil::date(
            1960 + dice.below(43) as i16,
            1 + dice.below(12) as i8,
            1 + dice.below(28) as i8,
        ),
        HoldsAge::Adolescents => {
            admitted_on.checked_sub(jiff::Span::new().years(15).days(dice.below(900) as i64))?
        }
    };
    let offences: [(&str, &str, i64); 5] = [
        ("Robo", "COIP art. 189", 7),
        ("Tráfico ilícito de sustancias", "COIP art. 220", 13),
        ("Asesinato", "COIP art. 140", 26),
        ("Hurto", "COIP art. 196", 3),
        ("Extorsión", "COIP art. 185", 10),
    ];
    let (offence, article, years) = offences[dice.below(offences.len())];
    let sentenced = dice.chance(0.6);
    let legal_basis = LegalDocument {
        kind: if sentenced {
            LegalDocumentKind::Sentence
        } else {
            LegalDocumentKind::PretrialDetentionOrder
        },
        case_number: format!(
            "{:05}-{}-{:05}",
            9000 + dice.below(999),
            admitted_on.year(),
            n % 100_000
        ),
        court: format!("Unidad Judicial Penal de {}", facility.city),
        judge: "Juez de turno".to_owned(),
        issued_on: admitted_on,
        carried_out_on: (!sentenced).then_some(admitted_on),
        offences: vec![Offence {
            description: offence.to_owned(),
            legal_reference: Some(article.to_owned()),
            max_penalty: Term::years(years),
        }],
        sentence: sentenced.then(|| Term::years(1 + dice.below(years as usize) as i64)),
        start_on: None,
        credit_days: None,
        description: None,
        until: None,
        suspended_from: None,
        suspended_to: None,
        basis: None,
        note: None,
    };
    Ok(AdmissionRequest {
        person: Some(person),
        person_id: None,
        confirm_new_person: true,
        facility: facility.code.clone(),
        location_id: None,
        classification: None,
        admitted_at,
        legal_basis: Some(legal_basis),
        arrest: Arrest {
            at: admitted_at.checked_sub(jiff::SignedDuration::from_hours(8))?,
            place: facility.city.clone(),
            authority: "Policía Nacional".to_owned(),
        },
        injuries: Injuries {
            visible: Vec::new(),
            complaints: Vec::new(),
            reported_to: None,
        },
        property: Property {
            items: vec![PropertyItem {
                description: "Cédula de identidad".to_owned(),
                quantity: 1,
            }],
            signed_by_person: true,
            received_by: "ASP de guardia".to_owned(),
        },
        family: Vec::new(),
        emergency_contact: Contact {
            name: "Familiar".to_owned(),
            relationship: "madre".to_owned(),
            phone: format!("+593 9{:08}", dice.below(100_000_000)),
            address: None,
        },
        next_of_kin: None,
        health_screening: HealthScreening {
            status: if dice.chance(0.8) {
                ScreeningStatus::Done
            } else {
                ScreeningStatus::Pending
            },
            notes: None,
        },
        rights: RightsInformation {
            informed: true,
            language: "es".to_owned(),
        },
    })
}

/// In the large men's prisons about one person in five is affiliated with a gang.
/// Returns the index of the gang, if any.
pub async fn affiliate(
    store: &Store,
    seeder: &Principal,
    dice: &mut Dice,
    gangs: &[i64],
    facility: &Facility,
    person: i64,
) -> anyhow::Result<Option<usize>> {
    let gang_country = ["CPL-GY-1", "CPL-CX-1", "CPL-AZ-1", "CPL-EO-1", "CPL-MA-1"];
    if !gang_country.contains(&facility.code.as_str()) || !dice.chance(0.2) {
        return Ok(None);
    }
    let gang = dice.below(gangs.len());
    population::affiliate(
        store,
        seeder,
        person,
        Affiliation {
            group_id: gangs[gang],
            role: if dice.chance(0.03) {
                population::GroupRole::Leader
            } else {
                population::GroupRole::Member
            },
            source: "Informe de inteligencia penitenciaria (demo)".to_owned(),
            confidence: population::Confidence::Medium,
            since: None,
            until: None,
        },
    )
    .await?;
    Ok(Some(gang))
}

/// How a person ended up.
pub enum Placed {
    /// In a cell with a free place.
    Free,
    /// In a full cell, by a director's override (the prison is over capacity).
    Override,
    /// Left unallocated (no cell fits).
    Unallocated,
}

/// A facility's cells, by unit, with how many each holds so far.
pub struct Cells {
    /// (unit index, cell id, sex held, operational capacity, occupied).
    cells: Vec<(usize, i64, HoldsSex, i64, i64)>,
    units: usize,
    next: usize,
}

impl Cells {
    /// The cells (locations without sub-locations, with places) of a location tree.
    pub fn of(tree: &[Location]) -> Cells {
        let parents: std::collections::HashSet<i64> =
            tree.iter().filter_map(|l| l.parent_id).collect();
        let by_id: HashMap<i64, &Location> = tree.iter().map(|l| (l.id, l)).collect();
        let mut unit_index: HashMap<i64, usize> = HashMap::new();
        let mut cells = Vec::new();
        for l in tree
            .iter()
            .filter(|l| !parents.contains(&l.id) && l.operational_capacity > 0)
        {
            let mut unit = l.id;
            while let Some(p) = by_id.get(&unit).and_then(|l| l.parent_id) {
                unit = p;
            }
            let n = unit_index.len();
            let index = *unit_index.entry(unit).or_insert(n);
            cells.push((index, l.id, l.holds_sex, l.operational_capacity, 0));
        }
        Cells {
            cells,
            units: unit_index.len().max(1),
            next: 0,
        }
    }

    /// Places a person: gang members only in the pabellones kept for their gang (rivals
    /// never share one), others anywhere; the first free place going round, else the
    /// least crowded fitting cell by override.
    pub async fn place(
        &mut self,
        store: &Store,
        seeder: &Principal,
        person: i64,
        sex: Option<Sex>,
        gang: Option<usize>,
        at: jiff::Timestamp,
    ) -> anyhow::Result<Placed> {
        let fits = |c: &(usize, i64, HoldsSex, i64, i64)| {
            let sex_ok = match sex {
                Some(Sex::Male) => c.2 == HoldsSex::Men,
                Some(Sex::Female) => c.2 == HoldsSex::Women,
                None => false,
            };
            // Each gang has its own pabellones; the unaffiliated are held everywhere.
            let unit_ok = gang.is_none_or(|g| c.0 % GANGS.len().min(self.units) == g % self.units);
            sex_ok && unit_ok
        };
        let len = self.cells.len();
        let mut chosen = None;
        for step in 0..len {
            let i = (self.next + step) % len;
            let c = &self.cells[i];
            if fits(c) && c.4 < c.3 {
                chosen = Some((i, false));
                self.next = i;
                break;
            }
        }
        if chosen.is_none() {
            chosen = (0..len)
                .filter(|i| fits(&self.cells[*i]))
                .min_by_key(|i| self.cells[*i].4 * 1000 / self.cells[*i].3.max(1))
                .map(|i| (i, true));
        }
        let Some((i, over)) = chosen else {
            return Ok(Placed::Unallocated);
        };
        let request = PlacementRequest {
            person_id: person,
            location_id: self.cells[i].1,
            occurred_at: Some(at),
            reason: Some("Asignación de celda al ingreso".to_owned()),
            override_: over.then(|| Override {
                reason: "Hacinamiento: no quedan plazas libres en el centro".to_owned(),
            }),
        };
        match population::place(store, seeder, request).await {
            Ok(_) => {
                self.cells[i].4 += 1;
                Ok(if over { Placed::Override } else { Placed::Free })
            }
            Err(AppError::Invalid(_) | AppError::Conflict { .. }) => Ok(Placed::Unallocated),
            Err(e) => Err(e.into()),
        }
    }
}

/// Once everyone is placed: a few keep-apart rules between persons (a witness and the
/// accused, in different pabellones), persons out at court, one overdue from hospital.
pub async fn after_placement(
    store: &Store,
    seeder: &Principal,
    dice: &mut Dice,
) -> anyhow::Result<()> {
    let now = jiff::Timestamp::now();
    for code in ["CPL-GY-1", "CPL-AZ-1", "CPL-CX-1"] {
        let roll = population::roll(store, seeder, code).await?;
        let cells: Vec<i64> = roll
            .locations
            .iter()
            .filter(|l| l.is_cell && l.occupancy.occupied > 0)
            .map(|l| l.location_id)
            .collect();
        if cells.len() < 2 {
            continue;
        }
        let mut persons = Vec::new();
        for cell in [cells[0], cells[cells.len() - 1]] {
            let here = store.occupants(cell).await?;
            if let Some(e) = here.first() {
                persons.push(e.person_id);
            }
        }
        if let [a, b] = persons[..] {
            population::record_keep_apart(
                store,
                seeder,
                KeepApartRequest {
                    kind: KeepApartKind::Persons,
                    a,
                    b,
                    reason: KeepApartReason::Witness,
                    scope: KeepApartScope::Unit,
                    from: None,
                    until: None,
                    authorized_by: "Fiscalía General del Estado (demo)".to_owned(),
                    note: Some("Testigo protegido".to_owned()),
                },
            )
            .await?;
            let back = now + jiff::SignedDuration::from_hours(3 + dice.below(5) as i64);
            population::leave(
                store,
                seeder,
                population::AbsenceRequest {
                    person_id: a,
                    kind: AbsenceKind::CourtAppearance,
                    expected_back_at: back,
                    left_at: None,
                    note: Some("Audiencia de juzgamiento".to_owned()),
                },
            )
            .await?;
            population::leave(
                store,
                seeder,
                population::AbsenceRequest {
                    person_id: b,
                    kind: AbsenceKind::Hospital,
                    expected_back_at: now - jiff::SignedDuration::from_hours(2),
                    left_at: Some(now - jiff::SignedDuration::from_hours(30)),
                    note: Some("Hospital Vicente Corral Moscoso".to_owned()),
                },
            )
            .await?;
        }
    }
    Ok(())
}
