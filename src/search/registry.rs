//! The server's indexes, by name. Indexes are created, fed and searched on
//! the main thread; the lock is there so that a pool thread may search.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

use super::index::Index;

/// One index, shared by the registry and the searches running on it.
pub type Shared = Arc<RwLock<Index>>;

static INDEXES: Mutex<BTreeMap<String, Shared>> = Mutex::new(BTreeMap::new());

fn map() -> MutexGuard<'static, BTreeMap<String, Shared>> {
    INDEXES.lock().unwrap_or_else(|e| e.into_inner())
}

/// Read access to an index (a poisoned lock is taken anyway: every write
/// leaves the index consistent before it can fail).
pub fn read(ix: &Shared) -> RwLockReadGuard<'_, Index> {
    ix.read().unwrap_or_else(|e| e.into_inner())
}

pub fn write(ix: &Shared) -> RwLockWriteGuard<'_, Index> {
    ix.write().unwrap_or_else(|e| e.into_inner())
}

/// Write access if no one holds the index now (a search on the pool, or
/// this thread itself further up the stack).
pub fn try_write(ix: &Shared) -> Option<RwLockWriteGuard<'_, Index>> {
    match ix.try_write() {
        Ok(g) => Some(g),
        Err(std::sync::TryLockError::Poisoned(e)) => Some(e.into_inner()),
        Err(std::sync::TryLockError::WouldBlock) => None,
    }
}

pub fn get(name: &str) -> Option<Shared> {
    map().get(name).cloned()
}

/// Adds `ix`; `false` when the name is taken.
pub fn insert(ix: Index) -> bool {
    let name = ix.def.name.clone();
    let mut m = map();
    if m.contains_key(&name) {
        return false;
    }
    m.insert(name, Arc::new(RwLock::new(ix)));
    true
}

/// Replaces (or adds) the index of that name.
pub fn replace(ix: Index) -> Shared {
    let shared = Arc::new(RwLock::new(ix));
    let name = read(&shared).def.name.clone();
    map().insert(name, shared.clone());
    shared
}

pub fn remove(name: &str) -> Option<Shared> {
    map().remove(name)
}

/// Every index, in name order.
pub fn all() -> Vec<Shared> {
    map().values().cloned().collect()
}

pub fn names() -> Vec<String> {
    map().keys().cloned().collect()
}

pub fn is_empty() -> bool {
    map().is_empty()
}

/// Drops every index (a load is about to restore them).
pub fn clear() {
    map().clear();
}
