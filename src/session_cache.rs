//! The server's process-wide session cache (ABI.md §7.7): SSL_SESSION_TABLE_SIZE entries
//! that live SSL_SESSION_ENTRY_LIFE from creation, behind a mutex so sessions on any thread
//! can share it.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

use crate::handshake::AuthContext;

pub const TABLE_SIZE: usize = 32;
pub const ENTRY_LIFE: Duration = Duration::from_millis(86_400 * 1000);

#[derive(Clone)]
pub struct CachedSession {
    pub id: [u8; 32],
    pub master_secret: Zeroizing<[u8; 48]>,
    pub suite: u16,
    pub version: u16,
    pub extended_master_secret: bool,
    /// What the session was authenticated with: a lookup hands it back and the handshake
    /// resumes only where it still holds (see `handshake::server`).
    pub auth: AuthContext,
}

struct Entry {
    session: CachedSession,
    created: Instant,
    accessed: Instant,
}

static CACHE: Mutex<Vec<Entry>> = Mutex::new(Vec::new());

fn with_cache<T>(f: impl FnOnce(&mut Vec<Entry>) -> T) -> T {
    // A panic while holding the lock cannot leave an entry half-written (entries are
    // replaced whole), so a poisoned lock is still consistent.
    let mut guard = CACHE.lock().unwrap_or_else(|p| p.into_inner());
    f(&mut guard)
}

/// Stores a session, evicting the least recently used entry when the table is full.
pub fn insert(session: CachedSession) {
    let now = Instant::now();
    with_cache(|cache| {
        // The table is allocated once at its full size, as 3.3's was: its memory does not
        // grow (and jump) with the number of sessions cached so far.
        if cache.capacity() < TABLE_SIZE {
            cache.reserve_exact(TABLE_SIZE);
        }
        cache.retain(|e| now.duration_since(e.created) < ENTRY_LIFE && e.session.id != session.id);
        if cache.len() >= TABLE_SIZE
            && let Some(lru) = (0..cache.len()).min_by_key(|&i| cache[i].accessed)
        {
            cache.swap_remove(lru);
        }
        cache.push(Entry {
            session,
            created: now,
            accessed: now,
        });
    });
}

/// Finds a live entry; access refreshes the LRU time but not the lifetime.
pub fn lookup(id: &[u8]) -> Option<CachedSession> {
    if id.len() != 32 {
        return None;
    }
    let now = Instant::now();
    with_cache(|cache| {
        let entry = cache.iter_mut().find(|e| e.session.id[..] == *id)?;
        if now.duration_since(entry.created) >= ENTRY_LIFE {
            return None;
        }
        entry.accessed = now;
        Some(entry.session.clone())
    })
}

pub fn remove(id: &[u8]) {
    with_cache(|cache| cache.retain(|e| e.session.id[..] != *id));
}

pub fn clear() {
    with_cache(|cache| cache.clear());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(tag: u8) -> CachedSession {
        CachedSession {
            id: [tag; 32],
            master_secret: Zeroizing::new([tag; 48]),
            suite: 0x2f,
            version: 0x0303,
            extended_master_secret: true,
            auth: AuthContext::default(),
        }
    }

    #[test]
    fn insert_lookup_remove_and_evict() {
        insert(session(200));
        assert_eq!(lookup(&[200; 32]).map(|s| s.suite), Some(0x2f));
        remove(&[200; 32]);
        assert!(lookup(&[200; 32]).is_none());
        assert!(lookup(&[1; 5]).is_none());
        for t in 100..(100 + TABLE_SIZE as u8 + 3) {
            insert(session(t));
        }
        with_cache(|c| assert!(c.len() <= TABLE_SIZE));
    }
}
