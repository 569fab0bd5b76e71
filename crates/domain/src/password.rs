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

/// The letters of a password, lower-cased, with the usual digit and symbol stand-ins
/// read as letters (`P@ssw0rd` → `password`).
fn core_word(password: &str) -> String {
    password
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            '0' => Some('o'),
            '1' | '!' => Some('i'),
            '3' => Some('e'),
            '4' | '@' => Some('a'),
            '5' | '$' => Some('s'),
            '7' => Some('t'),
            c if c.is_alphabetic() => Some(c),
            _ => None,
        })
        .collect()
}

/// Whether a text is one short piece said again and again (`abcabcabc`, `QuitoQuito`).
fn repeats(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    (1..=chars.len() / 2)
        .any(|n| chars.len().is_multiple_of(n) && chars.chunks(n).all(|c| c == &chars[..n]))
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
    let letters_and_digits: String = lower.chars().filter(|c| c.is_alphanumeric()).collect();
    let no_letters = !password.chars().any(char::is_alphabetic);
    let letters: String = lower.chars().filter(|c| c.is_alphabetic()).collect();
    // A common word with at most a few letters around it, read plainly or de-leeted.
    let built_on_common = |text: &str| {
        COMMON_WORDS.iter().any(|w| {
            let w_len = w.chars().count();
            text == *w || (w_len >= 4 && text.contains(w) && text.chars().count() <= w_len + 4)
        })
    };
    let common = lower == letters_and_digits && COMMON_WORDS.contains(&lower.as_str())
        || built_on_common(&core)
        || built_on_common(&letters)
        || no_letters
        || repeats(&letters_and_digits)
        || repeats(&core)
        || repeats(&letters);
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
        for weak in [
            "P@ssword1234",
            "passwordpassword",
            "Quito2023Quito2023",
            "1234-5678-9012",
            "aaaaaaaaaaaa1",
            "C0ntr4s3ñ4!!2024",
        ] {
            assert_eq!(codes("ana", weak), ["too_common"], "{weak}");
        }
    }
}
