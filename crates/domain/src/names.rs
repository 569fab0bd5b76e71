//! Matching people's names as officers type them: without accents or case ("Martinez"
//! finds "Martínez"), and forgiving one slip of the keyboard.

/// A name folded for comparison: lower case, accents removed (ñ kept as n), every run of
/// spaces, hyphens or apostrophes made one space.
pub fn fold(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut gap = false;
    for c in name.chars().flat_map(char::to_lowercase) {
        let base = match c {
            'á' | 'à' | 'ä' | 'â' | 'ã' | 'å' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' | 'õ' => 'o',
            'ú' | 'ù' | 'ü' | 'û' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            c if c.is_alphanumeric() => c,
            _ => ' ',
        };
        if base == ' ' {
            gap = !out.is_empty();
        } else {
            if gap {
                out.push(' ');
                gap = false;
            }
            out.push(base);
        }
    }
    out
}

/// Whether two folded words differ by at most one edit: a letter added, dropped,
/// changed, or two neighbours swapped.
pub fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a == b {
        return true;
    }
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    match long.len() - short.len() {
        0 => {
            let diffs: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
            match diffs.as_slice() {
                [_] => true,
                [i, j] => *j == i + 1 && a[*i] == b[*j] && a[*j] == b[*i],
                _ => false,
            }
        }
        1 => {
            let first = (0..short.len())
                .find(|&i| short[i] != long[i])
                .unwrap_or(short.len());
            short[first..] == long[first + 1..]
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn folding() {
        assert_eq!(fold("Martínez"), "martinez");
        assert_eq!(fold("  NÚÑEZ  del   Castillo "), "nunez del castillo");
        assert_eq!(fold("Pérez-Quiñónez"), "perez quinonez");
        assert_eq!(fold("O'Brien"), "o brien");
        assert_eq!(fold(""), "");
    }

    /// How search compares a typed word with a word of a name.
    fn word_matches(searched: &str, word: &str) -> bool {
        crate::search::tier(&fold(searched), &fold(word)).is_some_and(|t| t >= crate::search::TYPO)
    }

    #[test]
    fn one_slip_is_forgiven() {
        assert!(word_matches("Martinez", "Martínez"));
        assert!(word_matches("Martines", "Martínez"), "changed");
        assert!(word_matches("Marinez", "Martínez"), "dropped");
        assert!(word_matches("Marttinez", "Martínez"), "added");
        assert!(word_matches("Matrinez", "Martínez"), "swapped");
        assert!(!word_matches("Mtrainez", "Martínez"), "two slips");
        assert!(
            !word_matches("Ana", "Ada"),
            "short words must match exactly"
        );
        assert!(word_matches("ANA", "Ana"));
    }

    proptest! {
        /// Any single deletion, substitution or neighbour swap is within one edit, both ways;
        /// two deletions never are.
        #[test]
        fn single_edits(word in "[a-z]{3,12}", pos in 0usize..12, c in proptest::char::range('a', 'z')) {
            let w: Vec<char> = word.chars().collect();
            let p = pos % (w.len() - 1);
            let edit = |f: &dyn Fn(&mut Vec<char>)| {
                let mut v = w.clone();
                f(&mut v);
                v.into_iter().collect::<String>()
            };
            for other in [
                edit(&|v| { v.remove(p); }),
                edit(&|v| v[p] = c),
                edit(&|v| v.swap(p, p + 1)),
            ] {
                prop_assert!(within_one_edit(&word, &other), "{} / {}", word, other);
                prop_assert!(within_one_edit(&other, &word), "{} / {}", other, word);
            }
            let twice = edit(&|v| { v.remove(p); v.remove(p); });
            prop_assert!(!within_one_edit(&word, &twice));
        }
    }
}
