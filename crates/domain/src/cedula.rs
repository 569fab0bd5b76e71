//! Ecuador's national identity number (cédula): ten digits, a province code, and a check
//! digit (modulo 10, coefficients 2·1·2·1·2·1·2·1·2).

/// Why a cédula number is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CedulaError {
    /// Not exactly ten digits.
    #[error("a cédula has exactly 10 digits")]
    Shape,
    /// The first two digits name no province (01–24, or 30 for Ecuadorians registered abroad).
    #[error("the first two digits ({0:02}) are no province code (01–24 or 30)")]
    Province(u32),
    /// The third digit is 6 or more (those are companies and public bodies, not persons).
    #[error("the third digit must be below 6 for a person")]
    NotAPerson,
    /// The last digit does not match the others.
    #[error("the check digit does not match: a digit was mistyped")]
    CheckDigit,
}

/// Checks a cédula number (spaces and hyphens are ignored).
pub fn check(text: &str) -> Result<(), CedulaError> {
    let digits: Vec<u32> = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .map(|c| c.to_digit(10).ok_or(CedulaError::Shape))
        .collect::<Result<_, _>>()?;
    if digits.len() != 10 {
        return Err(CedulaError::Shape);
    }
    let province = digits[0] * 10 + digits[1];
    if !((1..=24).contains(&province) || province == 30) {
        return Err(CedulaError::Province(province));
    }
    if digits[2] >= 6 {
        return Err(CedulaError::NotAPerson);
    }
    if check_digit(&digits[..9]) == digits[9] {
        Ok(())
    } else {
        Err(CedulaError::CheckDigit)
    }
}

/// A valid cédula made from its first nine digits by appending the check digit (for
/// generated people in demos and tests). `None` unless given nine digits.
pub fn with_check_digit(nine: &str) -> Option<String> {
    let digits: Vec<u32> = nine
        .chars()
        .map(|c| c.to_digit(10))
        .collect::<Option<_>>()?;
    (digits.len() == 9).then(|| format!("{nine}{}", check_digit(&digits)))
}

/// The check digit of the first nine digits (modulo 10, coefficients 2·1·2·1·2·1·2·1·2).
fn check_digit(nine: &[u32]) -> u32 {
    let sum: u32 = nine
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let p = d * if i % 2 == 0 { 2 } else { 1 };
            if p > 9 { p - 9 } else { p }
        })
        .sum();
    (10 - sum % 10) % 10
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Appends the check digit to nine digits (the rule, computed independently).
    fn with_check(nine: &str) -> String {
        let sum: u32 = nine
            .chars()
            .zip([2, 1, 2, 1, 2, 1, 2, 1, 2])
            .map(|(c, k)| {
                let p = c.to_digit(10).unwrap() * k;
                p / 10 + p % 10
            })
            .sum();
        format!("{nine}{}", (10 - sum % 10) % 10)
    }

    #[test]
    fn known_numbers() {
        // Synthetic numbers built by the rule (never real people).
        assert_eq!(check("1710034065"), Ok(()));
        assert_eq!(check("0102030405").err(), Some(CedulaError::CheckDigit));
        assert_eq!(check(&with_check("010203040")), Ok(()));
        assert_eq!(check("171003406"), Err(CedulaError::Shape));
        assert_eq!(check("17100340651"), Err(CedulaError::Shape));
        assert_eq!(check("17100a4065"), Err(CedulaError::Shape));
        assert_eq!(
            check(&with_check("250000000")),
            Err(CedulaError::Province(25))
        );
        assert_eq!(
            check(&with_check("000000000")),
            Err(CedulaError::Province(0))
        );
        assert_eq!(
            check(&with_check("176000000")),
            Err(CedulaError::NotAPerson)
        );
        assert_eq!(check("171003406-5"), Ok(()));
        assert_eq!(check(&with_check("300123456")), Ok(()));
    }

    proptest! {
        /// Every well-formed number passes, and changing any one digit of it fails.
        #[test]
        fn one_wrong_digit_is_caught(province in 1u32..=24, third in 0u32..6, rest in 0u32..1_000_000, pos in 0usize..10, delta in 1u32..10) {
            let nine = format!("{province:02}{third}{rest:06}");
            let good = with_check(&nine);
            prop_assert_eq!(check(&good), Ok(()));
            let mut bad: Vec<u32> = good.chars().map(|c| c.to_digit(10).unwrap()).collect();
            bad[pos] = (bad[pos] + delta) % 10;
            let bad: String = bad.iter().map(|d| char::from_digit(*d, 10).unwrap()).collect();
            prop_assert!(check(&bad).is_err(), "{} passed", bad);
        }
    }

    proptest! {
        /// The public generator agrees with the rule written out independently.
        #[test]
        fn generated_numbers_check(n in 0u32..1_000_000_000) {
            let nine = format!("{n:09}");
            prop_assert_eq!(with_check_digit(&nine), Some(with_check(&nine)));
        }
    }
}
