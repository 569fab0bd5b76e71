//! Custodia's use cases. Each is one function taking the acting principal: it checks
//! what the principal may do, validates, loads what the rules need, decides with the
//! domain crate, and writes the change with its journal entries in one transaction.
//! The HTTP API, the CLI and the demo loader all call these same functions.

#![warn(missing_docs)]

pub mod access_audit;
pub mod account;
pub mod error;
pub mod facilities;
pub mod history;
pub mod import;
pub mod incidents;
pub mod locations;
pub mod persons;
pub mod population;
pub mod principal;
pub mod secrets;
pub mod seizures;
pub mod sessions;
pub mod sign_in;
pub mod staff;
pub mod statistics;
pub mod users;

pub use error::AppError;
pub use principal::Principal;
