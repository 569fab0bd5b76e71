//! Searches (requisas) and what they seized, with each item's chain of custody: the list,
//! recording a search of cells, an area or a person (with the Mandela Rules 50–52
//! safeguards), seizing items into it, and handing an item over.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{Value, json};

use custodia_app::AppError;
use custodia_app::seizures::SearchQuery;
use custodia_domain::access::Action;
use custodia_domain::seizure::{Disposal, DrugKind, Holder, ItemCategory, SearchKind};

use super::format;
use super::forms::{Fields, FormErrors, Posted, Reading, local_input, request_from};
use super::page::{Chrome, app_error, redisplay, render};
use super::session::Viewer;
use crate::AppState;

type Options = Vec<(&'static str, String)>;

/// A search, as listed.
struct SearchLine {
    id: i64,
    facility: String,
    kind: String,
    when: String,
    reason: String,
    items: i64,
}

#[derive(Template)]
#[template(path = "searches.html")]
struct SearchesPage {
    c: Chrome,
    searches: Vec<SearchLine>,
    may_record: bool,
    facilities: Vec<(String, String)>,
    kinds: Options,
    f: Fields,
    errors: FormErrors,
}

/// A step of an item's chain of custody.
struct Step {
    when: String,
    from: String,
    to: String,
    purpose: String,
}

/// A seized item.
struct ItemLine {
    id: i64,
    what: String,
    detail: String,
    found: String,
    holder: String,
    disposal: Option<String>,
    chain: Vec<Step>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    c: Chrome,
    id: i64,
    facility: String,
    kind: String,
    when: String,
    reason: String,
    authorised_by: String,
    team: String,
    /// The places searched, by code.
    places: String,
    items: Vec<ItemLine>,
    may_seize: bool,
    may_hand_over: bool,
    categories: Options,
    drugs: Options,
    disposals: Options,
    f: Fields,
    errors: FormErrors,
}

fn holder_text(h: &Holder) -> String {
    [h.name.clone(), h.office.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ")
}

async fn searches_page(
    s: &AppState,
    v: &Viewer,
    mut f: Fields,
    errors: FormErrors,
) -> Result<SearchesPage, AppError> {
    let (who, t, lang) = (&v.live.principal, v.t(), v.lang);
    let q = SearchQuery {
        facility: None,
        from: None,
        to: None,
        limit: Some(200),
    };
    let searches = custodia_app::seizures::searches(&s.store, who, q)
        .await?
        .into_iter()
        .map(|x| SearchLine {
            id: x.id,
            kind: t.e("search-kind", x.kind.as_str()),
            when: format::instant_text(lang, &x.started_at, format::DEFAULT_ZONE),
            facility: x.facility,
            reason: x.reason,
            items: x.items,
        })
        .collect();
    let facilities: Vec<(String, String)> =
        custodia_app::facilities::choices(&s.store, who, Action::SearchWrite)
            .await?
            .into_iter()
            .map(|fc| (fc.code, fc.name))
            .collect();
    for name in ["started_at", "ended_at"] {
        if f.opt(name).is_none() {
            f.set(
                name,
                local_input(jiff::Timestamp::now(), format::DEFAULT_ZONE),
            );
        }
    }
    Ok(SearchesPage {
        c: Chrome::viewer(v, "/searches", t.s("searches-title")),
        searches,
        may_record: !facilities.is_empty(),
        facilities,
        kinds: SearchKind::ALL
            .iter()
            .map(|k| (k.as_str(), t.e("search-kind", k.as_str())))
            .collect(),
        f,
        errors,
    })
}

/// `GET /searches`.
pub async fn list(State(s): State<AppState>, v: Viewer) -> Response {
    match searches_page(&s, &v, Fields::default(), FormErrors::none()).await {
        Ok(p) => render(&p),
        Err(e) => app_error(&v, e),
    }
}

/// The location ids for the codes typed (one per line or separated by commas).
async fn location_ids(
    s: &AppState,
    v: &Viewer,
    facility: &str,
    codes: &str,
    r: &mut Reading,
) -> Vec<i64> {
    let wanted: Vec<&str> = codes
        .split([',', '\n'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    if wanted.is_empty() {
        return Vec::new();
    }
    let Ok(all) = custodia_app::locations::list(&s.store, &v.live.principal, facility).await else {
        return Vec::new();
    };
    let mut ids = Vec::new();
    for code in wanted {
        match all
            .iter()
            .find(|l| l.location.code.eq_ignore_ascii_case(code))
        {
            Some(l) => ids.push(l.location.id),
            None => r.problem("location_codes", "unknown_location", code),
        }
    }
    ids
}

/// `POST /searches`: records a search.
pub async fn record(State(s): State<AppState>, Posted { v, f }: Posted) -> Response {
    let mut r = Reading::default();
    let started = r.instant(&f, "started_at", format::DEFAULT_ZONE);
    let ended = r.instant(&f, "ended_at", format::DEFAULT_ZONE);
    let person_id = r.opt_int(&f, "person_id");
    let ids = location_ids(&s, &v, f.v("facility"), f.v("location_codes"), &mut r).await;
    let team: Vec<Value> = f
        .v("team")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| match l.split_once(',') {
            Some((name, role)) => json!({"name": name.trim(), "role": role.trim()}),
            None => json!({"name": l}),
        })
        .collect();
    let person = person_id.map(|id| {
        json!({
            "person_id": id,
            "same_sex_searcher": f.checked("same_sex_searcher"),
            "in_private": f.checked("in_private"),
            "intrusive": f.checked("intrusive"),
            "health_professional": f.opt("health_professional"),
            "intrusive_reason": f.opt("intrusive_reason"),
        })
    });
    let outcome = match r.finish() {
        Err(e) => Err(e),
        Ok(()) => match request_from(json!({
            "facility": f.v("facility"), "kind": f.v("kind"), "location_ids": ids, "team": team,
            "authorised_by": f.v("authorised_by"), "started_at": started, "ended_at": ended,
            "reason": f.v("reason"), "person": person, "note": f.opt("note"),
        })) {
            Ok(request) => {
                custodia_app::seizures::record_search(&s.store, &v.live.principal, request).await
            }
            Err(e) => Err(e),
        },
    };
    match outcome {
        Ok(x) => Redirect::to(&format!("/searches/{}", x.id)).into_response(),
        Err(e) => redisplay(&v, e, |errors| searches_page(&s, &v, f, errors)).await,
    }
}

async fn search_page(
    s: &AppState,
    v: &Viewer,
    id: i64,
    f: Fields,
    errors: FormErrors,
) -> Result<SearchPage, AppError> {
    let (who, t, lang) = (&v.live.principal, v.t(), v.lang);
    let x = custodia_app::seizures::search(&s.store, who, id).await?;
    let when = |at: &str| format::instant_text(lang, at, format::DEFAULT_ZONE);
    let places = if x.location_ids.is_empty() {
        String::new()
    } else {
        custodia_app::locations::list(&s.store, who, &x.facility)
            .await?
            .into_iter()
            .filter(|l| x.location_ids.contains(&l.location.id))
            .map(|l| l.location.code)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let items = x
        .items
        .iter()
        .map(|i| {
            let mut detail = Vec::new();
            if let Some(d) = &i.drugs {
                detail.push(format!(
                    "{}{}",
                    t.e("drug-kind", d.kind.as_str()),
                    d.grams.map(|g| format!(" · {g} g")).unwrap_or_default()
                ));
            }
            if let Some(c) = &i.cash {
                detail.push(format!(
                    "{} {}",
                    c.amount.map(|a| a.to_string()).unwrap_or_default(),
                    c.currency.clone().unwrap_or_default()
                ));
            }
            if let Some(p) = &i.found_place {
                detail.push(p.clone());
            }
            ItemLine {
                id: i.id,
                what: format!(
                    "{} × {}{}",
                    i.quantity,
                    t.e("item-category", i.category.as_str()),
                    i.description
                        .as_deref()
                        .map(|d| format!(" ({d})"))
                        .unwrap_or_default()
                ),
                detail: detail.join(" · "),
                found: when(&i.found_at),
                holder: holder_text(&i.holder),
                disposal: i.disposal.map(|d| t.e("disposal", d.as_str())),
                chain: i
                    .handovers
                    .iter()
                    .map(|h| Step {
                        when: when(&h.at),
                        from: holder_text(&h.from),
                        to: holder_text(&h.to),
                        purpose: h.purpose.clone(),
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(SearchPage {
        c: Chrome::viewer(v, "/searches", t.x("search-title", &id.to_string())),
        id,
        kind: t.e("search-kind", x.kind.as_str()),
        when: format!("{} – {}", when(&x.started_at), when(&x.ended_at)),
        reason: x.reason,
        authorised_by: x.authorised_by,
        places,
        team: x
            .team
            .iter()
            .map(|m| m.name.clone())
            .collect::<Vec<_>>()
            .join(", "),
        items,
        may_seize: who.allows(Action::SearchWrite, Some(&x.facility)),
        may_hand_over: who.allows(Action::ItemCustody, Some(&x.facility)),
        facility: x.facility,
        categories: ItemCategory::ALL
            .iter()
            .map(|k| (k.as_str(), t.e("item-category", k.as_str())))
            .collect(),
        drugs: DrugKind::ALL
            .iter()
            .map(|k| (k.as_str(), t.e("drug-kind", k.as_str())))
            .collect(),
        disposals: Disposal::ALL
            .iter()
            .map(|k| (k.as_str(), t.e("disposal", k.as_str())))
            .collect(),
        f,
        errors,
    })
}

/// `GET /searches/{id}`.
pub async fn show(State(s): State<AppState>, v: Viewer, Path(id): Path<i64>) -> Response {
    match search_page(&s, &v, id, Fields::default(), FormErrors::none()).await {
        Ok(p) => render(&p),
        Err(e) => app_error(&v, e),
    }
}

fn holder(f: &Fields, prefix: &str) -> Value {
    json!({
        "name": f.opt(&format!("{prefix}_name")),
        "office": f.opt(&format!("{prefix}_office")),
    })
}

fn number(f: &Fields, name: &str, r: &mut Reading) -> Option<f64> {
    let text = f.opt(name)?;
    match text.replace(',', ".").parse::<f64>() {
        Ok(n) => Some(n),
        Err(_) => {
            r.problem(name, "not_a_number", "not a number");
            None
        }
    }
}

/// `POST /searches/{id}/items`: seizes an item into the search.
pub async fn seize(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    Posted { v, f }: Posted,
) -> Response {
    let mut r = Reading::default();
    let quantity = r.opt_int(&f, "quantity").unwrap_or(1);
    let grams = number(&f, "grams", &mut r);
    let amount = number(&f, "amount", &mut r);
    let drugs = (f.v("category") == "drugs")
        .then(|| json!({"kind": f.opt("drug_kind").unwrap_or("other"), "grams": grams}));
    let cash = (f.v("category") == "cash")
        .then(|| json!({"currency": f.opt("currency"), "amount": amount}));
    let outcome = match r.finish() {
        Err(e) => Err(e),
        Ok(()) => match request_from(json!({
            "category": f.v("category"), "description": f.opt("description"), "quantity": quantity,
            "drugs": drugs, "cash": cash, "found_place": f.opt("found_place"),
            "holder": holder(&f, "holder"),
        })) {
            Ok(request) => custodia_app::seizures::seize(&s.store, &v.live.principal, id, request)
                .await
                .map(|_| ()),
            Err(e) => Err(e),
        },
    };
    search_outcome(&s, &v, id, f, outcome).await
}

/// `POST /searches/{id}/items/{item}/handover`: passes an item to its next holder.
pub async fn hand_over(
    State(s): State<AppState>,
    Path((id, item)): Path<(i64, i64)>,
    Posted { v, f }: Posted,
) -> Response {
    let who = &v.live.principal;
    let current = match custodia_app::seizures::item(&s.store, who, item).await {
        Ok(i) => i.holder,
        Err(e) => return app_error(&v, e),
    };
    let outcome = match request_from(json!({
        "from": current, "to": holder(&f, "to"), "at": jiff::Timestamp::now(),
        "purpose": f.v("purpose"), "disposal": f.opt("disposal"),
    })) {
        Ok(request) => custodia_app::seizures::hand_over(&s.store, who, item, request)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    search_outcome(&s, &v, id, f, outcome).await
}

async fn search_outcome(
    s: &AppState,
    v: &Viewer,
    id: i64,
    f: Fields,
    outcome: Result<(), AppError>,
) -> Response {
    match outcome {
        Ok(()) => Redirect::to(&format!("/searches/{id}")).into_response(),
        Err(e) => redisplay(v, e, |errors| search_page(s, v, id, f, errors)).await,
    }
}
