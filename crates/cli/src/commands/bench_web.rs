//! `custodia bench web`: the interface's main pages over real HTTP on loopback, with the
//! seeded demo (about 22,000 persons at 15 facilities): each page's time p50/p95 as a
//! signed-in user sees it, and the bytes transferred compressed, with and without the
//! assets a first visit also loads.

use std::time::Instant;

use anyhow::{Context, bail};
use reqwest::header::{ACCEPT_ENCODING, COOKIE, SET_COOKIE};

use custodia_app::Principal;
use custodia_app::users::NewUser;
use custodia_domain::access::{Grant, Role};
use custodia_store::Store;

use super::bench_search::percentile;

/// What to measure.
pub struct Options {
    /// Times each page is fetched.
    pub samples: u64,
}

const PASSWORD: &str = "banco de pruebas del interfaz";

/// Signs `username` in through the form; the cookie header to send afterwards.
async fn sign_in(client: &reqwest::Client, base: &str, username: &str) -> anyhow::Result<String> {
    let r = client
        .post(format!("{base}/login"))
        .form(&[("username", username), ("password", PASSWORD)])
        .send()
        .await?;
    let session = r
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("custodia_session="))
        .and_then(|v| v.split(';').next())
        .context("no session cookie: sign-in failed")?
        .to_owned();
    Ok(format!(
        "custodia_session={session}; custodia_read_reason=banco%20de%20pruebas"
    ))
}

/// The versioned asset addresses a page links to.
fn assets(page: &str) -> Vec<String> {
    page.split("\"/assets/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|a| format!("/assets/{a}"))
        .collect()
}

/// Loads the demo, starts the server on loopback and measures each main page.
pub async fn run(store: &Store, options: &Options) -> anyhow::Result<()> {
    if !store.facilities().await?.is_empty() {
        bail!("the web bench loads its own demo: give it an empty database");
    }
    let started = Instant::now();
    crate::seed::load(store, false).await?;
    crate::seed::demo(store, 1.0).await?;
    let operator = Principal::command_line("bench");
    for (username, grant) in [
        ("bench.national", Grant::national(Role::NationalOperations)),
        (
            "bench.officer",
            Grant::facility(Role::FacilityDirector, "CPL-GY-1"),
        ),
    ] {
        let new = NewUser {
            username: username.into(),
            display_name: username.into(),
            password: PASSWORD.into(),
            grants: vec![grant],
        };
        custodia_app::users::add(store, &operator, new).await?;
    }
    println!("  demo loaded in {:.1} s", started.elapsed().as_secs_f64());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(custodia_web::serve(listener, store.clone(), async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let national = sign_in(&client, &base, "bench.national").await?;
    let officer = sign_in(&client, &base, "bench.officer").await?;
    let roll = custodia_app::population::roll(store, &operator, "CPL-GY-1").await?;
    let cell = roll
        .locations
        .iter()
        .find(|l| l.is_cell && l.occupancy.occupied > 0)
        .context("no occupied cell at CPL-GY-1")?;
    let someone = store
        .occupants_now(cell.location_id)
        .await?
        .first()
        .map(|o| o.person_id)
        .context("no person placed at CPL-GY-1")?;
    let pages: Vec<(&str, String, &String)> = vec![
        ("national dashboard", "/".into(), &national),
        (
            "facility (Litoral, 7,500 persons)",
            "/facilities/CPL-GY-1".into(),
            &officer,
        ),
        (
            "person search (as you type)",
            "/persons/results?q=mar".into(),
            &officer,
        ),
        ("person file", format!("/persons/{someone}"), &officer),
        ("admission wizard", "/admissions/new".into(), &officer),
        (
            "placement form",
            format!("/persons/{someone}/placement"),
            &officer,
        ),
        ("transfers", "/transfers".into(), &national),
        ("incidents", "/incidents".into(), &national),
        (
            "accountability board (2023 crisis)",
            "/crises/1".into(),
            &national,
        ),
        ("statistics (12 months)", "/statistics".into(), &national),
        ("searches and seizures", "/searches".into(), &national),
    ];
    println!(
        "  {:<38} {:>5} {:>8} {:>8} {:>8} {:>10} {:>12}   target",
        "ms", "n", "p50", "p95", "max", "page KB", "+assets KB"
    );
    let mut failed = Vec::new();
    for (label, path, cookie) in &pages {
        let mut times = Vec::with_capacity(options.samples as usize);
        let mut page_bytes = 0usize;
        let mut body = String::new();
        for _ in 0..options.samples {
            let t = Instant::now();
            let r = client
                .get(format!("{base}{path}"))
                .header(COOKIE, cookie.as_str())
                .header(ACCEPT_ENCODING, "gzip")
                .send()
                .await?;
            let status = r.status();
            let bytes = r.bytes().await?;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            if !status.is_success() {
                bail!("{path} answered {status}");
            }
            page_bytes = bytes.len();
        }
        // The page uncompressed, for its asset links.
        let r = client
            .get(format!("{base}{path}"))
            .header(COOKIE, cookie.as_str())
            .send()
            .await?;
        body.push_str(&r.text().await?);
        let mut with_assets = page_bytes;
        for a in assets(&body) {
            let r = client
                .get(format!("{base}{a}"))
                .header(ACCEPT_ENCODING, "gzip")
                .send()
                .await?;
            with_assets += r.bytes().await?.len();
        }
        times.sort_by(f64::total_cmp);
        let p95 = percentile(&times, 0.95);
        if p95 > 50.0 || with_assets > 200 * 1024 {
            failed.push(*label);
        }
        println!(
            "  {label:<38} {:>5} {:>8.2} {:>8.2} {:>8.2} {:>10.1} {:>12.1}   p95 ≤ 50 ms, ≤ 200 KB",
            times.len(),
            percentile(&times, 0.50),
            p95,
            times.last().copied().unwrap_or(0.0),
            page_bytes as f64 / 1024.0,
            with_assets as f64 / 1024.0,
        );
    }
    if failed.is_empty() {
        println!("  every page within its targets");
    } else {
        println!("  over target: {}", failed.join(", "));
    }
    let _ = stop.send(());
    let _ = server.await;
    Ok(())
}
