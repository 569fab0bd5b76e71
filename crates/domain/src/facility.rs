//! Facilities: prisons (CPL), pretrial centres (CDP), rehabilitation centres (CRS) and
//! adolescent centres (CAI), with the populations they may lawfully hold.

use serde::{Deserialize, Serialize};

use crate::text;
use crate::validation::{Collector, Invalid};
use crate::vocabulary;

vocabulary!(
    /// What kind of institution a facility is.
    FacilityKind {
        /// Centro de Privación de Libertad: adult prison.
        Cpl = "CPL",
        /// Centro de Detención Provisional: pretrial centre.
        Cdp = "CDP",
        /// Centro de Rehabilitación Social: rehabilitation centre.
        Crs = "CRS",
        /// Centro de Adolescentes Infractores: adolescent centre.
        Cai = "CAI",
    }
);

vocabulary!(
    /// Which sexes a facility or location may hold (Mandela Rule 11a).
    HoldsSex {
        /// Men only.
        Men = "men",
        /// Women only.
        Women = "women",
        /// Men and women, in separate places.
        Both = "both",
    }
);

vocabulary!(
    /// Which age group a facility may hold: adolescents are never held with adults.
    HoldsAge {
        /// Persons 18 or older.
        Adults = "adults",
        /// Persons under 18.
        Adolescents = "adolescents",
    }
);

vocabulary!(
    /// A security level, as used in Ecuador.
    SecurityLevel {
        /// Máxima seguridad.
        Maximum = "maximum",
        /// Mediana seguridad.
        Medium = "medium",
        /// Mínima seguridad.
        Minimum = "minimum",
    }
);

impl HoldsSex {
    /// Whether a place holding `self` may contain a place holding `inner`.
    pub fn admits(self, inner: HoldsSex) -> bool {
        self == HoldsSex::Both || self == inner
    }
}

/// A facility as registered: the JSON shape of the API and the CSV columns of imports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Facility {
    /// Stable code, e.g. `CPL-AZ-1`.
    pub code: String,
    /// Official name.
    pub name: String,
    /// Kind of institution.
    pub kind: FacilityKind,
    /// Province, e.g. `Azuay`.
    pub province: String,
    /// City, e.g. `Cuenca`.
    pub city: String,
    /// IANA time zone, e.g. `America/Guayaquil`.
    pub timezone: String,
    /// Sexes it may hold.
    pub holds_sex: HoldsSex,
    /// Age group it may hold.
    pub holds_age: HoldsAge,
    /// Security levels present.
    pub security_levels: Vec<SecurityLevel>,
}

/// A partial change to a facility; absent fields stay as they are. The code never changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FacilityPatch {
    /// New official name.
    pub name: Option<String>,
    /// New kind of institution.
    pub kind: Option<FacilityKind>,
    /// New province.
    pub province: Option<String>,
    /// New city.
    pub city: Option<String>,
    /// New IANA time zone.
    pub timezone: Option<String>,
    /// New sexes it may hold.
    pub holds_sex: Option<HoldsSex>,
    /// New age group it may hold.
    pub holds_age: Option<HoldsAge>,
    /// New security levels present (the whole list).
    pub security_levels: Option<Vec<SecurityLevel>>,
}

impl Facility {
    /// Checks every rule a facility must satisfy on its own.
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut c = Collector::default();
        text::code(&mut c, "code", &self.code, 32);
        text::required(&mut c, "name", &self.name, 200);
        text::required(&mut c, "province", &self.province, 100);
        text::required(&mut c, "city", &self.city, 100);
        if jiff::tz::TimeZone::get(&self.timezone).is_err() || self.timezone.is_empty() {
            c.push(
                "timezone",
                "unknown_timezone",
                format!(
                    "`{}` is not an IANA time zone (e.g. America/Guayaquil)",
                    self.timezone
                ),
            );
        }
        let adolescent_centre = self.kind == FacilityKind::Cai;
        let holds_adolescents = self.holds_age == HoldsAge::Adolescents;
        if adolescent_centre != holds_adolescents {
            c.push(
                "holds_age",
                "age_kind_mismatch",
                "adolescent centres (CAI) hold adolescents only, and other facilities adults only: adolescents are never held with adults",
            );
        }
        if self.security_levels.is_empty() {
            c.push(
                "security_levels",
                "required",
                "at least one security level must be present",
            );
        }
        let mut seen = self.security_levels.clone();
        seen.sort();
        seen.dedup();
        c.check(
            seen.len() != self.security_levels.len(),
            "security_levels",
            "duplicate",
            "a security level is listed twice",
        );
        c.finish()
    }

    /// Applies a patch, returning the changed facility (not yet validated).
    pub fn patched(&self, patch: &FacilityPatch) -> Facility {
        let mut f = self.clone();
        if let Some(v) = &patch.name {
            f.name = v.clone();
        }
        if let Some(v) = patch.kind {
            f.kind = v;
        }
        if let Some(v) = &patch.province {
            f.province = v.clone();
        }
        if let Some(v) = &patch.city {
            f.city = v.clone();
        }
        if let Some(v) = &patch.timezone {
            f.timezone = v.clone();
        }
        if let Some(v) = patch.holds_sex {
            f.holds_sex = v;
        }
        if let Some(v) = patch.holds_age {
            f.holds_age = v;
        }
        if let Some(v) = &patch.security_levels {
            f.security_levels = v.clone();
        }
        f
    }

    /// Checks that the facility still admits every location it has (a change may not
    /// narrow what it holds below what its locations hold).
    pub fn admits_locations(&self, tree: &[crate::location::Location]) -> Result<(), Invalid> {
        let mut c = Collector::default();
        for l in tree {
            c.check(
                !self.security_levels.contains(&l.security_level),
                "security_levels",
                "level_in_use",
                format!(
                    "location {} has the {} security level",
                    l.code, l.security_level
                ),
            );
            c.check(
                !self.holds_sex.admits(l.holds_sex),
                "holds_sex",
                "sex_in_use",
                format!("location {} holds {}", l.code, l.holds_sex),
            );
        }
        c.finish()
    }

    /// Security levels as one comma-separated text, in the order given.
    pub fn security_levels_text(&self) -> String {
        self.security_levels
            .iter()
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Parses a comma-separated list of security levels (as kept in CSV files and the stores).
pub fn parse_security_levels(text: &str) -> Result<Vec<SecurityLevel>, crate::enums::UnknownValue> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(SecurityLevel::parse)
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn turi() -> Facility {
        Facility {
            code: "CPL-AZ-1".into(),
            name: "CPL Azuay N° 1 (Turi)".into(),
            kind: FacilityKind::Cpl,
            province: "Azuay".into(),
            city: "Cuenca".into(),
            timezone: "America/Guayaquil".into(),
            holds_sex: HoldsSex::Men,
            holds_age: HoldsAge::Adults,
            security_levels: vec![SecurityLevel::Maximum, SecurityLevel::Medium],
        }
    }

    fn codes(f: &Facility) -> Vec<String> {
        f.validate()
            .err()
            .map(|e| e.0.into_iter().map(|e| e.code).collect())
            .unwrap_or_default()
    }

    #[test]
    fn a_well_formed_facility_is_valid() {
        assert_eq!(turi().validate(), Ok(()));
    }

    #[test]
    fn adolescents_only_in_adolescent_centres() {
        let mut f = turi();
        f.holds_age = HoldsAge::Adolescents;
        assert_eq!(codes(&f), ["age_kind_mismatch"]);
        f.kind = FacilityKind::Cai;
        assert_eq!(codes(&f), Vec::<String>::new());
        f.holds_age = HoldsAge::Adults;
        assert_eq!(codes(&f), ["age_kind_mismatch"]);
    }

    #[test]
    fn timezone_and_levels_are_checked() {
        let mut f = turi();
        f.timezone = "America/Cuenca".into();
        f.security_levels = vec![];
        assert_eq!(codes(&f), ["unknown_timezone", "required"]);
        f.timezone = "Pacific/Galapagos".into();
        f.security_levels = vec![SecurityLevel::Minimum, SecurityLevel::Minimum];
        assert_eq!(codes(&f), ["duplicate"]);
    }

    #[test]
    fn vocabulary_round_trips() {
        for k in FacilityKind::ALL {
            assert_eq!(FacilityKind::parse(k.as_str()), Ok(*k));
        }
        let err = FacilityKind::parse("JAIL").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown value `JAIL`; expected one of: CPL, CDP, CRS, CAI"
        );
        assert_eq!(
            parse_security_levels("maximum, minimum").unwrap(),
            [SecurityLevel::Maximum, SecurityLevel::Minimum]
        );
    }

    #[test]
    fn patch_changes_only_given_fields() {
        let p = FacilityPatch {
            name: Some("Turi".into()),
            ..Default::default()
        };
        let f = turi().patched(&p);
        assert_eq!(f.name, "Turi");
        assert_eq!(f.city, "Cuenca");
    }

    #[test]
    fn narrowing_must_keep_existing_locations() {
        let mut f = turi();
        let tree = vec![crate::location::tests::loc(1, "A", None, 4, 4)];
        assert_eq!(f.admits_locations(&tree), Ok(()));
        f.security_levels = vec![SecurityLevel::Medium];
        f.holds_sex = HoldsSex::Women;
        let codes: Vec<String> = f
            .admits_locations(&tree)
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.code)
            .collect();
        assert_eq!(codes, ["level_in_use", "sex_in_use"]);
    }

    #[test]
    fn sex_containment() {
        assert!(HoldsSex::Both.admits(HoldsSex::Women));
        assert!(HoldsSex::Men.admits(HoldsSex::Men));
        assert!(!HoldsSex::Men.admits(HoldsSex::Both));
        assert!(!HoldsSex::Women.admits(HoldsSex::Men));
    }
}
