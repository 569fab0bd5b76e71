//! One module per subcommand group.

pub mod audit;
pub mod bench;
pub mod facilities;
pub mod serve;

use anyhow::Context;
use custodia_store::Store;

use crate::DbArgs;

/// Opens the database and applies migrations.
pub async fn open(db: &DbArgs) -> anyhow::Result<Store> {
    let store = Store::connect(&db.db)
        .await
        .with_context(|| format!("cannot open the database {}", redact(&db.db)))?;
    store.migrate().await.context("cannot apply migrations")?;
    Ok(store)
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..scheme + 3], user, &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}
