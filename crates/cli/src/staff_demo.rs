//! Demo staff: generated prison guards and police officers registered at facilities, and
//! their day and night shifts around a given instant, all through the use cases. The
//! names are generated (see [`crate::people`]); never real people.
//!
//! Each facility gets two crews of `per_facility` staff: the day crew works 07:00–19:00
//! and the night crew 19:00–07:00 (the facility's local time), over the night before,
//! the day and the night after the day of `day`. From 19:00 the evening before until
//! 07:00 the morning after, exactly `per_facility` staff are on duty at each facility.

use anyhow::Context;
use jiff::{Timestamp, civil::Time, tz::TimeZone};

use custodia_app::Principal;
use custodia_app::staff::{record_shift, register};
use custodia_domain::staff::{EmergencyContact, NewShift, NewStaff, Post, StaffKind};
use custodia_store::Store;

use crate::people::{Dice, identity};

/// One police officer in this many staff (the 2023 crisis: 7 of 57).
const POLICE_ONE_IN: usize = 8;
/// Posts a guard may hold.
const POSTS: [&str; 6] = [
    "Garita 1",
    "Garita 2",
    "Pabellón A",
    "Pabellón B",
    "Control de ingreso",
    "Sala de visitas",
];
/// The post of police officers.
const POLICE_POST: &str = "Perímetro exterior";
const RELATIONSHIPS: [&str; 4] = ["madre", "esposa", "esposo", "hermano"];

/// What was generated at one facility.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacilityStaff {
    /// The facility.
    pub facility: String,
    /// The day crew (07:00–19:00), guards first, then police.
    pub day_crew: Vec<i64>,
    /// The night crew (19:00–07:00), guards first, then police.
    pub night_crew: Vec<i64>,
    /// The shifts recorded: the night before, the day, the night after.
    pub shifts: Vec<i64>,
}

/// What [`demo_staff`] generated, facility by facility in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoStaff {
    /// Per facility.
    pub facilities: Vec<FacilityStaff>,
}

/// A service number: kind, facility and day, so that calls for other facilities or days
/// never collide (`ASP-CPLAZ1-230830-0001`).
fn service_number(kind: StaffKind, facility: &str, day: &str, n: usize) -> String {
    let prefix = if kind == StaffKind::Police {
        "PN"
    } else {
        "ASP"
    };
    let code: String = facility
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(10)
        .collect();
    format!("{prefix}-{code}-{day}-{n:04}")
}

/// Registers one crew of `size` at `facility`; their ids, guards first.
async fn crew(
    store: &Store,
    who: &Principal,
    dice: &mut Dice,
    facility: &str,
    day: &str,
    first: usize,
    size: usize,
) -> anyhow::Result<Vec<i64>> {
    let police = size / POLICE_ONE_IN;
    let mut ids = Vec::with_capacity(size);
    for i in 0..size {
        let n = first + i;
        let kind = if i >= size - police {
            StaffKind::Police
        } else {
            StaffKind::PrisonGuard
        };
        // The identity's number only makes its (unused) document unique.
        let (a, b) = (dice.next() % 5_000_000, dice.next() % 5_000_000);
        let (person, relative) = (identity(dice, a), identity(dice, b));
        let new = NewStaff {
            service_number: service_number(kind, facility, day, n),
            given_names: person.given_names,
            surnames: [Some(person.first_surname), person.second_surname]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" "),
            kind,
            rank: Some(
                if kind == StaffKind::Police {
                    ["Policía", "Cabo segundo", "Sargento segundo"][dice.below(3)]
                } else {
                    [
                        "Agente de tercera",
                        "Agente de segunda",
                        "Agente de primera",
                    ][dice.below(3)]
                }
                .to_owned(),
            ),
            home_facility: facility.to_owned(),
            emergency_contact: Some(EmergencyContact {
                name: format!("{} {}", relative.given_names, relative.first_surname),
                relationship: RELATIONSHIPS[dice.below(RELATIONSHIPS.len())].to_owned(),
                phone: format!("09{:08}", dice.next() % 100_000_000),
            }),
            active: None,
            user: None,
        };
        let registered = register(store, who, new)
            .await
            .with_context(|| format!("registering demo staff at {facility}"))?;
        ids.push(registered.id);
    }
    Ok(ids)
}

/// The crew's posts: police at the perimeter, guards spread over the posts.
fn posts(crew: &[(i64, StaffKind)]) -> Vec<Post> {
    let mut posts: Vec<Post> = Vec::new();
    for (i, (id, kind)) in crew.iter().enumerate() {
        let name = if *kind == StaffKind::Police {
            POLICE_POST
        } else {
            POSTS[i % POSTS.len()]
        };
        match posts.iter_mut().find(|p| p.post == name) {
            Some(p) => p.staff_ids.push(*id),
            None => posts.push(Post {
                post: name.to_owned(),
                staff_ids: vec![*id],
            }),
        }
    }
    posts
}

/// Registers `2 × per_facility` generated staff at each facility (a day crew and a night
/// crew, about one in eight a police officer) and records, in the facility's time zone,
/// the night before `day`'s date, its day and the night after; see the module's note.
pub async fn demo_staff(
    store: &Store,
    facilities: &[&str],
    per_facility: usize,
    day: Timestamp,
) -> anyhow::Result<DemoStaff> {
    let who = Principal::system("demo");
    let mut dice = Dice::new(day.as_second().unsigned_abs() ^ 0x5747_4146);
    let mut out = Vec::with_capacity(facilities.len());
    for code in facilities {
        let facility = store
            .facility(code)
            .await?
            .with_context(|| format!("no facility {code}"))?;
        let tz =
            TimeZone::get(&facility.timezone).with_context(|| format!("time zone of {code}"))?;
        let date = day.to_zoned(tz.clone()).date();
        let tag = date.strftime("%y%m%d").to_string();
        let day_crew = crew(store, &who, &mut dice, code, &tag, 1, per_facility).await?;
        let night_crew = crew(
            store,
            &who,
            &mut dice,
            code,
            &tag,
            per_facility + 1,
            per_facility,
        )
        .await?;
        let kinds = |ids: &[i64]| -> Vec<(i64, StaffKind)> {
            let police_from = ids.len() - ids.len() / POLICE_ONE_IN;
            ids.iter()
                .enumerate()
                .map(|(i, id)| {
                    let kind = if i >= police_from {
                        StaffKind::Police
                    } else {
                        StaffKind::PrisonGuard
                    };
                    (*id, kind)
                })
                .collect()
        };
        let local = |d: jiff::civil::Date, hour: i8| -> anyhow::Result<Timestamp> {
            Ok(d.to_datetime(Time::new(hour, 0, 0, 0)?)
                .to_zoned(tz.clone())?
                .timestamp())
        };
        let (yesterday, tomorrow) = (date.yesterday()?, date.tomorrow()?);
        let plan = [
            (local(yesterday, 19)?, local(date, 7)?, &night_crew),
            (local(date, 7)?, local(date, 19)?, &day_crew),
            (local(date, 19)?, local(tomorrow, 7)?, &night_crew),
        ];
        let mut shifts = Vec::new();
        for (starts_at, ends_at, crew) in plan {
            if crew.is_empty() {
                continue;
            }
            let shift = NewShift {
                starts_at,
                ends_at,
                staff_ids: Vec::new(),
                posts: posts(&kinds(crew)),
            };
            let recorded = record_shift(store, &who, code, shift)
                .await
                .with_context(|| format!("recording a demo shift at {code}"))?;
            shifts.push(recorded.id);
        }
        out.push(FacilityStaff {
            facility: (*code).to_owned(),
            day_crew,
            night_crew,
            shifts,
        });
    }
    Ok(DemoStaff { facilities: out })
}

#[cfg(test)]
mod tests {
    use super::*;
    use custodia_domain::time::canonical;
    use custodia_testkit::Kind;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn crews_on_duty_around_the_day() {
        let db = custodia_testkit::fresh(Kind::Sqlite).await;
        let store = &db.store;
        crate::seed::load(store, false).await.expect("facilities");
        let day: Timestamp = "2023-08-30T17:00:00Z".parse().expect("instant");
        let made = demo_staff(store, &["CPL-AZ-1", "CPL-GY-1"], 9, day)
            .await
            .expect("demo staff");
        assert_eq!(made.facilities.len(), 2);
        for f in &made.facilities {
            assert_eq!(
                (f.day_crew.len(), f.night_crew.len(), f.shifts.len()),
                (9, 9, 3)
            );
            // Cuenca and Guayaquil are at UTC−5: the day shift is 12:00–00:00 UTC.
            for (at, crew) in [
                ("2023-08-30T00:00:00Z", &f.night_crew),
                ("2023-08-30T11:59:59Z", &f.night_crew),
                ("2023-08-30T12:00:00Z", &f.day_crew),
                ("2023-08-30T17:00:00Z", &f.day_crew),
                ("2023-08-31T11:00:00Z", &f.night_crew),
            ] {
                let at: Timestamp = at.parse().expect("instant");
                let mut on: Vec<i64> = store
                    .on_duty(&f.facility, &canonical(at))
                    .await
                    .expect("on duty")
                    .into_iter()
                    .map(|d| d.staff_id)
                    .collect();
                on.sort_unstable();
                assert_eq!(&on, crew, "{} at {at}", f.facility);
            }
            let before: Timestamp = "2023-08-29T23:59:59Z".parse().expect("instant");
            let on = store
                .on_duty(&f.facility, &canonical(before))
                .await
                .expect("on duty");
            assert!(on.is_empty(), "{on:?}");
            let police = store
                .on_duty(&f.facility, &canonical(day))
                .await
                .expect("on duty")
                .into_iter()
                .filter(|d| d.kind == "police")
                .inspect(|d| assert_eq!(d.post.as_deref(), Some(POLICE_POST)))
                .count();
            assert_eq!(police, 1, "one police officer in each crew of 9");
        }
        // Another day at the same facilities: no service number collides.
        let next: Timestamp = "2023-09-02T17:00:00Z".parse().expect("instant");
        demo_staff(store, &["CPL-AZ-1"], 3, next)
            .await
            .expect("another day");
    }
}
