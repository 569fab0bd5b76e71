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
    EXACT, PREFIX, TYPO, as_number, query_words, score, tier, typo_anchors, unmatched,
};
use custodia_domain::text;
use custodia_domain::validation::Collector;
use custodia_store::Store;
use custodia_store::search::Posting;

use super::parse;
use crate::error::AppError;
use crate::principal::Principal;

/// Most postings read by one scan of a multi-word search; beyond it the answer says
/// `truncated`.
pub const MAX_CANDIDATES: i64 = 2_000;
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
    /// How many persons match, when every candidate was read (null when the page was
    /// found without reading them all).
    pub total: Option<usize>,
    /// Some persons matching on parts other than the first surname may be missing: too
    /// many candidates to read them all; refine the search.
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
    let scope = who.require_some(Action::PersonRead)?;
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
    let mut expansions: Vec<Vec<Expansion>> = Vec::with_capacity(searched.len());
    for word in &searched {
        let found = expand(store, word).await?;
        if found.is_empty() {
            return Ok(page(Vec::new(), offset, limit, false, Some(0)));
        }
        expansions.push(found);
    }
    // Each facility in reach is read through its own index ("" reads them all).
    let facilities: Vec<&str> = match &scope {
        FacilityFilter::All => vec![""],
        FacilityFilter::Only(codes) => codes.iter().map(String::as_str).collect(),
    };
    let need = (offset + limit) as usize;
    let (mut postings, mut complete) = (Vec::new(), true);
    for facility in facilities {
        let (found, all) = if searched.len() == 1 {
            one_word(store, &expansions[0], facility, need).await?
        } else {
            several_words(store, &expansions, facility).await?
        };
        postings.extend(found);
        complete &= all;
    }
    // The same person can come from several postings; their words are the same in each.
    let mut best: HashMap<i64, (u32, usize, Posting)> = HashMap::new();
    for p in postings {
        if best.contains_key(&p.person_id) || !scope.admits(&p.facility) {
            continue;
        }
        if let Some(s) = score(&searched, p.words.split(' ')) {
            // One-word pages are read in sort order, so only several words rank closer
            // names first.
            let extra = if searched.len() > 1 {
                unmatched(&searched, p.words.split(' '))
            } else {
                0
            };
            best.insert(p.person_id, (s, extra, p));
        }
    }
    let mut ranked: Vec<(u32, usize, Posting)> = best.into_values().collect();
    ranked.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(a.1.cmp(&b.1))
            .then_with(|| a.2.sort_key.cmp(&b.2.sort_key))
            .then(a.2.person_id.cmp(&b.2.person_id))
    });
    let found = ranked.len();
    let mut items = Vec::new();
    for (s, _, p) in ranked.iter().skip(offset as usize).take(limit as usize) {
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
    let truncated = !complete && searched.len() > 1;
    let mut result = page(items, offset, limit, truncated, complete.then_some(found));
    result.next_offset = (offset + limit < found as i64).then_some(offset + limit);
    Ok(result)
}

fn page(
    items: Vec<Found>,
    offset: i64,
    limit: i64,
    truncated: bool,
    total: Option<usize>,
) -> SearchPage {
    SearchPage {
        total,
        items,
        offset,
        limit,
        next_offset: None,
        truncated,
    }
}

/// A dictionary word a searched word expands to: the word, its tier, its postings.
type Expansion = (String, u32, i64);

/// Candidates for a one-word query, and whether they are all of them. Tiers rank in
/// order and each term's postings come in sort order, so the first `need` + 1 of each
/// term, tier by tier until `need` are passed, hold the page exactly.
async fn one_word(
    store: &Store,
    expansions: &[Expansion],
    facility: &str,
    need: usize,
) -> Result<(Vec<Posting>, bool), AppError> {
    let (mut out, mut complete) = (Vec::new(), true);
    let mut persons = std::collections::HashSet::new();
    let mut current_tier = None;
    for (term, tier, _) in expansions {
        if current_tier != Some(*tier) && persons.len() > need {
            complete = false;
            break;
        }
        current_tier = Some(*tier);
        let rows = store.postings(term, facility, need as i64 + 1).await?;
        if rows.len() > need {
            complete = false;
        }
        persons.extend(rows.iter().map(|p| p.person_id));
        out.extend(rows);
    }
    Ok((out, complete))
}

/// Candidates for a query of several words, and whether they are all of them.
///
/// First, exactly: the persons whose first surname is one of the searched words (or one
/// typo away), read from the postings of another searched word within that surname's
/// range of sort keys — the usual "given name + surname" and "both surnames" queries
/// read only their matches. Then, for matches on other parts (second surname, aliases),
/// the postings of the word that finds fewest persons, at most [`MAX_CANDIDATES`].
async fn several_words(
    store: &Store,
    expansions: &[Vec<Expansion>],
    facility: &str,
) -> Result<(Vec<Posting>, bool), AppError> {
    let postings_of = |e: &[Expansion]| e.iter().map(|x| x.2).sum::<i64>();
    let exact_or_typo = |e: &Expansion| e.1 >= TYPO && !e.0.chars().any(|c| c.is_ascii_digit());
    let mut out = Vec::new();
    let mut complete = true;
    for (b, surnames) in expansions.iter().enumerate() {
        let Some(a) = (0..expansions.len())
            .filter(|&a| a != b)
            .min_by_key(|&a| postings_of(&expansions[a]))
        else {
            continue;
        };
        for surname in surnames.iter().filter(|e| exact_or_typo(e)) {
            let prefix = format!("{} ", surname.0);
            for other in expansions[a].iter().filter(|e| exact_or_typo(e)) {
                let rows = store
                    .postings_sorted_within(&other.0, &prefix, facility, MAX_CANDIDATES + 1)
                    .await?;
                if rows.len() as i64 > MAX_CANDIDATES {
                    complete = false;
                }
                out.extend(rows);
            }
        }
    }
    let driver = expansions
        .iter()
        .min_by_key(|e| postings_of(e))
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut room = MAX_CANDIDATES;
    for (term, _, _) in driver {
        if room <= 0 {
            complete = false;
            break;
        }
        let rows = store.postings(term, facility, room + 1).await?;
        if rows.len() as i64 > room {
            complete = false;
        }
        room -= rows.len() as i64;
        out.extend(rows);
    }
    Ok((out, complete))
}
