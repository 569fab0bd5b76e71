//! Adolescents are never held with adults: anyone under 18 on the day of admission goes
//! to an adolescent centre (CAI), and adults never do. When a facility is wrong for a
//! person, the same or nearest province's fitting facilities are suggested.

use jiff::civil::Date;

use crate::facility::{Facility, HoldsAge};
use crate::names::fold;

/// Age of majority.
pub const ADULT_AT: i16 = 18;

/// Whole years of age on a day (someone born on 29 February comes of age on 1 March).
pub fn age_on(born: Date, on: Date) -> i16 {
    let mut age = on.year() - born.year();
    if (on.month(), on.day()) < (born.month(), born.day()) {
        age -= 1;
    }
    age
}

/// The age group someone belongs to on a day.
pub fn group_on(born: Date, on: Date) -> HoldsAge {
    if age_on(born, on) < ADULT_AT {
        HoldsAge::Adolescents
    } else {
        HoldsAge::Adults
    }
}

/// A facility that cannot hold this person, and where they could go instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{rule}; facilities that can: {}", if suggestions.is_empty() { "none registered".to_owned() } else { suggestions.join(", ") })]
pub struct WrongAgeGroup {
    /// The rule, in words.
    pub rule: &'static str,
    /// Codes of fitting facilities, same province first, then nearest.
    pub suggestions: Vec<String>,
}

/// Checks that `facility` may hold someone born on `born`, admitted on `admitted`.
pub fn check_admission(
    facility: &Facility,
    born: Date,
    admitted: Date,
    all: &[Facility],
) -> Result<(), WrongAgeGroup> {
    let group = group_on(born, admitted);
    if facility.holds_age == group {
        return Ok(());
    }
    let rule = match group {
        HoldsAge::Adolescents => {
            "a person under 18 on the day of admission is held only in an adolescent centre (CAI)"
        }
        HoldsAge::Adults => "an adult is never held in an adolescent centre (CAI)",
    };
    Err(WrongAgeGroup {
        rule,
        suggestions: nearest(&facility.province, group, all),
    })
}

/// Facilities holding `group`, in `province` first and then by distance from it.
pub fn nearest(province: &str, group: HoldsAge, all: &[Facility]) -> Vec<String> {
    let here = centre_of(province);
    let mut fitting: Vec<(f64, &Facility)> = all
        .iter()
        .filter(|f| f.holds_age == group)
        .map(|f| {
            let distance = match (here, centre_of(&f.province)) {
                _ if fold(&f.province) == fold(province) => -1.0,
                (Some(a), Some(b)) => ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt(),
                _ => f64::MAX,
            };
            (distance, f)
        })
        .collect();
    fitting.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.code.cmp(&b.1.code)));
    fitting.into_iter().map(|(_, f)| f.code.clone()).collect()
}

/// Approximate centre (latitude, longitude) of each Ecuadorian province.
const PROVINCES: &[(&str, f64, f64)] = &[
    ("azuay", -2.9, -79.0),
    ("bolivar", -1.7, -79.1),
    ("canar", -2.55, -78.95),
    ("carchi", 0.8, -77.9),
    ("chimborazo", -1.9, -78.7),
    ("cotopaxi", -0.85, -78.7),
    ("el oro", -3.45, -79.85),
    ("esmeraldas", 0.95, -79.4),
    ("galapagos", -0.7, -90.5),
    ("guayas", -2.1, -79.9),
    ("imbabura", 0.35, -78.3),
    ("loja", -4.0, -79.4),
    ("los rios", -1.5, -79.5),
    ("manabi", -1.05, -80.2),
    ("morona santiago", -2.5, -78.0),
    ("napo", -0.9, -77.8),
    ("orellana", -0.7, -76.6),
    ("pastaza", -1.7, -77.3),
    ("pichincha", -0.2, -78.5),
    ("santa elena", -2.2, -80.6),
    ("santo domingo de los tsachilas", -0.25, -79.2),
    ("sucumbios", 0.1, -76.8),
    ("tungurahua", -1.25, -78.6),
    ("zamora chinchipe", -4.1, -78.9),
];

fn centre_of(province: &str) -> Option<(f64, f64)> {
    let name = fold(province);
    PROVINCES
        .iter()
        .find(|(p, _, _)| *p == name)
        .map(|(_, lat, lon)| (*lat, *lon))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facility::FacilityKind;
    use crate::facility::tests::turi;
    use jiff::civil::date;

    fn centre(code: &str, province: &str, age: HoldsAge) -> Facility {
        Facility {
            code: code.into(),
            province: province.into(),
            kind: if age == HoldsAge::Adolescents {
                FacilityKind::Cai
            } else {
                FacilityKind::Cpl
            },
            holds_age: age,
            ..turi()
        }
    }

    #[test]
    fn ages() {
        assert_eq!(age_on(date(2005, 8, 31), date(2023, 8, 30)), 17);
        assert_eq!(age_on(date(2005, 8, 31), date(2023, 8, 31)), 18);
        assert_eq!(age_on(date(2004, 2, 29), date(2022, 2, 28)), 17);
        assert_eq!(age_on(date(2004, 2, 29), date(2022, 3, 1)), 18);
        assert_eq!(
            group_on(date(2006, 1, 1), date(2023, 9, 1)),
            HoldsAge::Adolescents
        );
    }

    #[test]
    fn a_minor_is_sent_to_the_nearest_adolescent_centres() {
        // The Napo arrests of 2023: three adults and one minor.
        let all = vec![
            centre("CRS-NA-1", "Napo", HoldsAge::Adults),
            centre("CAI-PI-1", "Pichincha", HoldsAge::Adolescents),
            centre("CAI-AZ-1", "Azuay", HoldsAge::Adolescents),
            centre("CAI-GY-1", "Guayas", HoldsAge::Adolescents),
        ];
        let tena = &all[0];
        let admitted = date(2023, 8, 31);
        assert_eq!(
            check_admission(tena, date(1990, 5, 5), admitted, &all),
            Ok(())
        );
        let refused = check_admission(tena, date(2006, 3, 3), admitted, &all).unwrap_err();
        assert!(refused.rule.contains("under 18"));
        assert_eq!(refused.suggestions, ["CAI-PI-1", "CAI-AZ-1", "CAI-GY-1"]);
        assert!(refused.to_string().contains("CAI-PI-1"));
        // An adult in an adolescent centre is refused too, pointing at adult facilities.
        let refused = check_admission(&all[2], date(1990, 5, 5), admitted, &all).unwrap_err();
        assert_eq!(refused.suggestions, ["CRS-NA-1"]);
        // The same province comes first, whatever the distances.
        assert_eq!(nearest("Azuay", HoldsAge::Adolescents, &all)[0], "CAI-AZ-1");
    }
}
