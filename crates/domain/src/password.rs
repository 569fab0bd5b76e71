//! What a password must be: long, not common, not the username. (Hashing is the app
//! layer's; this is only the rule.)

use crate::validation::{Collector, Invalid};

/// The shortest password accepted, in characters.
pub const MIN_CHARS: usize = 12;
/// The longest password accepted, in characters (hashing a huge input is a denial of service).
pub const MAX_CHARS: usize = 256;

/// Words that make up the passwords people pick first (English and Spanish, and this
/// system's own vocabulary); a password that is one of them with digits or symbols
/// around it is refused.
const COMMON_WORDS: &[&str] = &[
    "password",
    "passw0rd",
    "contraseña",
    "contrasena",
    "clave",
    "secreto",
    "qwerty",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "abc",
    "abcdef",
    "admin",
    "administrador",
    "administrator",
    "root",
    "usuario",
    "user",
    "welcome",
    "bienvenido",
    "letmein",
    "iloveyou",
    "teamo",
    "monkey",
    "dragon",
    "football",
    "futbol",
    "barcelona",
    "princesa",
    "sunshine",
    "master",
    "superman",
    "batman",
    "custodia",
    "snai",
    "ecuador",
    "quito",
    "guayaquil",
    "cuenca",
    "latacunga",
    "carcel",
    "prision",
    "penitenciaria",
    "guardia",
    "policia",
    "changeme",
    "cambiame",
    "default",
    "test",
    "prueba",
    "temporal",
    "123456",
    "1234567890",
    "0987654321",
    "111111",
    "000000",
];

/// The part of a password left when digits, symbols and case are set aside.
fn core_word(password: &str) -> String {
    password
        .trim_matches(|c: char| !c.is_alphabetic())
        .to_lowercase()
}

/// Checks a new password for `username`.
pub fn check(username: &str, password: &str) -> Result<(), Invalid> {
    let mut c = Collector::default();
    let chars = password.chars().count();
    c.check(
        chars < MIN_CHARS,
        "password",
        "too_short",
        format!("a password needs at least {MIN_CHARS} characters"),
    );
    c.check(
        chars > MAX_CHARS,
        "password",
        "too_long",
        format!("a password has at most {MAX_CHARS} characters"),
    );
    let lower = password.to_lowercase();
    let core = core_word(password);
    let digits_only = password.chars().all(|ch| ch.is_ascii_digit());
    let one_char = password.chars().all(|ch| password.starts_with(ch));
    let common = COMMON_WORDS.iter().any(|w| core == *w || lower == *w)
        || (core.is_empty() && digits_only)
        || one_char;
    c.check(
        chars >= MIN_CHARS && common,
        "password",
        "too_common",
        "this password is among the first an attacker tries: choose a phrase of several words",
    );
    c.check(
        !username.is_empty() && lower.contains(&username.to_lowercase()),
        "password",
        "contains_username",
        "a password must not contain the username",
    );
    c.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(username: &str, password: &str) -> Vec<String> {
        check(username, password)
            .err()
            .map(|e| e.0.into_iter().map(|e| e.code).collect())
            .unwrap_or_default()
    }

    #[test]
    fn good_passwords_pass() {
        for p in [
            "cuatro caballos azules",
            "Turi-2023-requisa-bloque-C",
            "ñandú verde en Quito",
        ] {
            assert_eq!(codes("ana.perez", p), Vec::<String>::new(), "{p}");
        }
    }

    #[test]
    fn weak_passwords_are_refused_with_a_reason() {
        assert_eq!(codes("ana", "short"), ["too_short"]);
        assert_eq!(codes("ana", "Password1234!"), ["too_common"]);
        assert_eq!(codes("ana", "!!Contraseña2023"), ["too_common"]);
        assert_eq!(codes("ana", "123456789012"), ["too_common"]);
        assert_eq!(codes("ana", "aaaaaaaaaaaaaaa"), ["too_common"]);
        assert_eq!(
            codes("ana.perez", "ANA.PEREZ-es-la-mejor"),
            ["contains_username"]
        );
        assert_eq!(codes("ana", &"x".repeat(300)), ["too_long", "too_common"]);
    }
}
