//! Who is acting. Every use case takes one, and every journal entry names it.

/// The person or process on whose behalf a use case runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The journal's actor name, e.g. `cli:root` or `local:127.0.0.1`.
    pub actor: String,
}

impl Principal {
    /// An operator at this machine's command line, named after the OS user.
    pub fn command_line() -> Self {
        let user = std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .unwrap_or_else(|_| "unknown".to_owned());
        Self {
            actor: format!("cli:{user}"),
        }
    }

    /// A client of the HTTP API on the loopback interface (before user accounts exist,
    /// the server only listens there).
    pub fn loopback_client(peer: &str) -> Self {
        Self {
            actor: format!("local:{peer}"),
        }
    }
}
