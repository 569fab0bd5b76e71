//! Generated people for benchmarks and demos: Ecuadorian-looking names, valid cédulas,
//! plausible birth dates. Deterministic from a seed; never real persons.

use custodia_domain::person::{Document, DocumentKind, Identity, Sex};

/// A small, fast, reproducible random source (SplitMix64); not for secrets.
pub struct Dice(u64);

impl Dice {
    /// A source seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Dice(seed)
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// A uniform number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// An item, the first ones likelier (as names are: a few are very common).
    pub fn common<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let i = (self.unit().powf(1.3) * items.len() as f64) as usize;
        items[i.min(items.len() - 1)]
    }
}

const SURNAMES: &[&str] = &[
    "Zambrano",
    "Vera",
    "Mendoza",
    "Cedeño",
    "Macías",
    "Rodríguez",
    "García",
    "López",
    "Moreira",
    "Pérez",
    "Sánchez",
    "Intriago",
    "Castro",
    "González",
    "Chávez",
    "Torres",
    "Vargas",
    "Ramírez",
    "Morales",
    "Álvarez",
    "Delgado",
    "Reyes",
    "Ortiz",
    "Suárez",
    "Mero",
    "Loor",
    "Bravo",
    "Quiñónez",
    "Ponce",
    "Valencia",
    "Jiménez",
    "Cevallos",
    "Andrade",
    "Guerrero",
    "Rivera",
    "Herrera",
    "Flores",
    "Romero",
    "Cruz",
    "Salazar",
    "Muñoz",
    "Castillo",
    "Espinoza",
    "Aguirre",
    "Villacís",
    "Martínez",
    "Hernández",
    "Benítez",
    "Carrillo",
    "Ruiz",
    "Molina",
    "Mora",
    "Silva",
    "Vásquez",
    "Paredes",
    "Navarrete",
    "Guzmán",
    "Palacios",
    "Mejía",
    "Montalvo",
    "Arias",
    "Ramos",
    "Calderón",
    "Cortez",
    "Tenorio",
    "Caicedo",
    "Angulo",
    "Cabezas",
    "Estupiñán",
    "Nazareno",
    "Bone",
    "Preciado",
    "Arboleda",
    "Mina",
    "Valverde",
    "Lema",
    "Toapanta",
    "Quishpe",
    "Guamán",
    "Chicaiza",
    "Pilamunga",
    "Tituaña",
    "Cumbicus",
    "Sarango",
    "Yépez",
    "Cárdenas",
    "Proaño",
    "Salinas",
    "Barreiro",
    "Anchundia",
    "Pincay",
    "Choez",
    "Lucas",
    "Alcívar",
    "Bermeo",
    "Cuenca",
    "Ochoa",
    "Peñafiel",
    "Tapia",
    "Velasco",
    "Acosta",
    "Bustamante",
    "Campoverde",
    "Durán",
    "Escobar",
    "Franco",
    "Gallardo",
    "Hidalgo",
    "Iturralde",
    "Jaramillo",
    "Lozano",
    "Maldonado",
    "Narváez",
    "Orellana",
    "Pazmiño",
    "Quintero",
    "Rosero",
    "Solórzano",
    "Tamayo",
    "Ulloa",
    "Villavicencio",
    "Yánez",
    "Zurita",
    "Almeida",
    "Benavides",
    "Carvajal",
    "Dávila",
    "Erazo",
    "Freire",
    "Granda",
    "Haro",
    "Ibarra",
    "Jácome",
    "Larrea",
    "Moncayo",
    "Noboa",
    "Olmedo",
    "Pástor",
    "Quevedo",
    "Robalino",
    "Sornoza",
    "Tobar",
    "Unda",
    "Viteri",
    "Wong",
    "Ayala",
    "Bajaña",
    "Coello",
    "Dueñas",
    "Egas",
    "Figueroa",
    "Gavilanes",
    "Holguín",
    "Iñiguez",
    "Játiva",
    "Kuffó",
    "Landázuri",
    "Manzano",
    "Nieto",
    "Ordóñez",
    "Pinargote",
    "Quezada",
    "Rendón",
    "Sandoval",
    "Tigua",
    "Uquillas",
    "Vélez",
    "Zapata",
    "Acurio",
    "Bastidas",
    "Chiriboga",
    "Enríquez",
    "Fierro",
    "Garcés",
    "Hinojosa",
    "León",
    "Mosquera",
];

const MEN: &[&str] = &[
    "Juan",
    "José",
    "Luis",
    "Carlos",
    "Jorge",
    "Miguel",
    "Pedro",
    "Ángel",
    "Manuel",
    "Fernando",
    "Segundo",
    "Víctor",
    "Jhon",
    "Kevin",
    "Bryan",
    "Jefferson",
    "Wilson",
    "Darwin",
    "Édison",
    "Byron",
    "Fabián",
    "Diego",
    "Andrés",
    "Javier",
    "Cristhian",
    "Jonathan",
    "Luis Alberto",
    "Marco",
    "Patricio",
    "Raúl",
    "Ricardo",
    "Roberto",
    "Santiago",
    "Steven",
    "Washington",
    "Xavier",
    "Alex",
    "Anderson",
    "Bolívar",
    "César",
    "Danny",
    "Eduardo",
    "Francisco",
    "Geovanny",
    "Héctor",
    "Iván",
    "Jaime",
    "Leonardo",
    "Mauricio",
    "Néstor",
    "Omar",
    "Pablo",
    "Ramón",
    "Sergio",
    "Tito",
    "Vicente",
];

const WOMEN: &[&str] = &[
    "María",
    "Ana",
    "Rosa",
    "Carmen",
    "Martha",
    "Gabriela",
    "Jessica",
    "Diana",
    "Verónica",
    "Andrea",
    "Mónica",
    "Silvia",
    "Patricia",
    "Johanna",
    "Katherine",
    "Lorena",
    "Nancy",
    "Paola",
    "Sandra",
    "Tania",
    "Elena",
    "Fernanda",
    "Gloria",
    "Isabel",
    "Jenny",
    "Karla",
    "Lucía",
    "Mayra",
    "Nelly",
    "Olga",
    "Pilar",
    "Rocío",
    "Sofía",
    "Teresa",
    "Valeria",
];

const ALIASES: &[&str] = &[
    "El Flaco",
    "El Gordo",
    "Cachorro",
    "El Negro",
    "Chino",
    "El Loco",
    "Pelado",
    "El Mono",
    "Tigre",
    "Fito",
    "El Viejo",
    "Ratón",
    "Gato",
    "Zurdo",
    "El Diablo",
    "Cholo",
    "Pollo",
    "El Gringo",
    "Caballo",
    "Mudo",
    "Chavo",
    "Toro",
    "Lobo",
    "Sapo",
];

/// A generated identity; `n` (below 6,000,000) makes its cédula unique.
pub fn identity(dice: &mut Dice, n: u64) -> Identity {
    let sex = if dice.chance(0.93) {
        Sex::Male
    } else {
        Sex::Female
    };
    let names = if sex == Sex::Male { MEN } else { WOMEN };
    let mut given = dice.common(names).to_owned();
    if dice.chance(0.7) {
        given.push(' ');
        given.push_str(dice.common(names));
    }
    let province = 1 + dice.below(24);
    // The last seven digits (third digit below 6) spell `n`: unique below 6,000,000.
    let nine = format!("{province:02}{}{:06}", (n / 1_000_000) % 6, n % 1_000_000);
    let number = custodia_domain::cedula::with_check_digit(&nine).unwrap_or(nine);
    let year = 1955 + dice.below(52) as i16;
    let month = 1 + dice.below(12) as i8;
    let day = 1 + dice.below(28) as i8;
    Identity {
        given_names: given,
        first_surname: dice.common(SURNAMES).to_owned(),
        second_surname: dice.chance(0.95).then(|| dice.common(SURNAMES).to_owned()),
        aliases: if dice.chance(0.15) {
            vec![ALIASES[dice.below(ALIASES.len())].to_owned()]
        } else {
            Vec::new()
        },
        date_of_birth: jiff::civil::date(year, month, day),
        sex,
        gender_identity: None,
        nationality: "EC".into(),
        document: Some(Document {
            kind: DocumentKind::Cedula,
            number,
            issuing_country: None,
        }),
        languages: vec!["es".into()],
        photo_ref: None,
        distinguishing_marks: None,
    }
}

/// A word with one typing slip: two neighbours swapped, or a letter doubled or dropped.
pub fn slip(dice: &mut Dice, word: &str) -> String {
    let mut chars: Vec<char> = word.chars().collect();
    if chars.len() < 4 {
        return word.to_owned();
    }
    let i = 1 + dice.below(chars.len() - 2);
    match dice.below(3) {
        0 => chars.swap(i, i + 1),
        1 => chars.insert(i, chars[i]),
        _ => {
            chars.remove(i);
        }
    }
    chars.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_identities_are_valid_and_reproducible() {
        let today = jiff::civil::date(2026, 1, 1);
        let mut a = Dice::new(7);
        let mut b = Dice::new(7);
        for n in 0..500 {
            let p = identity(&mut a, n);
            assert_eq!(p.validate("person", today), Ok(()), "{p:?}");
            assert_eq!(p, identity(&mut b, n));
        }
        let mut d = Dice::new(1);
        for _ in 0..100 {
            let s = slip(&mut d, "martinez");
            assert!(
                custodia_domain::names::within_one_edit("martinez", &s),
                "{s}"
            );
        }
    }
}
