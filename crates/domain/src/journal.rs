//! The journal's hash chain: how an entry's hash is computed, and how a sequence of
//! stored entries is checked link by link. Every state change in Custodia is an entry.
//!
//! hash = SHA-256(prev_hash ‖ canonical bytes), where the canonical bytes are each field
//! length-prefixed in a fixed order, so no two different entries share the same bytes.

use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry: 32 zero bytes, in hex.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An entry as stored: every field the hash covers, plus the links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Position in the chain, from 1, without gaps.
    pub seq: i64,
    /// Event id (UUID v7).
    pub id: String,
    /// Event type, e.g. `location.taken_out_of_service`.
    pub event_type: String,
    /// Version of the payload's schema for this type.
    pub schema_version: i64,
    /// When it happened in the world (canonical UTC text).
    pub occurred_at: String,
    /// When the system learned it (canonical UTC text).
    pub recorded_at: String,
    /// Who did it, e.g. `user:ana.perez` or `cli:root`.
    pub actor: String,
    /// The facility concerned, if any.
    pub facility: Option<String>,
    /// What it is about, e.g. `location:42`.
    pub subject: String,
    /// Canonical JSON payload.
    pub payload: String,
    /// The previous entry's hash (hex).
    pub prev_hash: String,
    /// This entry's hash (hex).
    pub hash: String,
}

/// An entry's fields borrowed from wherever they are read (a database row, an [`Entry`]),
/// so that verifying a long journal allocates nothing per entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryRef<'a> {
    /// Position in the chain.
    pub seq: i64,
    /// Event id.
    pub id: &'a str,
    /// Event type.
    pub event_type: &'a str,
    /// Version of the payload schema.
    pub schema_version: i64,
    /// When it happened (canonical UTC text).
    pub occurred_at: &'a str,
    /// When it was recorded (canonical UTC text).
    pub recorded_at: &'a str,
    /// Who did it.
    pub actor: &'a str,
    /// The facility concerned, if any.
    pub facility: Option<&'a str>,
    /// What it is about.
    pub subject: &'a str,
    /// Canonical JSON payload.
    pub payload: &'a str,
    /// The previous entry's hash (hex).
    pub prev_hash: &'a str,
    /// This entry's hash (hex).
    pub hash: &'a str,
}

impl Entry {
    /// The entry's fields, borrowed.
    pub fn as_ref(&self) -> EntryRef<'_> {
        EntryRef {
            seq: self.seq,
            id: &self.id,
            event_type: &self.event_type,
            schema_version: self.schema_version,
            occurred_at: &self.occurred_at,
            recorded_at: &self.recorded_at,
            actor: &self.actor,
            facility: self.facility.as_deref(),
            subject: &self.subject,
            payload: &self.payload,
            prev_hash: &self.prev_hash,
            hash: &self.hash,
        }
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Lower-case hex of a hash, without allocating.
pub fn hex64(bytes: &[u8; 32]) -> [u8; 64] {
    let mut out = [0u8; 64];
    for (i, b) in bytes.iter().enumerate() {
        out[2 * i] = HEX[usize::from(b >> 4)];
        out[2 * i + 1] = HEX[usize::from(b & 0x0f)];
    }
    out
}

/// The bytes of a 64-character hex hash (either case), if it is one.
pub fn unhex64(text: &str) -> Option<[u8; 32]> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    let text = text.as_bytes();
    if text.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in text.chunks_exact(2).enumerate() {
        out[i] = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Some(out)
}

/// Lower-case hex text of a hash.
pub fn to_hex(bytes: &[u8; 32]) -> String {
    hex64(bytes).iter().map(|&b| char::from(b)).collect()
}

/// Computes the hash of an entry's content chained to `prev_hash` (hex).
pub fn entry_hash(prev_hash: &str, e: &Entry) -> String {
    let prev = unhex64(prev_hash);
    to_hex(&hash_bytes(
        prev.as_ref().map_or(prev_hash.as_bytes(), |p| p.as_slice()),
        &e.as_ref(),
    ))
}

/// The raw SHA-256 of an entry's content chained to the previous hash's bytes (a
/// malformed stored prev_hash is hashed as its text, so the link check reports it).
pub fn hash_bytes(prev: &[u8], e: &EntryRef<'_>) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(e.seq.to_be_bytes());
    field(&mut h, Some(e.id));
    field(&mut h, Some(e.event_type));
    h.update(e.schema_version.to_be_bytes());
    field(&mut h, Some(e.occurred_at));
    field(&mut h, Some(e.recorded_at));
    field(&mut h, Some(e.actor));
    field(&mut h, e.facility);
    field(&mut h, Some(e.subject));
    field(&mut h, Some(e.payload));
    h.finalize().into()
}

fn field(h: &mut Sha256, value: Option<&str>) {
    match value {
        Some(v) => {
            h.update((v.len() as u64).to_be_bytes());
            h.update(v.as_bytes());
        }
        None => h.update(u64::MAX.to_be_bytes()),
    }
}

/// Why the chain is broken at an entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    /// A sequence number is missing, repeated or out of order (deletion, insertion, reordering).
    #[error(
        "sequence {found} where {expected} was expected (an entry was deleted, inserted or reordered)"
    )]
    SequenceGap {
        /// The sequence number the chain needed next.
        expected: i64,
        /// The one found instead.
        found: i64,
    },
    /// The entry does not point at its predecessor's hash.
    #[error(
        "prev_hash does not match the hash of the entry before it (an entry was inserted, deleted or reordered)"
    )]
    BrokenLink,
    /// The stored hash does not match the entry's content.
    #[error("hash does not match the entry's content (the entry was altered)")]
    ContentAltered,
    /// The chain ends before the anchor it was expected to reach.
    #[error(
        "the chain ends at sequence {last} but an anchor at sequence {anchor} was expected (entries were deleted from the end)"
    )]
    Truncated {
        /// The last sequence number present.
        last: i64,
        /// The anchored sequence number.
        anchor: i64,
    },
    /// The entry at the anchor's sequence has another hash than the anchor recorded.
    #[error("the hash at the anchored sequence differs from the anchor")]
    AnchorMismatch,
}

/// A chain break located at a sequence number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("journal broken at sequence {seq}: {reason}")]
pub struct BrokenAt {
    /// The first bad sequence number.
    pub seq: i64,
    /// What is wrong there.
    pub reason: ChainBreak,
}

/// A known (sequence, hash) pair recorded outside the database, to detect truncation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// The anchored sequence number.
    pub seq: i64,
    /// The hash recorded for it (hex).
    pub hash: String,
}

/// Checks entries one at a time, in the order the store returns them (by sequence).
/// Links are compared as text and hashes as bytes: nothing is allocated per entry.
#[derive(Debug)]
pub struct ChainVerifier {
    expected_seq: i64,
    prev: [u8; 32],
    prev_hex: [u8; 64],
    verified: u64,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            expected_seq: 1,
            prev: [0; 32],
            prev_hex: hex64(&[0; 32]),
            verified: 0,
        }
    }
}

impl ChainVerifier {
    /// A verifier that picks the chain up at `expected_seq`, trusting `prev_hash` as the
    /// hash before it (for checking a journal in parallel pieces, whose joins are then
    /// checked separately); `None` when `prev_hash` is no hash at all.
    pub fn resume(expected_seq: i64, prev_hash: &str) -> Option<Self> {
        let prev = unhex64(prev_hash)?;
        Some(Self {
            expected_seq,
            prev,
            prev_hex: hex64(&prev),
            verified: 0,
        })
    }

    /// Checks the next entry; the first failure names its sequence number.
    pub fn push(&mut self, e: &EntryRef<'_>) -> Result<(), BrokenAt> {
        let fail = |reason| BrokenAt { seq: e.seq, reason };
        if e.seq != self.expected_seq {
            return Err(BrokenAt {
                seq: self.expected_seq.min(e.seq),
                reason: ChainBreak::SequenceGap {
                    expected: self.expected_seq,
                    found: e.seq,
                },
            });
        }
        if e.prev_hash.as_bytes() != self.prev_hex {
            return Err(fail(ChainBreak::BrokenLink));
        }
        let computed = hash_bytes(&self.prev, e);
        let computed_hex = hex64(&computed);
        if e.hash.as_bytes() != computed_hex {
            return Err(fail(ChainBreak::ContentAltered));
        }
        self.expected_seq += 1;
        self.prev = computed;
        self.prev_hex = computed_hex;
        self.verified += 1;
        Ok(())
    }

    /// How many entries have been verified.
    pub fn verified(&self) -> u64 {
        self.verified
    }

    /// The last verified (sequence, hash), if any.
    pub fn head(&self) -> Option<Anchor> {
        (self.verified > 0).then(|| Anchor {
            seq: self.expected_seq - 1,
            hash: to_hex(&self.prev),
        })
    }
}

/// Checks that a fully verified chain reaches an anchor; `hash_at` gives the verified hash at a sequence.
pub fn check_anchor(
    last_seq: i64,
    anchor: &Anchor,
    hash_at_anchor: Option<&str>,
) -> Result<(), BrokenAt> {
    if last_seq < anchor.seq {
        return Err(BrokenAt {
            seq: last_seq + 1,
            reason: ChainBreak::Truncated {
                last: last_seq,
                anchor: anchor.seq,
            },
        });
    }
    if hash_at_anchor != Some(anchor.hash.as_str()) {
        return Err(BrokenAt {
            seq: anchor.seq,
            reason: ChainBreak::AnchorMismatch,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Builds a valid chain of `n` entries.
    pub fn chain(n: i64) -> Vec<Entry> {
        let mut prev = GENESIS_HASH.to_owned();
        (1..=n)
            .map(|seq| {
                let mut e = Entry {
                    seq,
                    id: format!("id-{seq}"),
                    event_type: "location.added".into(),
                    schema_version: 1,
                    occurred_at: "2023-08-31T12:00:00.000000Z".into(),
                    recorded_at: "2023-08-31T12:00:01.000000Z".into(),
                    actor: "cli:test".into(),
                    facility: (seq % 2 == 0).then(|| "CPL-AZ-1".to_owned()),
                    subject: format!("location:{seq}"),
                    payload: format!(r#"{{"n":{seq}}}"#),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = entry_hash(&prev, &e);
                prev.clone_from(&e.hash);
                e
            })
            .collect()
    }

    fn verify(entries: &[Entry]) -> Result<u64, BrokenAt> {
        let mut v = ChainVerifier::default();
        for e in entries {
            v.push(&e.as_ref())?;
        }
        Ok(v.verified())
    }

    #[test]
    fn a_valid_chain_verifies() {
        assert_eq!(verify(&chain(50)), Ok(50));
        assert_eq!(verify(&[]), Ok(0));
    }

    #[test]
    fn the_hash_is_the_documented_encoding() {
        // Spelled out byte by byte: changing the encoding would break every stored journal.
        let e = &chain(1)[0];
        let mut bytes = vec![0u8; 32];
        bytes.extend(1i64.to_be_bytes());
        for text in ["id-1", "location.added"] {
            bytes.extend((text.len() as u64).to_be_bytes());
            bytes.extend(text.as_bytes());
        }
        bytes.extend(1i64.to_be_bytes());
        for text in [
            "2023-08-31T12:00:00.000000Z",
            "2023-08-31T12:00:01.000000Z",
            "cli:test",
        ] {
            bytes.extend((text.len() as u64).to_be_bytes());
            bytes.extend(text.as_bytes());
        }
        bytes.extend(u64::MAX.to_be_bytes());
        for text in ["location:1", r#"{"n":1}"#] {
            bytes.extend((text.len() as u64).to_be_bytes());
            bytes.extend(text.as_bytes());
        }
        assert_eq!(e.hash, to_hex(&Sha256::digest(&bytes).into()));
    }

    #[test]
    fn hex_round_trips() {
        let bytes: [u8; 32] = std::array::from_fn(|i| (i * 37) as u8);
        assert_eq!(unhex64(&to_hex(&bytes)), Some(bytes));
        assert_eq!(unhex64(&to_hex(&bytes).to_uppercase()), Some(bytes));
        assert_eq!(unhex64("zz"), None);
        assert_eq!(to_hex(&[0; 32]), GENESIS_HASH);
    }

    #[test]
    fn none_and_empty_facility_differ() {
        let mut a = chain(1).remove(0);
        a.facility = None;
        let mut b = a.clone();
        b.facility = Some(String::new());
        assert_ne!(entry_hash(GENESIS_HASH, &a), entry_hash(GENESIS_HASH, &b));
    }

    #[test]
    fn altered_content_is_found() {
        let mut c = chain(10);
        c[6].payload = r#"{"n":999}"#.into();
        assert_eq!(
            verify(&c),
            Err(BrokenAt {
                seq: 7,
                reason: ChainBreak::ContentAltered
            })
        );
    }

    #[test]
    fn deletion_is_found() {
        let mut c = chain(10);
        c.remove(4);
        assert_eq!(verify(&c).unwrap_err().seq, 5);
        // Deleting and renumbering breaks the link instead.
        let mut c = chain(10);
        c.remove(4);
        for e in c.iter_mut().skip(4) {
            e.seq -= 1;
        }
        assert_eq!(verify(&c).unwrap_err().seq, 5);
    }

    #[test]
    fn reordering_is_found() {
        let mut c = chain(10);
        c.swap(2, 3);
        let (a, b) = (c[2].seq, c[3].seq);
        c[2].seq = b;
        c[3].seq = a;
        assert_eq!(
            verify(&c),
            Err(BrokenAt {
                seq: 3,
                reason: ChainBreak::BrokenLink
            })
        );
    }

    #[test]
    fn insertion_out_of_chain_is_found() {
        let mut c = chain(10);
        let mut forged = c[9].clone();
        forged.seq = 11;
        forged.id = "forged".into();
        forged.hash = entry_hash(&forged.prev_hash, &forged);
        c.push(forged);
        assert_eq!(
            verify(&c),
            Err(BrokenAt {
                seq: 11,
                reason: ChainBreak::BrokenLink
            })
        );
    }

    #[test]
    fn a_resumed_verifier_checks_the_rest() {
        let c = chain(10);
        let mut v = ChainVerifier::resume(6, &c[5].prev_hash).unwrap();
        for e in &c[5..] {
            v.push(&e.as_ref()).unwrap();
        }
        assert_eq!(v.verified(), 5);
        assert_eq!(v.head().unwrap().hash, c[9].hash);
        assert!(ChainVerifier::resume(6, "not a hash").is_none());
    }

    #[test]
    fn truncation_is_found_with_an_anchor() {
        let c = chain(10);
        let anchor = Anchor {
            seq: 10,
            hash: c[9].hash.clone(),
        };
        let mut v = ChainVerifier::default();
        for e in &c[..8] {
            v.push(&e.as_ref()).unwrap();
        }
        assert_eq!(check_anchor(8, &anchor, None).unwrap_err().seq, 9);
        assert_eq!(check_anchor(10, &anchor, Some(&c[9].hash)), Ok(()));
        assert_eq!(
            check_anchor(10, &anchor, Some(&c[8].hash))
                .unwrap_err()
                .reason,
            ChainBreak::AnchorMismatch
        );
    }

    proptest! {
        /// Any single-byte change to any hashed field of any entry is detected at that entry.
        #[test]
        fn any_change_is_detected(n in 2i64..30, pick in 0usize..30, field in 0usize..8) {
            let mut c = chain(n);
            let i = pick % c.len();
            let e = &mut c[i];
            match field {
                0 => e.id.push('x'),
                1 => e.event_type.push('x'),
                2 => e.schema_version += 1,
                3 => e.occurred_at.replace_range(0..1, "1"),
                4 => e.actor.push('x'),
                5 => e.facility = if e.facility.is_some() { None } else { Some("X".into()) },
                6 => e.subject.push('x'),
                _ => e.payload.push(' '),
            }
            let broken = verify(&c).unwrap_err();
            prop_assert_eq!(broken.seq, i as i64 + 1);
            prop_assert_eq!(broken.reason, ChainBreak::ContentAltered);
        }
    }
}
