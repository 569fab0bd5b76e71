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
