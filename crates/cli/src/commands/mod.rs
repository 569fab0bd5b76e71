//! One module per subcommand group.

pub mod audit;
pub mod bench;
pub mod bench_incidents;
pub mod bench_population;
pub mod bench_search;
pub mod bench_web;
pub mod facilities;
pub mod serve;
pub mod users;

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

/// Writes to stdout; a reader that went away (`custodia … | head`) is not an error.
pub fn print(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

/// Opens an existing database to inspect it: nothing is created or migrated, and a
/// database without Custodia's tables is an error.
pub async fn open_existing(db: &DbArgs) -> anyhow::Result<Store> {
    let store = Store::connect_existing(&db.db)
        .await
        .with_context(|| format!("cannot open the database {}", redact(&db.db)))?;
    if !store.migrations_applied().await? {
        anyhow::bail!(
            "{} is not an up-to-date Custodia database (run `custodia migrate` on it first)",
            redact(&db.db)
        );
    }
    Ok(store)
}

/// The operator at this command line, named after their OS account.
pub fn operator() -> custodia_app::Principal {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".to_owned());
    custodia_app::Principal::command_line(&user)
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
