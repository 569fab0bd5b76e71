//! `custodia user …` and `custodia token …`: accounts and API tokens, administered at
//! the command line (which acts with the database's full rights).

use std::io::BufRead;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};

use custodia_app::users::{self, NewUser};
use custodia_domain::access::{Grant, Role};
use custodia_domain::user::{TokenScope, User};

use crate::DbArgs;

/// A role with an optional facility.
#[derive(Args)]
pub struct GrantArgs {
    /// Role: national-admin, national-operations, facility-director, facility-officer,
    /// records-officer, intelligence-analyst, health-officer, inspector, integration.
    #[arg(long, value_parser = parse_role)]
    role: Role,
    /// Facility code for a facility role; without it the role is national.
    #[arg(long)]
    facility: Option<String>,
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).map_err(|e| e.to_string())
}

impl GrantArgs {
    fn grant(&self) -> Grant {
        match &self.facility {
            Some(code) => Grant::facility(self.role, code),
            None => Grant::national(self.role),
        }
    }
}

/// User subcommands.
#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a user (on a fresh database, the first national administrator).
    Add {
        #[command(flatten)]
        db: DbArgs,
        /// Login name.
        #[arg(long)]
        username: String,
        /// Name shown to people (default: the username).
        #[arg(long)]
        display_name: Option<String>,
        #[command(flatten)]
        grant: GrantArgs,
        /// Read the password from the first line of standard input (it is never an argument).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Give a user another role.
    Grant {
        #[command(flatten)]
        db: DbArgs,
        /// Login name.
        #[arg(long)]
        username: String,
        #[command(flatten)]
        grant: GrantArgs,
    },
    /// Disable a user: no more sign-ins, and their tokens stop working.
    Disable {
        #[command(flatten)]
        db: DbArgs,
        /// Login name.
        #[arg(long)]
        username: String,
    },
    /// List users and their roles.
    List {
        #[command(flatten)]
        db: DbArgs,
    },
}

/// Token subcommands.
#[derive(Subcommand)]
pub enum TokenCommand {
    /// Create an API token acting as a user; the secret is printed once.
    Create {
        #[command(flatten)]
        db: DbArgs,
        /// The user it acts as (e.g. an integration account with a narrow grant).
        #[arg(long)]
        username: String,
        /// What it is for.
        #[arg(long)]
        name: String,
        /// Allow only reading, whatever the user may do.
        #[arg(long)]
        read_only: bool,
        /// Days until it expires (1 to 366).
        #[arg(long, default_value_t = 90)]
        days: i64,
    },
    /// Revoke a token by id.
    Revoke {
        #[command(flatten)]
        db: DbArgs,
        /// The token's id (from `custodia token list`).
        #[arg(long)]
        id: i64,
    },
    /// List tokens (never their secrets).
    List {
        #[command(flatten)]
        db: DbArgs,
    },
}

fn describe(u: &User) -> String {
    let grants: Vec<String> = u
        .grants
        .iter()
        .map(|g| match &g.scope {
            custodia_domain::access::Scope::National => format!("{} (national)", g.role),
            custodia_domain::access::Scope::Facility(code) => format!("{} ({code})", g.role),
        })
        .collect();
    format!(
        "{:<24} {:<8} {}",
        u.username,
        if u.active { "active" } else { "disabled" },
        grants.join(", ")
    )
}

fn read_password() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let password = line.trim_end_matches(['\n', '\r']).to_owned();
    if password.is_empty() {
        bail!("no password on standard input");
    }
    Ok(password)
}

/// Runs a user subcommand.
pub async fn run_user(command: UserCommand) -> anyhow::Result<ExitCode> {
    let who = super::operator();
    match command {
        UserCommand::Add {
            db,
            username,
            display_name,
            grant,
            ..
        } => {
            let password = read_password()?;
            let store = super::open(&db).await?;
            let new = NewUser {
                display_name: display_name.unwrap_or_else(|| username.clone()),
                username,
                password,
                grants: vec![grant.grant()],
            };
            let user = users::add(&store, &who, new).await?;
            super::print(&format!("created {}\n", describe(&user)))?;
        }
        UserCommand::Grant {
            db,
            username,
            grant,
        } => {
            let store = super::open(&db).await?;
            let user = users::grant(&store, &who, &username, grant.grant()).await?;
            super::print(&format!("{}\n", describe(&user)))?;
        }
        UserCommand::Disable { db, username } => {
            let store = super::open(&db).await?;
            let user = users::disable(&store, &who, &username).await?;
            super::print(&format!("{}\n", describe(&user)))?;
        }
        UserCommand::List { db } => {
            let store = super::open(&db).await?;
            let list: String = users::list(&store, &who)
                .await?
                .iter()
                .map(|u| describe(u) + "\n")
                .collect();
            super::print(&list)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs a token subcommand.
pub async fn run_token(command: TokenCommand) -> anyhow::Result<ExitCode> {
    let who = super::operator();
    match command {
        TokenCommand::Create {
            db,
            username,
            name,
            read_only,
            days,
        } => {
            let store = super::open(&db).await?;
            let scope = if read_only {
                TokenScope::ReadOnly
            } else {
                TokenScope::Full
            };
            let issued = users::create_token(&store, &who, &username, &name, scope, days).await?;
            eprintln!(
                "token {} for {} expires {}; it is shown only now:",
                issued.record.id, username, issued.expires_at
            );
            super::print(&format!("{}\n", issued.token))?;
        }
        TokenCommand::Revoke { db, id } => {
            let store = super::open(&db).await?;
            let token = users::revoke_token(&store, &who, id).await?;
            super::print(&format!(
                "revoked token {} ({} for {})\n",
                token.id, token.name, token.username
            ))?;
        }
        TokenCommand::List { db } => {
            let store = super::open(&db).await?;
            let list: String = users::tokens(&store, &who)
                .await?
                .iter()
                .map(|t| {
                    format!(
                        "{:>5} {:<20} {:<24} {:<9} expires {} {}\n",
                        t.id,
                        t.username,
                        t.name,
                        if t.scope == TokenScope::ReadOnly {
                            "read-only"
                        } else {
                            "full"
                        },
                        t.expires_at,
                        t.revoked_at
                            .map(|r| format!("REVOKED {r}"))
                            .unwrap_or_default()
                    )
                })
                .collect();
            super::print(&list)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
