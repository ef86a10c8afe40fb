//! What one AI_VECSET key holds: a usearch index, the map between element
//! names and index ids, and each element's JSON attributes. Redis-free.
//!
//! Locking: a [`VecSet`] is shared (`Arc`) between the keyspace and the
//! searches running on the pool, behind a reader/writer lock. Searches take
//! it in read mode through the set's [`Gate`] ([`VecSet::read_shared`]), so
//! any number run at once. Writes run on the main thread and only *try* the
//! write lock ([`VecSet::try_write`]); when searches hold it, the Redis side
//! defers the write through the gate instead of waiting (see `gate.rs`).
//! Deleting or overwriting the key only drops the keyspace's `Arc`: a
//! search that still holds one finishes on the old set.

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use super::filter::Filter;
use super::gate::{Gate, Waker};
use super::index::{norm, Metric, Quant, Spec, VecIndex, MAX_ID};

/// AI.VADD of a new element to a set that has handed out every id.
pub const ERR_IDS_EXHAUSTED: &str = "the vector set has used up its element ids";

/// Removed slots usearch keeps for reuse; past this many (and past the
/// number of live elements) the graph is rebuilt (see `compact.rs`).
pub(super) const COMPACT_AFTER: usize = 1024;

static NEXT_UID: AtomicU64 = AtomicU64::new(1);

/// One element.
#[derive(Debug, Clone)]
pub struct Elem {
    pub name: Box<[u8]>,
    /// The JSON attributes, as given.
    pub attrs: Option<Box<str>>,
    /// The vector's L2 norm when it was added (I8 stores the unit vector).
    pub norm: f32,
    /// Where the element sits in `members`.
    pos: usize,
}

impl Elem {
    pub fn new(name: Box<[u8]>, attrs: Option<Box<str>>, norm: f32) -> Elem {
        Elem {
            name,
            attrs,
            norm,
            pos: 0,
        }
    }
}

/// A vector set, shared between the keyspace and searches.
#[derive(Debug)]
pub struct VecSet {
    uid: u64,
    data: RwLock<SetData>,
    gate: Gate,
}

/// A background reader's hold on a set: the read lock, inside the gate.
/// Fields drop in order: the lock is released before the reader is
/// uncounted, so a woken writer always finds it free.
pub struct SharedRead<'a> {
    guard: RwLockReadGuard<'a, SetData>,
    _inside: Inside<'a>,
}

/// Leaves the gate on drop.
struct Inside<'a>(&'a Gate);

impl Drop for Inside<'_> {
    fn drop(&mut self) {
        self.0.leave();
    }
}

impl std::ops::Deref for SharedRead<'_> {
    type Target = SetData;
    fn deref(&self) -> &SetData {
        &self.guard
    }
}

/// The set's contents, reached through [`VecSet::read`] / [`VecSet::write`].
#[derive(Debug)]
pub struct SetData {
    pub(super) index: VecIndex,
    names: HashMap<Box<[u8]>, u64>,
    elems: HashMap<u64, Elem>,
    /// Every id, densely, for random picks.
    members: Vec<u64>,
    next_id: u64,
    attr_count: usize,
    /// usearch slots freed by removals and not reused since.
    pub(super) free_slots: usize,
    /// Bumped by every change to the index (compaction checks it).
    pub(super) generation: u64,
    /// A compacted index built off the main thread, and the generation it
    /// was built from; adopted by the next write if nothing changed since.
    pub(super) rebuilt: Mutex<Option<(u64, VecIndex)>>,
    /// A compaction is running or waiting to be adopted.
    pub(super) compacting: AtomicBool,
}

/// A new vector for an element.
#[derive(Debug, Clone, PartialEq)]
pub enum NewVector {
    Floats(Vec<f32>),
    /// The stored form, as `AI.VEMB RAW` gives it: bytes and norm.
    Raw(Vec<u8>, f32),
}

/// One search hit.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub name: Vec<u8>,
    pub score: f64,
    pub attrs: Option<String>,
}

/// What a search asks for.
#[derive(Debug, Clone)]
pub struct SearchOpts {
    pub count: usize,
    pub ef: usize,
    pub epsilon: Option<f64>,
    pub filter: Option<Filter>,
    /// Most elements the filter looks at (0: no limit).
    pub filter_ef: usize,
    pub truth: bool,
    pub with_attrs: bool,
}

/// What AI.VINFO reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Info {
    pub spec: Spec,
    pub size: usize,
    pub attributes: usize,
    pub uid: u64,
    pub max_id: u64,
    pub capacity: usize,
    pub free_slots: usize,
}

impl Drop for VecSet {
    fn drop(&mut self) {
        super::stats::SETS.fetch_sub(1, Ordering::Relaxed);
    }
}

impl VecSet {
    pub fn new(spec: Spec) -> Result<VecSet, String> {
        Ok(VecSet::from_data(SetData::new(VecIndex::new(spec)?)))
    }

    fn from_data(data: SetData) -> VecSet {
        super::stats::SETS.fetch_add(1, Ordering::Relaxed);
        VecSet {
            uid: NEXT_UID.fetch_add(1, Ordering::Relaxed),
            data: RwLock::new(data),
            gate: Gate::default(),
        }
    }

    pub fn uid(&self) -> u64 {
        self.uid
    }

    /// The read lock, for the main thread (which is the only writer, so
    /// this never waits for a search).
    pub fn read(&self) -> RwLockReadGuard<'_, SetData> {
        self.data.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// The read lock for a thread other than Redis's main thread (a search
    /// on the pool, the compaction snapshot): waits, on that thread, while
    /// a deferred write is pending, and is counted so that the last reader
    /// out wakes the writer.
    pub fn read_shared(&self) -> SharedRead<'_> {
        self.gate.enter();
        let inside = Inside(&self.gate);
        SharedRead {
            guard: self.data.read().unwrap_or_else(PoisonError::into_inner),
            _inside: inside,
        }
    }

    /// Waits for the searches running on this set, then locks it. Only for
    /// where a client cannot be blocked (MULTI, Lua) and for unit tests:
    /// commands use [`VecSet::try_write`] and [`VecSet::defer_write`].
    pub fn write(&self) -> RwLockWriteGuard<'_, SetData> {
        self.data.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// Defers a write that found the set locked by searches: no new search
    /// enters until [`VecSet::write_done`], and `waker` is called once the
    /// searches in flight have left.
    pub fn defer_write(&self, waker: Waker) {
        self.gate.defer(waker);
    }

    /// The deferred write ran (or was given up): searches may enter again.
    pub fn write_done(&self) {
        self.gate.reopen();
    }

    /// Locks the set for writing only if no search holds it now.
    pub fn try_write(&self) -> Option<RwLockWriteGuard<'_, SetData>> {
        match self.data.try_write() {
            Ok(d) => Some(d),
            Err(std::sync::TryLockError::Poisoned(p)) => Some(p.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) => None,
        }
    }

    /// A set rebuilt from persisted parts: the elements by id, the next id
    /// and the graph, loaded as it was saved.
    pub fn restore(index: VecIndex, elems: Vec<(u64, Elem)>, next_id: u64) -> Result<Self, String> {
        let mut data = SetData::new(index);
        data.next_id = next_id;
        for (id, mut e) in elems {
            if id >= next_id || !data.index.contains(id) {
                return Err(format!("element id {id} is not in the graph"));
            }
            if data.names.insert(e.name.clone(), id).is_some() {
                return Err("duplicate element name".to_string());
            }
            e.pos = data.members.len();
            data.members.push(id);
            data.attr_count += usize::from(e.attrs.is_some());
            if data.elems.insert(id, e).is_some() {
                return Err("duplicate element id".to_string());
            }
        }
        if data.members.len() != data.index.len() {
            return Err("element count differs from the graph".to_string());
        }
        Ok(VecSet::from_data(data))
    }

    /// A deep copy (COPY): same elements, same graph bytes.
    pub fn duplicate(&self) -> Result<VecSet, String> {
        let d = self.read();
        let index = VecIndex::load(d.index.spec(), d.index.len(), &d.index.save()?)?;
        let elems = d.elems.iter().map(|(&id, e)| (id, e.clone())).collect();
        VecSet::restore(index, elems, d.next_id)
    }
}

/// Checks that attributes are JSON (an empty string clears them).
pub fn check_attrs(json: &[u8]) -> Result<Option<Box<str>>, String> {
    if json.is_empty() {
        return Ok(None);
    }
    let text = std::str::from_utf8(json).map_err(|_| "invalid JSON attributes".to_string())?;
    serde_json::from_str::<serde_json::Value>(text)
        .map_err(|_| "invalid JSON attributes".to_string())?;
    Ok(Some(text.into()))
}

impl SetData {
    fn new(index: VecIndex) -> SetData {
        SetData {
            index,
            names: HashMap::new(),
            elems: HashMap::new(),
            members: Vec::new(),
            next_id: 0,
            attr_count: 0,
            free_slots: 0,
            generation: 0,
            rebuilt: Mutex::new(None),
            compacting: AtomicBool::new(false),
        }
    }

    pub fn spec(&self) -> Spec {
        self.index.spec()
    }

    pub fn len(&self) -> usize {
        self.members.len()
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    pub fn next_id(&self) -> u64 {
        self.next_id
    }

    pub fn index(&self) -> &VecIndex {
        &self.index
    }

    fn id(&self, name: &[u8]) -> Option<u64> {
        self.names.get(name).copied()
    }

    pub fn contains(&self, name: &[u8]) -> bool {
        self.names.contains_key(name)
    }

    /// Adds `name`, or replaces its vector (and its attributes when `attrs`
    /// is `Some`; `Some(None)` clears them). True when it was new.
    pub fn add(
        &mut self,
        name: &[u8],
        v: &NewVector,
        attrs: Option<Option<Box<str>>>,
        ef: usize,
    ) -> Result<bool, String> {
        let existing = self.id(name);
        if existing.is_none() && self.next_id >= MAX_ID {
            return Err(ERR_IDS_EXHAUSTED.to_string());
        }
        self.adopt_rebuilt();
        self.generation += 1;
        let id = existing.unwrap_or(self.next_id);
        let added = match v {
            NewVector::Floats(f) => self.index.add(id, f, ef),
            NewVector::Raw(raw, n) => self.index.add_raw(id, raw, ef).map(|()| *n),
        };
        let norm = match added {
            Ok(n) => n,
            Err(e) => {
                // An update may have lost its old vector: drop the element
                // rather than keep a name with no vector.
                if existing.is_some() && !self.index.contains(id) {
                    self.forget(name);
                }
                return Err(e);
            }
        };
        if let Some(e) = existing.and_then(|id| self.elems.get_mut(&id)) {
            e.norm = norm;
            if let Some(a) = attrs {
                self.attr_count =
                    self.attr_count + usize::from(a.is_some()) - usize::from(e.attrs.is_some());
                e.attrs = a;
            }
            return Ok(false);
        }
        self.next_id += 1;
        self.free_slots = self.free_slots.saturating_sub(1);
        let attrs = attrs.flatten();
        self.attr_count += usize::from(attrs.is_some());
        let name: Box<[u8]> = name.into();
        self.names.insert(name.clone(), id);
        self.elems.insert(
            id,
            Elem {
                name,
                attrs,
                norm,
                pos: self.members.len(),
            },
        );
        self.members.push(id);
        Ok(true)
    }

    /// Removes `name`; whether it was there.
    pub fn remove(&mut self, name: &[u8]) -> Result<bool, String> {
        let Some(id) = self.id(name) else {
            return Ok(false);
        };
        self.adopt_rebuilt();
        self.generation += 1;
        self.index.remove(id)?;
        self.forget(name);
        self.free_slots += 1;
        Ok(true)
    }

    /// Drops `name` from the maps (its vector is already gone).
    fn forget(&mut self, name: &[u8]) {
        let Some(id) = self.names.remove(name) else {
            return;
        };
        if let Some(e) = self.elems.remove(&id) {
            self.attr_count -= usize::from(e.attrs.is_some());
            self.members.swap_remove(e.pos);
            if let Some(&moved) = self.members.get(e.pos) {
                if let Some(m) = self.elems.get_mut(&moved) {
                    m.pos = e.pos;
                }
            }
        }
    }

    /// The vector of `name`, as given (de-quantized; I8 re-scaled by its norm).
    pub fn vector(&self, name: &[u8]) -> Option<Vec<f32>> {
        let id = self.id(name)?;
        let mut v = self.index.get(id)?;
        if self.spec().quant == Quant::I8 {
            let n = self.elems.get(&id).map_or(1.0, |e| e.norm);
            v.iter_mut().for_each(|x| *x *= n);
        }
        Some(v)
    }

    /// The stored bytes of `name` and its norm (`AI.VEMB RAW`).
    pub fn raw(&self, name: &[u8]) -> Option<(Vec<u8>, f32)> {
        let id = self.id(name)?;
        let raw = self.index.raw(id)?;
        let n = match self.spec().quant {
            Quant::I8 => self.elems.get(&id).map_or(0.0, |e| e.norm),
            _ => norm(&self.index.get(id)?),
        };
        Some((raw, n))
    }

    pub fn attrs(&self, name: &[u8]) -> Option<&str> {
        let id = self.id(name)?;
        self.elems.get(&id)?.attrs.as_deref()
    }

    /// Sets or clears the attributes of `name`; false if it is not there.
    pub fn set_attrs(&mut self, name: &[u8], attrs: Option<Box<str>>) -> bool {
        self.adopt_rebuilt();
        let Some(e) = self.id(name).and_then(|id| self.elems.get_mut(&id)) else {
            return false;
        };
        self.attr_count =
            self.attr_count + usize::from(attrs.is_some()) - usize::from(e.attrs.is_some());
        e.attrs = attrs;
        true
    }

    /// Every element, sorted by name (for AOF rewrite and DEBUG DIGEST,
    /// which must not depend on hash order).
    pub fn sorted(&self) -> Vec<(u64, &Elem)> {
        let mut v: Vec<(u64, &Elem)> = self.elems.iter().map(|(&id, e)| (id, e)).collect();
        v.sort_by(|a, b| a.1.name.cmp(&b.1.name));
        v
    }

    /// Every element by id (for RDB save).
    pub fn elements(&self) -> impl Iterator<Item = (u64, &Elem)> {
        self.elems.iter().map(|(&id, e)| (id, e))
    }

    pub fn info(&self, uid: u64) -> Info {
        Info {
            spec: self.spec(),
            size: self.len(),
            attributes: self.attr_count,
            uid,
            max_id: self.next_id,
            capacity: self.index.capacity(),
            free_slots: self.free_slots,
        }
    }

    pub fn memory_usage(&self) -> usize {
        let per_elem = 2 * std::mem::size_of::<u64>()
            + std::mem::size_of::<Elem>()
            + std::mem::size_of::<Box<[u8]>>()
            + 16;
        let strings: usize = self
            .elems
            .values()
            .map(|e| 2 * e.name.len() + e.attrs.as_ref().map_or(0, |a| a.len()))
            .sum();
        self.index.memory_usage() + self.elems.len() * per_elem + strings
    }

    /// The score a hit reports for a usearch distance: cosine similarity
    /// `1 − d/2` (1 is identical), Euclidean distance for L2, `1 − dot`
    /// for IP.
    pub fn score(&self, distance: f32) -> f64 {
        let d = f64::from(distance);
        match self.spec().metric {
            Metric::Cosine => 1.0 - d / 2.0,
            Metric::L2 => d.max(0.0).sqrt(),
            Metric::Ip => d,
        }
    }

    fn within(&self, score: f64, epsilon: f64) -> bool {
        match self.spec().metric {
            Metric::Cosine => 1.0 - score <= epsilon,
            Metric::L2 | Metric::Ip => score <= epsilon,
        }
    }

    fn keeps(&self, filter: &Filter, id: u64) -> bool {
        let attrs = self.elems.get(&id).and_then(|e| e.attrs.as_deref());
        filter.matches_text(attrs.map(str::as_bytes))
    }

    /// The nearest elements to `q`.
    pub fn search(&self, q: &[f32], o: &SearchOpts) -> Result<Vec<Hit>, String> {
        self.index.check(q)?;
        // usearch reserves room for every result it is asked for before it
        // searches: COUNT and EF are clamped to the set's size (as Vector
        // Sets clamp the effective EF), so a client's number never sizes an
        // allocation.
        let (count, ef) = (o.count.min(self.len()), o.ef.min(self.len()));
        let found: Vec<(u64, f32)> = match (&o.filter, o.truth) {
            (None, true) => self.index.exact(q, count)?,
            (None, false) => self.index.search(q, count, ef, None)?,
            (Some(f), true) => {
                // Ground truth: every element in distance order, filtered.
                let all = self.index.exact(q, self.len())?;
                all.into_iter()
                    .filter(|&(id, _)| self.keeps(f, id))
                    .take(count)
                    .collect()
            }
            (Some(f), false) => {
                // The filter runs inside the graph search. Once FILTER-EF
                // elements were looked at it lets everything through, so the
                // search converges; those are dropped again below. This caps
                // the effort, at the price of completeness.
                let looked = Cell::new(0usize);
                let keep = |id: u64| {
                    looked.set(looked.get() + 1);
                    (o.filter_ef != 0 && looked.get() > o.filter_ef) || self.keeps(f, id)
                };
                let wanted = count.max(ef);
                let hits = self.index.search(q, wanted, ef, Some(&keep))?;
                hits.into_iter()
                    .filter(|&(id, _)| self.keeps(f, id))
                    .take(count)
                    .collect()
            }
        };
        let mut hits = Vec::with_capacity(found.len());
        for (id, d) in found {
            let Some(e) = self.elems.get(&id) else {
                continue;
            };
            let score = self.score(d);
            if o.epsilon.is_some_and(|eps| !self.within(score, eps)) {
                continue;
            }
            hits.push(Hit {
                name: e.name.to_vec(),
                score,
                attrs: if o.with_attrs {
                    e.attrs.as_deref().map(str::to_string)
                } else {
                    None
                },
            });
        }
        Ok(hits)
    }
}

mod random;

#[cfg(test)]
mod tests;
