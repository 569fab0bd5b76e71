//! Custodia's pure domain: the rules that protect people and records, with no I/O.
//!
//! Everything here is deterministic and tested directly: validation of facilities and
//! locations, capacity and occupancy arithmetic, and the journal's hash chain.

#![warn(missing_docs)]

pub mod access;
pub mod admission;
pub mod age;
pub mod cedula;
pub mod crisis;
pub mod custody;
pub mod deadlines;
pub mod duplicates;
pub mod enums;
pub mod events;
pub mod facility;
pub mod import;
pub mod incident;
pub mod journal;
pub mod legal;
pub mod location;
pub mod movements;
pub mod names;
pub mod notification;
pub mod occupancy;
pub mod password;
pub mod patch;
pub mod person;
pub mod placement;
pub mod search;
pub mod seizure;
pub mod staff;
pub mod text;
pub mod time;
pub mod transfer;
pub mod user;
pub mod validation;

pub use facility::{Facility, FacilityKind, FacilityPatch, HoldsAge, HoldsSex, SecurityLevel};
pub use location::{
    Location, LocationPatch, NewLocation, OutOfService, OutOfServiceReason, OutOfServiceRequest,
};
pub use validation::{FieldError, Invalid, Refused};
