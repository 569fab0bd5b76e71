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
pub mod crises;
mod db;
mod error;
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
mod postgres;
pub mod roll;
mod row;
pub mod search;
pub mod seizures;
pub mod sessions;
mod sqlite;
pub mod staff;
pub mod staff_fixture;
pub mod statistics;
pub mod transfers;
pub mod users;
mod write;

pub use db::{Backend, Store};
pub use error::StoreError;
pub use write::{Retryable, WriteTx};
