//! The analyzer: tokenizer, stop words, English stemming.
//!
//! - Tokens are split on Unicode whitespace, control characters and
//!   RediSearch's separators ``,.<>{}[]"':;!@#$%^&*()-+=~|/\`?``.
//! - A backslash keeps the next character in the token (`foo\-bar` is the one
//!   token `foo-bar`); the backslash itself is dropped. A trailing backslash
//!   is a separator.
//! - Tokens are lower-cased (Unicode) and truncated to [`MAX_TOKEN_BYTES`]
//!   bytes, at a character boundary: a longer token is indexed by its first
//!   128 bytes, so a query for the same long word still matches.
//! - Stop words produce no term and do not advance the position (as in
//!   RediSearch), so `"bank of america"` matches `bank america` and a phrase
//!   whose stop words differ.
//! - Stems come from the `rust-stemmers` English (Porter 2) stemmer.

use std::collections::HashSet;

use rust_stemmers::{Algorithm, Stemmer};

/// Longest token kept, in bytes (RediSearch's MAX_NORMALIZE_SIZE).
pub const MAX_TOKEN_BYTES: usize = 128;

/// RediSearch's default English stop words.
pub const DEFAULT_STOPWORDS: &[&str] = &[
    "a", "is", "the", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into",
    "it", "no", "not", "of", "on", "or", "such", "that", "their", "then", "there", "these", "they",
    "this", "to", "was", "will", "with",
];

const SEPARATORS: &str = ",.<>{}[]\"':;!@#$%^&*()-+=~|/\\`?";

fn is_separator(c: char) -> bool {
    c.is_whitespace() || c.is_control() || (c.is_ascii_punctuation() && SEPARATORS.contains(c))
}

/// Builds one token: lower-cased, capped at [`MAX_TOKEN_BYTES`].
#[derive(Default)]
struct TokenBuf {
    s: String,
    full: bool,
}

impl TokenBuf {
    fn push(&mut self, c: char) {
        for l in c.to_lowercase() {
            if self.full || self.s.len() + l.len_utf8() > MAX_TOKEN_BYTES {
                self.full = true;
                return;
            }
            self.s.push(l);
        }
    }

    fn take(&mut self) -> Option<String> {
        self.full = false;
        (!self.s.is_empty()).then(|| std::mem::take(&mut self.s))
    }
}

/// Splits `text` into lower-cased tokens, stop words included.
pub fn tokenize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut buf = TokenBuf::default();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(next) => buf.push(next),
                None => out.extend(buf.take()),
            }
        } else if is_separator(c) {
            out.extend(buf.take());
        } else {
            buf.push(c);
        }
    }
    out.extend(buf.take());
    out
}

/// One text as a single term, without splitting: lower-cased, backslashes
/// removed, capped (for prefixes and fuzzy terms).
pub fn normalize(text: &str) -> String {
    let mut buf = TokenBuf::default();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            chars.next().into_iter().for_each(|n| buf.push(n));
        } else {
            buf.push(c);
        }
    }
    buf.take().unwrap_or_default()
}

/// Stop words and the stemmer of one index.
pub struct Analyzer {
    stopwords: HashSet<String>,
    stemmer: Stemmer,
}

impl Analyzer {
    /// `None`: the default list; `Some(&[])`: no stop words.
    pub fn new(stopwords: Option<&[String]>) -> Self {
        let stopwords = match stopwords {
            None => DEFAULT_STOPWORDS.iter().map(|w| w.to_string()).collect(),
            Some(list) => list.iter().map(|w| w.to_lowercase()).collect(),
        };
        Analyzer {
            stopwords,
            stemmer: Stemmer::create(Algorithm::English),
        }
    }

    pub fn is_stopword(&self, token: &str) -> bool {
        self.stopwords.contains(token)
    }

    /// The terms of `text` in order, stop words dropped (the i-th term is at
    /// position i + 1).
    pub fn terms(&self, text: &str) -> Vec<String> {
        let mut t = tokenize(text);
        t.retain(|w| !self.is_stopword(w));
        t
    }

    /// The English stem of a term.
    pub fn stem(&self, term: &str) -> String {
        self.stemmer.stem(term).into_owned()
    }

    pub fn num_stopwords(&self) -> usize {
        self.stopwords.len()
    }
}
