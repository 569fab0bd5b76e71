//! The interface's languages: Spanish (the default) and English, each a Fluent catalogue
//! under `crates/web/locales/`, compiled into the binary. Templates and handlers look
//! strings up through [`Tr`]; a test fails when a key is missing in either language or
//! used nowhere.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "es",
        // Values are HTML-escaped by the templates; Unicode isolation marks would only
        // show as stray characters in titles, attributes and CSV.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static SPANISH: LanguageIdentifier = langid!("es");
static ENGLISH: LanguageIdentifier = langid!("en");

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Español: the default.
    #[default]
    Es,
    /// English.
    En,
}

impl Lang {
    /// Every language, in the order the switch offers them.
    pub const ALL: [Lang; 2] = [Lang::Es, Lang::En];

    /// The language's code (`es`, `en`), as in `lang=` and the HTML `lang` attribute.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Es => "es",
            Lang::En => "en",
        }
    }

    /// The language named by a code or an `Accept-Language` tag (`es-EC`, `en-GB`).
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag
            .trim()
            .split(['-', '_', ';'])
            .next()?
            .to_ascii_lowercase();
        match primary.as_str() {
            "es" => Some(Lang::Es),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The first language of an `Accept-Language` header that the interface speaks.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        header.split(',').find_map(Lang::parse)
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Es => &SPANISH,
            Lang::En => &ENGLISH,
        }
    }
}

/// A whole number a message counts (templates hand over references).
pub trait Count {
    /// The number.
    fn count(&self) -> i64;
}

impl Count for i64 {
    fn count(&self) -> i64 {
        *self
    }
}

impl Count for usize {
    fn count(&self) -> i64 {
        i64::try_from(*self).unwrap_or(i64::MAX)
    }
}

impl<T: Count> Count for &T {
    fn count(&self) -> i64 {
        (**self).count()
    }
}

/// Looks strings up in one language: what every template carries as `t`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tr {
    /// The language looked up.
    pub lang: Lang,
}

impl Tr {
    /// A translator for `lang`.
    pub fn new(lang: Lang) -> Self {
        Tr { lang }
    }

    /// The string for `key` (the key itself, bracketed, when missing: the catalogue
    /// test keeps that from reaching users).
    pub fn s(&self, key: &str) -> String {
        LOCALES
            .try_lookup(self.lang.id(), key)
            .unwrap_or_else(|| format!("[{key}]"))
    }

    /// The string for `key` with a number `$n` (chooses the plural form).
    pub fn n(&self, key: &str, n: impl Count) -> String {
        self.with(key, &[("n", FluentValue::from(n.count()))])
    }

    /// The string for `key` with a text `$x`.
    pub fn x(&self, key: &str, x: &str) -> String {
        self.with(key, &[("x", FluentValue::from(x.to_owned()))])
    }

    /// The string for `key` with named arguments.
    pub fn with(&self, key: &str, args: &[(&'static str, FluentValue<'static>)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(name, value)| (Cow::Borrowed(*name), value.clone()))
            .collect();
        LOCALES
            .try_lookup_with_args(self.lang.id(), key, &args)
            .unwrap_or_else(|| format!("[{key}]"))
    }

    /// The string for a value of a closed vocabulary: `prefix-value` (e.g. the key
    /// `incident-type-riot`); the value itself when the catalogue lacks it.
    pub fn e(&self, prefix: &str, value: &str) -> String {
        let key = format!("{prefix}-{}", value.replace('_', "-"));
        LOCALES
            .try_lookup(self.lang.id(), &key)
            .unwrap_or_else(|| value.replace('_', " "))
    }

    /// Whether the catalogue has `key` in this language.
    pub fn has(&self, key: &str) -> bool {
        LOCALES.try_lookup(self.lang.id(), key).is_some()
    }

    /// An error from a use case, in this language: the catalogue's `err-<code>` when it
    /// has one, else the use case's own (English) message.
    pub fn error(&self, code: &str, message: &str) -> String {
        let key = format!("err-{}", code.replace('_', "-"));
        LOCALES
            .try_lookup(self.lang.id(), &key)
            .unwrap_or_else(|| message.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_first_spoken_language() {
        assert_eq!(
            Lang::from_accept_language("fr-FR, en-GB;q=0.8, es;q=0.5"),
            Some(Lang::En)
        );
        assert_eq!(Lang::from_accept_language("es-EC,es;q=0.9"), Some(Lang::Es));
        assert_eq!(Lang::from_accept_language("de, fr"), None);
    }

    #[test]
    fn lookups_differ_by_language_and_take_arguments() {
        let (es, en) = (Tr::new(Lang::Es), Tr::new(Lang::En));
        assert_eq!(es.s("nav-dashboard"), "Panel nacional");
        assert_eq!(en.s("nav-dashboard"), "National dashboard");
        assert!(en.n("dashboard-overdue-title", 3_i64).contains('3'));
        assert_eq!(es.s("no-such-key"), "[no-such-key]");
        assert_eq!(en.e("no-such-vocabulary", "in_transit"), "in transit");
    }
}
