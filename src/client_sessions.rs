//! What a client remembers about the sessions it recorded for the application
//! (`sslSessionId_t`, ABI.md §3.3.2): whether each one's master secret was derived with the
//! extended master secret (RFC 7627). A resuming client must check that the server resumes
//! with the same derivation (§5.3), but the C record's layout is fixed and has no room for
//! the flag, so this process-wide table keeps it.
//!
//! Entries are keyed by a digest of session id and master secret: a record rewritten with
//! another session never matches a stale entry, and the table holds nothing secret. It is
//! bounded; an evicted or never-recorded session is simply unknown.

use std::collections::VecDeque;
use std::sync::Mutex;

/// Sessions remembered (oldest forgotten first): 33 bytes each.
pub const CAPACITY: usize = 1024;

struct Entry {
    key: [u8; 32],
    extended_master_secret: bool,
}

static TABLE: Mutex<VecDeque<Entry>> = Mutex::new(VecDeque::new());

fn with_table<T>(f: impl FnOnce(&mut VecDeque<Entry>) -> T) -> T {
    // Entries are replaced whole, so a poisoned lock still guards a consistent table.
    let mut guard = TABLE.lock().unwrap_or_else(|p| p.into_inner());
    f(&mut guard)
}

fn key(id: &[u8; 32], master_secret: &[u8; 48]) -> [u8; 32] {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    ctx.update(b"matrixssl client session");
    ctx.update(id);
    ctx.update(master_secret);
    let mut out = [0u8; 32];
    out.copy_from_slice(ctx.finish().as_ref());
    out
}

/// Remembers how the session (`id`, `master_secret`) derived its master secret.
pub fn record(id: &[u8; 32], master_secret: &[u8; 48], extended_master_secret: bool) {
    let key = key(id, master_secret);
    with_table(|table| {
        table.retain(|e| e.key != key);
        if table.len() >= CAPACITY {
            table.pop_front();
        }
        table.push_back(Entry {
            key,
            extended_master_secret,
        });
    });
}

/// Whether the session used the extended master secret; `None` if it was not recorded
/// by this process (or has been forgotten).
pub fn extended_master_secret(id: &[u8; 32], master_secret: &[u8; 48]) -> Option<bool> {
    let key = key(id, master_secret);
    with_table(|table| {
        table
            .iter()
            .find(|e| e.key == key)
            .map(|e| e.extended_master_secret)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_sessions_are_found_by_id_and_secret() {
        record(&[1; 32], &[2; 48], true);
        record(&[3; 32], &[4; 48], false);
        assert_eq!(extended_master_secret(&[1; 32], &[2; 48]), Some(true));
        assert_eq!(extended_master_secret(&[3; 32], &[4; 48]), Some(false));
        // Same id, other secret: another session.
        assert_eq!(extended_master_secret(&[1; 32], &[9; 48]), None);
        // Re-recording replaces the entry.
        record(&[1; 32], &[2; 48], false);
        assert_eq!(extended_master_secret(&[1; 32], &[2; 48]), Some(false));
    }

    #[test]
    fn the_table_is_bounded() {
        for i in 0..(CAPACITY + 10) {
            let mut id = [0xee; 32];
            id[..8].copy_from_slice(&(i as u64).to_be_bytes());
            record(&id, &[0xee; 48], true);
        }
        with_table(|t| assert!(t.len() <= CAPACITY));
    }
}
