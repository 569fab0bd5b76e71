//! Custodia's storage: one SQL code base that runs on embedded SQLite (rusqlite, in
//! process) and on PostgreSQL (sqlx).
//!
//! Every write goes through [`Store::write`]: one transaction that changes the read
//! tables and appends the journal entries explaining the change, retried a bounded number
//! of times when the database reports a conflict with a concurrent writer.

#![warn(missing_docs)]

pub mod audit;
mod bulk;
mod conn;
mod copy;
pub mod counts;
mod db;
mod error;
pub mod crises;
pub mod facilities;
pub mod fixture;
pub mod incidents;
pub mod intelligence;
pub mod journal;
pub mod locations;
pub mod migrate;
pub mod notifications;
pub mod occupants;
pub mod persons;
pub mod population;
pub mod population_fixture;
pub mod roll;
mod postgres;
mod row;
pub mod search;
pub mod seizures;
pub mod sessions;
pub mod staff;
pub mod staff_fixture;
mod sqlite;
pub mod transfers;
pub mod users;
mod write;

pub use db::{Backend, Store};
pub use error::StoreError;
pub use write::{Retryable, WriteTx};
