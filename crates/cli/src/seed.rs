//! The reference facilities of the Ecuador 2023 scenario (public facility names and
//! rounded public capacities), embedded in the binary, and generated demo persons for a
//! freshly seeded database.

use anyhow::bail;
use custodia_app::{AppError, Principal};
use custodia_domain::access::{Grant, Role};
use custodia_store::Store;

const FACILITIES: &str = include_str!("../seed/facilities.csv");
const LOCATIONS: &str = include_str!("../seed/locations.csv");

/// On a database without users, creates `demo.admin` (national administrator) with a
/// fresh random password, printed once, so that the demo can be signed into.
async fn demo_administrator(store: &Store, seeder: &Principal) -> anyhow::Result<()> {
    if !store.users().await?.is_empty() {
        return Ok(());
    }
    let (secret, _) = custodia_app::secrets::new_token()?;
    let password = format!("demo-{}", &secret[4..28]);
    let new = custodia_app::users::NewUser {
        username: "demo.admin".to_owned(),
        display_name: "Demo administrator".to_owned(),
        password: password.clone(),
        grants: vec![Grant::national(Role::NationalAdmin)],
    };
    custodia_app::users::add(store, seeder, new).await?;
    // To the terminal only: standard output may be kept in logs.
    eprintln!(
        "demo administrator: sign in as demo.admin with password {password} (shown only now)"
    );
    Ok(())
}

/// Imports the reference facilities, unless the database already has facilities; with
/// `demo_admin`, also a demo administrator on a database without users. Returns whether
/// it seeded (false: the database already had facilities).
pub async fn load(store: &Store, demo_admin: bool) -> anyhow::Result<bool> {
    if !store.facilities().await?.is_empty() {
        println!("seed skipped: the database already has facilities");
        return Ok(false);
    }
    let files = [
        ("seed/facilities.csv".to_owned(), FACILITIES.to_owned()),
        ("seed/locations.csv".to_owned(), LOCATIONS.to_owned()),
    ];
    let seeder = Principal::system("seed");
    match custodia_app::import::import(store, &seeder, &files).await {
        Ok(summary) => {
            println!(
                "seeded {} facilities and {} locations",
                summary.facilities, summary.locations
            );
            if demo_admin {
                demo_administrator(store, &seeder).await?;
            }
            Ok(true)
        }
        Err(AppError::ImportRejected(rows)) => {
            bail!(
                "the embedded seed is invalid: {}",
                rows.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// Generated persons (never real ones) admitted through the real admission use case, so
/// that a demo has a registry to search and legal deadlines to watch: some pretrial
/// detainees past their limit, some due soon, some sentenced. Callers run it only right
/// after [`load`] seeded a fresh database, never on a registry of real facilities; it is
/// also skipped when the registry has persons.
pub async fn demo_persons(store: &Store, count: u64) -> anyhow::Result<()> {
    use custodia_domain::admission::*;
    use custodia_domain::custody::{LegalDocument, LegalDocumentKind, Offence};
    use custodia_domain::legal::Term;
    use custodia_domain::person::Sex;
    use custodia_domain::{HoldsAge, HoldsSex};

    if store.has_persons().await? {
        return Ok(());
    }
    let facilities = store.facilities().await?;
    let fitting = |sex: HoldsSex, age: HoldsAge| -> Vec<custodia_domain::Facility> {
        facilities
            .iter()
            .filter(|f| f.holds_age == age && f.holds_sex.admits(sex))
            .cloned()
            .collect()
    };
    let places = [
        fitting(HoldsSex::Men, HoldsAge::Adults),
        fitting(HoldsSex::Women, HoldsAge::Adults),
    ];
    if places.iter().any(Vec::is_empty) {
        return Ok(());
    }
    let seeder = Principal::system("demo");
    let mut dice = crate::people::Dice::new(31_000);
    let now = jiff::Timestamp::now();
    let offences: [(&str, &str, i64); 5] = [
        ("Robo", "COIP art. 189", 7),
        ("Tráfico ilícito de sustancias", "COIP art. 220", 13),
        ("Asesinato", "COIP art. 140", 26),
        ("Hurto", "COIP art. 196", 3),
        ("Extorsión", "COIP art. 185", 10),
    ];
    let mut admitted = 0;
    for n in 0..count {
        let mut person = crate::people::identity(&mut dice, 900_000 + n);
        person.date_of_birth = jiff::civil::date(
            1960 + dice.below(45) as i16,
            1 + dice.below(12) as i8,
            1 + dice.below(28) as i8,
        );
        let list = &places[usize::from(person.sex == Sex::Female)];
        let facility = list[dice.below(list.len())].clone();
        let days_ago = 3 + (dice.unit().powi(2) * 720.0) as i64;
        let admitted_at = now.checked_sub(jiff::SignedDuration::from_hours(
            days_ago * 24 + dice.below(12) as i64,
        ))?;
        let admitted_on = custodia_domain::time::date_in(admitted_at, &facility.timezone);
        let (offence, article, years) = offences[dice.below(offences.len())];
        let sentenced = dice.chance(0.4);
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
                n
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
        let request = AdmissionRequest {
            person: Some(person),
            person_id: None,
            confirm_new_person: true,
            facility: facility.code.clone(),
            location_id: None,
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
        };
        match custodia_app::persons::admit(store, &seeder, request).await {
            Ok(_) => admitted += 1,
            // A generated person may fall foul of a rule (e.g. a duplicate cédula): the
            // rule wins, the demo has one person fewer.
            Err(AppError::Invalid(_) | AppError::Conflict { .. }) => {}
            Err(e) => return Err(e.into()),
        }
    }
    println!("admitted {admitted} generated persons");
    Ok(())
}
