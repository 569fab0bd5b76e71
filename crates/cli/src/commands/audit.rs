//! `custodia audit …`: verify the journal's hash chain.

use std::process::ExitCode;

use anyhow::bail;
use clap::Subcommand;

use custodia_domain::journal::Anchor;
use custodia_store::audit::VerifyError;

use crate::DbArgs;

/// Audit subcommands.
#[derive(Subcommand)]
pub enum AuditCommand {
    /// Walk the whole journal and check every link of its hash chain.
    ///
    /// Exits 0 when the chain is intact, 1 naming the first bad sequence number when an
    /// entry was altered, deleted, inserted out of chain or reordered. Entries deleted
    /// from the very end leave a valid shorter chain: record `custodia audit head`
    /// somewhere safe and pass it as --anchor to detect that too.
    Verify {
        #[command(flatten)]
        db: DbArgs,
        /// A head recorded earlier, as SEQ:HASH (from `custodia audit head`).
        #[arg(long)]
        anchor: Option<String>,
    },
    /// Print the journal's last sequence number and hash, to keep outside the database.
    Head {
        #[command(flatten)]
        db: DbArgs,
    },
}

fn parse_anchor(text: &str) -> anyhow::Result<Anchor> {
    let Some((seq, hash)) = text.split_once(':') else {
        bail!("--anchor must be SEQ:HASH, e.g. 1042:3fa2…");
    };
    let seq: i64 = seq
        .parse()
        .map_err(|_| anyhow::anyhow!("--anchor: `{seq}` is not a sequence number"))?;
    if hash.len() != 64 || !hash.chars().all(|c| c.is_ascii_hexdigit()) {
        bail!("--anchor: the hash must be 64 hexadecimal characters");
    }
    Ok(Anchor {
        seq,
        hash: hash.to_ascii_lowercase(),
    })
}

/// Runs an audit subcommand.
pub async fn run(command: AuditCommand) -> anyhow::Result<ExitCode> {
    match command {
        AuditCommand::Verify { db, anchor } => {
            let anchor = anchor.as_deref().map(parse_anchor).transpose()?;
            let store = super::open_existing(&db).await?;
            match store.verify_journal(anchor.as_ref()).await {
                Ok(report) => {
                    let secs = report.elapsed.as_secs_f64();
                    let rate = if secs > 0.0 {
                        report.verified as f64 / secs
                    } else {
                        0.0
                    };
                    println!(
                        "journal intact: {} events verified in {:.3} s ({:.0} events/s)",
                        report.verified, secs, rate
                    );
                    if let Some(head) = report.head {
                        println!("head: {}:{}", head.seq, head.hash);
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(VerifyError::Broken(broken)) => {
                    println!(
                        "JOURNAL BROKEN at sequence {}: {}",
                        broken.seq, broken.reason
                    );
                    Ok(ExitCode::FAILURE)
                }
                Err(VerifyError::Store(e)) => Err(e.into()),
            }
        }
        AuditCommand::Head { db } => {
            let store = super::open_existing(&db).await?;
            let (seq, hash) = store.journal_head().await?;
            println!("{seq}:{hash}");
            Ok(ExitCode::SUCCESS)
        }
    }
}
