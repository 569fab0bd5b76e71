//! The person search index: one posting per (folded word, person) carrying what ranking
//! and scoping need, and the dictionary of distinct words with their posting counts.

use crate::conn::Conn;
use crate::db::Store;
use crate::error::StoreError;
use crate::write::WriteTx;

/// One person found under a word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posting {
    /// The person.
    pub person_id: i64,
    /// How the person sorts (surnames, given names).
    pub sort_key: String,
    /// The facility holding the person now, or that last held them.
    pub facility: String,
    /// All the person's words, space-separated.
    pub words: String,
}

/// A word of the dictionary and how many persons it finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DictionaryWord {
    /// The folded word.
    pub word: String,
    /// Persons it finds.
    pub postings: i64,
}

/// The upper bound of the byte range of strings starting with `prefix`.
fn range_end(prefix: &str) -> String {
    format!("{prefix}{}", char::MAX)
}

fn word(r: &dyn crate::conn::Cells) -> Result<DictionaryWord, StoreError> {
    Ok(DictionaryWord {
        word: r.text(0)?,
        postings: r.int(1)?,
    })
}

impl Store {
    /// A word of the dictionary, if any person has it.
    pub async fn dictionary_word(&self, w: &str) -> Result<Option<DictionaryWord>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch_optional(
                "SELECT word, postings FROM search_words WHERE word = $1 AND postings > 0",
                &[w.into()],
                word,
            )
            .await
    }

    /// Dictionary words starting with `prefix`, in byte order, at most `limit`.
    pub async fn words_starting(
        &self,
        prefix: &str,
        limit: i64,
    ) -> Result<Vec<DictionaryWord>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                "SELECT word, postings FROM search_words WHERE word >= $1 AND word < $2 \
                 AND postings > 0 ORDER BY word LIMIT $3",
                &[
                    prefix.into(),
                    range_end(prefix).as_str().into(),
                    limit.into(),
                ],
                word,
            )
            .await
    }

    /// Dictionary words ending with `suffix`, at most `limit`.
    pub async fn words_ending(
        &self,
        suffix: &str,
        limit: i64,
    ) -> Result<Vec<DictionaryWord>, StoreError> {
        let reversed: String = suffix.chars().rev().collect();
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                "SELECT word, postings FROM search_words WHERE reversed >= $1 AND reversed < $2 \
                 AND postings > 0 ORDER BY reversed LIMIT $3",
                &[
                    reversed.as_str().into(),
                    range_end(&reversed).as_str().into(),
                    limit.into(),
                ],
                word,
            )
            .await
    }

    /// The persons found under `term`, in sort order, in `facility` (all when empty), at
    /// most `limit`.
    pub async fn postings(
        &self,
        term: &str,
        facility: &str,
        limit: i64,
    ) -> Result<Vec<Posting>, StoreError> {
        let mut r = self.reader().await?;
        let mut conn = r.conn()?;
        if facility.is_empty() {
            conn.fetch(
                "SELECT person_id, sort_key, facility, words FROM person_terms \
                 WHERE term = $1 ORDER BY sort_key, person_id LIMIT $2",
                &[term.into(), limit.into()],
                posting,
            )
            .await
        } else {
            conn.fetch(
                "SELECT person_id, sort_key, facility, words FROM person_terms \
                 WHERE term = $1 AND facility = $2 ORDER BY sort_key, person_id LIMIT $3",
                &[term.into(), facility.into(), limit.into()],
                posting,
            )
            .await
        }
    }

    /// The persons found under `term` whose sort key starts with `prefix` (a first
    /// surname followed by a space), in sort order, in `facility` (all when empty), at
    /// most `limit`.
    pub async fn postings_sorted_within(
        &self,
        term: &str,
        prefix: &str,
        facility: &str,
        limit: i64,
    ) -> Result<Vec<Posting>, StoreError> {
        let end = range_end(prefix);
        let mut r = self.reader().await?;
        let mut conn = r.conn()?;
        if facility.is_empty() {
            conn.fetch(
                "SELECT person_id, sort_key, facility, words FROM person_terms \
                 WHERE term = $1 AND sort_key >= $2 AND sort_key < $3 \
                 ORDER BY sort_key, person_id LIMIT $4",
                &[
                    term.into(),
                    prefix.into(),
                    end.as_str().into(),
                    limit.into(),
                ],
                posting,
            )
            .await
        } else {
            conn.fetch(
                "SELECT person_id, sort_key, facility, words FROM person_terms \
                 WHERE term = $1 AND facility = $2 AND sort_key >= $3 AND sort_key < $4 \
                 ORDER BY sort_key, person_id LIMIT $5",
                &[
                    term.into(),
                    facility.into(),
                    prefix.into(),
                    end.as_str().into(),
                    limit.into(),
                ],
                posting,
            )
            .await
        }
    }
}

fn posting(r: &dyn crate::conn::Cells) -> Result<Posting, StoreError> {
    Ok(Posting {
        person_id: r.int(0)?,
        sort_key: r.text(1)?,
        facility: r.text(2)?,
        words: r.text(3)?,
    })
}

async fn unindex(conn: &mut Conn<'_>, person_id: i64) -> Result<(), StoreError> {
    let old = conn
        .fetch(
            "SELECT term FROM person_terms WHERE person_id = $1",
            &[person_id.into()],
            |r| r.text(0),
        )
        .await?;
    conn.execute(
        "DELETE FROM person_terms WHERE person_id = $1",
        &[person_id.into()],
    )
    .await?;
    for term in &old {
        conn.execute(
            "UPDATE search_words SET postings = postings - 1 WHERE word = $1",
            &[term.into()],
        )
        .await?;
    }
    Ok(())
}

impl WriteTx {
    /// Makes a person findable under `terms` (replacing what they were found under).
    pub async fn index_person(
        &mut self,
        person_id: i64,
        terms: &[String],
        sort_key: &str,
        facility: &str,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn();
        unindex(&mut conn, person_id).await?;
        let words = terms.join(" ");
        for term in terms {
            conn.execute(
                "INSERT INTO person_terms (term, sort_key, person_id, facility, words) \
                 VALUES ($1, $2, $3, $4, $5)",
                &[
                    term.into(),
                    sort_key.into(),
                    person_id.into(),
                    facility.into(),
                    words.as_str().into(),
                ],
            )
            .await?;
            let reversed: String = term.chars().rev().collect();
            conn.execute(
                "INSERT INTO search_words (word, reversed, postings) VALUES ($1, $2, 1) \
                 ON CONFLICT (word) DO UPDATE SET postings = search_words.postings + 1",
                &[term.into(), reversed.as_str().into()],
            )
            .await?;
        }
        Ok(())
    }
}
