//! Runs a parsed query over an [`Index`]: the filter becomes a document
//! bitmap (recursion bounded by the parser's depth cap), then KNN or the
//! bitmap gives the matches, which are scored, ordered and paged.

use std::collections::HashMap;

use roaring::RoaringBitmap;

use super::index::{ord_key, FieldIndex, Index};
use super::query::{Node, Query, TextTerm};
use super::schema::FieldKind;
use super::vectors::decode;
use super::DocId;
use crate::error::{Error, Result};

/// Largest LIMIT offset + count (RediSearch's MAXSEARCHRESULTS default).
pub const MAX_RESULTS: usize = 1_000_000;
/// Largest query-time EF_RUNTIME (FT.CREATE's own cap); usearch reserves
/// a slot per candidate, so this is a memory bound too.
pub const MAX_EF_RUNTIME: usize = 1_000_000;
/// Most tag values a `prefix*` expands to.
const MAX_TAG_EXPANSIONS: usize = 200;

/// One RETURN entry: a field (or yielded distance) and its output name.
#[derive(Debug, Clone, PartialEq)]
pub struct ReturnField {
    pub name: String,
    pub as_name: Option<String>,
}

/// Everything FT.SEARCH asks for, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchRequest {
    pub query: Query,
    pub nocontent: bool,
    pub withscores: bool,
    pub return_fields: Option<Vec<ReturnField>>,
    pub sortby: Option<(String, bool)>,
    pub offset: usize,
    pub num: usize,
    /// Legacy `FILTER field min max` clauses, ANDed with the query.
    pub numeric_filters: Vec<Node>,
    /// `INKEYS`: only these keys.
    pub inkeys: Option<Vec<Vec<u8>>>,
}

/// One result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub doc: DocId,
    pub key: Box<[u8]>,
    pub score: f64,
    /// Yielded distances (KNN and VECTOR_RANGE), by name.
    pub yields: Vec<(String, f64)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Matches before LIMIT.
    pub total: usize,
    pub hits: Vec<Hit>,
}

/// Reads one hash field of a document (for SORTBY on a field the index
/// does not keep).
pub type Loader<'a> = &'a dyn Fn(&[u8], &[u8]) -> Option<Vec<u8>>;

#[derive(Default)]
struct Eval {
    /// name → doc → distance, from VECTOR_RANGE clauses.
    yields: HashMap<String, HashMap<DocId, f64>>,
}

fn unknown_field(name: &str) -> Error {
    Error::err(format!("Unknown field `{name}`"))
}

fn field_of<'a>(ix: &'a Index, name: &str) -> Result<(usize, &'a FieldKind)> {
    ix.def
        .field(name)
        .map(|(i, f)| (i, &f.kind))
        .ok_or_else(|| unknown_field(name))
}

/// The query vector in `field`'s representation.
fn query_vector(ix: &Index, field: &str, blob: &[u8]) -> Result<(usize, Vec<f64>)> {
    let (i, kind) = field_of(ix, field)?;
    let FieldKind::Vector(p) = kind else {
        return Err(Error::err(format!(
            "Expected a VECTOR field: `{field}` is not one"
        )));
    };
    let want = p.dim * p.vtype.width();
    if blob.len() != want {
        return Err(Error::err(format!(
            "Error parsing vector similarity query: query vector blob size ({}) does not match index's expected size ({want}).",
            blob.len()
        )));
    }
    let v = decode(p.vtype, p.dim, blob).ok_or_else(|| {
        Error::err("Error parsing vector similarity query: query vector values must be finite")
    })?;
    Ok((i, v))
}

/// The TEXT fields a term is restricted to (`None`: all of them).
fn text_fields(ix: &Index, field: &Option<String>) -> Result<Option<Vec<u16>>> {
    let Some(name) = field else {
        return Ok(None);
    };
    let (i, kind) = field_of(ix, name)?;
    if !matches!(kind, FieldKind::Text { .. }) {
        return Err(Error::err(format!("`{name}` is not a TEXT field")));
    }
    Ok(Some(vec![i as u16]))
}

/// Text terms that count for scoring, with the fields each is restricted to.
pub type ScoringTerms = Vec<(Option<Vec<u16>>, TextTerm)>;

/// The text terms of a filter that score: every TEXT term not under a NOT,
/// those under `~` included (an optional clause only scores). Iterative.
pub fn scoring_terms(ix: &Index, node: &Node) -> Result<ScoringTerms> {
    let mut out = Vec::new();
    let mut stack: Vec<(&Node, bool)> = vec![(node, false)];
    while let Some((n, negated)) = stack.pop() {
        match n {
            Node::And(list) | Node::Or(list) => stack.extend(list.iter().map(|c| (c, negated))),
            Node::Not(inner) => stack.push((inner, !negated)),
            Node::Optional(inner) => stack.push((inner, negated)),
            Node::Text { field, term } if !negated => {
                out.push((text_fields(ix, field)?, term.clone()));
            }
            _ => {}
        }
    }
    Ok(out)
}

fn eval(ix: &Index, node: &Node, ev: &mut Eval) -> Result<RoaringBitmap> {
    Ok(match node {
        // `~x` matches everything; its terms only add to the score
        // (`scoring_terms`).
        Node::All | Node::Optional(_) => ix.all().clone(),
        Node::And(list) => {
            let mut acc: Option<RoaringBitmap> = None;
            for n in list {
                let b = eval(ix, n, ev)?;
                acc = Some(match acc {
                    None => b,
                    Some(a) => a & b,
                });
            }
            acc.unwrap_or_default()
        }
        Node::Or(list) => {
            let mut acc = RoaringBitmap::new();
            for n in list {
                acc |= eval(ix, n, ev)?;
            }
            acc
        }
        Node::Not(inner) => ix.all() - eval(ix, inner, ev)?,
        Node::IsMissing { field } => {
            let (i, _) = field_of(ix, field)?;
            ix.all() - ix.present(i).cloned().unwrap_or_default()
        }
        Node::Tag { field, values } => {
            let (i, kind) = field_of(ix, field)?;
            let (FieldKind::Tag { case_sensitive, .. }, Some(FieldIndex::Tag(map))) =
                (kind, ix.fields.get(i))
            else {
                return Err(Error::err(format!("`{field}` is not a TAG field")));
            };
            let mut acc = RoaringBitmap::new();
            for v in values {
                let t = v.text.trim();
                let t = if *case_sensitive {
                    t.to_string()
                } else {
                    t.to_lowercase()
                };
                if v.prefix {
                    map.range(t.clone()..)
                        .take_while(|(k, _)| k.starts_with(&t))
                        .take(MAX_TAG_EXPANSIONS)
                        .for_each(|(_, b)| acc |= b);
                } else if let Some(b) = map.get(&t) {
                    acc |= b;
                }
            }
            acc
        }
        Node::Numeric {
            field,
            lo,
            lo_incl,
            hi,
            hi_incl,
        } => {
            let (i, _) = field_of(ix, field)?;
            let Some(FieldIndex::Numeric(set)) = ix.fields.get(i) else {
                return Err(Error::err(format!("`{field}` is not a NUMERIC field")));
            };
            let mut acc = RoaringBitmap::new();
            if ord_key(*lo) <= ord_key(*hi) {
                for &(k, d) in set.range((ord_key(*lo), 0)..=(ord_key(*hi), DocId::MAX)) {
                    if (!lo_incl && k == ord_key(*lo)) || (!hi_incl && k == ord_key(*hi)) {
                        continue;
                    }
                    acc.insert(d);
                }
            }
            acc
        }
        Node::Text { field, term } => {
            let fields = text_fields(ix, field)?;
            ix.text.matches(fields.as_deref(), term)
        }
        Node::VectorRange {
            field,
            radius,
            blob,
            epsilon,
            yield_as,
        } => {
            let (i, q) = query_vector(ix, field, blob)?;
            let (Some(v), Some(FieldKind::Vector(p))) =
                (ix.vectors(i), ix.def.fields.get(i).map(|f| &f.kind))
            else {
                return Err(Error::err(format!(
                    "`{field}` is not an indexed VECTOR field"
                )));
            };
            let hits = v
                .range(p.metric, &q, *radius, epsilon.unwrap_or(p.epsilon))
                .map_err(Error::err)?;
            let mut acc = RoaringBitmap::new();
            let mut dist = HashMap::new();
            for (d, x) in hits {
                acc.insert(d);
                dist.insert(d, x);
            }
            if let Some(name) = yield_as {
                ev.yields.entry(name.clone()).or_default().extend(dist);
            }
            acc
        }
    })
}

/// The distance field KNN yields.
pub fn knn_yield_name(q: &Query) -> Option<String> {
    q.knn.as_ref().map(|k| {
        k.yield_as
            .clone()
            .unwrap_or_else(|| format!("__{}_score", k.field))
    })
}

/// A sort key: numbers before strings, missing last.
#[derive(Debug, Clone, PartialEq, PartialOrd)]
enum SortKey {
    Num(f64),
    Str(Vec<u8>),
    Missing,
}

pub fn search(ix: &Index, req: &SearchRequest, load: Loader<'_>) -> Result<Outcome> {
    if req.offset.saturating_add(req.num) > MAX_RESULTS {
        return Err(Error::err(format!(
            "LIMIT exceeds maximum of {MAX_RESULTS}"
        )));
    }
    let q = &req.query;
    let mut ev = Eval::default();
    let filtered =
        !matches!(q.filter, Node::All) || !req.numeric_filters.is_empty() || req.inkeys.is_some();
    // A pure KNN (`*=>[KNN …]`) needs no document set at all.
    let mut bitmap = if filtered || q.knn.is_none() {
        eval(ix, &q.filter, &mut ev)?
    } else {
        RoaringBitmap::new()
    };
    for f in &req.numeric_filters {
        bitmap &= eval(ix, f, &mut ev)?;
    }
    if let Some(keys) = &req.inkeys {
        let mut keep = RoaringBitmap::new();
        keys.iter().filter_map(|k| ix.doc_id(k)).for_each(|d| {
            keep.insert(d);
        });
        bitmap &= keep;
    }

    // (doc, knn distance) in the order matches are found.
    let mut knn_name = None;
    let matches: Vec<(DocId, Option<f64>)> = match &q.knn {
        Some(k) => {
            let name = knn_yield_name(q).unwrap_or_default();
            if ix.def.field(&name).is_some() {
                return Err(Error::err(format!(
                    "Property `{name}` already exists in schema"
                )));
            }
            knn_name = Some(name);
            let (i, v) = query_vector(ix, &k.field, &k.blob)?;
            let (Some(store), Some(FieldKind::Vector(p))) =
                (ix.vectors(i), ix.def.fields.get(i).map(|f| &f.kind))
            else {
                return Err(Error::err(format!(
                    "`{}` is not an indexed VECTOR field",
                    k.field
                )));
            };
            let ef = k.ef_runtime.unwrap_or(p.ef_runtime);
            if ef > MAX_EF_RUNTIME {
                return Err(Error::err(format!(
                    "EF_RUNTIME must be at most {MAX_EF_RUNTIME}"
                )));
            }
            store
                .knn(p.metric, &v, k.k, ef, filtered.then_some(&bitmap))
                .map_err(Error::err)?
                .into_iter()
                .filter(|(d, _)| ix.doc(*d).is_some())
                .map(|(d, x)| (d, Some(x)))
                .collect()
        }
        None => Vec::new(),
    };
    let total = if q.knn.is_some() {
        matches.len()
    } else {
        bitmap.len() as usize
    };
    let want = req.offset.saturating_add(req.num);
    let terms = scoring_terms(ix, &q.filter)?;
    let scored = !terms.is_empty();
    let scorer = ix.text.scorer(&terms);
    let score = |d: DocId| if scored { scorer.score(d) } else { 1.0 };

    // Order, then page.
    let page: Vec<(DocId, Option<f64>)> = if let Some((field, asc)) = &req.sortby {
        let mut all: Vec<(DocId, Option<f64>)> = if q.knn.is_some() {
            matches
        } else {
            bitmap.iter().map(|d| (d, None)).collect()
        };
        let key_of = |d: DocId, dist: Option<f64>| -> SortKey {
            sort_key(ix, &ev, field, knn_name.as_deref(), d, dist, load)
        };
        let mut keyed: Vec<(SortKey, DocId, Option<f64>)> =
            all.drain(..).map(|(d, x)| (key_of(d, x), d, x)).collect();
        keyed.sort_by(|a, b| {
            let o = match (&a.0, &b.0) {
                (SortKey::Missing, SortKey::Missing) => std::cmp::Ordering::Equal,
                (SortKey::Missing, _) => std::cmp::Ordering::Greater,
                (_, SortKey::Missing) => std::cmp::Ordering::Less,
                (x, y) => {
                    let o = x.partial_cmp(y).unwrap_or(std::cmp::Ordering::Equal);
                    if *asc {
                        o
                    } else {
                        o.reverse()
                    }
                }
            };
            o.then(a.1.cmp(&b.1))
        });
        keyed
            .into_iter()
            .skip(req.offset)
            .take(req.num)
            .map(|(_, d, x)| (d, x))
            .collect()
    } else if q.knn.is_some() {
        matches.into_iter().skip(req.offset).take(req.num).collect()
    } else if scored {
        let mut all: Vec<(f64, DocId)> = bitmap.iter().map(|d| (score(d), d)).collect();
        all.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        all.into_iter()
            .skip(req.offset)
            .take(req.num)
            .map(|(_, d)| (d, None))
            .collect()
    } else {
        bitmap
            .iter()
            .take(want)
            .skip(req.offset)
            .map(|d| (d, None))
            .collect()
    };

    let mut hits = Vec::with_capacity(page.len());
    for (d, dist) in page {
        let Some(doc) = ix.doc(d) else { continue };
        let mut yields = Vec::new();
        if let (Some(n), Some(x)) = (&knn_name, dist) {
            yields.push((n.clone(), x));
        }
        for (n, m) in &ev.yields {
            if let Some(x) = m.get(&d) {
                yields.push((n.clone(), *x));
            }
        }
        hits.push(Hit {
            doc: d,
            key: doc.key.clone(),
            score: if req.withscores { score(d) } else { 0.0 },
            yields,
        });
    }
    Ok(Outcome { total, hits })
}

fn sort_key(
    ix: &Index,
    ev: &Eval,
    field: &str,
    knn_name: Option<&str>,
    d: DocId,
    dist: Option<f64>,
    load: Loader<'_>,
) -> SortKey {
    if knn_name == Some(field) {
        return dist.map_or(SortKey::Missing, SortKey::Num);
    }
    if let Some(m) = ev.yields.get(field) {
        return m.get(&d).map_or(SortKey::Missing, |x| SortKey::Num(*x));
    }
    let Some(doc) = ix.doc(d) else {
        return SortKey::Missing;
    };
    let Some((i, f)) = ix.def.field(field) else {
        // Not in the schema: the hash field itself, by that name.
        return load(&doc.key, field.as_bytes()).map_or(SortKey::Missing, SortKey::Str);
    };
    match &f.kind {
        FieldKind::Numeric => doc.number(i).map_or(SortKey::Missing, SortKey::Num),
        _ => match doc.sortable(i) {
            Some(s) => SortKey::Str(s.as_bytes().to_vec()),
            None => load(&doc.key, &f.identifier).map_or(SortKey::Missing, |v| {
                SortKey::Str(String::from_utf8_lossy(&v).to_lowercase().into_bytes())
            }),
        },
    }
}

/// Every distance name the query yields (KNN's and VECTOR_RANGE's).
pub fn yield_names(q: &Query) -> Vec<String> {
    let mut out: Vec<String> = knn_yield_name(q).into_iter().collect();
    let mut stack: Vec<&Node> = vec![&q.filter];
    while let Some(n) = stack.pop() {
        match n {
            Node::And(v) | Node::Or(v) => stack.extend(v.iter()),
            Node::Not(b) | Node::Optional(b) => stack.push(b),
            Node::VectorRange {
                yield_as: Some(y), ..
            } => out.push(y.clone()),
            _ => {}
        }
    }
    out
}
