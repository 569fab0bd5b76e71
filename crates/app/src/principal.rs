//! Who is acting. Every use case takes one, and every journal entry names it.

/// The person or process on whose behalf a use case runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The journal's actor name, e.g. `cli:root` or `local:127.0.0.1`.
    pub actor: String,
}

impl Principal {
    /// An operator at this machine's command line, named after their OS account.
    pub fn command_line(os_user: &str) -> Self {
        Self {
            actor: format!("cli:{os_user}"),
        }
    }

    /// A client of the HTTP API on the loopback interface, named by its address (before
    /// user accounts exist, the server only listens there).
    pub fn loopback_client(peer: &str) -> Self {
        Self {
            actor: format!("local:{peer}"),
        }
    }
}
