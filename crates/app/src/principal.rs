//! Who is acting, and what they may do. Every use case takes one, every journal entry
//! names it, and every check goes through [`Principal::require`].

use custodia_domain::access::{self, Action, FacilityFilter, Grant};

use crate::error::AppError;

/// What a principal may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// Everything: an operator at this machine's command line, who holds the database
    /// itself anyway.
    Unrestricted,
    /// What these grants allow (only reading when `read_only`).
    Grants {
        /// The roles held.
        grants: Vec<Grant>,
        /// Set for read-only API tokens.
        read_only: bool,
    },
}

/// The person or process on whose behalf a use case runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The journal's actor name, e.g. `user:ana.perez` or `cli:root`.
    pub actor: String,
    /// What they may do.
    pub access: Access,
}

impl Principal {
    /// An operator at this machine's command line, named after their OS account.
    pub fn command_line(os_user: &str) -> Self {
        Self {
            actor: format!("cli:{os_user}"),
            access: Access::Unrestricted,
        }
    }

    /// A system process (e.g. the seed loader).
    pub fn system(name: &str) -> Self {
        Self {
            actor: format!("system:{name}"),
            access: Access::Unrestricted,
        }
    }

    /// A signed-in user with their grants.
    pub fn user(username: &str, grants: Vec<Grant>, read_only: bool) -> Self {
        Self {
            actor: format!("user:{username}"),
            access: Access::Grants { grants, read_only },
        }
    }

    /// Whether the principal may take `action` on `facility` (`None`: a national matter).
    pub fn allows(&self, action: Action, facility: Option<&str>) -> bool {
        match &self.access {
            Access::Unrestricted => true,
            Access::Grants { grants, read_only } => {
                (!read_only || action.is_read()) && access::allows(grants, action, facility)
            }
        }
    }

    /// The facilities in which the principal may take `action`.
    pub fn facilities(&self, action: Action) -> FacilityFilter {
        match &self.access {
            Access::Unrestricted => FacilityFilter::All,
            Access::Grants {
                read_only: true, ..
            } if !action.is_read() => FacilityFilter::Only(Vec::new()),
            Access::Grants { grants, .. } => access::facilities_for(grants, action),
        }
    }

    /// The facilities in which the principal may take `action`; refused when there are none.
    pub fn require_some(&self, action: Action) -> Result<FacilityFilter, AppError> {
        match self.facilities(action) {
            FacilityFilter::Only(codes) if codes.is_empty() => Err(AppError::Forbidden { action }),
            filter => Ok(filter),
        }
    }

    /// Refuses unless the principal may take `action` on `facility`. A facility the
    /// principal cannot even see answers "not found", so that its existence is not revealed.
    pub fn require(&self, action: Action, facility: Option<&str>) -> Result<(), AppError> {
        if self.allows(action, facility) {
            return Ok(());
        }
        match facility {
            Some(code) if !self.allows(Action::FacilityRead, Some(code)) => {
                Err(AppError::not_found("facility", code))
            }
            _ => Err(AppError::Forbidden { action }),
        }
    }

    /// Like [`Principal::require`], for a thing inside a facility that must look absent
    /// when the facility is out of sight (e.g. a location by id).
    pub fn require_in(
        &self,
        action: Action,
        facility: &str,
        what: &'static str,
        key: impl ToString,
    ) -> Result<(), AppError> {
        match self.require(action, Some(facility)) {
            Err(AppError::NotFound { .. }) => Err(AppError::not_found(what, key)),
            other => other,
        }
    }
}
