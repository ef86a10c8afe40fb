//! BM25 (RediSearch's BM25STD): for each query term and each dictionary
//! entry of the document it matches,
//!
//! `idf · tf·(k1+1) / (tf + k1·(1 − b + b·len/avg_len))`, with
//! `idf = ln(1 + (N − df + 0.5)/(df + 0.5))`, k1 = 1.2, b = 0.75,
//!
//! where `tf` sums the entry's occurrences in the query's fields, each times
//! its field's WEIGHT, `df` is the entry's document count, `N` the documents
//! with text and `len` the document's term count (all fields). A word found
//! both as itself and by its stem counts both ways, so exact forms rank
//! above stem-only ones. Phrases score as their words. A document with no
//! match scores 0.

use super::{normalize, postings, DocId, Term, TextIndex};
use crate::search::query::TextTerm;

const K1: f64 = 1.2;
const B: f64 = 0.75;

/// How a query term recognizes dictionary entries.
enum Matcher {
    /// Analyzed words, each with its stem.
    Words(Vec<(String, String)>),
    Prefix(String),
    Fuzzy(Vec<char>, usize),
}

/// Which of an entry's fields count.
#[derive(Clone, Copy, PartialEq)]
enum Class {
    /// Every field of the query.
    All,
    /// Only the query's stemmed fields (stem matches).
    Stemmed,
}

impl Matcher {
    fn new(ix: &TextIndex, term: &TextTerm) -> Matcher {
        match term {
            TextTerm::Word(w) | TextTerm::Phrase(w) => Matcher::Words(
                ix.analyzer
                    .terms(w)
                    .into_iter()
                    .map(|t| {
                        let s = ix.analyzer.stem(&t);
                        (t, s)
                    })
                    .collect(),
            ),
            TextTerm::Prefix(p) => Matcher::Prefix(normalize(p)),
            TextTerm::Fuzzy(w, n) => Matcher::Fuzzy(
                normalize(w).chars().collect(),
                usize::from((*n).min(super::MAX_FUZZY_DISTANCE)),
            ),
        }
    }

    /// Each way `entry` matches (a word may match it more than once).
    fn hits(&self, entry: &Term, out: &mut Vec<Class>) {
        let text = &*entry.text;
        match self {
            Matcher::Words(words) => {
                for (w, s) in words {
                    if entry.stem {
                        if text == s {
                            out.push(Class::Stemmed);
                        }
                    } else if text == w {
                        out.push(Class::All);
                    } else if text == s {
                        out.push(Class::Stemmed);
                    }
                }
            }
            Matcher::Prefix(p) => {
                if !entry.stem && !p.is_empty() && text.starts_with(p.as_str()) {
                    out.push(Class::All);
                }
            }
            Matcher::Fuzzy(w, n) => {
                if !entry.stem && !w.is_empty() && postings::within_distance(w, text, *n) {
                    out.push(Class::All);
                }
            }
        }
    }
}

/// Query terms prepared once, to score many documents.
pub struct Scorer<'a> {
    ix: &'a TextIndex,
    terms: Vec<(Option<Vec<u16>>, Matcher)>,
    avg_len: f64,
}

impl<'a> Scorer<'a> {
    /// The BM25 score of `doc` (0 when no term matches it).
    pub fn score(&self, doc: DocId) -> f64 {
        let ix = self.ix;
        let Some(d) = ix.docs.get(&doc) else {
            return 0.0;
        };
        if self.terms.is_empty() {
            return 0.0;
        }
        let n = ix.docs.len() as f64;
        let norm = K1 * (1.0 - B + B * f64::from(d.len) / self.avg_len);
        let mut sum = 0.0;
        let mut classes = Vec::new();
        for &id in &d.terms {
            let Some(Some(entry)) = ix.terms.get(id as usize) else {
                continue;
            };
            let Some(rec) = entry.records.get(&doc) else {
                continue;
            };
            let df = entry.docs.len() as f64;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            for (fields, m) in &self.terms {
                classes.clear();
                m.hits(entry, &mut classes);
                for &class in &classes {
                    let tf: f64 = postings::blocks(rec)
                        .filter(|&(f, _)| match class {
                            Class::All => TextIndex::in_fields(fields.as_deref(), f),
                            Class::Stemmed => ix.stems_in(fields.as_deref(), f),
                        })
                        .map(|(f, p)| ix.conf(f).weight * p.len() as f64)
                        .sum();
                    if tf > 0.0 {
                        sum += idf * tf * (K1 + 1.0) / (tf + norm);
                    }
                }
            }
        }
        if sum.is_finite() {
            sum
        } else {
            0.0
        }
    }
}

impl TextIndex {
    /// Prepares `terms` (with the fields each is restricted to; `None`: every
    /// TEXT field) for scoring many documents.
    pub fn scorer(&self, terms: &[(Option<Vec<u16>>, TextTerm)]) -> Scorer<'_> {
        let avg_len = if self.docs.is_empty() {
            1.0
        } else {
            (self.total_len as f64 / self.docs.len() as f64).max(1.0)
        };
        Scorer {
            ix: self,
            terms: terms
                .iter()
                .map(|(f, t)| (f.clone(), Matcher::new(self, t)))
                .collect(),
            avg_len,
        }
    }

    /// The BM25 score of one document (see [`TextIndex::scorer`] for many).
    pub fn score(&self, doc: DocId, terms: &[(Option<Vec<u16>>, TextTerm)]) -> f64 {
        self.scorer(terms).score(doc)
    }
}
