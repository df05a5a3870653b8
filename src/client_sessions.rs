//! What a client remembers about the sessions it recorded for the application
//! (`sslSessionId_t`, ABI.md §3.3.2) beyond what the C record holds: the version, whether
//! the master secret was derived with the extended master secret (RFC 7627: a resuming
//! client must check that the server resumes with the same derivation, §5.3), and what the
//! session was authenticated with ([`AuthContext`]: our key container, the server's
//! certificate chain or PSK identity, the anonymous status). The C record's layout is fixed
//! and has no room for these, so a table keeps them (the C API's sessions share the
//! process's one, `config::Config::process`); a session that is not in it is not offered
//! for resumption (the checks could not be made).
//!
//! Entries are keyed by a digest of session id and master secret: a record rewritten with
//! another session never matches a stale entry, and the table holds no secret. It is
//! bounded; an evicted or never-recorded session is simply unknown.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Instant;

use zeroize::Zeroizing;

use crate::crypto::hash::ItemDigest;
use crate::handshake::{AuthContext, Negotiated};

/// Sessions remembered (oldest forgotten first).
pub const CAPACITY: usize = 1024;

/// What is remembered of one session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Remembered {
    pub version: u16,
    pub extended_master_secret: bool,
    pub auth: AuthContext,
    /// A TLS 1.3 session: the server's ticket and the PSK it stands for (ABI.md D28).
    pub ticket: Option<Ticket13>,
}

/// A TLS 1.3 NewSessionTicket and what resuming with it needs (RFC 8446 §4.6.1). The
/// application's `sslSessionId_t` holds only a random handle to it: the PSK never leaves
/// the library.
#[derive(Clone, PartialEq, Eq)]
pub struct Ticket13 {
    pub ticket: Vec<u8>,
    pub psk: Zeroizing<Vec<u8>>,
    pub suite: u16,
    pub age_add: u32,
    pub lifetime_secs: u32,
    pub received: Instant,
}

impl std::fmt::Debug for Ticket13 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ticket13")
            .field("suite", &self.suite)
            .field("lifetime_secs", &self.lifetime_secs)
            .finish_non_exhaustive()
    }
}

/// The masterSecret a TLS 1.3 session record carries: nothing secret (D28), and the key of
/// its entry together with the random handle in `id`.
pub const TLS13_RECORD_SECRET: [u8; 48] = [0; 48];

struct Entry {
    key: [u8; 32],
    session: Remembered,
}

/// A bounded table of remembered sessions. The process uses one; tests make their own so
/// that concurrent tests cannot evict each other's entries.
pub struct Table {
    entries: Mutex<VecDeque<Entry>>,
    capacity: usize,
}

impl Table {
    pub const fn new(capacity: usize) -> Self {
        Table {
            entries: Mutex::new(VecDeque::new()),
            capacity,
        }
    }

    fn with_entries<T>(&self, f: impl FnOnce(&mut VecDeque<Entry>) -> T) -> T {
        // Entries are replaced whole, so a poisoned lock still guards a consistent table.
        let mut guard = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }

    pub fn record(&self, id: &[u8; 32], master_secret: &[u8; 48], session: Remembered) {
        let key = key(id, master_secret);
        let capacity = self.capacity;
        self.with_entries(|table| {
            table.retain(|e| e.key != key);
            if table.len() >= capacity {
                table.pop_front();
            }
            table.push_back(Entry { key, session });
        });
    }

    /// What was remembered of the session; `None` if it was not recorded in this table
    /// (or has been forgotten).
    pub fn lookup(&self, id: &[u8; 32], master_secret: &[u8; 48]) -> Option<Remembered> {
        let key = key(id, master_secret);
        self.with_entries(|table| {
            table
                .iter()
                .find(|e| e.key == key)
                .map(|e| e.session.clone())
        })
    }

    /// Forgets the session: after a fatal alert it must not be resumed (RFC 5246 §7.2.2).
    pub fn forget(&self, id: &[u8; 32], master_secret: &[u8; 48]) {
        let key = key(id, master_secret);
        self.with_entries(|table| table.retain(|e| e.key != key));
    }

    /// Remembers a TLS 1.3 ticket made under `auth`; returns the handle the application's
    /// session record holds (its `id`; the masterSecret is [`TLS13_RECORD_SECRET`]).
    pub fn remember_ticket(&self, ticket: Ticket13, auth: AuthContext) -> Option<[u8; 32]> {
        let handle: [u8; 32] = crate::crypto::rng::random_array().ok()?;
        self.record(
            &handle,
            &TLS13_RECORD_SECRET,
            Remembered {
                version: crate::suites::TLS1_3,
                extended_master_secret: false,
                auth,
                ticket: Some(ticket),
            },
        );
        Some(handle)
    }

    /// Takes a TLS 1.3 ticket out of the table: a ticket is offered once (ABI.md D28).
    pub fn take_ticket(&self, handle: &[u8; 32]) -> Option<Remembered> {
        let remembered = self.lookup(handle, &TLS13_RECORD_SECRET)?;
        self.forget(handle, &TLS13_RECORD_SECRET);
        Some(remembered)
    }

    /// Remembers the session a client handshake just established, when it is resumable
    /// (a 32-byte id, ABI.md D19).
    pub fn remember(&self, n: &Negotiated) {
        if let Ok(id) = <[u8; 32]>::try_from(&n.session_id[..]) {
            self.record(
                &id,
                &n.master_secret,
                Remembered {
                    version: n.version,
                    extended_master_secret: n.extended_master_secret,
                    auth: n.auth.clone(),
                    ticket: None,
                },
            );
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.with_entries(|t| t.len())
    }
}

fn key(id: &[u8; 32], master_secret: &[u8; 48]) -> [u8; 32] {
    let mut digest = ItemDigest::new(b"matrixssl client session");
    digest.item(1, id);
    digest.item(2, master_secret);
    digest.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remembered(version: u16, ems: bool) -> Remembered {
        Remembered {
            version,
            extended_master_secret: ems,
            auth: AuthContext::default(),
            ticket: None,
        }
    }

    #[test]
    fn recorded_sessions_are_found_by_id_and_secret() {
        let table = Table::new(CAPACITY);
        let (record, lookup, forget) = (
            |i: &[u8; 32], m: &[u8; 48], r| table.record(i, m, r),
            |i: &[u8; 32], m: &[u8; 48]| table.lookup(i, m),
            |i: &[u8; 32], m: &[u8; 48]| table.forget(i, m),
        );
        record(&[1; 32], &[2; 48], remembered(0x0303, true));
        record(&[3; 32], &[4; 48], remembered(0x0301, false));
        assert_eq!(lookup(&[1; 32], &[2; 48]), Some(remembered(0x0303, true)));
        assert_eq!(lookup(&[3; 32], &[4; 48]), Some(remembered(0x0301, false)));
        // Same id, other secret: another session.
        assert_eq!(lookup(&[1; 32], &[9; 48]), None);
        // Re-recording replaces the entry.
        record(&[1; 32], &[2; 48], remembered(0x0303, false));
        assert_eq!(lookup(&[1; 32], &[2; 48]), Some(remembered(0x0303, false)));
        forget(&[1; 32], &[2; 48]);
        assert_eq!(lookup(&[1; 32], &[2; 48]), None);
        assert!(lookup(&[3; 32], &[4; 48]).is_some());
    }

    #[test]
    fn the_table_is_bounded() {
        let table = Table::new(CAPACITY);
        for i in 0..(CAPACITY + 10) {
            let mut id = [0xee; 32];
            id[..8].copy_from_slice(&(i as u64).to_be_bytes());
            table.record(&id, &[0xee; 48], remembered(0x0303, true));
        }
        assert_eq!(table.len(), CAPACITY);
    }
}
