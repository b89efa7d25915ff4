//! Answers a server may give from memory for a short while: who holds a token, which rota
//! versions are published. Every plan read asked the database both, one round trip each to
//! the connection's thread, about a third of a read's cost under load (`cargo bench --bench
//! load`, BENCHMARKS.md). Changes made through this server clear what it kept at once; a change
//! made by another process (`rounds users revoke`, a second instance on the same PostgreSQL)
//! reaches it within [`super::Options::recall_for`].

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// At most this many entries; past it the stale ones go, and if none is stale, all of them (a
/// flood of distinct keys costs lookups, not memory).
const CAPACITY: usize = 4096;

/// Values by key, each good for `ttl` after it was read from the store.
pub(super) struct Recent<K, V> {
    ttl: Duration,
    entries: Mutex<Entries<K, V>>,
}

struct Entries<K, V> {
    by_key: HashMap<K, (Instant, V)>,
    /// Counts [`Recent::clear`]s, so a read that began before one is not kept after it.
    generation: u64,
}

/// When a read from the store began, and in which generation.
pub(super) struct Ticket {
    at: Instant,
    generation: u64,
}

impl<K: Eq + Hash, V: Clone> Recent<K, V> {
    /// Keeps values for `ttl`; a zero `ttl` keeps nothing.
    pub(super) fn new(ttl: Duration) -> Self {
        Recent { ttl, entries: Mutex::new(Entries { by_key: HashMap::new(), generation: 0 }) }
    }

    /// The value kept for `key`, if it is younger than the ttl.
    pub(super) fn get(&self, key: &K) -> Option<V> {
        let entries = self.entries.lock().expect("recent lock");
        let (at, value) = entries.by_key.get(key)?;
        (at.elapsed() < self.ttl).then(|| value.clone())
    }

    /// To take just before reading what [`Recent::put`] will keep: the value's age counts
    /// from here, so a change committed during the read cannot outlive the ttl.
    pub(super) fn ticket(&self) -> Ticket {
        let generation = self.entries.lock().expect("recent lock").generation;
        Ticket { at: Instant::now(), generation }
    }

    /// Keeps `value` for `key`, unless a [`Recent::clear`] came after the ticket: that read
    /// may predate the change that cleared.
    pub(super) fn put(&self, key: K, value: V, ticket: Ticket) {
        let mut entries = self.entries.lock().expect("recent lock");
        if self.ttl.is_zero() || entries.generation != ticket.generation {
            return;
        }
        if entries.by_key.len() >= CAPACITY {
            let ttl = self.ttl;
            entries.by_key.retain(|_, (at, _)| at.elapsed() < ttl);
            if entries.by_key.len() >= CAPACITY {
                entries.by_key.clear();
            }
        }
        entries.by_key.insert(key, (ticket.at, value));
    }

    /// Forgets everything, and what reads under way would bring back (after a change through
    /// this server).
    pub(super) fn clear(&self) {
        let mut entries = self.entries.lock().expect("recent lock");
        entries.by_key.clear();
        entries.generation += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_a_value_for_its_ttl_and_no_longer() {
        let recent = Recent::new(Duration::from_millis(40));
        recent.put("a", 1, recent.ticket());
        assert_eq!(recent.get(&"a"), Some(1));
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(recent.get(&"a"), None);
    }

    #[test]
    fn a_zero_ttl_keeps_nothing_and_clear_forgets() {
        let none = Recent::new(Duration::ZERO);
        none.put("a", 1, none.ticket());
        assert_eq!(none.get(&"a"), None);
        let recent = Recent::new(Duration::from_secs(60));
        recent.put("a", 1, recent.ticket());
        recent.clear();
        assert_eq!(recent.get(&"a"), None);
    }

    #[test]
    fn a_read_that_began_before_a_clear_is_not_kept() {
        let recent = Recent::new(Duration::from_secs(60));
        let ticket = recent.ticket();
        recent.clear();
        recent.put("a", 1, ticket);
        assert_eq!(recent.get(&"a"), None);
        recent.put("a", 2, recent.ticket());
        assert_eq!(recent.get(&"a"), Some(2));
    }

    #[test]
    fn a_flood_of_keys_stays_bounded() {
        let recent = Recent::new(Duration::from_secs(60));
        for key in 0..CAPACITY * 3 {
            recent.put(key, key, recent.ticket());
        }
        assert!(recent.entries.lock().unwrap().by_key.len() <= CAPACITY);
        assert_eq!(recent.get(&(CAPACITY * 3 - 1)), Some(CAPACITY * 3 - 1));
    }
}
