//! Forms: the errors a use case found, shown next to their fields in the viewer's
//! language, and the rest (a conflict, a refusal) above the form.

use custodia_app::AppError;

use super::i18n::Tr;

/// One field's problem, translated.
pub struct FieldProblem {
    /// The field (the API's JSON name).
    pub field: String,
    /// The stable code.
    pub code: String,
    /// What is wrong, in the page's language.
    pub message: String,
}

/// What a posted form got wrong.
#[derive(Default)]
pub struct FormErrors {
    /// Problems with one field each.
    pub fields: Vec<FieldProblem>,
    /// A problem with the whole request (a conflict, a refusal).
    pub general: Option<String>,
}

impl FormErrors {
    /// No errors: a form shown for the first time.
    pub fn none() -> Self {
        FormErrors::default()
    }

    /// The errors of a use case's answer, translated; `None` when the answer is not about
    /// the form (absent, out of reach, failed), which the caller shows as a page.
    pub fn from_app(t: Tr, e: &AppError) -> Option<Self> {
        match e {
            AppError::Invalid(invalid) => Some(FormErrors {
                fields: invalid
                    .0
                    .iter()
                    .map(|f| FieldProblem {
                        field: f.field.clone(),
                        code: f.code.clone(),
                        message: t.error(&f.code, &f.message),
                    })
                    .collect(),
                general: None,
            }),
            AppError::Conflict { code, message } => Some(FormErrors {
                fields: Vec::new(),
                general: Some(t.error(code, message)),
            }),
            AppError::Throttled { .. } => Some(FormErrors {
                fields: Vec::new(),
                general: Some(t.s("error-throttled")),
            }),
            // What a form described could not be read as a request (see `request_from`).
            AppError::BadFile(message) => Some(FormErrors {
                fields: Vec::new(),
                general: Some(message.clone()),
            }),
            _ => None,
        }
    }

    /// The message for `field`, if it has one (the first, when several).
    pub fn of(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.field == field)
            .map(|f| f.message.as_str())
    }

    /// Whether `field` has a problem (for `aria-invalid`).
    pub fn has(&self, field: &str) -> bool {
        self.of(field).is_some()
    }

    /// Problems with fields the form does not show, so that none goes unseen.
    pub fn others(&self, shown: &[&str]) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|f| !shown.contains(&f.field.as_str()))
            .map(|f| f.message.as_str())
            .collect()
    }

    /// Whether there is nothing to show.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.general.is_none()
    }
}

/// A posted form's fields by name, as sent (names may be JSON paths such as
/// `person.given_names`, so that a use case's field errors land next to their input).
#[derive(Default, Clone)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// The value of `name`, trimmed; empty when absent.
    pub fn v(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim())
            .unwrap_or("")
    }

    /// The value of `name`, or `None` when empty or absent.
    pub fn opt(&self, name: &str) -> Option<&str> {
        Some(self.v(name)).filter(|v| !v.is_empty())
    }

    /// Whether `name` holds `value` (a chosen option or radio button).
    pub fn is(&self, name: &str, value: &str) -> bool {
        self.v(name) == value
    }

    /// Whether a checkbox `name` was ticked.
    pub fn checked(&self, name: &str) -> bool {
        !self.v(name).is_empty()
    }

    /// The CSRF token the form carried.
    pub fn csrf(&self) -> &str {
        self.v("_csrf")
    }

    /// Sets `name` to `value` (a default shown in a new form).
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.0.retain(|(n, _)| n != name);
        self.0.push((name.to_owned(), value.into()));
    }
}

/// Field problems found while reading a form, before any use case sees it.
#[derive(Default)]
pub struct Reading(pub Vec<custodia_domain::FieldError>);

impl Reading {
    /// A problem with `field`.
    pub fn problem(&mut self, field: &str, code: &str, message: &str) {
        self.0
            .push(custodia_domain::FieldError::new(field, code, message));
    }

    /// The problems as a use case's answer, when there are any.
    pub fn finish(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(custodia_domain::Invalid(self.0)))
        }
    }

    /// A required date (`YYYY-MM-DD`).
    pub fn date(&mut self, f: &Fields, name: &str) -> Option<jiff::civil::Date> {
        match f.opt(name) {
            None => {
                self.problem(name, "required", "required");
                None
            }
            Some(text) => self.parse_date(name, text),
        }
    }

    /// An optional date.
    pub fn opt_date(&mut self, f: &Fields, name: &str) -> Option<jiff::civil::Date> {
        f.opt(name).and_then(|text| self.parse_date(name, text))
    }

    fn parse_date(&mut self, name: &str, text: &str) -> Option<jiff::civil::Date> {
        match text.parse::<jiff::civil::Date>() {
            Ok(d) => Some(d),
            Err(_) => {
                self.problem(name, "not_a_date", "not a date (YYYY-MM-DD)");
                None
            }
        }
    }

    /// A required local date and time (`YYYY-MM-DDTHH:MM`, an `<input type=datetime-local>`)
    /// read in the time zone `zone`.
    pub fn instant(&mut self, f: &Fields, name: &str, zone: &str) -> Option<jiff::Timestamp> {
        match f.opt(name) {
            None => {
                self.problem(name, "required", "required");
                None
            }
            Some(text) => self.parse_instant(name, text, zone),
        }
    }

    /// An optional local date and time.
    pub fn opt_instant(&mut self, f: &Fields, name: &str, zone: &str) -> Option<jiff::Timestamp> {
        f.opt(name)
            .and_then(|text| self.parse_instant(name, text, zone))
    }

    fn parse_instant(&mut self, name: &str, text: &str, zone: &str) -> Option<jiff::Timestamp> {
        let tz = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
        match text
            .parse::<jiff::civil::DateTime>()
            .ok()
            .and_then(|dt| dt.to_zoned(tz).ok())
        {
            Some(z) => Some(z.timestamp()),
            None => {
                self.problem(name, "not_a_time", "not a date and time");
                None
            }
        }
    }

    /// An optional whole number.
    pub fn opt_int(&mut self, f: &Fields, name: &str) -> Option<i64> {
        let text = f.opt(name)?;
        match text.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                self.problem(name, "not_a_number", "not a whole number");
                None
            }
        }
    }
}

/// A local date and time for an `<input type=datetime-local>`: `at` in `zone`.
pub fn local_input(at: jiff::Timestamp, zone: &str) -> String {
    let tz = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
    at.to_zoned(tz).strftime("%Y-%m-%dT%H:%M").to_string()
}

/// Reads what a form describes into a use case's request type, through JSON as the API
/// would (so a request type gaining a field keeps working); what cannot be read is shown
/// above the form.
pub fn request_from<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
) -> Result<T, AppError> {
    serde_json::from_value(value).map_err(|e| AppError::BadFile(e.to_string()))
}

/// A form posted by a signed-in viewer whose CSRF token is the session's: every form
/// that changes something takes this, so none can forget the check. A forged post gets
/// the 403 page before the handler runs.
pub struct Posted {
    /// Who posted it.
    pub v: super::session::Viewer,
    /// Its fields.
    pub f: Fields,
}

impl axum::extract::FromRequest<crate::AppState> for Posted {
    type Rejection = axum::response::Response;

    async fn from_request(
        req: axum::extract::Request,
        state: &crate::AppState,
    ) -> Result<Self, Self::Rejection> {
        use axum::extract::FromRequestParts;
        use axum::response::IntoResponse;
        let (mut parts, body) = req.into_parts();
        let v = super::session::Viewer::from_request_parts(&mut parts, state).await?;
        let req = axum::extract::Request::from_parts(parts, body);
        let axum::Form(pairs) = axum::Form::<Vec<(String, String)>>::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let f = Fields(pairs);
        if !v.csrf_ok(f.csrf()) {
            return Err(super::page::csrf_refused(&v));
        }
        Ok(Posted { v, f })
    }
}
