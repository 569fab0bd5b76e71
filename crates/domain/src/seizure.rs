//! Searches (requisas) and what they seize: the kinds of search, the Mandela Rules 50–52
//! safeguards a search of a person must record, the categories of seized items with the
//! details drugs and cash need, and the chain of custody an item follows until it is
//! disposed of. Quantities that are summed (grams, money) are kept as whole milligrams and
//! minor units, so that totals are exact on every database.

use serde::{Deserialize, Serialize};

use crate::validation::{Collector, Refused};
use crate::{text, vocabulary};

vocabulary!(
    /// What was searched.
    SearchKind {
        /// One or more cells.
        Cell = "cell",
        /// An area: a pabellón, a yard, workshops, a whole facility.
        Area = "area",
        /// A person (Mandela Rules 50–52 safeguards recorded).
        Person = "person",
    }
);

vocabulary!(
    /// What kind of thing was seized.
    ItemCategory {
        /// Rifles, pistols, revolvers, sub-machine guns, launchers.
        Firearm = "firearm",
        /// Rounds of ammunition.
        Ammunition = "ammunition",
        /// Knives and other blades (shanks, machetes).
        BladedWeapon = "bladed_weapon",
        /// Explosives: improvised devices, dynamite, explosive gel.
        Explosive = "explosive",
        /// Grenades.
        Grenade = "grenade",
        /// Mobile phones.
        MobilePhone = "mobile_phone",
        /// SIM cards.
        SimCard = "sim_card",
        /// Radios.
        Radio = "radio",
        /// Drugs (kind and weight required).
        Drugs = "drugs",
        /// Cash (currency and amount required).
        Cash = "cash",
        /// Anything else, described.
        Other = "other",
    }
);

vocabulary!(
    /// Which drug.
    DrugKind {
        /// Cannabis (marihuana).
        Cannabis = "cannabis",
        /// Cocaine hydrochloride.
        Cocaine = "cocaine",
        /// Cocaine base paste (base de cocaína).
        CocaineBase = "cocaine_base",
        /// Heroin.
        Heroin = "heroin",
        /// Synthetic drugs (e.g. "tusi", amphetamines).
        Synthetic = "synthetic",
        /// Another substance, described.
        Other = "other",
    }
);

vocabulary!(
    /// How a seized item left the chain of custody for good.
    Disposal {
        /// Destroyed (e.g. explosives in a controlled detonation, drugs incinerated).
        Destroyed = "destroyed",
        /// Handed to the prosecutor (Fiscalía) as evidence.
        HandedToProsecutor = "handed_to_prosecutor",
        /// Returned to its owner.
        Returned = "returned",
    }
);

/// Most members of a search team.
pub const MAX_TEAM: usize = 100;
/// Most locations one search names.
pub const MAX_LOCATIONS: usize = 2000;
/// Most items of one category line.
pub const MAX_QUANTITY: i64 = 1_000_000;
/// Most grams of one line of drugs (ten tonnes).
pub const MAX_GRAMS: f64 = 10_000_000.0;
/// Most money in one line of cash.
pub const MAX_AMOUNT: f64 = 1_000_000_000_000.0;

/// Who holds a seized item: a staff member (`{"staff_id": 12}`) or a named person with
/// their office outside the register (`{"name": "Ab. Rosa Vera", "office": "Fiscalía
/// Provincial del Guayas"}`). Exactly one of the two forms.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Holder {
    /// A staff member of the register (alone).
    pub staff_id: Option<i64>,
    /// A person's name (with `office`, without `staff_id`).
    pub name: Option<String>,
    /// Their office or unit, e.g. `Fiscalía Provincial del Guayas`.
    pub office: Option<String>,
}

impl Holder {
    /// A staff member.
    pub fn staff(id: i64) -> Self {
        Holder {
            staff_id: Some(id),
            ..Holder::default()
        }
    }

    /// A named person of an office.
    pub fn named(name: &str, office: &str) -> Self {
        Holder {
            staff_id: None,
            name: Some(name.to_owned()),
            office: Some(office.to_owned()),
        }
    }

    /// Checks the holder's shape under `field` (whether a staff member exists is the
    /// store's).
    pub fn validate(&self, c: &mut Collector, field: &str) {
        match (self.staff_id, &self.name, &self.office) {
            (Some(id), None, None) => c.check(
                id <= 0,
                &format!("{field}.staff_id"),
                "unknown_staff",
                format!("staff member {id} is not registered"),
            ),
            (None, Some(name), Some(office)) => {
                text::required(c, &format!("{field}.name"), name, 200);
                text::required(c, &format!("{field}.office"), office, 200);
            }
            (None, None, None) => c.push(
                field,
                "required",
                format!("{field} is a staff member (staff_id) or a name with an office"),
            ),
            (None, _, _) => c.push(
                field,
                "incomplete_holder",
                format!("{field} outside the staff register needs both name and office"),
            ),
            (Some(_), _, _) => c.push(
                field,
                "one_of_staff_or_name",
                format!("{field} is either a staff member (staff_id) or a name with an office"),
            ),
        }
    }

    /// Whether two holders are the same: one staff member, or one name at one office
    /// (neither case nor inner spacing tells two people apart).
    pub fn same_as(&self, other: &Holder) -> bool {
        fn fold(s: &Option<String>) -> Option<String> {
            s.as_ref().map(|s| {
                s.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase()
            })
        }
        match (self.staff_id, other.staff_id) {
            (Some(a), Some(b)) => a == b,
            (None, None) => {
                fold(&self.name) == fold(&other.name) && fold(&self.office) == fold(&other.office)
            }
            _ => false,
        }
    }
}

/// A member of a search team. Free text for now; a staff member's id when known (not yet
/// checked against the register).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamMember {
    /// Name (or unit, e.g. `Grupo de Intervención y Rescate`).
    pub name: String,
    /// What they did in the search.
    pub role: Option<String>,
    /// The staff member, when known.
    pub staff_id: Option<i64>,
}

/// What a search of a person must record (Mandela Rules 50–52): who was searched, that
/// the searcher was of the same sex and the search done in private, and for an intrusive
/// search (strip or body cavity) the health professional who made it and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonSafeguards {
    /// The person searched (in custody at the search's facility).
    pub person_id: i64,
    /// The searcher was of the same sex as the person (Rule 52.1); must be true.
    #[serde(default)]
    pub same_sex_searcher: bool,
    /// The search was made in private (Rule 52.1); must be true.
    #[serde(default)]
    pub in_private: bool,
    /// An intrusive search (strip or body cavity, Rule 52).
    #[serde(default)]
    pub intrusive: bool,
    /// For an intrusive search: the health professional who made it (Rule 52.2).
    pub health_professional: Option<String>,
    /// For an intrusive search: why it was necessary (Rule 52.1).
    pub intrusive_reason: Option<String>,
}

impl PersonSafeguards {
    /// Checks the safeguards under `person`.
    pub fn validate(&self, c: &mut Collector) {
        c.check(
            !self.same_sex_searcher,
            "person.same_sex_searcher",
            "safeguard_missing",
            "a person is searched only by staff of the same sex (Mandela Rule 52): confirm same_sex_searcher",
        );
        c.check(
            !self.in_private,
            "person.in_private",
            "safeguard_missing",
            "a person is searched in private (Mandela Rule 52): confirm in_private",
        );
        if self.intrusive {
            match &self.health_professional {
                Some(h) => text::required(c, "person.health_professional", h, 200),
                None => c.push(
                    "person.health_professional",
                    "required",
                    "an intrusive search is made only by a health professional (Mandela Rule 52.2): name them",
                ),
            }
            match &self.intrusive_reason {
                Some(r) => text::required(c, "person.intrusive_reason", r, 2000),
                None => c.push(
                    "person.intrusive_reason",
                    "required",
                    "an intrusive search needs its reason (Mandela Rule 52.1)",
                ),
            }
        } else {
            c.check(
                self.health_professional.is_some() || self.intrusive_reason.is_some(),
                "person.intrusive",
                "not_intrusive",
                "a health professional and a reason are recorded only for an intrusive search: set intrusive",
            );
        }
    }
}

/// Checks the parts of a search that do not need the records: its kind against the
/// locations and the person's safeguards, the team, the texts.
pub fn validate_search(
    c: &mut Collector,
    kind: SearchKind,
    location_ids: &[i64],
    team: &[TeamMember],
    person: Option<&PersonSafeguards>,
) {
    match (kind, person) {
        (SearchKind::Person, Some(p)) => p.validate(c),
        (SearchKind::Person, None) => c.push(
            "person",
            "required",
            "a search of a person records who was searched and the Mandela Rules 50–52 safeguards",
        ),
        (_, Some(_)) => c.push(
            "person",
            "not_a_person_search",
            "safeguards of a person are recorded with kind `person`",
        ),
        (_, None) => c.check(
            location_ids.is_empty(),
            "location_ids",
            "required",
            "a search of cells or an area names the locations searched",
        ),
    }
    c.check(
        location_ids.len() > MAX_LOCATIONS,
        "location_ids",
        "too_many",
        format!("at most {MAX_LOCATIONS} locations"),
    );
    let mut seen = std::collections::HashSet::new();
    for (i, id) in location_ids.iter().enumerate() {
        c.check(
            !seen.insert(*id),
            &format!("location_ids[{i}]"),
            "duplicate",
            format!("location {id} is named twice"),
        );
    }
    c.check(
        team.is_empty(),
        "team",
        "required",
        "name who searched (team)",
    );
    c.check(
        team.len() > MAX_TEAM,
        "team",
        "too_many",
        format!("at most {MAX_TEAM} team members"),
    );
    for (i, m) in team.iter().take(MAX_TEAM).enumerate() {
        text::required(c, &format!("team[{i}].name"), &m.name, 200);
        if let Some(r) = &m.role {
            text::required(c, &format!("team[{i}].role"), r, 200);
        }
    }
}

/// Drugs seized: which and how much.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DrugDetails {
    /// Which drug.
    pub kind: DrugKind,
    /// Total weight in grams (kept to the milligram); required.
    pub grams: Option<f64>,
}

/// Cash seized: in which currency and how much.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CashDetails {
    /// ISO 4217 code, e.g. `USD`; required.
    pub currency: Option<String>,
    /// The amount (kept to the cent); required.
    pub amount: Option<f64>,
}

/// Grams as whole milligrams, when positive and plausible.
pub fn milligrams(grams: f64) -> Option<i64> {
    (grams.is_finite() && grams > 0.0 && grams <= MAX_GRAMS)
        .then(|| (grams * 1000.0).round() as i64)
        .filter(|mg| *mg > 0)
}

/// An amount as whole cents, when positive and plausible.
pub fn minor_units(amount: f64) -> Option<i64> {
    (amount.is_finite() && amount > 0.0 && amount <= MAX_AMOUNT)
        .then(|| (amount * 100.0).round() as i64)
        .filter(|cents| *cents > 0)
}

/// Milligrams back as grams.
pub fn grams(milligrams: i64) -> f64 {
    milligrams as f64 / 1000.0
}

/// Cents back as an amount.
pub fn amount(minor: i64) -> f64 {
    minor as f64 / 100.0
}

/// Checks a seized item's own shape: a positive quantity, the details its category
/// needs (and no others), where it was found.
pub fn validate_item(
    c: &mut Collector,
    category: ItemCategory,
    quantity: i64,
    drugs: Option<&DrugDetails>,
    cash: Option<&CashDetails>,
    location_id: Option<i64>,
    found_place: Option<&str>,
) {
    c.check(
        quantity <= 0,
        "quantity",
        "not_positive",
        "quantity must be at least 1",
    );
    c.check(
        quantity > MAX_QUANTITY,
        "quantity",
        "too_large",
        format!("quantity is at most {MAX_QUANTITY}"),
    );
    match (category, drugs) {
        (ItemCategory::Drugs, None) => c.push(
            "drugs",
            "required",
            "drugs are recorded with their kind and weight in grams",
        ),
        (ItemCategory::Drugs, Some(d)) => match d.grams {
            None => c.push(
                "drugs.grams",
                "required",
                "drugs are recorded with their weight in grams",
            ),
            Some(g) => c.check(
                milligrams(g).is_none(),
                "drugs.grams",
                "not_positive",
                format!("grams must be above 0 and at most {MAX_GRAMS}"),
            ),
        },
        (_, Some(_)) => c.push(
            "drugs",
            "not_drugs",
            "a kind and weight of drugs go with category `drugs`",
        ),
        (_, None) => {}
    }
    match (category, cash) {
        (ItemCategory::Cash, None) => c.push(
            "cash",
            "required",
            "cash is recorded with its currency and amount",
        ),
        (ItemCategory::Cash, Some(m)) => {
            match &m.currency {
                None => c.push(
                    "cash.currency",
                    "required",
                    "cash is recorded with its currency",
                ),
                Some(code) => c.check(
                    !(code.len() == 3 && code.chars().all(|ch| ch.is_ascii_uppercase())),
                    "cash.currency",
                    "bad_currency",
                    "currency is an ISO 4217 code of three capital letters, e.g. USD",
                ),
            }
            match m.amount {
                None => c.push(
                    "cash.amount",
                    "required",
                    "cash is recorded with its amount",
                ),
                Some(a) => c.check(
                    minor_units(a).is_none(),
                    "cash.amount",
                    "not_positive",
                    format!("amount must be above 0 and at most {MAX_AMOUNT}"),
                ),
            }
        }
        (_, Some(_)) => c.push(
            "cash",
            "not_cash",
            "a currency and amount go with category `cash`",
        ),
        (_, None) => {}
    }
    match found_place {
        Some(p) => text::required(c, "found_place", p, 500),
        None => c.check(
            location_id.is_none(),
            "found_place",
            "required",
            "say where it was found: location_id, found_place or both",
        ),
    }
}

/// Whether the current chain of custody accepts a handover from `from`: not once the
/// item is disposed of, and only from whoever holds it now.
pub fn may_hand_over(
    holder: &Holder,
    disposal: Option<Disposal>,
    from: &Holder,
) -> Result<(), Refused> {
    if let Some(d) = disposal {
        return Err(Refused {
            code: "already_disposed",
            message: format!("the item was disposed of ({d}): its chain of custody is closed"),
        });
    }
    if !holder.same_as(from) {
        return Err(Refused {
            code: "not_current_holder",
            message: "only the item's current holder can hand it over".to_owned(),
        });
    }
    Ok(())
}

/// The civil month (`YYYY-MM`) of an instant in a facility's time zone: statistics count
/// a seizure in the month it happened where it happened.
pub fn month_in(ts: jiff::Timestamp, timezone: &str) -> String {
    let d = crate::time::date_in(ts, timezone);
    format!("{:04}-{:02}", d.year(), d.month())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn codes(f: impl FnOnce(&mut Collector)) -> Vec<String> {
        let mut c = Collector::default();
        f(&mut c);
        match c.finish() {
            Ok(()) => vec![],
            Err(e) => {
                e.0.into_iter()
                    .map(|f| format!("{}:{}", f.field, f.code))
                    .collect()
            }
        }
    }

    fn member() -> Vec<TeamMember> {
        vec![TeamMember {
            name: "Grupo de Intervención y Rescate".into(),
            role: Some("requisa".into()),
            staff_id: None,
        }]
    }

    fn safeguards() -> PersonSafeguards {
        PersonSafeguards {
            person_id: 7,
            same_sex_searcher: true,
            in_private: true,
            intrusive: false,
            health_professional: None,
            intrusive_reason: None,
        }
    }

    #[test]
    fn holders_are_a_staff_member_or_a_name_with_an_office() {
        let staff = Holder::staff(3);
        let fiscal = Holder::named("Ab. Rosa Vera", "Fiscalía Provincial del Guayas");
        assert!(codes(|c| staff.validate(c, "holder")).is_empty());
        assert!(codes(|c| fiscal.validate(c, "holder")).is_empty());
        assert_eq!(
            codes(|c| Holder::default().validate(c, "to")),
            ["to:required"]
        );
        let half = Holder {
            name: Some("Rosa".into()),
            ..Holder::default()
        };
        assert_eq!(codes(|c| half.validate(c, "to")), ["to:incomplete_holder"]);
        let both = Holder {
            staff_id: Some(3),
            name: Some("Rosa".into()),
            ..Holder::default()
        };
        assert_eq!(
            codes(|c| both.validate(c, "to")),
            ["to:one_of_staff_or_name"]
        );
        assert_eq!(
            codes(|c| Holder::staff(0).validate(c, "to")),
            ["to.staff_id:unknown_staff"]
        );
        assert!(fiscal.same_as(&Holder::named(
            "ab.  rosa vera",
            "FISCALÍA PROVINCIAL DEL GUAYAS"
        )));
        assert!(!fiscal.same_as(&Holder::named("Ab. Rosa Vera", "Fiscalía de Pichincha")));
        assert!(staff.same_as(&Holder::staff(3)) && !staff.same_as(&Holder::staff(4)));
        assert!(!staff.same_as(&fiscal));
    }

    /// The chain of custody as a table: (disposed?, from the holder?) → outcome.
    #[test]
    fn the_chain_of_custody() {
        let holder = Holder::staff(1);
        let other = Holder::named("Rosa", "Fiscalía");
        let table: &[(Option<Disposal>, &Holder, Result<(), &str>)] = &[
            (None, &holder, Ok(())),
            (None, &other, Err("not_current_holder")),
            (
                Some(Disposal::HandedToProsecutor),
                &holder,
                Err("already_disposed"),
            ),
            (Some(Disposal::Destroyed), &other, Err("already_disposed")),
            (Some(Disposal::Returned), &holder, Err("already_disposed")),
        ];
        for (disposal, from, expected) in table {
            assert_eq!(
                may_hand_over(&holder, *disposal, from).map_err(|r| r.code),
                *expected,
                "{disposal:?} from {from:?}"
            );
        }
    }

    #[test]
    fn a_search_of_a_person_records_the_safeguards() {
        assert!(
            codes(|c| validate_search(c, SearchKind::Cell, &[1, 2], &member(), None)).is_empty()
        );
        assert!(
            codes(|c| validate_search(c, SearchKind::Person, &[], &member(), Some(&safeguards())))
                .is_empty()
        );
        assert_eq!(
            codes(|c| validate_search(c, SearchKind::Person, &[], &member(), None)),
            ["person:required"]
        );
        let careless = PersonSafeguards {
            same_sex_searcher: false,
            in_private: false,
            ..safeguards()
        };
        assert_eq!(
            codes(|c| validate_search(c, SearchKind::Person, &[], &member(), Some(&careless))),
            [
                "person.same_sex_searcher:safeguard_missing",
                "person.in_private:safeguard_missing"
            ]
        );
        let intrusive = PersonSafeguards {
            intrusive: true,
            ..safeguards()
        };
        assert_eq!(
            codes(|c| validate_search(c, SearchKind::Person, &[], &member(), Some(&intrusive))),
            [
                "person.health_professional:required",
                "person.intrusive_reason:required"
            ]
        );
        let by_doctor = PersonSafeguards {
            health_professional: Some("Dra. Ana Ruiz".into()),
            intrusive_reason: Some("Indicios de ocultamiento de droga".into()),
            ..intrusive
        };
        assert!(
            codes(|c| validate_search(c, SearchKind::Person, &[], &member(), Some(&by_doctor)))
                .is_empty()
        );
        let not_intrusive = PersonSafeguards {
            intrusive: false,
            ..by_doctor
        };
        assert_eq!(
            codes(|c| validate_search(c, SearchKind::Person, &[], &member(), Some(&not_intrusive))),
            ["person.intrusive:not_intrusive"]
        );
        assert_eq!(
            codes(|c| validate_search(c, SearchKind::Area, &[], &[], Some(&safeguards()))),
            ["person:not_a_person_search", "team:required"]
        );
        assert_eq!(
            codes(|c| validate_search(c, SearchKind::Area, &[3, 3], &member(), None)),
            ["location_ids[1]:duplicate"]
        );
        assert_eq!(
            codes(|c| validate_search(c, SearchKind::Cell, &[], &member(), None)),
            ["location_ids:required"]
        );
    }

    #[test]
    fn items_carry_what_their_category_needs() {
        let drugs = DrugDetails {
            kind: DrugKind::Cocaine,
            grams: Some(250.5),
        };
        let cash = CashDetails {
            currency: Some("USD".into()),
            amount: Some(4441.0),
        };
        let item = |category, quantity, d: Option<&DrugDetails>, m: Option<&CashDetails>| {
            codes(|c| validate_item(c, category, quantity, d, m, Some(4), None))
        };
        assert!(item(ItemCategory::Drugs, 3, Some(&drugs), None).is_empty());
        assert!(item(ItemCategory::Cash, 1, None, Some(&cash)).is_empty());
        assert!(item(ItemCategory::MobilePhone, 149, None, None).is_empty());
        assert_eq!(
            item(ItemCategory::Firearm, 0, None, None),
            ["quantity:not_positive"]
        );
        assert_eq!(
            item(ItemCategory::Firearm, -2, None, None),
            ["quantity:not_positive"]
        );
        assert_eq!(item(ItemCategory::Drugs, 1, None, None), ["drugs:required"]);
        assert_eq!(item(ItemCategory::Cash, 1, None, None), ["cash:required"]);
        assert_eq!(
            item(ItemCategory::Radio, 1, Some(&drugs), Some(&cash)),
            ["drugs:not_drugs", "cash:not_cash"]
        );
        let weightless = DrugDetails {
            kind: DrugKind::Cannabis,
            grams: Some(0.0),
        };
        assert_eq!(
            item(ItemCategory::Drugs, 1, Some(&weightless), None),
            ["drugs.grams:not_positive"]
        );
        let unweighed = DrugDetails {
            kind: DrugKind::Cannabis,
            grams: None,
        };
        assert_eq!(
            item(ItemCategory::Drugs, 1, Some(&unweighed), None),
            ["drugs.grams:required"]
        );
        let odd = CashDetails {
            currency: Some("usd".into()),
            amount: Some(-1.0),
        };
        assert_eq!(
            item(ItemCategory::Cash, 1, None, Some(&odd)),
            ["cash.currency:bad_currency", "cash.amount:not_positive"]
        );
        let vague = CashDetails {
            currency: None,
            amount: None,
        };
        assert_eq!(
            item(ItemCategory::Cash, 1, None, Some(&vague)),
            ["cash.currency:required", "cash.amount:required"]
        );
        assert_eq!(
            codes(|c| validate_item(c, ItemCategory::Radio, 1, None, None, None, None)),
            ["found_place:required"]
        );
        assert!(
            codes(|c| validate_item(c, ItemCategory::Radio, 1, None, None, None, Some("Patio 2")))
                .is_empty()
        );
    }

    #[test]
    fn months_are_the_facilitys() {
        let late = "2023-08-01T03:00:00Z".parse().unwrap();
        assert_eq!(month_in(late, "America/Guayaquil"), "2023-07");
        assert_eq!(month_in(late, "UTC"), "2023-08");
    }

    proptest! {
        /// Weights and amounts read back as given, to the milligram and the cent.
        #[test]
        fn units_round_trip(mg in 1i64..10_000_000_000, cents in 1i64..100_000_000_000_000) {
            prop_assert_eq!(milligrams(grams(mg)), Some(mg));
            prop_assert_eq!(minor_units(amount(cents)), Some(cents));
        }

        /// A handover is accepted exactly from the holder of an item not disposed of.
        #[test]
        fn only_the_holder_hands_over(a in 1i64..5, b in 1i64..5, disposed in proptest::option::of(0usize..3)) {
            let disposal = disposed.map(|i| Disposal::ALL[i]);
            let ok = may_hand_over(&Holder::staff(a), disposal, &Holder::staff(b)).is_ok();
            prop_assert_eq!(ok, a == b && disposal.is_none());
        }
    }
}
