//! `custodia facilities …`: import and list.

use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;

use custodia_app::{AppError, Principal};

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

/// Runs a facilities subcommand.
pub async fn run(command: FacilitiesCommand) -> anyhow::Result<ExitCode> {
    match command {
        FacilitiesCommand::Import { db, files } => {
            let mut texts = Vec::new();
            for path in &files {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                texts.push((path.display().to_string(), text));
            }
            let store = super::open(&db).await?;
            match custodia_app::import::import(&store, &Principal::command_line(), &texts).await {
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
            let views = custodia_app::facilities::list(&store, &Principal::command_line()).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&views)?);
            } else {
                println!(
                    "{:<12} {:<5} {:<14} {:>8} {:>8} {:>8} {:>8}",
                    "CODE", "KIND", "CITY", "DESIGN", "USABLE", "HELD", "RATE"
                );
                for v in views {
                    let o = v.occupancy;
                    println!(
                        "{:<12} {:<5} {:<14} {:>8} {:>8} {:>8} {:>8}",
                        v.facility.code,
                        v.facility.kind.as_str(),
                        v.facility.city,
                        o.design_capacity,
                        o.usable,
                        o.occupied,
                        o.occupancy_rate
                            .map_or("-".to_owned(), |r| format!("{:.0}%", r * 100.0))
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
