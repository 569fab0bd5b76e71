//! Custodia's storage: one SQL code base that runs on embedded SQLite and on PostgreSQL.
//!
//! Every write goes through [`Store::write`]: one transaction that changes the read
//! tables and appends the journal entries explaining the change, retried a bounded number
//! of times when PostgreSQL reports a serialization failure.

pub mod audit;
mod db;
mod error;
pub mod facilities;
pub mod journal;
pub mod locations;
pub mod migrate;
mod row;
mod write;

pub use db::{Backend, Store};
pub use error::StoreError;
pub use write::{Retryable, TxFuture, WriteTx};
