//! Finding people by any name part, alias, registry or document number: accent- and
//! case-insensitive, forgiving one typo, ranked, paginated, within the caller's facilities.
//!
//! Each searched word is expanded through the dictionary of indexed words (exact, one
//! typo away, or starting with it); the word whose expansions find the fewest persons
//! drives, and its postings — which carry every word of the person — are scored in memory
//! against all searched words.

use std::collections::HashMap;

use serde::Serialize;

use custodia_domain::access::{Action, FacilityFilter};
use custodia_domain::person::Identity;
use custodia_domain::search::{
    EXACT, PREFIX, TYPO, as_number, query_words, score, tier, typo_anchors,
};
use custodia_domain::text;
use custodia_domain::validation::Collector;
use custodia_store::Store;
use custodia_store::search::Posting;

use super::parse;
use crate::error::AppError;
use crate::principal::Principal;

/// Most postings read for one search; beyond it the answer says `truncated`.
pub const MAX_CANDIDATES: i64 = 10_000;
/// Largest page.
pub const MAX_LIMIT: i64 = 100;
/// Deepest offset.
pub const MAX_OFFSET: i64 = 10_000;
/// Dictionary words read per anchor when looking for typo neighbours.
const NEIGHBOURS: i64 = 2_000;
/// Dictionary words a prefix may expand to.
const PREFIXES: i64 = 200;

/// A person found.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Found {
    /// Id.
    pub id: i64,
    /// Registry number.
    pub registry_number: String,
    /// Full name.
    pub full_name: String,
    /// Aliases.
    pub aliases: Vec<String>,
    /// Date of birth.
    pub date_of_birth: String,
    /// The facility holding them, or that last held them.
    pub facility: String,
    /// Whether in custody now.
    pub in_custody: bool,
    /// How well they matched (3 per exact word, 2 per typo, 1 per prefix).
    pub score: u32,
}

/// A page of results, best first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SearchPage {
    /// This page.
    pub items: Vec<Found>,
    /// Where it starts.
    pub offset: i64,
    /// Its size limit.
    pub limit: i64,
    /// The offset of the next page, if there is one.
    pub next_offset: Option<i64>,
    /// Matches found (of those read, see `truncated`).
    pub total: usize,
    /// More than [`MAX_CANDIDATES`] persons were candidates: refine the search.
    pub truncated: bool,
}

/// Dictionary words a searched word expands to, with their tier and postings.
async fn expand(store: &Store, word: &str) -> Result<Vec<(String, u32, i64)>, AppError> {
    let mut found: HashMap<String, (u32, i64)> = HashMap::new();
    let mut add = |w: String, t: u32, n: i64| {
        let e = found.entry(w).or_insert((t, n));
        e.0 = e.0.max(t);
    };
    if let Some(w) = store.dictionary_word(word).await? {
        add(w.word, EXACT, w.postings);
    }
    if let Some((start, end)) = typo_anchors(word) {
        let mut near = store.words_starting(&start, NEIGHBOURS).await?;
        near.extend(store.words_ending(&end, NEIGHBOURS).await?);
        for w in near {
            if tier(word, &w.word) == Some(TYPO) {
                add(w.word, TYPO, w.postings);
            }
        }
    }
    if word.chars().count() >= 2 {
        for w in store.words_starting(word, PREFIXES).await? {
            if tier(word, &w.word) == Some(PREFIX) {
                add(w.word, PREFIX, w.postings);
            }
        }
    }
    let mut list: Vec<(String, u32, i64)> =
        found.into_iter().map(|(w, (t, n))| (w, t, n)).collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(list)
}

fn check(q: &str, offset: i64, limit: i64) -> Result<(), AppError> {
    let mut c = Collector::default();
    text::required(&mut c, "q", q.trim(), 200);
    c.check(
        query_words(q).is_empty() && !q.trim().is_empty(),
        "q",
        "no_words",
        "q must contain letters or digits",
    );
    c.check(
        !(1..=MAX_LIMIT).contains(&limit),
        "limit",
        "out_of_range",
        format!("limit must be between 1 and {MAX_LIMIT}"),
    );
    c.check(
        !(0..=MAX_OFFSET).contains(&offset),
        "offset",
        "out_of_range",
        format!("offset must be between 0 and {MAX_OFFSET}"),
    );
    Ok(c.finish()?)
}

/// Searches the persons the principal may read.
pub async fn search(
    store: &Store,
    who: &Principal,
    q: &str,
    offset: i64,
    limit: i64,
) -> Result<SearchPage, AppError> {
    let scope = who.facilities(Action::PersonRead);
    if matches!(&scope, FacilityFilter::Only(codes) if codes.is_empty()) {
        return Err(AppError::Forbidden {
            action: Action::PersonRead,
        });
    }
    check(q, offset, limit)?;
    // A registry or document number is one word once its punctuation is gone.
    let number = match as_number(q) {
        Some(n) => store.dictionary_word(&n).await?.map(|w| w.word),
        None => None,
    };
    let searched = match number {
        Some(n) => vec![n],
        None => query_words(q),
    };
    let mut driver: Option<Vec<(String, u32, i64)>> = None;
    for word in &searched {
        let expansions = expand(store, word).await?;
        if expansions.is_empty() {
            return Ok(page(Vec::new(), offset, limit, false));
        }
        let total: i64 = expansions.iter().map(|e| e.2).sum();
        if driver
            .as_ref()
            .is_none_or(|d| total < d.iter().map(|e| e.2).sum())
        {
            driver = Some(expansions);
        }
    }
    let facility = match &scope {
        FacilityFilter::Only(codes) if codes.len() == 1 => codes[0].as_str(),
        _ => "",
    };
    let mut best: HashMap<i64, (u32, Posting)> = HashMap::new();
    let (mut read, mut truncated) = (0i64, false);
    for (term, _, _) in driver.unwrap_or_default() {
        let room = MAX_CANDIDATES - read;
        if room <= 0 {
            truncated = true;
            break;
        }
        let postings = store.postings(&term, facility, room + 1).await?;
        if postings.len() as i64 > room {
            truncated = true;
        }
        for p in postings.into_iter().take(room as usize) {
            read += 1;
            if !scope.admits(&p.facility) {
                continue;
            }
            if let Some(s) = score(&searched, p.words.split(' ')) {
                let e = best.entry(p.person_id).or_insert((s, p));
                e.0 = e.0.max(s);
            }
        }
    }
    let mut ranked: Vec<(u32, Posting)> = best.into_values().collect();
    ranked.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then_with(|| a.1.sort_key.cmp(&b.1.sort_key))
            .then(a.1.person_id.cmp(&b.1.person_id))
    });
    let total = ranked.len();
    let mut items = Vec::new();
    for (s, p) in ranked.iter().skip(offset as usize).take(limit as usize) {
        let Some(row) = store.person(p.person_id).await? else {
            continue;
        };
        let identity: Identity = parse("persons.identity", &row.identity)?;
        items.push(Found {
            id: row.id,
            registry_number: row.registry_number,
            full_name: row.full_name,
            aliases: identity.aliases,
            date_of_birth: identity.date_of_birth.to_string(),
            facility: row.facility,
            in_custody: row.in_custody,
            score: *s,
        });
    }
    let mut result = page(items, offset, limit, truncated);
    result.total = total;
    result.next_offset = (offset + limit < total as i64).then_some(offset + limit);
    Ok(result)
}

fn page(items: Vec<Found>, offset: i64, limit: i64, truncated: bool) -> SearchPage {
    SearchPage {
        total: items.len(),
        items,
        offset,
        limit,
        next_offset: None,
        truncated,
    }
}
