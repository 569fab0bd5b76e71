//! `custodia serve`: the web server.

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use crate::DbArgs;

/// Arguments of `custodia serve`.
#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Address to listen on (e.g. 0.0.0.0:8080 for every interface, behind a TLS reverse
    /// proxy). Port 0 picks a free port.
    #[arg(long, env = "CUSTODIA_LISTEN", default_value = "127.0.0.1:8080", value_parser = parse_listen)]
    listen: SocketAddr,
    /// Load the reference facilities first when the database has none.
    #[arg(long)]
    seed: bool,
    /// With --seed, also create a demo administrator (printed once); loopback only.
    #[arg(long, requires = "seed")]
    demo_admin: bool,
    /// With --seed: how much of the 2023 population the demo admits and places (1.0:
    /// every reference facility at its 2023 occupancy, about 20,000 generated persons).
    #[arg(long, default_value_t = 1.0, requires = "seed")]
    demo_scale: f64,
    /// Mark session cookies `Secure` (users reach Custodia over HTTPS, through a
    /// TLS-terminating reverse proxy). On by default when listening beyond loopback.
    #[arg(long, env = "CUSTODIA_SECURE_COOKIES")]
    secure_cookies: bool,
    /// The reverse proxy's address: its `X-Forwarded-For` / `X-Forwarded-Host` headers are
    /// believed (for throttling, journaling and the sign-in origin check).
    #[arg(long, env = "CUSTODIA_TRUSTED_PROXY")]
    trusted_proxy: Option<std::net::IpAddr>,
}

/// Reads HOST:PORT, where HOST is an address or a name such as `localhost`.
fn parse_listen(text: &str) -> Result<SocketAddr, String> {
    use std::net::ToSocketAddrs;
    let addrs: Vec<SocketAddr> = text
        .to_socket_addrs()
        .map_err(|e| format!("`{text}` is not HOST:PORT (e.g. 127.0.0.1:8080): {e}"))?
        .collect();
    addrs
        .iter()
        .find(|a| a.is_ipv4())
        .or(addrs.first())
        .copied()
        .ok_or_else(|| format!("`{text}` names no address"))
}

/// Runs the server until SIGINT or SIGTERM.
pub async fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    if args.demo_admin && !args.listen.ip().is_loopback() {
        anyhow::bail!("--demo-admin is for demos on this machine: listen on a loopback address");
    }
    let store = super::open(&args.db).await?;
    if args.seed && crate::seed::load(&store, args.demo_admin).await? {
        crate::seed::demo(&store, args.demo_scale).await?;
    }
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let addr = listener.local_addr()?;
    // The first line on stdout is the address, so scripts and tests can find a port-0 server.
    println!(
        "Custodia listening on http://{addr} ({} database)",
        store.backend().name()
    );
    tracing::info!(%addr, database = store.backend().name(), "serving");
    let options = custodia_web::Options {
        secure_cookies: args.secure_cookies || !args.listen.ip().is_loopback(),
        trusted_proxy: args.trusted_proxy,
    };
    let app = custodia_web::app_with(store.clone(), options);
    custodia_web::serve_app(listener, app, shutdown_signal()).await?;
    store.close().await;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
