//! A person's security classification, set by a director (or at admission).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use custodia_domain::SecurityLevel;
use custodia_domain::access::Action;
use custodia_domain::events::PERSON_CLASSIFIED;
use custodia_domain::text;
use custodia_domain::validation::Collector;
use custodia_store::Store;

use super::open_episode_or_refuse;
use crate::error::AppError;
use crate::persons::event;
use crate::principal::Principal;

/// A classification decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Classification {
    /// The security level the person needs: they are placed only where security is at
    /// least this.
    pub level: SecurityLevel,
    /// Why (journaled).
    pub reason: String,
}

#[derive(Serialize)]
struct Classified<'a> {
    person_id: i64,
    episode_id: i64,
    level: SecurityLevel,
    previous: Option<&'a str>,
    reason: &'a str,
}

/// Sets the security classification of a person's open custody episode
/// (`person.classified`). It is not applied to where they are now: a move there checks it.
pub async fn classify(
    store: &Store,
    who: &Principal,
    person_id: i64,
    c: Classification,
) -> Result<Classification, AppError> {
    let mut check = Collector::default();
    text::required(&mut check, "reason", &c.reason, 2000);
    check.finish()?;
    let now = Timestamp::now();
    let who = who.clone();
    store
        .write(&who.actor.clone(), async move |tx| {
            let episode = open_episode_or_refuse(tx, &who, person_id).await?;
            who.require_in(
                Action::ClassificationWrite,
                &episode.facility,
                "person",
                person_id,
            )?;
            tx.set_classification(episode.episode_id, c.level.as_str())
                .await?;
            tx.append(event(
                PERSON_CLASSIFIED,
                now,
                &episode.facility,
                person_id,
                &Classified {
                    person_id,
                    episode_id: episode.episode_id,
                    level: c.level,
                    previous: episode.classification.as_deref(),
                    reason: &c.reason,
                },
            ))
            .await?;
            Ok(c.clone())
        })
        .await
}
