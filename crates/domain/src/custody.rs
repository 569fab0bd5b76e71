//! The legal basis of a custody episode: court documents (pretrial detention orders,
//! sentences, other orders, suspensions of the pretrial clock), their validation, and the
//! legal state they add up to — status per case, pretrial expiry and release date.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::legal::{self, LegalError, Suspension, Term};
use crate::person::past_date;
use crate::text;
use crate::validation::Collector;
use crate::{Invalid, vocabulary};

/// Longest court, judge, case number or offence text, in characters.
pub const MAX_FIELD: usize = 200;
/// Most offences one document may list.
pub const MAX_OFFENCES: usize = 50;
/// Most days of credit for time already served (40 years).
pub const MAX_CREDIT_DAYS: i64 = 40 * 366;

vocabulary!(
    /// The kind of court document.
    LegalDocumentKind {
        /// Order of pretrial detention (prisión preventiva).
        PretrialDetentionOrder = "pretrial_detention_order",
        /// A sentence (sentencia condenatoria).
        Sentence = "sentence",
        /// Any other court order depriving of liberty (e.g. apremio).
        OtherCourtOrder = "other_court_order",
        /// A court decision that suspends the pretrial clock (delays caused by the defence).
        Suspension = "suspension",
    }
);

vocabulary!(
    /// Legal status of a case or an episode (Mandela Rule 11b separates them).
    LegalStatus {
        /// Untried: in pretrial detention (procesado).
        Pretrial = "pretrial",
        /// Convicted and sentenced (sentenciado).
        Sentenced = "sentenced",
        /// Held under another court order.
        Other = "other",
    }
);

/// An offence charged or convicted, with the law's maximum penalty for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Offence {
    /// The offence, e.g. `Robo`.
    pub description: String,
    /// The article, e.g. `COIP art. 189`.
    #[serde(default)]
    pub legal_reference: Option<String>,
    /// The maximum penalty the law sets for it.
    pub max_penalty: Term,
}

/// A court document. Which fields are required depends on `kind`: a pretrial order needs
/// `carried_out_on` and `offences`; a sentence needs `sentence`; another order needs
/// `description`; a suspension needs `suspended_from`, `suspended_to` and `basis`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LegalDocument {
    /// What the document is.
    pub kind: LegalDocumentKind,
    /// The judicial case number, e.g. `17282-2023-01234`.
    pub case_number: String,
    /// The issuing court.
    pub court: String,
    /// The judge who signed it.
    pub judge: String,
    /// The day it was issued.
    #[schema(value_type = String, format = Date)]
    pub issued_on: Date,
    /// Pretrial orders: the day the order was carried out (the pretrial clock starts).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub carried_out_on: Option<Date>,
    /// The offences, each with its maximum penalty (required for pretrial orders).
    #[serde(default)]
    pub offences: Vec<Offence>,
    /// Sentences: its length.
    #[serde(default)]
    pub sentence: Option<Term>,
    /// Sentences: the day it starts to run (default: the day the case's pretrial order
    /// was carried out, else the day of the sentence).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub start_on: Option<Date>,
    /// Sentences: days already served that count towards it, beyond this case's own
    /// pretrial detention (which counts by starting the sentence then).
    #[serde(default)]
    pub credit_days: Option<i64>,
    /// Other orders: what the order says.
    #[serde(default)]
    pub description: Option<String>,
    /// Other orders: the last day it allows detention, if it says.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub until: Option<Date>,
    /// Suspensions: first day the clock stands still.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub suspended_from: Option<Date>,
    /// Suspensions: last day the clock stands still.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub suspended_to: Option<Date>,
    /// Suspensions: the legal basis.
    #[serde(default)]
    pub basis: Option<String>,
    /// Why it is filed, when it corrects or supersedes an earlier document of the case
    /// (the earlier one stays in the file).
    #[serde(default)]
    pub note: Option<String>,
}

fn missing(c: &mut Collector, field: &str, present: bool, kind: LegalDocumentKind) {
    c.check(
        !present,
        field,
        "required",
        format!("{field} is required for a {kind}"),
    );
}

fn not_for(c: &mut Collector, field: &str, present: bool, kind: LegalDocumentKind) {
    c.check(
        present,
        field,
        "not_applicable",
        format!("{field} does not belong in a {kind}"),
    );
}

impl LegalDocument {
    /// Checks the document on its own; `today` bounds its dates.
    pub fn validate(&self, field: &str, today: Date) -> Result<(), Invalid> {
        use LegalDocumentKind::*;
        let mut c = Collector::default();
        let f = |name: &str| format!("{field}.{name}");
        text::required(&mut c, &f("case_number"), &self.case_number, MAX_FIELD);
        text::required(&mut c, &f("court"), &self.court, MAX_FIELD);
        text::required(&mut c, &f("judge"), &self.judge, MAX_FIELD);
        past_date(&mut c, &f("issued_on"), self.issued_on, today);
        let kind = self.kind;
        if kind == PretrialDetentionOrder {
            missing(
                &mut c,
                &f("carried_out_on"),
                self.carried_out_on.is_some(),
                kind,
            );
            c.check(
                self.offences.is_empty(),
                &f("offences"),
                "no_offence",
                "a pretrial detention order must name at least one offence with its maximum penalty",
            );
        }
        if let Some(day) = self.carried_out_on {
            not_for(
                &mut c,
                &f("carried_out_on"),
                kind != PretrialDetentionOrder,
                kind,
            );
            past_date(&mut c, &f("carried_out_on"), day, today);
            c.check(
                day < self.issued_on,
                &f("carried_out_on"),
                "before_issued",
                format!(
                    "the order cannot be carried out ({day}) before it was issued ({})",
                    self.issued_on
                ),
            );
        }
        c.check(
            self.offences.len() > MAX_OFFENCES,
            &f("offences"),
            "too_many",
            format!("at most {MAX_OFFENCES} offences"),
        );
        not_for(
            &mut c,
            &f("offences"),
            !self.offences.is_empty() && !matches!(kind, PretrialDetentionOrder | Sentence),
            kind,
        );
        for (i, o) in self.offences.iter().take(MAX_OFFENCES).enumerate() {
            let of = format!("{}[{i}]", f("offences"));
            text::required(
                &mut c,
                &format!("{of}.description"),
                &o.description,
                MAX_FIELD,
            );
            if let Some(r) = &o.legal_reference {
                text::required(&mut c, &format!("{of}.legal_reference"), r, MAX_FIELD);
            }
            c.check(
                o.max_penalty.is_zero() || o.max_penalty.is_negative(),
                &format!("{of}.max_penalty"),
                "no_penalty",
                "an offence needs its legal maximum penalty (more than zero)",
            );
        }
        match (kind, self.sentence) {
            (Sentence, None) => missing(&mut c, &f("sentence"), false, kind),
            (Sentence, Some(t)) => c.check(
                t.is_zero() || t.is_negative(),
                &f("sentence"),
                "empty_sentence",
                "a sentence must be longer than zero days, with no negative part",
            ),
            (_, Some(_)) => not_for(&mut c, &f("sentence"), true, kind),
            (_, None) => {}
        }
        not_for(
            &mut c,
            &f("start_on"),
            self.start_on.is_some() && kind != Sentence,
            kind,
        );
        if let Some(credit) = self.credit_days {
            not_for(&mut c, &f("credit_days"), kind != Sentence, kind);
            c.check(
                !(0..=MAX_CREDIT_DAYS).contains(&credit),
                &f("credit_days"),
                "out_of_range",
                format!("credit_days must be between 0 and {MAX_CREDIT_DAYS}"),
            );
        }
        if kind == OtherCourtOrder {
            missing(&mut c, &f("description"), self.description.is_some(), kind);
        }
        if let Some(d) = &self.description {
            not_for(&mut c, &f("description"), kind != OtherCourtOrder, kind);
            text::required(&mut c, &f("description"), d, crate::person::MAX_TEXT);
        }
        not_for(
            &mut c,
            &f("until"),
            self.until.is_some() && kind != OtherCourtOrder,
            kind,
        );
        if let Some(until) = self.until {
            c.check(
                until < self.issued_on,
                &f("until"),
                "before_issued",
                "an order cannot end before it was issued",
            );
        }
        if kind == Suspension {
            missing(
                &mut c,
                &f("suspended_from"),
                self.suspended_from.is_some(),
                kind,
            );
            missing(
                &mut c,
                &f("suspended_to"),
                self.suspended_to.is_some(),
                kind,
            );
            missing(&mut c, &f("basis"), self.basis.is_some(), kind);
        } else {
            not_for(
                &mut c,
                &f("suspended_from"),
                self.suspended_from.is_some(),
                kind,
            );
            not_for(
                &mut c,
                &f("suspended_to"),
                self.suspended_to.is_some(),
                kind,
            );
            not_for(&mut c, &f("basis"), self.basis.is_some(), kind);
        }
        if let (Some(from), Some(to)) = (self.suspended_from, self.suspended_to) {
            c.check(
                to < from,
                &f("suspended_to"),
                "before_start",
                "a suspension cannot end before it starts",
            );
        }
        if let Some(b) = &self.basis {
            text::required(&mut c, &f("basis"), b, crate::person::MAX_TEXT);
        }
        if let Some(n) = &self.note {
            text::required(&mut c, &f("note"), n, crate::person::MAX_TEXT);
        }
        c.finish()
    }

    /// The case it belongs to, as cases are matched: letters and digits, upper case.
    pub fn case_key(&self) -> String {
        crate::person::document_key(&self.case_number)
    }
}

vocabulary!(
    /// Why custody ended.
    ReleaseReason {
        /// The sentence is served.
        SentenceServed = "sentence_served",
        /// Pretrial detention reached its legal limit (caducidad).
        PretrialExpired = "pretrial_expired",
        /// A court ordered release (e.g. alternative measures, bail).
        CourtOrder = "court_order",
        /// Acquitted or charges dropped.
        Acquittal = "acquittal",
        /// Pardon or amnesty.
        Pardon = "pardon",
        /// Another lawful reason (say which in `authorized_by` and `note`).
        Other = "other",
        /// Died in custody (recorded through the death route, never as a release).
        Death = "death",
    }
);

/// A release from custody.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Release {
    /// When the person walked out.
    #[schema(value_type = String, format = DateTime)]
    pub released_at: Timestamp,
    /// Why.
    pub reason: ReleaseReason,
    /// The order or decision that authorises it (court, case number, date).
    pub authorized_by: String,
    /// Anything else to record.
    #[serde(default)]
    pub note: Option<String>,
}

impl Release {
    /// Checks the release on its own: its authority and note, and a time not in the future.
    pub fn validate(&self, now: Timestamp) -> Result<(), Invalid> {
        let mut c = Collector::default();
        c.check(
            self.reason == ReleaseReason::Death,
            "reason",
            "death_is_not_a_release",
            "a death in custody is recorded with POST /api/v1/persons/{id}/death",
        );
        text::required(&mut c, "authorized_by", &self.authorized_by, 500);
        if let Some(n) = &self.note {
            text::required(&mut c, "note", n, crate::person::MAX_TEXT);
        }
        c.check(
            self.released_at.as_second() > now.as_second() + crate::admission::CLOCK_SKEW_SECONDS,
            "released_at",
            "in_the_future",
            "the release time is in the future",
        );
        c.finish()
    }

    /// Checks the release comes after the admission it ends (`shown` as the file shows it).
    pub fn check_after(&self, admitted_at: Timestamp, shown: &str) -> Result<(), Invalid> {
        let mut c = Collector::default();
        c.check(
            self.released_at < admitted_at,
            "released_at",
            "before_admission",
            format!("the release cannot come before the admission ({shown})"),
        );
        c.finish()
    }
}

/// Where one case stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CaseState {
    /// The case number as first written.
    pub case_number: String,
    /// Its status.
    pub status: LegalStatus,
    /// While pretrial: the last lawful day of pretrial detention.
    #[schema(value_type = Option<String>, format = Date)]
    pub pretrial_expiry: Option<Date>,
    /// Days the pretrial clock stood still.
    pub suspensions: Vec<Suspension>,
}

/// Where an episode stands in law, computed from its documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LegalState {
    /// Sentenced if any case is, else pretrial if any case is, else other.
    pub status: LegalStatus,
    /// Each case, in the order first seen.
    pub cases: Vec<CaseState>,
    /// The earliest pretrial expiry among pretrial cases.
    #[schema(value_type = Option<String>, format = Date)]
    pub pretrial_expiry: Option<Date>,
    /// When the sentences (accumulated, capped at 40 years) are served, or when the last
    /// other order ends.
    #[schema(value_type = Option<String>, format = Date)]
    pub release_date: Option<Date>,
}

#[derive(Default)]
struct Case {
    number: String,
    status: Option<LegalStatus>,
    carried_out_on: Option<Date>,
    penalties: Vec<Term>,
    suspensions: Vec<Suspension>,
    sentence: Option<(Term, Date, i64)>,
    until: Option<Date>,
}

/// The legal state that documents add up to, applied in the order given (later documents
/// of a case supersede earlier ones: a sentence ends the pretrial clock of its case).
pub fn legal_state(documents: &[LegalDocument]) -> Result<LegalState, LegalError> {
    let mut order: Vec<String> = Vec::new();
    let mut cases: BTreeMap<String, Case> = BTreeMap::new();
    for d in documents {
        let key = d.case_key();
        let case = cases.entry(key.clone()).or_insert_with(|| {
            order.push(key.clone());
            Case {
                number: d.case_number.clone(),
                ..Case::default()
            }
        });
        match d.kind {
            LegalDocumentKind::PretrialDetentionOrder => {
                case.status = Some(LegalStatus::Pretrial);
                case.carried_out_on = d.carried_out_on.or(Some(d.issued_on));
                case.penalties = d.offences.iter().map(|o| o.max_penalty).collect();
                case.sentence = None;
            }
            LegalDocumentKind::Sentence => {
                case.status = Some(LegalStatus::Sentenced);
                let start = d.start_on.or(case.carried_out_on).unwrap_or(d.issued_on);
                let term = d.sentence.unwrap_or_default();
                case.sentence = Some((term, start, d.credit_days.unwrap_or(0)));
            }
            LegalDocumentKind::OtherCourtOrder => {
                if case.status.is_none() {
                    case.status = Some(LegalStatus::Other);
                }
                case.until = d.until;
            }
            LegalDocumentKind::Suspension => case.suspensions.push(Suspension {
                from: d.suspended_from.unwrap_or(d.issued_on),
                to: d.suspended_to.unwrap_or(d.issued_on),
                basis: d.basis.clone().unwrap_or_default(),
            }),
        }
    }
    let mut states = Vec::with_capacity(order.len());
    let mut terms = Vec::new();
    let (mut start, mut credit) = (None::<Date>, 0i64);
    let mut other_until = None::<Date>;
    for key in &order {
        let Some(case) = cases.get(key) else { continue };
        let Some(status) = case.status else {
            // Only suspensions so far: the case has no order of its own yet.
            continue;
        };
        let pretrial_expiry = match (status, case.carried_out_on) {
            (LegalStatus::Pretrial, Some(day)) => Some(legal::pretrial_expiry(
                day,
                &case.penalties,
                &case.suspensions,
            )?),
            _ => None,
        };
        if let Some((term, from, days)) = case.sentence {
            terms.push(term);
            start = Some(start.map_or(from, |s| s.min(from)));
            credit += days;
        }
        if status == LegalStatus::Other {
            other_until = other_until.max(case.until);
        }
        states.push(CaseState {
            case_number: case.number.clone(),
            status,
            pretrial_expiry,
            suspensions: case.suspensions.clone(),
        });
    }
    let has = |s: LegalStatus| states.iter().any(|c| c.status == s);
    let status = if has(LegalStatus::Sentenced) {
        LegalStatus::Sentenced
    } else if has(LegalStatus::Pretrial) {
        LegalStatus::Pretrial
    } else {
        LegalStatus::Other
    };
    let release_date = match start {
        Some(start) => Some(legal::sentence_end(start, &terms, credit)?),
        None => other_until,
    };
    Ok(LegalState {
        status,
        pretrial_expiry: states.iter().filter_map(|c| c.pretrial_expiry).min(),
        cases: states,
        release_date,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    pub(crate) fn pretrial(case: &str, on: Date, penalty: Term) -> LegalDocument {
        LegalDocument {
            kind: LegalDocumentKind::PretrialDetentionOrder,
            case_number: case.into(),
            court: "Unidad Judicial Penal de Guayaquil".into(),
            judge: "Dra. Ana Torres".into(),
            issued_on: on,
            carried_out_on: Some(on),
            offences: vec![Offence {
                description: "Robo".into(),
                legal_reference: Some("COIP art. 189".into()),
                max_penalty: penalty,
            }],
            sentence: None,
            start_on: None,
            credit_days: None,
            description: None,
            until: None,
            suspended_from: None,
            suspended_to: None,
            basis: None,
            note: None,
        }
    }

    fn sentence(case: &str, on: Date, term: Term) -> LegalDocument {
        LegalDocument {
            kind: LegalDocumentKind::Sentence,
            carried_out_on: None,
            offences: vec![],
            sentence: Some(term),
            ..pretrial(case, on, Term::years(1))
        }
    }

    fn codes(r: Result<(), Invalid>) -> Vec<String> {
        r.err()
            .map(|e| {
                e.0.into_iter()
                    .map(|e| format!("{}:{}", e.field, e.code))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn pretrial_orders_need_offences_with_penalties() {
        let today = date(2026, 1, 1);
        let ok = pretrial("1", date(2025, 1, 1), Term::years(3));
        assert_eq!(codes(ok.validate("d", today)), Vec::<String>::new());
        let mut none = ok.clone();
        none.offences.clear();
        assert_eq!(codes(none.validate("d", today)), ["d.offences:no_offence"]);
        let mut zero = ok.clone();
        zero.offences[0].max_penalty = Term::default();
        assert_eq!(
            codes(zero.validate("d", today)),
            ["d.offences[0].max_penalty:no_penalty"]
        );
        let mut early = ok.clone();
        early.carried_out_on = Some(date(2024, 12, 31));
        assert_eq!(
            codes(early.validate("d", today)),
            ["d.carried_out_on:before_issued"]
        );
        let mut future = ok;
        future.issued_on = date(2026, 1, 2);
        future.carried_out_on = Some(date(2026, 1, 2));
        assert_eq!(
            codes(future.validate("d", today)),
            [
                "d.issued_on:in_the_future",
                "d.carried_out_on:in_the_future"
            ]
        );
    }

    #[test]
    fn a_sentence_of_nothing_is_refused() {
        let today = date(2026, 1, 1);
        let zero = sentence("1", date(2025, 1, 1), Term::default());
        assert_eq!(
            codes(zero.validate("d", today)),
            ["d.sentence:empty_sentence"]
        );
        let mut missing = zero.clone();
        missing.sentence = None;
        assert_eq!(codes(missing.validate("d", today)), ["d.sentence:required"]);
        let mut negative = zero;
        negative.sentence = Some(Term {
            years: 2,
            months: -1,
            days: 0,
        });
        assert_eq!(
            codes(negative.validate("d", today)),
            ["d.sentence:empty_sentence"]
        );
    }

    #[test]
    fn fields_of_another_kind_are_refused() {
        let mut d = sentence("1", date(2025, 1, 1), Term::years(2));
        d.suspended_from = Some(date(2025, 2, 1));
        d.description = Some("x".into());
        assert_eq!(
            codes(d.validate("d", date(2026, 1, 1))),
            [
                "d.description:not_applicable",
                "d.suspended_from:not_applicable"
            ]
        );
    }

    #[test]
    fn a_sentence_supersedes_the_pretrial_clock_of_its_case() {
        let docs = [
            pretrial("17282-2023-1", date(2023, 3, 10), Term::years(10)),
            pretrial("17282-2023-2", date(2023, 6, 1), Term::years(3)),
        ];
        let s = legal_state(&docs).unwrap();
        assert_eq!(s.status, LegalStatus::Pretrial);
        assert_eq!(s.pretrial_expiry, Some(date(2023, 12, 1)));
        assert_eq!(s.cases[0].pretrial_expiry, Some(date(2024, 3, 10)));
        assert_eq!(s.release_date, None);

        let mut docs = docs.to_vec();
        docs.push(sentence("17282-2023-2", date(2023, 11, 20), Term::years(2)));
        let s = legal_state(&docs).unwrap();
        assert_eq!(s.status, LegalStatus::Sentenced);
        assert_eq!(s.cases[1].status, LegalStatus::Sentenced);
        // Case 1 is still pretrial and keeps its own clock.
        assert_eq!(s.pretrial_expiry, Some(date(2024, 3, 10)));
        // The sentence runs from the day its case's order was carried out.
        assert_eq!(s.release_date, Some(date(2025, 6, 1)));
    }

    #[test]
    fn suspensions_extend_their_case_only() {
        let mut suspension = pretrial("A", date(2023, 2, 1), Term::years(1));
        suspension.kind = LegalDocumentKind::Suspension;
        suspension.carried_out_on = None;
        suspension.offences.clear();
        suspension.suspended_from = Some(date(2023, 3, 1));
        suspension.suspended_to = Some(date(2023, 3, 10));
        suspension.basis = Some("Diferimiento solicitado por la defensa".into());
        let docs = [
            pretrial("A", date(2023, 1, 1), Term::years(1)),
            pretrial("B", date(2023, 1, 1), Term::years(1)),
            suspension,
        ];
        let s = legal_state(&docs).unwrap();
        assert_eq!(s.cases[0].pretrial_expiry, Some(date(2023, 7, 11)));
        assert_eq!(s.cases[1].pretrial_expiry, Some(date(2023, 7, 1)));
        assert_eq!(s.pretrial_expiry, Some(date(2023, 7, 1)));
    }

    #[test]
    fn sentences_accumulate_with_credit() {
        let mut second = sentence("B", date(2024, 1, 1), Term::years(30));
        second.start_on = Some(date(2024, 1, 1));
        second.credit_days = Some(10);
        let docs = [sentence("A", date(2020, 1, 1), Term::years(15)), second];
        let s = legal_state(&docs).unwrap();
        // 45 years capped at 40 from the earliest start, less 10 days of credit.
        assert_eq!(s.release_date, Some(date(2059, 12, 22)));
    }

    #[test]
    fn other_orders_end_when_they_say() {
        let mut d = pretrial("C", date(2026, 1, 1), Term::years(1));
        d.kind = LegalDocumentKind::OtherCourtOrder;
        d.carried_out_on = None;
        d.offences.clear();
        d.description = Some("Apremio personal por pensiones alimenticias".into());
        d.until = Some(date(2026, 1, 30));
        assert_eq!(
            codes(d.validate("d", date(2026, 1, 2))),
            Vec::<String>::new()
        );
        let s = legal_state(&[d]).unwrap();
        assert_eq!(s.status, LegalStatus::Other);
        assert_eq!(s.release_date, Some(date(2026, 1, 30)));
    }
}
