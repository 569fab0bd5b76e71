//! Finding people as officers type: every searched word must match a word of the person
//! (a name part, alias, document or registry number) exactly, with one typo, or as the
//! start of it; exact matches rank above typos, typos above prefixes.

use crate::names::within_one_edit;
use crate::person::{document_key, words_of};

/// Most words a query may have.
pub const MAX_WORDS: usize = 8;
/// Longest word considered, in characters.
pub const MAX_WORD: usize = 64;

/// How well a searched word matched.
pub const EXACT: u32 = 3;
/// One typo away (words of four letters or more).
pub const TYPO: u32 = 2;
/// The start of a word (two letters or more).
pub const PREFIX: u32 = 1;

/// The words of a query, folded, without repeats, at most [`MAX_WORDS`].
pub fn query_words(q: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for w in words_of(q) {
        let w: String = w.chars().take(MAX_WORD).collect();
        if !words.contains(&w) {
            words.push(w);
        }
    }
    words.truncate(MAX_WORDS);
    words
}

/// The query as one document or registry number (`PPL-0000042` → `ppl0000042`), when it
/// has letters or digits beyond one word.
pub fn as_number(q: &str) -> Option<String> {
    let key = document_key(q).to_lowercase();
    (key.chars().any(|c| c.is_ascii_digit()) && key.len() >= 4).then_some(key)
}

/// How well `searched` matches `word` (both folded), if at all. Numbers (anything with a
/// digit) forgive no typo: a registry or document number one digit off is someone else.
pub fn tier(searched: &str, word: &str) -> Option<u32> {
    if searched == word {
        return Some(EXACT);
    }
    let n = searched.chars().count();
    let m = word.chars().count();
    let number = searched.chars().any(|c| c.is_ascii_digit());
    if !number && n >= 4 && n.abs_diff(m) <= 1 && within_one_edit(searched, word) {
        return Some(TYPO);
    }
    (n >= 2 && word.starts_with(searched)).then_some(PREFIX)
}

/// The score of a person whose words are `words` for the searched words: the sum of each
/// searched word's best tier, or `None` if any searched word matches nothing.
pub fn score<'a>(searched: &[String], words: impl Iterator<Item = &'a str> + Clone) -> Option<u32> {
    searched.iter().try_fold(0, |total, s| {
        words
            .clone()
            .filter_map(|w| tier(s, w))
            .max()
            .map(|t| total + t)
    })
}

/// How many of a person's name words (numbers aside) no searched word matched: among
/// equal scores, "Juan Vera" ranks Juan Vera before Juan Carlos Vera Mora.
pub fn unmatched<'a>(searched: &[String], words: impl Iterator<Item = &'a str>) -> usize {
    words
        .filter(|w| !w.chars().any(|c| c.is_ascii_digit()))
        .filter(|w| !searched.iter().any(|s| tier(s, w).is_some()))
        .count()
}

/// Where a one-typo neighbour of `searched` must agree with it: a typo (a letter changed,
/// added, dropped, or two neighbours swapped) leaves intact either the start before the
/// middle or the end after it. `None` for words too short to forgive a typo, and for
/// numbers, which forgive none.
pub fn typo_anchors(searched: &str) -> Option<(String, String)> {
    let chars: Vec<char> = searched.chars().collect();
    let n = chars.len();
    if n < 4 || chars.iter().any(char::is_ascii_digit) {
        return None;
    }
    let middle = n / 2;
    Some((
        chars[..middle - 1].iter().collect(),
        chars[middle..].iter().collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn tiers() {
        assert_eq!(tier("martinez", "martinez"), Some(EXACT));
        assert_eq!(tier("martines", "martinez"), Some(TYPO));
        assert_eq!(tier("mart", "martinez"), Some(PREFIX));
        assert_eq!(tier("m", "martinez"), None);
        assert_eq!(tier("ana", "ada"), None);
        assert_eq!(tier("lopez", "martinez"), None);
        assert_eq!(
            tier("ppl0000002", "ppl0000003"),
            None,
            "numbers forgive no typo"
        );
        assert_eq!(tier("1710", "1710034065"), Some(PREFIX));
    }

    #[test]
    fn queries() {
        assert_eq!(
            query_words("  Martínez  martinez, JUAN "),
            ["martinez", "juan"]
        );
        assert_eq!(query_words("a b c d e f g h i j").len(), MAX_WORDS);
        assert_eq!(as_number("PPL-0000042").as_deref(), Some("ppl0000042"));
        assert_eq!(as_number("171003406-5").as_deref(), Some("1710034065"));
        assert_eq!(as_number("Juan Pérez"), None);
    }

    #[test]
    fn every_word_must_match() {
        let person = ["juan", "carlos", "martinez", "perez"];
        let q = |s: &str| score(&query_words(s), person.iter().copied());
        assert_eq!(q("Martínez"), Some(EXACT));
        assert_eq!(q("juan martines"), Some(EXACT + TYPO));
        assert_eq!(q("juan mart"), Some(EXACT + PREFIX));
        assert_eq!(q("juan lopez"), None);
    }

    #[test]
    fn closer_names_first() {
        let q = query_words("juan vera");
        let exact = ["juan", "vera", "1710034065", "ppl0000001"];
        let longer = ["carlos", "juan", "mora", "vera"];
        assert_eq!(unmatched(&q, exact.iter().copied()), 0);
        assert_eq!(unmatched(&q, longer.iter().copied()), 2);
    }

    proptest! {
        /// Every one-typo neighbour shares one of the anchors in place, so searching the
        /// dictionary by both anchors finds it.
        #[test]
        fn typo_neighbours_share_an_anchor(word in "[a-z]{4,14}", pos in 0usize..14, c in proptest::char::range('a', 'z'), kind in 0u8..4) {
            let w: Vec<char> = word.chars().collect();
            let p = pos % (w.len() - 1);
            let mut v = w.clone();
            match kind {
                0 => { v.remove(p); }
                1 => v[p] = c,
                2 => v.insert(p, c),
                _ => v.swap(p, p + 1),
            }
            let other: String = v.into_iter().collect();
            let (start, end) = typo_anchors(&word).unwrap();
            prop_assert!(other.starts_with(&start) || other.ends_with(&end), "{} / {}", word, other);
            prop_assert!(tier(&word, &other).is_some());
        }

        /// An exact match never scores below a typo, nor a typo below a prefix.
        #[test]
        fn exact_outranks_typo(word in "[a-z]{4,10}") {
            let typo = format!("{word}x");
            let exact = score(std::slice::from_ref(&word), [word.as_str()].into_iter());
            let near = score(std::slice::from_ref(&word), [typo.as_str()].into_iter());
            prop_assert!(exact > near);
        }
    }
}
