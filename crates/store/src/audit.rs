//! Walking the whole journal to check its hash chain (`custodia audit verify`).

use std::time::{Duration, Instant};

use custodia_domain::journal::{Anchor, BrokenAt, ChainVerifier, check_anchor};

use crate::db::Store;
use crate::error::StoreError;

/// Entries fetched per page while verifying.
const PAGE: i64 = 20_000;

/// What a successful verification found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// Entries checked.
    pub verified: u64,
    /// The last entry's (sequence, hash), to record outside the database as an anchor.
    pub head: Option<Anchor>,
    /// How long it took.
    pub elapsed: Duration,
}

/// Why verification did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The chain is broken: names the first bad sequence number.
    #[error(transparent)]
    Broken(#[from] BrokenAt),
    /// The database could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Store {
    /// Checks every journal entry in sequence order. Reading the next page overlaps with
    /// hashing the current one. With an `anchor` (a head recorded earlier, outside the
    /// database) it also detects entries deleted from the end.
    pub async fn verify_journal(
        &self,
        anchor: Option<&Anchor>,
    ) -> Result<VerifyReport, VerifyError> {
        let started = Instant::now();
        let (pages, mut incoming) = tokio::sync::mpsc::channel(2);
        let reader = self.clone();
        let fetcher = tokio::spawn(async move {
            let mut after = 0;
            loop {
                let page = reader.journal_page(after, PAGE).await;
                let done = match &page {
                    Ok(entries) => {
                        after = entries.last().map_or(after, |e| e.seq);
                        (entries.len() as i64) < PAGE
                    }
                    Err(_) => true,
                };
                if pages.send(page).await.is_err() || done {
                    return;
                }
            }
        });
        let mut verifier = ChainVerifier::default();
        let mut hash_at_anchor = None;
        while let Some(page) = incoming.recv().await {
            for entry in page? {
                verifier.push(&entry)?;
                if anchor.is_some_and(|a| a.seq == entry.seq) {
                    hash_at_anchor = Some(entry.hash);
                }
            }
        }
        let _ = fetcher.await;
        let head = verifier.head();
        if let Some(anchor) = anchor {
            let last = head.as_ref().map_or(0, |h| h.seq);
            check_anchor(last, anchor, hash_at_anchor.as_deref())?;
        }
        Ok(VerifyReport {
            verified: verifier.verified(),
            head,
            elapsed: started.elapsed(),
        })
    }
}
