//! The `custodia` binary: one program for the server, migrations, imports, the journal
//! audit and benchmarks. Every subcommand that touches data takes `--db URL`.

mod commands;
mod demo;
mod people;
mod scenario;
mod scenario_search;
mod seed;
mod staff_demo;

use clap::{Args, Parser, Subcommand};

// Journal appends and verification allocate many small strings; mimalloc does that
// markedly faster than the system allocator (measured with `custodia bench journal`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The default database: an embedded SQLite file beside where Custodia runs.
pub const DEFAULT_DB: &str = "sqlite://./custodia-data/custodia.db";

#[derive(Parser)]
#[command(
    name = "custodia",
    version,
    about = "Custodia: the system of record for persons deprived of liberty",
    long_about = "Custodia: the system of record for persons deprived of liberty.\n\n\
        Every change is an event in a tamper-evident journal. Data lives in an embedded \
        SQLite file by default (./custodia-data/custodia.db) or in PostgreSQL \
        (--db postgres://USER@HOST/DB, or the CUSTODIA_DB environment variable)."
)]
struct Cli {
    /// Log format: `text` for people, `json` for log collectors.
    #[arg(long, global = true, env = "CUSTODIA_LOG_FORMAT", default_value = "text", value_parser = ["text", "json"])]
    log_format: String,
    #[command(subcommand)]
    command: Command,
}

/// Where the data is.
#[derive(Args, Clone)]
pub struct DbArgs {
    /// Database URL: sqlite://PATH (created if missing) or postgres://USER@HOST[:PORT]/DB.
    #[arg(long, env = "CUSTODIA_DB", default_value = DEFAULT_DB)]
    pub db: String,
}

/// Arguments of `custodia seed`.
#[derive(Args, Clone)]
pub struct SeedArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Also create `demo.admin`, a national administrator with a fresh random password
    /// printed once on standard error (only into a database without users; for demos).
    #[arg(long)]
    demo_admin: bool,
    /// How much of the 2023 population the demo admits and places: 1.0 fills every
    /// reference facility to its 2023 occupancy (about 20,000 generated persons), 0 none.
    #[arg(long, default_value_t = 1.0)]
    demo_scale: f64,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (JSON API under /api/v1); migrations run first.
    Serve(commands::serve::ServeArgs),
    /// Apply database migrations and exit.
    Migrate(DbArgs),
    /// Load the reference facilities of the Ecuador 2023 scenario (only into a database without facilities).
    Seed(SeedArgs),
    /// Facilities and their locations.
    #[command(subcommand)]
    Facilities(commands::facilities::FacilitiesCommand),
    /// User accounts and their roles.
    #[command(subcommand)]
    User(commands::users::UserCommand),
    /// API tokens for other systems.
    #[command(subcommand)]
    Token(commands::users::TokenCommand),
    /// Check the journal.
    #[command(subcommand)]
    Audit(commands::audit::AuditCommand),
    /// Measure performance and print figures.
    #[command(subcommand)]
    Bench(commands::bench::BenchCommand),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    init_logging(&cli.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> anyhow::Result<std::process::ExitCode> {
    match command {
        Command::Serve(args) => commands::serve::run(args).await,
        Command::Migrate(db) => {
            let store = commands::open(&db).await?;
            println!("migrations applied ({})", store.backend().name());
            Ok(std::process::ExitCode::SUCCESS)
        }
        Command::Seed(args) => {
            let store = commands::open(&args.db).await?;
            if seed::load(&store, args.demo_admin).await? {
                seed::demo(&store, args.demo_scale).await?;
            }
            Ok(std::process::ExitCode::SUCCESS)
        }
        Command::Facilities(c) => commands::facilities::run(c).await,
        Command::User(c) => commands::users::run_user(c).await,
        Command::Token(c) => commands::users::run_token(c).await,
        Command::Audit(c) => commands::audit::run(c).await,
        Command::Bench(c) => commands::bench::run(c).await,
    }
}

fn init_logging(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    if format == "json" {
        builder.json().flatten_event(true).init();
    } else {
        builder.init();
    }
}
