//! Byte-level scanning for the query parser.
//!
//! The query language is context sensitive (a tag list, a numeric range and
//! an attribute block each have their own rules), so this is not a token
//! stream: [`Lexer`] is a cursor with one scanning method per kind of lexeme,
//! and the parser picks the method that fits where it is. Every read goes
//! through `get`, so no input can index out of bounds.

use crate::error::Error;

/// RediSearch's punctuation: these bytes end a word unless escaped.
const PUNCT: &[u8] = b",.<>{}[]\"':;!@#$%^&*()-+=~|/\\`";

/// Punctuation that means nothing between atoms; RediSearch skips it.
const NOISE: &[u8] = b",.<>!#^&+/';:`";

/// Bytes that end a bare argument (a number, a keyword) besides whitespace.
const ARG_END: &[u8] = b"[](){}|,;";

/// Longest token text quoted in a syntax error.
const NEAR_MAX: usize = 64;

/// True for a byte that can be part of a word without an escape.
pub fn is_word_byte(b: u8) -> bool {
    !b.is_ascii_whitespace() && !b.is_ascii_control() && !PUNCT.contains(&b)
}

/// True for whitespace and control bytes (both separate atoms).
fn is_space(b: u8) -> bool {
    b.is_ascii_whitespace() || b.is_ascii_control()
}

/// A byte of a tag value or attribute value, with whether it was escaped.
pub type RawByte = (u8, bool);

/// A cursor over the query bytes.
pub struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
}

impl<'a> Lexer<'a> {
    pub fn new(src: &'a [u8]) -> Self {
        Lexer { src, pos: 0 }
    }

    /// The current byte offset.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// Moves back to an offset saved with [`Lexer::pos`].
    pub fn set_pos(&mut self, pos: usize) {
        self.pos = pos.min(self.src.len());
    }

    pub fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    pub fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.src.get(self.pos.saturating_add(ahead)).copied()
    }

    /// Moves past `n` bytes (not past the end).
    pub fn advance(&mut self, n: usize) {
        self.pos = self.pos.saturating_add(n).min(self.src.len());
    }

    /// Consumes `b` if it is next.
    pub fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.advance(1);
            true
        } else {
            false
        }
    }

    /// True if the rest starts with `lit` (ASCII case-insensitive).
    pub fn starts_with_ci(&self, lit: &[u8]) -> bool {
        self.src
            .get(self.pos..)
            .and_then(|rest| rest.get(..lit.len()))
            .is_some_and(|head| head.eq_ignore_ascii_case(lit))
    }

    pub fn skip_ws(&mut self) {
        while self.peek().is_some_and(is_space) {
            self.advance(1);
        }
    }

    /// Skips whitespace and the punctuation RediSearch ignores between
    /// atoms (`=` only when it does not start `=>`).
    pub fn skip_noise(&mut self) {
        while let Some(b) = self.peek() {
            let skip =
                is_space(b) || NOISE.contains(&b) || (b == b'=' && self.peek_at(1) != Some(b'>'));
            if !skip {
                break;
            }
            self.advance(1);
        }
    }

    /// Reads a word: word bytes, `\x` escapes (the byte `x` is kept), and a
    /// `.` between two digits (so `1.5` stays one word). `None` if no word
    /// starts here (the cursor does not move). A `\` at the very end of the
    /// input escapes nothing and is dropped.
    pub fn word(&mut self) -> Option<Vec<u8>> {
        let start = self.pos;
        let mut out = Vec::new();
        while let Some(b) = self.peek() {
            if b == b'\\' {
                self.advance(1);
                if let Some(x) = self.peek() {
                    out.push(x);
                    self.advance(1);
                }
            } else if is_word_byte(b)
                || (b == b'.'
                    && out.last().is_some_and(u8::is_ascii_digit)
                    && self.peek_at(1).is_some_and(|n| n.is_ascii_digit()))
            {
                out.push(b);
                self.advance(1);
            } else {
                break;
            }
        }
        if out.is_empty() {
            // Nothing, or only a trailing `\`: no word.
            self.pos = start;
            return None;
        }
        Some(out)
    }

    /// Reads a bare argument (a number, `inf`, a keyword): bytes up to
    /// whitespace or one of `[](){}|,;`. Empty if none.
    pub fn bare(&mut self) -> &'a [u8] {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|b| !is_space(b) && !ARG_END.contains(&b))
        {
            self.advance(1);
        }
        self.src.get(start..self.pos).unwrap_or_default()
    }

    /// Reads raw bytes up to an unescaped byte of `stops` (which is left
    /// unread). Escapes are resolved but remembered. `None` at end of input.
    pub fn until(&mut self, stops: &[u8]) -> Option<Vec<RawByte>> {
        let mut out = Vec::new();
        loop {
            let b = self.peek()?;
            if stops.contains(&b) {
                return Some(out);
            }
            self.advance(1);
            if b == b'\\' {
                let x = self.peek()?;
                self.advance(1);
                out.push((x, true));
            } else {
                out.push((b, false));
            }
        }
    }

    /// `Syntax error at offset N near TOKEN`, RediSearch's form. At the end
    /// of input the last token is named.
    pub fn syntax_error(&self, at: usize) -> Error {
        let (off, tok) = self.near(at);
        Error::err(format!("Syntax error at offset {off} near {tok}"))
    }

    fn near(&self, at: usize) -> (usize, String) {
        let src = self.src;
        let at = if at < src.len() {
            at
        } else {
            let mut end = src.len();
            while end > 0 && src.get(end - 1).copied().is_some_and(is_space) {
                end -= 1;
            }
            if end == 0 {
                return (0, String::new());
            }
            let mut start = end - 1;
            if src.get(start).copied().is_some_and(is_word_byte) {
                while start > 0 && src.get(start - 1).copied().is_some_and(is_word_byte) {
                    start -= 1;
                }
            }
            start
        };
        let first = src.get(at).copied().unwrap_or(b' ');
        let mut end = at.saturating_add(1);
        if is_word_byte(first) || first == b'\\' {
            end = at;
            while let Some(b) = src.get(end).copied() {
                if b == b'\\' {
                    end = end.saturating_add(2);
                } else if is_word_byte(b) {
                    end += 1;
                } else {
                    break;
                }
            }
        }
        let end = end.min(src.len()).min(at.saturating_add(NEAR_MAX));
        let tok = src.get(at..end).unwrap_or_default();
        (at, String::from_utf8_lossy(tok).into_owned())
    }
}

/// Drops unescaped whitespace from both ends of a raw value.
pub fn trim_raw(raw: &[RawByte]) -> &[RawByte] {
    let start = raw
        .iter()
        .position(|&(b, esc)| esc || !is_space(b))
        .unwrap_or(raw.len());
    let end = raw
        .iter()
        .rposition(|&(b, esc)| esc || !is_space(b))
        .map_or(start, |i| i + 1);
    raw.get(start..end).unwrap_or_default()
}

/// The bytes of a raw value, escapes resolved.
pub fn raw_bytes(raw: &[RawByte]) -> Vec<u8> {
    raw.iter().map(|&(b, _)| b).collect()
}

/// Parses a number the way a query writes one: `2020`, `-1.5`, `1e3`,
/// `inf`, `+inf`, `-inf`. NaN is refused.
pub fn parse_f64(bytes: &[u8]) -> Option<f64> {
    let s = std::str::from_utf8(bytes).ok()?.trim();
    let s = s.strip_prefix('+').unwrap_or(s);
    if s.is_empty() || s.starts_with('+') {
        return None;
    }
    // Rust also takes "infinity" and "nan"; only the inf spellings pass.
    let body = s.strip_prefix('-').unwrap_or(s);
    if body
        .bytes()
        .any(|b| b.is_ascii_alphabetic() && !b"eE".contains(&b))
        && !body.eq_ignore_ascii_case("inf")
    {
        return None;
    }
    s.parse::<f64>().ok().filter(|v| !v.is_nan())
}

/// Parses a non-negative integer (digits only, surrounding spaces allowed).
pub fn parse_u64(bytes: &[u8]) -> Option<u64> {
    let s = std::str::from_utf8(bytes).ok()?.trim();
    let s = s.strip_prefix('+').unwrap_or(s);
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<u64>().ok()
}
