//! One index's contents: the document table and a structure per field
//! (tags → bitmaps, numbers → an ordered set, text → [`TextIndex`],
//! vectors → [`Vectors`]). Written by the keyspace-event adapter, one hash
//! at a time, on the main thread.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use roaring::RoaringBitmap;

use super::schema::{FieldKind, IndexDef};
use super::text::TextIndex;
use super::vectors::{decode, Vectors};
use super::DocId;

/// A number as a totally ordered key (`f64::total_cmp` order).
/// `-0` and `0` are one number here, as in RediSearch.
pub fn ord_key(x: f64) -> u64 {
    let x = if x == 0.0 { 0.0 } else { x };
    let b = x.to_bits();
    if b >> 63 == 1 {
        !b
    } else {
        b | (1 << 63)
    }
}

/// What the index keeps of one document.
#[derive(Debug, Clone)]
pub struct DocEntry {
    pub key: Box<[u8]>,
    /// Hash of every schema field's value: an unchanged hash is not
    /// re-indexed, and a reload can tell a changed one.
    pub fingerprint: u64,
    /// Hash of the vector fields' values only.
    pub vector_fingerprint: u64,
    /// Restored from the RDB with its vectors only: the rest is rebuilt from
    /// the hash when the load ends.
    pub stale: bool,
    nums: Vec<(u16, f64)>,
    tags: Vec<(u16, Vec<String>)>,
    /// SORTABLE TEXT/TAG values, for SORTBY.
    sortables: Vec<(u16, String)>,
}

impl DocEntry {
    pub fn number(&self, field: usize) -> Option<f64> {
        self.nums
            .iter()
            .find(|(f, _)| usize::from(*f) == field)
            .map(|x| x.1)
    }

    pub fn sortable(&self, field: usize) -> Option<&str> {
        self.sortables
            .iter()
            .find(|(f, _)| usize::from(*f) == field)
            .map(|x| x.1.as_str())
    }
}

/// The structure behind one schema field.
#[derive(Debug)]
pub enum FieldIndex {
    /// TEXT fields share the index's [`TextIndex`].
    Text,
    Tag(BTreeMap<String, RoaringBitmap>),
    Numeric(BTreeSet<(u64, DocId)>),
    Vector(Vectors),
    /// NOINDEX: stored for SORTBY/RETURN only.
    None,
}

/// Why a hash was not indexed (counted in `hash_indexing_failures`).
#[derive(Debug, Clone, PartialEq)]
pub struct IndexFailure(pub String);

/// Progress of the scan over existing keys.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ScanProgress {
    pub scanned: u64,
    pub total: u64,
}

#[derive(Debug)]
pub struct Index {
    pub def: IndexDef,
    by_key: HashMap<Box<[u8]>, DocId>,
    docs: HashMap<DocId, DocEntry>,
    all: RoaringBitmap,
    next_id: u64,
    pub fields: Vec<FieldIndex>,
    /// Documents that have each field (for `ismissing`).
    present: Vec<RoaringBitmap>,
    pub text: TextIndex,
    pub failures: u64,
    pub last_failure: Option<String>,
    /// Hashes not indexed now, with the fingerprint that failed.
    failed: HashMap<Box<[u8]>, u64>,
    /// `Some` while the scan of existing keys runs.
    pub scan: Option<ScanProgress>,
    /// FT.SEARCH/FT.AGGREGATE calls (counted under the read lock).
    pub uses: std::sync::atomic::AtomicU64,
    /// Seconds spent indexing, in all.
    pub indexing_secs: f64,
}

impl Index {
    pub fn new(def: IndexDef) -> Result<Index, String> {
        let mut text = TextIndex::new(def.stopwords.as_deref());
        let mut fields = Vec::with_capacity(def.fields.len());
        for (i, f) in def.fields.iter().enumerate() {
            let fi = u16::try_from(i).map_err(|_| "too many fields".to_string())?;
            fields.push(match &f.kind {
                _ if f.noindex => FieldIndex::None,
                FieldKind::Text { weight, nostem } => {
                    text.set_field(fi, *weight, *nostem);
                    FieldIndex::Text
                }
                FieldKind::Tag { .. } => FieldIndex::Tag(BTreeMap::new()),
                FieldKind::Numeric => FieldIndex::Numeric(BTreeSet::new()),
                FieldKind::Vector(p) => FieldIndex::Vector(Vectors::new(p)?),
            });
        }
        let present = vec![RoaringBitmap::new(); def.fields.len()];
        Ok(Index {
            def,
            by_key: HashMap::new(),
            docs: HashMap::new(),
            all: RoaringBitmap::new(),
            next_id: 1,
            fields,
            present,
            text,
            failures: 0,
            last_failure: None,
            failed: HashMap::new(),
            scan: None,
            uses: std::sync::atomic::AtomicU64::new(0),
            indexing_secs: 0.0,
        })
    }

    /// An empty index with the same definition (FLUSHALL, SWAPDB, ALTER).
    pub fn emptied(&self) -> Result<Index, String> {
        Index::new(self.def.clone())
    }

    pub fn num_docs(&self) -> usize {
        self.docs.len()
    }

    pub fn max_doc_id(&self) -> u64 {
        self.next_id - 1
    }

    pub fn all(&self) -> &RoaringBitmap {
        &self.all
    }

    pub fn present(&self, field: usize) -> Option<&RoaringBitmap> {
        self.present.get(field)
    }

    pub fn doc(&self, id: DocId) -> Option<&DocEntry> {
        self.docs.get(&id)
    }

    pub fn doc_id(&self, key: &[u8]) -> Option<DocId> {
        self.by_key.get(key).copied()
    }

    pub fn docs(&self) -> impl Iterator<Item = (DocId, &DocEntry)> {
        self.docs.iter().map(|(k, v)| (*k, v))
    }

    /// The vectors of field `i`, when it is an indexed VECTOR field.
    pub fn vectors(&self, i: usize) -> Option<&Vectors> {
        match self.fields.get(i) {
            Some(FieldIndex::Vector(v)) => Some(v),
            _ => None,
        }
    }

    /// Indexes (or re-indexes) the hash `key`, given the value of every
    /// schema field in order (`None`: the hash lacks it). A hash that cannot
    /// be indexed (a vector of the wrong length, a number that is not one)
    /// is left out, its previous version removed, and counted.
    pub fn upsert(&mut self, key: &[u8], values: &[Option<&[u8]>]) -> Result<DocId, IndexFailure> {
        let started = std::time::Instant::now();
        let out = self.upsert_inner(key, values);
        self.indexing_secs += started.elapsed().as_secs_f64();
        match &out {
            Err(IndexFailure(why)) => {
                self.remove(key);
                // The same bad hash seen again (the scan after an event, a
                // reload) is one failure, not two.
                let mut h = hasher();
                values.iter().for_each(|v| h.value(*v));
                if self.failed.insert(key.into(), h.0) != Some(h.0) {
                    self.failures += 1;
                }
                self.last_failure = Some(why.clone());
            }
            Ok(_) => {
                self.failed.remove(key);
            }
        }
        out
    }

    fn upsert_inner(
        &mut self,
        key: &[u8],
        values: &[Option<&[u8]>],
    ) -> Result<DocId, IndexFailure> {
        let fail = |s: String| IndexFailure(s);
        if values.len() != self.def.fields.len() {
            return Err(fail("internal: wrong number of values".to_string()));
        }
        // Fingerprints first: an unchanged hash costs nothing more, and a
        // restored one whose vectors did not change skips decoding them.
        let (mut all_h, mut vec_h) = (hasher(), hasher());
        for (f, v) in self.def.fields.iter().zip(values) {
            all_h.value(*v);
            if matches!(f.kind, FieldKind::Vector(_)) {
                vec_h.value(*v);
            }
        }
        let (fingerprint, vector_fingerprint) = (all_h.0, vec_h.0);
        let mut vectors_kept = false;
        if let Some(old) = self.by_key.get(key).and_then(|id| self.docs.get(id)) {
            if old.fingerprint == fingerprint && !old.stale {
                return Ok(self.by_key.get(key).copied().unwrap_or_default());
            }
            vectors_kept = old.vector_fingerprint == vector_fingerprint;
        }
        // Check and convert next: a failure must leave nothing half done.
        let mut vecs: Vec<(usize, Vec<f64>)> = Vec::new();
        let mut nums: Vec<(u16, f64)> = Vec::new();
        let mut tags: Vec<(u16, Vec<String>)> = Vec::new();
        let mut sortables: Vec<(u16, String)> = Vec::new();
        for (i, (f, v)) in self.def.fields.iter().zip(values).enumerate() {
            let Some(v) = v else { continue };
            let fi = i as u16;
            match &f.kind {
                FieldKind::Vector(p) => {
                    let refresh = self.vectors(i).is_some_and(Vectors::needs_refresh);
                    if vectors_kept && !refresh {
                        continue;
                    }
                    let x = decode(p.vtype, p.dim, v).ok_or_else(|| {
                        fail(format!(
                            "Could not add vector with blob size {} (expected size {})",
                            v.len(),
                            p.dim * p.vtype.width()
                        ))
                    })?;
                    vecs.push((i, x));
                }
                FieldKind::Numeric => {
                    let s = std::str::from_utf8(v).ok().map(str::trim);
                    let x = s
                        .and_then(|s| s.parse::<f64>().ok())
                        .filter(|x| !x.is_nan())
                        .ok_or_else(|| fail("Invalid numeric value".to_string()))?;
                    nums.push((fi, x));
                }
                FieldKind::Tag {
                    separator,
                    case_sensitive,
                } => {
                    let s = String::from_utf8_lossy(v);
                    let mut list: Vec<String> = s
                        .split(char::from(*separator))
                        .map(str::trim)
                        .filter(|t| !t.is_empty() || f.index_empty)
                        .map(|t| {
                            if *case_sensitive {
                                t.to_string()
                            } else {
                                t.to_lowercase()
                            }
                        })
                        .collect();
                    list.sort();
                    list.dedup();
                    if f.sortable {
                        sortables.push((fi, s.into_owned()));
                    }
                    tags.push((fi, list));
                }
                FieldKind::Text { .. } => {
                    if f.sortable {
                        let s = String::from_utf8_lossy(v);
                        let s = if f.unf {
                            s.into_owned()
                        } else {
                            s.to_lowercase()
                        };
                        sortables.push((fi, s));
                    }
                }
            }
        }

        let mut in_place = false;
        let (id, keep_vectors) = match self.by_key.get(key).copied() {
            Some(id) => {
                let Some(old) = self.docs.get(&id) else {
                    return Err(fail("internal: doc table out of step".to_string()));
                };
                if old.fingerprint == fingerprint && !old.stale {
                    return Ok(id);
                }
                // A restored document whose hash is as saved: nothing of it
                // is in the field structures yet, and its entry stays.
                in_place = old.stale && old.fingerprint == fingerprint;
                let same_vectors = old.vector_fingerprint == vector_fingerprint;
                if !in_place {
                    self.unindex(id, !same_vectors);
                }
                (id, same_vectors)
            }
            None => {
                let id = DocId::try_from(self.next_id)
                    .map_err(|_| fail("the index has used up its document ids".to_string()))?;
                (id, false)
            }
        };
        if keep_vectors {
            for (i, x) in &vecs {
                if let Some(FieldIndex::Vector(store)) = self.fields.get_mut(*i) {
                    store.refresh(id, x);
                }
            }
        } else {
            for (i, x) in &vecs {
                if let Some(FieldIndex::Vector(store)) = self.fields.get_mut(*i) {
                    if let Err(e) = store.add(id, x) {
                        self.unindex(id, true);
                        self.forget(id);
                        return Err(fail(e));
                    }
                }
            }
        }
        for (i, v) in values.iter().enumerate() {
            if v.is_some() {
                self.present[i].insert(id);
            }
            if let (Some(v), FieldIndex::Text) = (v, &self.fields[i]) {
                self.text.add(id, i as u16, &String::from_utf8_lossy(v));
            }
        }
        for (fi, x) in &nums {
            if let Some(FieldIndex::Numeric(set)) = self.fields.get_mut(usize::from(*fi)) {
                set.insert((ord_key(*x), id));
            }
        }
        for (fi, list) in &tags {
            if let Some(FieldIndex::Tag(map)) = self.fields.get_mut(usize::from(*fi)) {
                for t in list {
                    map.entry(t.clone()).or_default().insert(id);
                }
            }
        }
        if in_place {
            if let Some(d) = self.docs.get_mut(&id) {
                d.stale = false;
                d.nums = nums;
                d.tags = tags;
                d.sortables = sortables;
            }
            return Ok(id);
        }
        if u64::from(id) == self.next_id {
            self.next_id += 1;
        }
        self.by_key.insert(key.into(), id);
        self.all.insert(id);
        self.docs.insert(
            id,
            DocEntry {
                key: key.into(),
                fingerprint,
                vector_fingerprint,
                stale: false,
                nums,
                tags,
                sortables,
            },
        );
        Ok(id)
    }

    /// Takes `id` out of every field structure (its vectors too when
    /// `vectors`); the doc table keeps it.
    fn unindex(&mut self, id: DocId, vectors: bool) {
        let Some(old) = self.docs.get(&id) else {
            return;
        };
        for (fi, x) in &old.nums {
            if let Some(FieldIndex::Numeric(set)) = self.fields.get_mut(usize::from(*fi)) {
                set.remove(&(ord_key(*x), id));
            }
        }
        for (fi, list) in &old.tags {
            if let Some(FieldIndex::Tag(map)) = self.fields.get_mut(usize::from(*fi)) {
                for t in list {
                    if let Some(b) = map.get_mut(t) {
                        b.remove(id);
                        if b.is_empty() {
                            map.remove(t);
                        }
                    }
                }
            }
        }
        self.text.remove(id);
        for p in &mut self.present {
            p.remove(id);
        }
        if vectors {
            for f in &mut self.fields {
                if let FieldIndex::Vector(v) = f {
                    v.remove(id);
                }
            }
        }
    }

    fn forget(&mut self, id: DocId) {
        if let Some(old) = self.docs.remove(&id) {
            self.by_key.remove(&old.key);
        }
        self.all.remove(id);
    }

    /// Drops `key` from the index; whether it was there.
    pub fn remove(&mut self, key: &[u8]) -> bool {
        let Some(id) = self.by_key.get(key).copied() else {
            return false;
        };
        self.unindex(id, true);
        self.forget(id);
        true
    }

    /// Puts back a document restored from the RDB: its vectors are already
    /// in the restored stores; the rest waits for [`Index::upsert`] with the
    /// hash's values (`stale`).
    pub fn restore_doc(
        &mut self,
        id: DocId,
        key: &[u8],
        fingerprint: u64,
        vector_fingerprint: u64,
    ) -> Result<(), String> {
        if self.docs.contains_key(&id) || self.by_key.contains_key(key) || u64::from(id) == 0 {
            return Err("duplicate document".to_string());
        }
        self.next_id = self.next_id.max(u64::from(id) + 1);
        self.by_key.insert(key.into(), id);
        self.all.insert(id);
        self.docs.insert(
            id,
            DocEntry {
                key: key.into(),
                fingerprint,
                vector_fingerprint,
                stale: true,
                nums: Vec::new(),
                tags: Vec::new(),
                sortables: Vec::new(),
            },
        );
        Ok(())
    }

    /// Restores the id counter (ids are never reused).
    pub fn set_next_id(&mut self, next: u64) {
        self.next_id = self.next_id.max(next);
    }

    pub fn next_id(&self) -> u64 {
        self.next_id
    }

    /// Keys restored but not yet checked against their hash.
    pub fn stale_keys(&self) -> Vec<Box<[u8]>> {
        self.docs
            .values()
            .filter(|d| d.stale)
            .map(|d| d.key.clone())
            .collect()
    }

    /// Replaces field `i`'s vectors (restored from the RDB).
    pub fn set_vectors(&mut self, i: usize, v: Vectors) -> Result<(), String> {
        match self.fields.get_mut(i) {
            Some(f @ FieldIndex::Vector(_)) => {
                *f = FieldIndex::Vector(v);
                Ok(())
            }
            _ => Err(format!("field {i} is not a VECTOR field")),
        }
    }

    /// Distinct values of a TAG field.
    pub fn tag_values(&self, i: usize) -> Option<Vec<&str>> {
        match self.fields.get(i) {
            Some(FieldIndex::Tag(map)) => Some(map.keys().map(String::as_str).collect()),
            _ => None,
        }
    }

    /// Bytes in use by vectors, and by everything else, estimated.
    pub fn memory(&self) -> (usize, usize) {
        let mut vec = 0;
        let mut other = self.text.memory_bytes();
        for f in &self.fields {
            match f {
                FieldIndex::Vector(v) => vec += v.memory_bytes(),
                FieldIndex::Tag(m) => {
                    other += m
                        .iter()
                        .map(|(k, b)| k.len() + 48 + b.serialized_size())
                        .sum::<usize>()
                }
                FieldIndex::Numeric(s) => other += s.len() * 24,
                FieldIndex::Text | FieldIndex::None => {}
            }
        }
        other += self
            .docs
            .values()
            .map(|d| d.key.len() * 2 + 96)
            .sum::<usize>();
        (vec, other)
    }
}

/// FNV-1a, spelled out so that a fingerprint saved by one build means the
/// same to the next.
struct Fnv(u64);

impl Fnv {
    fn bytes(&mut self, b: &[u8]) {
        for &x in b {
            self.0 = (self.0 ^ u64::from(x)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn value(&mut self, v: Option<&[u8]>) {
        match v {
            None => self.bytes(&[0]),
            Some(b) => {
                self.bytes(&[1]);
                self.bytes(&(b.len() as u64).to_le_bytes());
                self.bytes(b);
            }
        }
    }
}

fn hasher() -> Fnv {
    Fnv(0xcbf2_9ce4_8422_2325)
}
