//! Full-text search over an index's TEXT fields: the analyzer
//! (`text/analyze.rs`), an inverted index with positions, and BM25
//! (`text/score.rs`).
//!
//! Each term of the dictionary has a record per document: the fields it
//! occurs in and its positions there (phrases need them). For a stemmed field
//! the English stem of every term is indexed too, in a separate stem
//! dictionary, at the same positions, when it differs from the term (like
//! RediSearch's `+stem` entries). A word then matches, in a stemmed field,
//! the term itself, documents whose terms share its stem, and the stem as a
//! plain term (`running` finds `run`, `runs`, `running`); in a NOSTEM field,
//! the term only.
//!
//! Query words that analyze to nothing (stop words, punctuation) match
//! nothing. A word that analyzes to several terms (`foo-bar`) matches as the
//! phrase of those terms. Prefixes and fuzzy terms expand over the term
//! dictionary only (not stems), [`MAX_EXPANSIONS`] terms at most.

mod analyze;
mod postings;
mod score;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use roaring::RoaringBitmap;

pub use self::analyze::{normalize, tokenize, Analyzer, DEFAULT_STOPWORDS, MAX_TOKEN_BYTES};
pub use self::score::Scorer;
pub use super::DocId;
use crate::search::query::TextTerm;

/// Most dictionary terms one prefix or fuzzy term expands to (RediSearch's
/// MAXEXPANSIONS default).
pub const MAX_EXPANSIONS: usize = 200;
/// Largest fuzzy distance (`%%%word%%%`).
pub const MAX_FUZZY_DISTANCE: u8 = 3;

/// A TEXT field's settings.
#[derive(Debug, Clone, Copy, PartialEq)]
struct FieldConf {
    weight: f64,
    nostem: bool,
}

const DEFAULT_FIELD: FieldConf = FieldConf {
    weight: 1.0,
    nostem: false,
};

/// One dictionary entry (a term, or a stem).
struct Term {
    text: Arc<str>,
    stem: bool,
    /// Documents with a record.
    docs: RoaringBitmap,
    /// Every field that ever had a record (never shrinks): when a query's
    /// fields cover them all, `docs` answers without reading records.
    fields: Vec<u16>,
    records: HashMap<DocId, Box<[u32]>>,
}

/// What is kept per document, to remove it and to score it.
#[derive(Default)]
struct DocText {
    /// Term ids with a record for this document (each once).
    terms: Vec<u32>,
    /// Terms indexed, all fields together (BM25's document length).
    len: u32,
    /// The last position used in each field.
    last_pos: Vec<(u16, u32)>,
}

/// The inverted index of all TEXT fields of one index.
pub struct TextIndex {
    analyzer: Analyzer,
    fields: BTreeMap<u16, FieldConf>,
    dict: BTreeMap<Arc<str>, u32>,
    stems: HashMap<Arc<str>, u32>,
    terms: Vec<Option<Term>>,
    free: Vec<u32>,
    docs: HashMap<DocId, DocText>,
    total_len: u64,
    num_records: usize,
    record_words: usize,
    text_bytes: usize,
    doc_refs: usize,
}

impl std::fmt::Debug for TextIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextIndex")
            .field("fields", &self.fields)
            .field("docs", &self.docs.len())
            .field("terms", &self.num_terms())
            .field("records", &self.num_records)
            .finish()
    }
}

impl TextIndex {
    /// `None`: RediSearch's default stop words; `Some(&[])`: none.
    pub fn new(stopwords: Option<&[String]>) -> Self {
        TextIndex {
            analyzer: Analyzer::new(stopwords),
            fields: BTreeMap::new(),
            dict: BTreeMap::new(),
            stems: HashMap::new(),
            terms: Vec::new(),
            free: Vec::new(),
            docs: HashMap::new(),
            total_len: 0,
            num_records: 0,
            record_words: 0,
            text_bytes: 0,
            doc_refs: 0,
        }
    }

    /// Declares a TEXT field (a field never declared counts as weight 1,
    /// stemmed). Weights that are not finite and non-negative count as 1.
    pub fn set_field(&mut self, field: u16, weight: f64, nostem: bool) {
        let weight = if weight.is_finite() && weight >= 0.0 {
            weight
        } else {
            1.0
        };
        self.fields.insert(field, FieldConf { weight, nostem });
    }

    pub fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    fn conf(&self, field: u16) -> FieldConf {
        self.fields.get(&field).copied().unwrap_or(DEFAULT_FIELD)
    }

    /// Indexes `text` as document `doc`'s field `field`. Several calls for
    /// the same field continue its positions.
    pub fn add(&mut self, doc: DocId, field: u16, text: &str) {
        let conf = self.conf(field);
        self.fields.entry(field).or_insert(conf);
        let toks = self.analyzer.terms(text);
        let entry = self.docs.entry(doc).or_default();
        let slot = match entry.last_pos.iter().position(|(f, _)| *f == field) {
            Some(i) => i,
            None => {
                entry.last_pos.push((field, 0));
                entry.last_pos.len() - 1
            }
        };
        let Some((_, last)) = entry.last_pos.get_mut(slot) else {
            return;
        };
        let mut raw: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
        let mut stemmed: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        for t in &toks {
            *last = last.saturating_add(1);
            raw.entry(t.as_str()).or_default().push(*last);
            if !conf.nostem {
                let s = self.analyzer.stem(t);
                if s != *t {
                    stemmed.entry(s).or_default().push(*last);
                }
            }
        }
        let n = u32::try_from(toks.len()).unwrap_or(u32::MAX);
        entry.len = entry.len.saturating_add(n);
        self.total_len += u64::from(n);
        let mut new_ids = Vec::new();
        for (t, pos) in raw {
            if let Some(id) = self.intern(t, false) {
                if self.post(id, doc, field, &pos) {
                    new_ids.push(id);
                }
            }
        }
        for (s, pos) in stemmed {
            if let Some(id) = self.intern(&s, true) {
                if self.post(id, doc, field, &pos) {
                    new_ids.push(id);
                }
            }
        }
        self.doc_refs += new_ids.len();
        if let Some(entry) = self.docs.get_mut(&doc) {
            entry.terms.extend(new_ids);
        }
    }

    /// The id of a term (or stem), made if new. `None` only when ids run out.
    fn intern(&mut self, text: &str, stem: bool) -> Option<u32> {
        let found = if stem {
            self.stems.get(text)
        } else {
            self.dict.get(text)
        };
        if let Some(id) = found {
            return Some(*id);
        }
        let text: Arc<str> = Arc::from(text);
        let term = Term {
            text: text.clone(),
            stem,
            docs: RoaringBitmap::new(),
            fields: Vec::new(),
            records: HashMap::new(),
        };
        let id = match self.free.pop() {
            Some(id) => {
                let slot = self.terms.get_mut(id as usize)?;
                *slot = Some(term);
                id
            }
            None => {
                let id = u32::try_from(self.terms.len()).ok()?;
                self.terms.push(Some(term));
                id
            }
        };
        self.text_bytes += text.len();
        if stem {
            self.stems.insert(text, id);
        } else {
            self.dict.insert(text, id);
        }
        Some(id)
    }

    /// Adds positions to a record; whether the record is new.
    fn post(&mut self, id: u32, doc: DocId, field: u16, pos: &[u32]) -> bool {
        let Some(Some(term)) = self.terms.get_mut(id as usize) else {
            return false;
        };
        if !term.fields.contains(&field) {
            term.fields.push(field);
        }
        match term.records.get_mut(&doc) {
            Some(rec) => {
                let merged = postings::merge(rec, field, pos);
                self.record_words = self.record_words + merged.len() - rec.len();
                *rec = merged;
                false
            }
            None => {
                let rec = postings::single(field, pos);
                self.record_words += rec.len();
                term.records.insert(doc, rec);
                term.docs.insert(doc);
                self.num_records += 1;
                true
            }
        }
    }

    /// Removes every record of `doc`.
    pub fn remove(&mut self, doc: DocId) {
        let Some(d) = self.docs.remove(&doc) else {
            return;
        };
        self.total_len = self.total_len.saturating_sub(u64::from(d.len));
        self.doc_refs = self.doc_refs.saturating_sub(d.terms.len());
        for id in d.terms {
            let Some(slot) = self.terms.get_mut(id as usize) else {
                continue;
            };
            let Some(term) = slot else { continue };
            if let Some(rec) = term.records.remove(&doc) {
                self.record_words = self.record_words.saturating_sub(rec.len());
                self.num_records = self.num_records.saturating_sub(1);
            }
            term.docs.remove(doc);
            if term.records.is_empty() {
                if term.stem {
                    self.stems.remove(&*term.text);
                } else {
                    self.dict.remove(&*term.text);
                }
                self.text_bytes = self.text_bytes.saturating_sub(term.text.len());
                *slot = None;
                self.free.push(id);
            } else if term.records.len() * 4 < term.records.capacity()
                && term.records.capacity() > 64
            {
                term.records.shrink_to_fit();
            }
        }
        if self.docs.len() * 4 < self.docs.capacity() && self.docs.capacity() > 64 {
            self.docs.shrink_to_fit();
        }
    }

    fn term(&self, id: Option<&u32>) -> Option<&Term> {
        self.terms.get(*id? as usize)?.as_ref()
    }

    /// Whether `field` is one a query over `fields` looks at.
    fn in_fields(fields: Option<&[u16]>, field: u16) -> bool {
        fields.is_none_or(|fs| fs.contains(&field))
    }

    /// Whether stemming applies to `field` for a query over `fields`.
    fn stems_in(&self, fields: Option<&[u16]>, field: u16) -> bool {
        Self::in_fields(fields, field) && !self.conf(field).nostem
    }

    /// Documents with a record of `term` in a field `keep` accepts.
    fn docs_of(term: Option<&Term>, keep: impl Fn(u16) -> bool) -> RoaringBitmap {
        let Some(t) = term else {
            return RoaringBitmap::new();
        };
        if t.fields.iter().all(|&f| keep(f)) {
            return t.docs.clone();
        }
        let mut ids: Vec<DocId> = t
            .records
            .iter()
            .filter(|(_, rec)| postings::blocks(rec).any(|(f, _)| keep(f)))
            .map(|(d, _)| *d)
            .collect();
        ids.sort_unstable();
        RoaringBitmap::from_sorted_iter(ids).unwrap_or_default()
    }

    /// The documents a text term matches. `fields: None` means every TEXT
    /// field.
    pub fn matches(&self, fields: Option<&[u16]>, term: &TextTerm) -> RoaringBitmap {
        match term {
            TextTerm::Word(w) | TextTerm::Phrase(w) => {
                let toks = self.analyzer.terms(w);
                match toks.as_slice() {
                    [] => RoaringBitmap::new(),
                    [one] => self.word_docs(fields, one),
                    _ => self.phrase_docs(fields, &toks),
                }
            }
            TextTerm::Prefix(p) => {
                let mut out = RoaringBitmap::new();
                for id in self.prefix_ids(p) {
                    out |= Self::docs_of(self.term(Some(&id)), |f| Self::in_fields(fields, f));
                }
                out
            }
            TextTerm::Fuzzy(w, n) => {
                let mut out = RoaringBitmap::new();
                for id in self.fuzzy_ids(w, *n) {
                    out |= Self::docs_of(self.term(Some(&id)), |f| Self::in_fields(fields, f));
                }
                out
            }
        }
    }

    /// Dictionary terms starting with the normalized prefix (none for an
    /// empty one), [`MAX_EXPANSIONS`] at most, in order.
    pub(crate) fn prefix_ids(&self, prefix: &str) -> Vec<u32> {
        let p = normalize(prefix);
        if p.is_empty() {
            return Vec::new();
        }
        self.dict
            .range::<str, _>((
                std::ops::Bound::Included(p.as_str()),
                std::ops::Bound::Unbounded,
            ))
            .take_while(|(t, _)| t.starts_with(p.as_str()))
            .take(MAX_EXPANSIONS)
            .map(|(_, id)| *id)
            .collect()
    }

    /// Dictionary terms within `n` edits (capped at [`MAX_FUZZY_DISTANCE`])
    /// of the normalized word, [`MAX_EXPANSIONS`] at most.
    pub(crate) fn fuzzy_ids(&self, word: &str, n: u8) -> Vec<u32> {
        let w: Vec<char> = normalize(word).chars().collect();
        if w.is_empty() {
            return Vec::new();
        }
        let n = usize::from(n.min(MAX_FUZZY_DISTANCE));
        self.dict
            .iter()
            .filter(|(t, _)| postings::within_distance(&w, t, n))
            .take(MAX_EXPANSIONS)
            .map(|(_, id)| *id)
            .collect()
    }

    /// The entries a word matches in stemmed fields, besides the term
    /// itself: the stem entry, and the stem as a plain term.
    fn stem_entries(&self, word: &str) -> (Option<&Term>, Option<&Term>) {
        let s = self.analyzer.stem(word);
        let plain = if s != word {
            self.term(self.dict.get(s.as_str()))
        } else {
            None
        };
        (self.term(self.stems.get(s.as_str())), plain)
    }

    fn any_stemmed(&self, fields: Option<&[u16]>) -> bool {
        match fields {
            None => self.fields.values().any(|c| !c.nostem),
            Some(fs) => fs.iter().any(|&f| !self.conf(f).nostem),
        }
    }

    fn word_docs(&self, fields: Option<&[u16]>, word: &str) -> RoaringBitmap {
        let mut out = Self::docs_of(self.term(self.dict.get(word)), |f| {
            Self::in_fields(fields, f)
        });
        if self.any_stemmed(fields) {
            let (stem, plain) = self.stem_entries(word);
            out |= Self::docs_of(stem, |f| self.stems_in(fields, f));
            out |= Self::docs_of(plain, |f| self.stems_in(fields, f));
        }
        out
    }

    /// Documents where the terms occur adjacent and in order, in one field.
    fn phrase_docs(&self, fields: Option<&[u16]>, words: &[String]) -> RoaringBitmap {
        let mut cand: Option<RoaringBitmap> = None;
        for w in words {
            let d = self.word_docs(fields, w);
            cand = Some(match cand {
                None => d,
                Some(c) => c & d,
            });
            if cand.as_ref().is_some_and(RoaringBitmap::is_empty) {
                return RoaringBitmap::new();
            }
        }
        let entries: Vec<(Option<&Term>, Option<&Term>, Option<&Term>)> = words
            .iter()
            .map(|w| {
                let (stem, plain) = self.stem_entries(w);
                (self.term(self.dict.get(w.as_str())), stem, plain)
            })
            .collect();
        let field_list: Vec<u16> = match fields {
            Some(fs) => fs.to_vec(),
            None => self.fields.keys().copied().collect(),
        };
        let mut out = RoaringBitmap::new();
        for doc in cand.unwrap_or_default() {
            let hit = field_list.iter().any(|&f| {
                let stemmed = !self.conf(f).nostem;
                let lists: Vec<Vec<u32>> = entries
                    .iter()
                    .map(|(raw, stem, plain)| {
                        let mut all: Vec<u32> = Vec::new();
                        let mut take = |t: Option<&Term>| {
                            if let Some(rec) = t.and_then(|t| t.records.get(&doc)) {
                                all.extend_from_slice(postings::positions(rec, f));
                            }
                        };
                        take(*raw);
                        if stemmed {
                            take(*stem);
                            take(*plain);
                        }
                        all.sort_unstable();
                        all.dedup();
                        all
                    })
                    .collect();
                postings::adjacent(&lists)
            });
            if hit {
                out.insert(doc);
            }
        }
        out
    }

    /// Dictionary terms and stems.
    pub fn num_terms(&self) -> usize {
        self.dict.len() + self.stems.len()
    }

    /// (term, document) records.
    pub fn num_records(&self) -> usize {
        self.num_records
    }

    /// Documents with at least one TEXT field added.
    pub fn num_docs(&self) -> usize {
        self.docs.len()
    }

    /// Bytes in use, estimated.
    pub fn memory_bytes(&self) -> usize {
        let terms = self.num_terms();
        terms * 160
            + self.text_bytes
            + self.terms.capacity() * std::mem::size_of::<Option<Term>>()
            + self.num_records * 40
            + self.record_words * 4
            + self.docs.len() * 96
            + self.doc_refs * 4
    }
}
