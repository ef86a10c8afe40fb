//! The DIALECT 2 query parser.
//!
//! One loop over the input with an explicit stack of open groups (the top
//! level, `( … )` and `@f:( … )`): nothing recurses on input. Each group
//! keeps the OR branches it has closed, the AND list it is building and the
//! `-`/`~` prefixes waiting for their atom. `|` binds looser than
//! juxtaposition, so `a b | c` is `(a b) | c`.
//!
//! Limits: [`MAX_QUERY_LEN`] bytes, [`MAX_DEPTH`] open groups and prefixes
//! at once (so the tree is at most `2 * MAX_DEPTH + 4` levels deep),
//! [`MAX_TERMS`] leaves. The KNN clause and `=>{…}` attribute blocks are
//! in `parse/knn.rs`.

use std::rc::Rc;

use super::lex::{self, is_word_byte, Lexer};
use super::{Node, Params, Query, TagValue, TextTerm, MAX_DEPTH, MAX_QUERY_LEN, MAX_TERMS};
use crate::error::{Error, Result};

mod knn;

/// Longest parameter value quoted in an error.
const QUOTE_MAX: usize = 64;

/// Parses a DIALECT 2 query string. `$name` references are looked up in
/// `params` (names without the `$`). An empty (or blank) query gives
/// `Node::Or(vec![])`, which matches nothing.
pub fn parse(text: &[u8], params: &Params) -> Result<Query> {
    if text.len() > MAX_QUERY_LEN {
        return Err(Error::err(format!(
            "query is too long (at most {MAX_QUERY_LEN} bytes)"
        )));
    }
    let parser = Parser {
        lx: Lexer::new(text),
        params,
        stack: vec![Frame::new(Rc::from(Vec::new()))],
        depth: 0,
        terms: 0,
    };
    parser.run()
}

#[derive(Clone, Copy)]
enum Prefix {
    Not,
    Optional,
}

/// An open group.
struct Frame {
    /// The fields that text terms in this group search (none: all).
    fields: Rc<[String]>,
    ors: Vec<Node>,
    ands: Vec<Node>,
    prefixes: Vec<Prefix>,
}

impl Frame {
    fn new(fields: Rc<[String]>) -> Self {
        Frame {
            fields,
            ors: Vec::new(),
            ands: Vec::new(),
            prefixes: Vec::new(),
        }
    }

    fn is_empty(&self) -> bool {
        self.ors.is_empty() && self.ands.is_empty() && self.prefixes.is_empty()
    }

    /// The group as one node; `None` when it is empty or ends in `|`, `-`
    /// or `~`.
    fn finish(mut self) -> Option<Node> {
        if self.ands.is_empty() || !self.prefixes.is_empty() {
            return None;
        }
        let and = collapse(std::mem::take(&mut self.ands), Node::And);
        self.ors.push(and);
        Some(collapse(self.ors, Node::Or))
    }
}

/// `make(list)`, or the only element of a one-element list.
fn collapse(mut list: Vec<Node>, make: fn(Vec<Node>) -> Node) -> Node {
    if list.len() == 1 {
        if let Some(n) = list.pop() {
            return n;
        }
    }
    make(list)
}

/// An argument: literal text, or a `$param` and its value.
struct Arg {
    text: Vec<u8>,
    at: usize,
    param: Option<String>,
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn depth_error() -> Error {
    Error::err(format!(
        "query is nested too deeply (at most {MAX_DEPTH} levels)"
    ))
}

struct Parser<'a> {
    lx: Lexer<'a>,
    params: &'a Params,
    stack: Vec<Frame>,
    /// Open groups (below the top level) plus pending prefixes.
    depth: usize,
    /// Leaves so far.
    terms: usize,
}

impl<'a> Parser<'a> {
    fn run(mut self) -> Result<Query> {
        loop {
            self.lx.skip_noise();
            let at = self.lx.pos();
            let Some(b) = self.lx.peek() else {
                return self.finish_eof(at);
            };
            match b {
                b'(' => {
                    self.lx.advance(1);
                    let fields = self.top()?.fields.clone();
                    self.open(fields)?;
                }
                b')' => {
                    self.lx.advance(1);
                    self.close(at)?;
                }
                b'|' => {
                    self.lx.advance(1);
                    self.bar(at)?;
                }
                b'-' | b'~' => {
                    self.lx.advance(1);
                    if self.depth >= MAX_DEPTH {
                        return Err(depth_error());
                    }
                    let p = if b == b'-' {
                        Prefix::Not
                    } else {
                        Prefix::Optional
                    };
                    self.top()?.prefixes.push(p);
                    self.depth += 1;
                }
                // skip_noise leaves `=` only where `=>` starts.
                b'=' => return self.knn_tail(at),
                b'@' => self.field_atom(at)?,
                b'*' => {
                    self.lx.advance(1);
                    // `*foo` (suffix / contains) is not supported.
                    if self
                        .lx
                        .peek()
                        .is_some_and(|c| is_word_byte(c) || c == b'\\')
                    {
                        return Err(self.lx.syntax_error(at));
                    }
                    self.count(1)?;
                    self.push_atom(Node::All)?;
                }
                _ if self.lx.starts_with_ci(b"ismissing") => self.ismissing_or_text(at)?,
                _ => {
                    let fields = self.top()?.fields.clone();
                    let node = self.text_atom(&fields, at)?;
                    self.push_atom(node)?;
                }
            }
        }
    }

    fn top(&mut self) -> Result<&mut Frame> {
        self.stack
            .last_mut()
            .ok_or_else(|| Error::err("query parser: no open group"))
    }

    fn count(&mut self, n: usize) -> Result<()> {
        self.terms = self.terms.saturating_add(n);
        if self.terms > MAX_TERMS {
            return Err(Error::err(format!(
                "query has too many terms (at most {MAX_TERMS})"
            )));
        }
        Ok(())
    }

    fn open(&mut self, fields: Rc<[String]>) -> Result<()> {
        if self.depth >= MAX_DEPTH {
            return Err(depth_error());
        }
        self.stack.push(Frame::new(fields));
        self.depth += 1;
        Ok(())
    }

    fn close(&mut self, at: usize) -> Result<()> {
        if self.stack.len() <= 1 {
            return Err(self.lx.syntax_error(at));
        }
        let Some(frame) = self.stack.pop() else {
            return Err(self.lx.syntax_error(at));
        };
        self.depth = self.depth.saturating_sub(1);
        let node = frame.finish().ok_or_else(|| self.lx.syntax_error(at))?;
        self.push_atom(node)
    }

    fn bar(&mut self, at: usize) -> Result<()> {
        let frame = self.top()?;
        if frame.ands.is_empty() || !frame.prefixes.is_empty() {
            return Err(self.lx.syntax_error(at));
        }
        let and = collapse(std::mem::take(&mut frame.ands), Node::And);
        frame.ors.push(and);
        Ok(())
    }

    /// Adds a finished atom to the open group: first its `=>{…}` attributes,
    /// then the group's pending prefixes.
    fn push_atom(&mut self, mut node: Node) -> Result<()> {
        self.postfix_attrs(&mut node)?;
        let Some(frame) = self.stack.last_mut() else {
            return Err(Error::err("query parser: no open group"));
        };
        while let Some(p) = frame.prefixes.pop() {
            node = match p {
                Prefix::Not => Node::Not(Box::new(node)),
                Prefix::Optional => Node::Optional(Box::new(node)),
            };
            self.depth = self.depth.saturating_sub(1);
        }
        frame.ands.push(node);
        Ok(())
    }

    fn finish_eof(&mut self, at: usize) -> Result<Query> {
        if self.stack.len() != 1 {
            return Err(self.lx.syntax_error(at));
        }
        let Some(frame) = self.stack.pop() else {
            return Err(self.lx.syntax_error(at));
        };
        if frame.is_empty() {
            return Ok(Query {
                filter: Node::Or(Vec::new()),
                knn: None,
            });
        }
        let filter = frame.finish().ok_or_else(|| self.lx.syntax_error(at))?;
        Ok(Query { filter, knn: None })
    }

    /// A name after `@` or `$`.
    fn name(&mut self) -> Result<String> {
        let at = self.lx.pos();
        match self.lx.word() {
            Some(w) => Ok(lossy(&w)),
            None => Err(self.lx.syntax_error(at)),
        }
    }

    fn param(&self, name: &str) -> Result<&'a [u8]> {
        let params: &'a Params = self.params;
        params
            .get(name)
            .map(Vec::as_slice)
            .ok_or_else(|| Error::err(format!("No such parameter `{name}`")))
    }

    /// `$name` (its value) or a bare literal.
    fn arg(&mut self) -> Result<Arg> {
        self.lx.skip_ws();
        let at = self.lx.pos();
        if self.lx.eat(b'$') {
            let name = self.name()?;
            let text = self.param(&name)?.to_vec();
            return Ok(Arg {
                text,
                at,
                param: Some(name),
            });
        }
        let text = self.lx.bare().to_vec();
        if text.is_empty() {
            return Err(self.lx.syntax_error(at));
        }
        Ok(Arg {
            text,
            at,
            param: None,
        })
    }

    /// A literal that does not parse is a syntax error; a parameter gets a
    /// message naming it.
    fn bad_value(&self, a: &Arg) -> Error {
        match &a.param {
            Some(p) => {
                let shown = a.text.get(..QUOTE_MAX).unwrap_or(&a.text);
                Error::err(format!(
                    "Invalid numeric value ({}) for parameter `{p}`",
                    lossy(shown)
                ))
            }
            None => self.lx.syntax_error(a.at),
        }
    }

    fn number(&self, a: &Arg) -> Result<f64> {
        lex::parse_f64(&a.text).ok_or_else(|| self.bad_value(a))
    }

    fn positive_number(&self, a: &Arg, what: &str) -> Result<f64> {
        let v = self.number(a)?;
        if !(v.is_finite() && v > 0.0) {
            return Err(Error::err(format!("{what} must be a positive number")));
        }
        Ok(v)
    }

    fn uint(&self, a: &Arg) -> Result<usize> {
        lex::parse_u64(&a.text)
            .and_then(|v| usize::try_from(v).ok())
            .ok_or_else(|| self.bad_value(a))
    }

    fn positive_int(&self, a: &Arg, what: &str) -> Result<usize> {
        match self.uint(a)? {
            0 => Err(Error::err(format!("{what} must be a positive integer"))),
            v => Ok(v),
        }
    }

    /// `$name` as a vector blob.
    fn blob(&mut self) -> Result<Vec<u8>> {
        self.lx.skip_ws();
        let at = self.lx.pos();
        if !self.lx.eat(b'$') {
            return Err(self.lx.syntax_error(at));
        }
        let name = self.name()?;
        Ok(self.param(&name)?.to_vec())
    }

    /// `ismissing(@f)`, or the word `ismissing…` when no `(` follows.
    fn ismissing_or_text(&mut self, at: usize) -> Result<()> {
        self.lx.advance(b"ismissing".len());
        self.lx.skip_ws();
        if self.lx.eat(b'(') {
            self.lx.skip_ws();
            if !self.lx.eat(b'@') {
                return Err(self.lx.syntax_error(self.lx.pos()));
            }
            let field = self.name()?;
            self.lx.skip_ws();
            if !self.lx.eat(b')') {
                return Err(self.lx.syntax_error(self.lx.pos()));
            }
            self.count(1)?;
            return self.push_atom(Node::IsMissing { field });
        }
        self.lx.set_pos(at);
        let fields = self.top()?.fields.clone();
        let node = self.text_atom(&fields, at)?;
        self.push_atom(node)
    }

    /// `@f:…` / `@f|g:…`.
    fn field_atom(&mut self, at: usize) -> Result<()> {
        self.lx.advance(1);
        let mut names = vec![self.name()?];
        while self.lx.eat(b'|') {
            names.push(self.name()?);
        }
        if !self.lx.eat(b':') {
            return Err(self.lx.syntax_error(self.lx.pos()));
        }
        self.lx.skip_ws();
        let here = self.lx.pos();
        match self.lx.peek() {
            Some(b'{') | Some(b'[') => {
                let (1, Some(field)) = (names.len(), names.pop()) else {
                    return Err(self.lx.syntax_error(at));
                };
                let node = if self.lx.peek() == Some(b'{') {
                    self.tags(field)?
                } else {
                    self.range(field)?
                };
                self.push_atom(node)
            }
            Some(b'(') => {
                self.lx.advance(1);
                self.open(Rc::from(names))
            }
            _ => {
                let node = self.text_atom(&names, here)?;
                self.push_atom(node)
            }
        }
    }

    /// A text term: `word`, `pre*`, `"phrase"`, `%fuzzy%`, `$param`.
    fn text_atom(&mut self, fields: &[String], at: usize) -> Result<Node> {
        let term = match self.lx.peek() {
            Some(b'"') => {
                self.lx.advance(1);
                let raw = self
                    .lx
                    .until(b"\"")
                    .ok_or_else(|| self.lx.syntax_error(usize::MAX))?;
                self.lx.advance(1);
                let text = lex::raw_bytes(lex::trim_raw(&raw));
                if text.is_empty() {
                    return Err(self.lx.syntax_error(at));
                }
                TextTerm::Phrase(lossy(&text))
            }
            Some(b'%') => {
                let mut n = 0u8;
                while n <= 3 && self.lx.eat(b'%') {
                    n += 1;
                }
                if n > 3 {
                    return Err(self.lx.syntax_error(at));
                }
                let w = self.name()?;
                for _ in 0..n {
                    if !self.lx.eat(b'%') {
                        return Err(self.lx.syntax_error(self.lx.pos()));
                    }
                }
                if self.lx.peek() == Some(b'%') {
                    return Err(self.lx.syntax_error(self.lx.pos()));
                }
                TextTerm::Fuzzy(w, n)
            }
            Some(b'$') => {
                self.lx.advance(1);
                let name = self.name()?;
                TextTerm::Word(lossy(self.param(&name)?))
            }
            _ => {
                let Some(w) = self.lx.word() else {
                    return Err(self.lx.syntax_error(at));
                };
                if self.lx.eat(b'*') {
                    TextTerm::Prefix(lossy(&w))
                } else {
                    TextTerm::Word(lossy(&w))
                }
            }
        };
        self.count(fields.len().max(1))?;
        Ok(match fields {
            [] => Node::Text { field: None, term },
            [f] => Node::Text {
                field: Some(f.clone()),
                term,
            },
            many => Node::Or(
                many.iter()
                    .map(|f| Node::Text {
                        field: Some(f.clone()),
                        term: term.clone(),
                    })
                    .collect(),
            ),
        })
    }

    /// `{a | b* | $p}` (at the `{`).
    fn tags(&mut self, field: String) -> Result<Node> {
        self.lx.advance(1);
        let mut values = Vec::new();
        loop {
            let start = self.lx.pos();
            let raw = self
                .lx
                .until(b"|}")
                .ok_or_else(|| self.lx.syntax_error(usize::MAX))?;
            let mut v = lex::trim_raw(&raw);
            let mut prefix = false;
            if let Some((&(b'*', false), rest)) = v.split_last() {
                prefix = true;
                v = lex::trim_raw(rest);
            }
            let text = match v.split_first() {
                None => return Err(self.lx.syntax_error(start)),
                Some((&(b'$', false), name)) => lossy(self.param(&lossy(&lex::raw_bytes(name)))?),
                Some(_) => lossy(&lex::raw_bytes(v)),
            };
            self.count(1)?;
            values.push(TagValue { text, prefix });
            if self.lx.eat(b'}') {
                return Ok(Node::Tag { field, values });
            }
            self.lx.advance(1);
        }
    }

    /// `[lo hi]` or `[VECTOR_RANGE r $B]` (at the `[`).
    fn range(&mut self, field: String) -> Result<Node> {
        self.lx.advance(1);
        self.lx.skip_ws();
        const VR: &[u8] = b"VECTOR_RANGE";
        if self.lx.starts_with_ci(VR)
            && self
                .lx
                .peek_at(VR.len())
                .is_some_and(|b| b.is_ascii_whitespace())
        {
            self.lx.advance(VR.len());
            let r = self.arg()?;
            let radius = self.number(&r)?;
            if radius < 0.0 {
                return Err(Error::err(format!(
                    "Error parsing vector similarity query: negative radius ({radius}) given in a range query"
                )));
            }
            let blob = self.blob()?;
            self.close_bracket()?;
            self.count(1)?;
            return Ok(Node::VectorRange {
                field,
                radius,
                blob,
                epsilon: None,
                yield_as: None,
            });
        }
        let lo_incl = !self.lx.eat(b'(');
        let a = self.arg()?;
        let lo = self.number(&a)?;
        self.lx.skip_ws();
        self.lx.eat(b',');
        self.lx.skip_ws();
        let (hi, hi_incl) = if lo_incl && self.lx.peek() == Some(b']') {
            // `[5]`: exactly 5.
            (lo, true)
        } else {
            self.lx.skip_ws();
            let incl = !self.lx.eat(b'(');
            let a = self.arg()?;
            (self.number(&a)?, incl)
        };
        self.close_bracket()?;
        self.count(1)?;
        Ok(Node::Numeric {
            field,
            lo,
            lo_incl,
            hi,
            hi_incl,
        })
    }

    fn close_bracket(&mut self) -> Result<()> {
        self.lx.skip_ws();
        if self.lx.eat(b']') {
            Ok(())
        } else {
            Err(self.lx.syntax_error(self.lx.pos()))
        }
    }
}
