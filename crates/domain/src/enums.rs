//! A macro for the closed vocabularies of the domain (kinds, levels, reasons): one list of
//! variants gives serde names, OpenAPI enums, database text and parsing with a clear error.

/// Declares a closed vocabulary whose values are fixed wire names.
///
/// The names are taken as `tt`, not `literal`: a `literal` fragment reaches derive macros
/// wrapped in an invisible group, which utoipa's reading of `#[serde(rename = ...)]`
/// skips, so the OpenAPI enums would list the Rust variant names instead of the wire names.
#[macro_export]
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:tt),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
                 serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire and database name of this value.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses a wire name; the error lists the accepted values.
            pub fn parse(text: &str) -> Result<Self, $crate::enums::UnknownValue> {
                match text {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::enums::UnknownValue {
                        value: text.to_owned(),
                        expected: &[$($text),+],
                    }),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// A text that is not one of a vocabulary's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown value `{value}`; expected one of: {}", expected.join(", "))]
pub struct UnknownValue {
    /// What was given.
    pub value: String,
    /// What is accepted.
    pub expected: &'static [&'static str],
}
