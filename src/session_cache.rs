//! The server's session cache (ABI.md §7.7): SSL_SESSION_TABLE_SIZE entries that live
//! SSL_SESSION_ENTRY_LIFE from creation, behind a mutex so sessions on any thread can share
//! it. The C API's sessions share the process's one (`config::Config::process`). The caller
//! says what time it is, from its configuration's clock, so a test can age entries.

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

/// A session table. The process uses one; tests make their own so that concurrent
/// handshakes in other tests cannot evict their entries.
pub struct Cache {
    entries: Mutex<Vec<Entry>>,
}

impl Cache {
    pub const fn new() -> Self {
        Cache {
            entries: Mutex::new(Vec::new()),
        }
    }

    fn with_entries<T>(&self, f: impl FnOnce(&mut Vec<Entry>) -> T) -> T {
        // A panic while holding the lock cannot leave an entry half-written (entries are
        // replaced whole), so a poisoned lock is still consistent.
        let mut guard = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }

    /// Stores a session created at `now`, evicting the least recently used entry when the
    /// table is full.
    pub fn insert(&self, session: CachedSession, now: Instant) {
        self.with_entries(|cache| {
            // The table is allocated once at its full size, as 3.3's was: its memory does not
            // grow (and jump) with the number of sessions cached so far.
            if cache.capacity() < TABLE_SIZE {
                cache.reserve_exact(TABLE_SIZE);
            }
            cache.retain(|e| {
                now.duration_since(e.created) < ENTRY_LIFE && e.session.id != session.id
            });
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

    /// Finds an entry still live at `now`; access refreshes the LRU time but not the
    /// lifetime.
    pub fn lookup(&self, id: &[u8], now: Instant) -> Option<CachedSession> {
        if id.len() != 32 {
            return None;
        }
        self.with_entries(|cache| {
            let entry = cache.iter_mut().find(|e| e.session.id[..] == *id)?;
            if now.duration_since(entry.created) >= ENTRY_LIFE {
                return None;
            }
            entry.accessed = now;
            Some(entry.session.clone())
        })
    }

    pub fn remove(&self, id: &[u8]) {
        self.with_entries(|cache| cache.retain(|e| e.session.id[..] != *id));
    }

    pub fn clear(&self) {
        self.with_entries(|cache| cache.clear());
    }
}

impl Default for Cache {
    fn default() -> Self {
        Self::new()
    }
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
        let cache = Cache::new();
        let t0 = Instant::now();
        cache.insert(session(200), t0);
        assert_eq!(cache.lookup(&[200; 32], t0).map(|s| s.suite), Some(0x2f));
        cache.remove(&[200; 32]);
        assert!(cache.lookup(&[200; 32], t0).is_none());
        assert!(cache.lookup(&[1; 5], t0).is_none());
        for (i, t) in (100..(100 + TABLE_SIZE as u8 + 3)).enumerate() {
            cache.insert(session(t), t0 + Duration::from_secs(i as u64));
        }
        cache.with_entries(|c| assert_eq!(c.len(), TABLE_SIZE));
        // The least recently used entries went first.
        let later = t0 + Duration::from_secs(100);
        assert!(cache.lookup(&[100; 32], later).is_none());
        assert!(
            cache
                .lookup(&[100 + TABLE_SIZE as u8 + 2; 32], later)
                .is_some()
        );
    }

    #[test]
    fn entries_expire_after_their_life_even_when_used() {
        let cache = Cache::new();
        let t0 = Instant::now();
        cache.insert(session(1), t0);
        let almost = t0 + ENTRY_LIFE - Duration::from_secs(1);
        assert!(cache.lookup(&[1; 32], almost).is_some());
        // The lookup just now refreshed the LRU time, not the lifetime.
        assert!(cache.lookup(&[1; 32], t0 + ENTRY_LIFE).is_none());
        // An expired entry is dropped when the next one is stored.
        cache.insert(session(2), t0 + ENTRY_LIFE);
        cache.with_entries(|c| assert_eq!(c.len(), 1));
    }
}
