//! Bulk loading of generated persons for benchmarks: straight into the read tables, in
//! large transactions (COPY on PostgreSQL), bypassing use cases and the journal. It
//! refuses a database that already holds persons, so it can never touch real records.

use crate::conn::{Conn, Val};
use crate::db::Store;
use crate::error::StoreError;

/// A generated person, with everything the read tables keep.
#[derive(Debug, Clone)]
pub struct FixturePerson {
    /// The id to give (1, 2, 3… in loading order).
    pub id: i64,
    /// Registry number.
    pub registry_number: String,
    /// Identity JSON.
    pub identity: String,
    /// Folded `given|first|second`.
    pub name_key: String,
    /// Full name.
    pub full_name: String,
    /// Sort key.
    pub sort_key: String,
    /// `YYYY-MM-DD`.
    pub date_of_birth: String,
    /// Document key.
    pub document_key: Option<String>,
    /// Facility code (must exist).
    pub facility: String,
    /// Search words.
    pub terms: Vec<String>,
}

const INSERT_PERSON: &str = "INSERT INTO persons (id, registry_number, identity, name_key, \
    full_name, sort_key, date_of_birth, document_key, facility, in_custody, created_at, \
    updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10)";
const COPY_PERSONS: &str = "COPY persons (id, registry_number, identity, name_key, full_name, \
    sort_key, date_of_birth, document_key, facility, in_custody, created_at, updated_at) \
    FROM STDIN";
const INSERT_TERM: &str = "INSERT INTO person_terms (term, sort_key, person_id, facility, words) VALUES ($1, $2, $3, $4, $5)";
const COPY_TERMS: &str =
    "COPY person_terms (term, sort_key, person_id, facility, words) FROM STDIN";
const INSERT_WORD: &str = "INSERT INTO search_words (word, reversed, postings) VALUES ($1, $2, $3) \
    ON CONFLICT (word) DO UPDATE SET postings = search_words.postings + $3";

const CREATE_WORDS_TEMP: &str = "CREATE TEMP TABLE fixture_words (word TEXT COLLATE \"C\", \
    reversed TEXT COLLATE \"C\", postings BIGINT) ON COMMIT DROP";
const COPY_WORDS_TEMP: &str = "COPY fixture_words (word, reversed, postings) FROM STDIN";
const MERGE_WORDS_TEMP: &str = "INSERT INTO search_words (word, reversed, postings) \
    SELECT word, reversed, postings FROM fixture_words \
    ON CONFLICT (word) DO UPDATE SET postings = search_words.postings + EXCLUDED.postings";

/// Writes a row of optional texts as a line of COPY text format.
fn line(buf: &mut Vec<u8>, row: &[Option<String>]) {
    for (i, v) in row.iter().enumerate() {
        if i > 0 {
            buf.push(b'\t');
        }
        crate::copy::opt_text(buf, v.as_deref());
    }
    buf.push(b'\n');
}

async fn copy(
    conn: &mut sqlx::PgConnection,
    sql: &'static str,
    rows: impl Iterator<Item = Vec<Option<String>>>,
) -> Result<(), StoreError> {
    let rows: Vec<Vec<Option<String>>> = rows.collect();
    crate::copy::copy_in(conn, sql, &rows, |buf, row| line(buf, row)).await
}

fn person_row(p: &FixturePerson, now: &str) -> Vec<Option<String>> {
    vec![
        Some(p.id.to_string()),
        Some(p.registry_number.clone()),
        Some(p.identity.clone()),
        Some(p.name_key.clone()),
        Some(p.full_name.clone()),
        Some(p.sort_key.clone()),
        Some(p.date_of_birth.clone()),
        p.document_key.clone(),
        Some(p.facility.clone()),
        Some("1".into()),
        Some(now.to_owned()),
        Some(now.to_owned()),
    ]
}

fn term_rows(p: &FixturePerson) -> Vec<Vec<Option<String>>> {
    let all = p.terms.join(" ");
    p.terms
        .iter()
        .map(|t| {
            vec![
                Some(t.clone()),
                Some(p.sort_key.clone()),
                Some(p.id.to_string()),
                Some(p.facility.clone()),
                Some(all.clone()),
            ]
        })
        .collect()
}

fn person_params<'a>(p: &'a FixturePerson, now: &'a str) -> [Val<'a>; 10] {
    [
        p.id.into(),
        (&p.registry_number).into(),
        (&p.identity).into(),
        (&p.name_key).into(),
        (&p.full_name).into(),
        (&p.sort_key).into(),
        (&p.date_of_birth).into(),
        p.document_key.as_deref().into(),
        (&p.facility).into(),
        now.into(),
    ]
}

fn term_params<'a>(t: &'a str, p: &'a FixturePerson, all: &'a str) -> [Val<'a>; 5] {
    [
        t.into(),
        (&p.sort_key).into(),
        p.id.into(),
        (&p.facility).into(),
        all.into(),
    ]
}

impl Store {
    /// Whether any person is registered.
    pub async fn has_persons(&self) -> Result<bool, StoreError> {
        let mut r = self.reader().await?;
        Ok(!r
            .conn()?
            .fetch("SELECT id FROM persons LIMIT 1", &[], |r| r.int(0))
            .await?
            .is_empty())
    }

    /// Loads one batch of generated persons with their search postings, in one
    /// transaction; `words` are the batch's distinct words with their posting counts.
    pub async fn load_fixture_persons(
        &self,
        persons: Vec<FixturePerson>,
        words: Vec<(String, i64)>,
    ) -> Result<(), StoreError> {
        let now = custodia_domain::time::canonical(jiff::Timestamp::now());
        self.write("bench", async move |tx| {
            match tx.conn() {
                Conn::Sqlite(c) => {
                    crate::sqlite::execute_many(
                        c,
                        INSERT_PERSON,
                        persons.iter().map(|p| person_params(p, &now)),
                    )?;
                    for p in persons.iter() {
                        let all = p.terms.join(" ");
                        crate::sqlite::execute_many(
                            c,
                            INSERT_TERM,
                            p.terms.iter().map(|t| term_params(t, p, &all)),
                        )?;
                    }
                }
                Conn::Postgres(c) => {
                    let people: Vec<Vec<Option<String>>> =
                        persons.iter().map(|p| person_row(p, &now)).collect();
                    copy(c, COPY_PERSONS, people.into_iter()).await?;
                    let terms: Vec<Vec<Option<String>>> =
                        persons.iter().flat_map(term_rows).collect();
                    copy(c, COPY_TERMS, terms.into_iter()).await?;
                }
            }
            match tx.conn() {
                Conn::Postgres(c) => {
                    // One COPY and one set-based upsert instead of a statement per word.
                    sqlx::query(CREATE_WORDS_TEMP).execute(&mut *c).await?;
                    let rows: Vec<Vec<Option<String>>> = words
                        .iter()
                        .map(|(w, n)| {
                            vec![
                                Some(w.clone()),
                                Some(w.chars().rev().collect()),
                                Some(n.to_string()),
                            ]
                        })
                        .collect();
                    copy(c, COPY_WORDS_TEMP, rows.into_iter()).await?;
                    sqlx::query(MERGE_WORDS_TEMP).execute(&mut *c).await?;
                }
                mut conn => {
                    for (w, n) in words.iter() {
                        let reversed: String = w.chars().rev().collect();
                        conn.execute(
                            INSERT_WORD,
                            &[w.into(), reversed.as_str().into(), (*n).into()],
                        )
                        .await?;
                    }
                }
            }
            Ok::<_, StoreError>(())
        })
        .await
    }

    /// After loading: lets PostgreSQL's id sequence continue after the loaded ids, and
    /// refreshes the planner's statistics.
    pub async fn finish_fixture(&self) -> Result<(), StoreError> {
        self.write("bench", async move |tx| {
            if let Conn::Postgres(_) = tx.conn() {
                tx.conn()
                    .fetch(
                        "SELECT setval(pg_get_serial_sequence('persons', 'id'), \
                         (SELECT max(id) FROM persons))",
                        &[],
                        |r| r.int(0),
                    )
                    .await?;
            }
            tx.conn().execute("ANALYZE", &[]).await?;
            Ok::<_, StoreError>(())
        })
        .await
    }
}
