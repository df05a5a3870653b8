//! The policy a connection runs under, handed to it when it is created: which suites are
//! enabled and the highest version ([`SuitePolicy`]), the server session cache, the
//! client's table of remembered sessions, and the clock that ages cache entries.
//!
//! The C API's sessions all share [`Config::process`], the state that
//! `matrixSslSetCipherSuiteEnabledStatus(NULL, ..)`, `matrixSslSetMaxProtocolVersion` and
//! `matrixSslClose` change. Shared, not copied: those calls reach sessions created before
//! them exactly as they did when the handshake read process-wide statics. A [`Config::new`]
//! shares nothing with the process or with another `Config::new`, so connections (tests,
//! in particular) can run with their own caches and policy side by side.

use std::sync::{Arc, LazyLock};
use std::time::Instant;

use crate::client_sessions;
use crate::session_cache;
use crate::suites::SuitePolicy;

/// Where the session cache gets the time from.
pub trait Clock: Send + Sync {
    fn now(&self) -> Instant;
}

/// The monotonic system clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// A handle on the configuration: one pointer in every connection (idle memory matters,
/// ABI.md §7.2), cheap to clone; clones see each other's changes.
#[derive(Clone)]
pub struct Config(Arc<Parts>);

/// What a [`Config`] holds. The parts are shared separately so that [`Config::with_clock`]
/// can give the same caches and policy another clock.
pub struct Parts {
    pub suites: Arc<SuitePolicy>,
    /// Where a server stores its sessions and looks up the ones a ClientHello offers.
    pub server_cache: Arc<session_cache::Cache>,
    /// What a client remembers of the sessions it established (see `client_sessions`).
    pub client_sessions: Arc<client_sessions::Table>,
    pub clock: Arc<dyn Clock>,
}

impl std::ops::Deref for Config {
    type Target = Parts;
    fn deref(&self) -> &Parts {
        &self.0
    }
}

static PROCESS: LazyLock<Config> = LazyLock::new(Config::new);

impl Config {
    /// A configuration of its own: every suite enabled up to TLS 1.2, empty caches, the
    /// system clock.
    pub fn new() -> Self {
        Config(Arc::new(Parts {
            suites: Arc::new(SuitePolicy::new()),
            server_cache: Arc::new(session_cache::Cache::new()),
            client_sessions: Arc::new(client_sessions::Table::new(client_sessions::CAPACITY)),
            clock: Arc::new(SystemClock),
        }))
    }

    /// The process-wide configuration the C API's sessions share (ABI.md §3.9.1, §7.7).
    pub fn process() -> Self {
        PROCESS.clone()
    }

    /// The same caches and policy with another clock.
    pub fn with_clock(self, clock: Arc<dyn Clock>) -> Self {
        Config(Arc::new(Parts {
            suites: self.suites.clone(),
            server_cache: self.server_cache.clone(),
            client_sessions: self.client_sessions.clone(),
            clock,
        }))
    }

    pub fn now(&self) -> Instant {
        self.clock.now()
    }
}

impl Default for Config {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn process_clones_share_and_new_configs_do_not() {
        let (a, b) = (Config::process(), Config::process());
        assert!(Arc::ptr_eq(&a.suites, &b.suites));
        assert!(Arc::ptr_eq(&a.server_cache, &b.server_cache));
        assert!(Arc::ptr_eq(&a.client_sessions, &b.client_sessions));
        let own = Config::new();
        assert!(!Arc::ptr_eq(&a.suites, &own.suites));
        assert!(!Arc::ptr_eq(&a.server_cache, &own.server_cache));
        assert!(!Arc::ptr_eq(&a.client_sessions, &own.client_sessions));
        // A private policy change stays private.
        own.suites.set_enabled(0x002f, false);
        assert!(a.suites.enabled(0x002f) && !own.suites.enabled(0x002f));
    }
}
