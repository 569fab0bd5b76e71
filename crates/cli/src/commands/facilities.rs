//! `custodia facilities …`: import and list.

use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;

use custodia_app::AppError;

use crate::DbArgs;

/// Facilities subcommands.
#[derive(Subcommand)]
pub enum FacilitiesCommand {
    /// Import facilities and locations from CSV or JSON files, all or nothing.
    ///
    /// A CSV file with a `kind` column holds facilities (columns: code, name, kind,
    /// province, city, timezone, holds_sex, holds_age, security_levels); one with a
    /// `facility` column holds locations (facility, code, name, parent_code or parent_id,
    /// security_level, holds_sex, design_capacity, operational_capacity). A JSON file is
    /// {"facilities": [...], "locations": [...]} with the same fields. Several files are
    /// imported in one transaction. Any bad row in any file imports nothing and every bad
    /// row is listed with its line.
    Import {
        #[command(flatten)]
        db: DbArgs,
        /// Files to import (.csv or .json).
        #[arg(required = true)]
        files: Vec<std::path::PathBuf>,
    },
    /// List facilities with capacity and occupancy.
    List {
        #[command(flatten)]
        db: DbArgs,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

/// Prints every problem of a rejected import; exit status 2.
fn rejected(rows: Vec<custodia_domain::import::RowError>) -> ExitCode {
    eprintln!(
        "import rejected: {} problem(s); nothing was imported",
        rows.len()
    );
    for row in rows {
        eprintln!("  {row}");
    }
    ExitCode::from(2)
}

/// Runs a facilities subcommand.
pub async fn run(command: FacilitiesCommand) -> anyhow::Result<ExitCode> {
    match command {
        FacilitiesCommand::Import { db, files } => {
            let mut texts = Vec::new();
            let mut undecodable = Vec::new();
            for path in &files {
                let bytes = std::fs::read(path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                let name = path.display().to_string();
                match custodia_app::import::decode(&name, bytes) {
                    Ok(text) => texts.push((name, text)),
                    Err(e) => undecodable.extend(e),
                }
            }
            if !undecodable.is_empty() {
                return Ok(rejected(undecodable));
            }
            let store = super::open(&db).await?;
            match custodia_app::import::import(&store, &super::operator(), &texts).await {
                Ok(summary) => {
                    println!(
                        "imported {} facilities and {} locations",
                        summary.facilities, summary.locations
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(AppError::ImportRejected(rows)) => {
                    eprintln!(
                        "import rejected: {} problem(s); nothing was imported",
                        rows.len()
                    );
                    for row in rows {
                        eprintln!("  {row}");
                    }
                    Ok(ExitCode::from(2))
                }
                Err(e) => Err(e.into()),
            }
        }
        FacilitiesCommand::List { db, json } => {
            let store = super::open(&db).await?;
            let views = custodia_app::facilities::list(&store, &super::operator()).await?;
            let mut out = String::new();
            if json {
                out = serde_json::to_string_pretty(&views)?;
                out.push('\n');
            } else {
                out.push_str(&format!(
                    "{:<12} {:<5} {:<14} {:>8} {:>8} {:>8} {:>8}\n",
                    "CODE", "KIND", "CITY", "DESIGN", "USABLE", "HELD", "RATE"
                ));
                for v in views {
                    let o = v.occupancy;
                    out.push_str(&format!(
                        "{:<12} {:<5} {:<14} {:>8} {:>8} {:>8} {:>8}\n",
                        v.code,
                        v.kind.as_str(),
                        v.city,
                        o.design_capacity,
                        o.usable,
                        o.occupied,
                        o.occupancy_rate
                            .map_or("-".to_owned(), |r| format!("{:.0}%", r * 100.0))
                    ));
                }
            }
            super::print(&out)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
