//! The FT.SEARCH query language (DIALECT 2) as a tree.
//!
//! The parser (`parse.rs`) is iterative: an explicit stack, no recursion on
//! input. At most [`MAX_DEPTH`] groups and `-`/`~` prefixes are open at
//! once, so the tree it builds is at most `2 * MAX_DEPTH + 4` levels deep
//! (a group is an OR of ANDs): code that walks it recursively (the
//! executor, `Drop`) is bounded.

pub mod lex;
pub mod parse;
#[cfg(test)]
mod tests;

pub use parse::parse;

/// Longest query string accepted, in bytes.
pub const MAX_QUERY_LEN: usize = 64 * 1024;
/// Deepest nesting of parentheses, NOT and modifiers.
pub const MAX_DEPTH: usize = 128;
/// Most leaf terms (words, tags, ranges) in one query.
pub const MAX_TERMS: usize = 4096;
/// Largest K of a KNN clause.
pub const MAX_KNN_K: usize = 1_000_000;
/// Most PARAMS name/value pairs.
pub const MAX_PARAMS: usize = 1024;

/// One tag value in `@f:{a|b*}`.
#[derive(Debug, Clone, PartialEq)]
pub struct TagValue {
    /// Unescaped text, as written (case folded later, by the field's rule).
    pub text: String,
    /// `a*`: prefix match.
    pub prefix: bool,
}

/// A text term, before analysis (the executor tokenizes and stems it by the
/// field's rules).
#[derive(Debug, Clone, PartialEq)]
pub enum TextTerm {
    /// A bare word: `hello`.
    Word(String),
    /// `hel*`.
    Prefix(String),
    /// `"hello world"`: the words in order, adjacent.
    Phrase(String),
    /// `%hello%` (distance 1), `%%hello%%` (2), `%%%hello%%%` (3).
    Fuzzy(String, u8),
}

/// A filter: which documents match.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// `*`: every document.
    All,
    /// `@f:{…}`.
    Tag {
        field: String,
        values: Vec<TagValue>,
    },
    /// `@f:[lo hi]`; `(` makes a bound exclusive; `-inf`/`+inf`/`inf` allowed.
    Numeric {
        field: String,
        lo: f64,
        lo_incl: bool,
        hi: f64,
        hi_incl: bool,
    },
    /// A text term in one field (`@f:term`, `@f:(a b)` gives an `And` of
    /// these) or in every TEXT field (`field: None`).
    Text {
        field: Option<String>,
        term: TextTerm,
    },
    /// `@v:[VECTOR_RANGE r $B]=>{$YIELD_DISTANCE_AS: d; $EPSILON: e}`.
    VectorRange {
        field: String,
        radius: f64,
        blob: Vec<u8>,
        epsilon: Option<f64>,
        yield_as: Option<String>,
    },
    /// `ismissing(@f)`.
    IsMissing { field: String },
    /// Juxtaposition: `a b`.
    And(Vec<Node>),
    /// `a | b`.
    Or(Vec<Node>),
    /// `-a`.
    Not(Box<Node>),
    /// `~a`: optional; matches everything, only scores.
    Optional(Box<Node>),
}

/// `=>[KNN k @v $B …]` applied to the whole filter.
#[derive(Debug, Clone, PartialEq)]
pub struct Knn {
    pub k: usize,
    pub field: String,
    pub blob: Vec<u8>,
    pub ef_runtime: Option<usize>,
    pub epsilon: Option<f64>,
    /// `AS d` or `$YIELD_DISTANCE_AS: d`; `None` means `__<field>_score`.
    pub yield_as: Option<String>,
    /// `HYBRID_POLICY` as written (upper case), if any.
    pub hybrid_policy: Option<String>,
    pub batch_size: Option<usize>,
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub filter: Node,
    pub knn: Option<Knn>,
}

/// PARAMS: name (without `$`) → value bytes.
pub type Params = std::collections::HashMap<String, Vec<u8>>;
