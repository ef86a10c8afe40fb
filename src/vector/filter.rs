//! The FILTER expression language of Redis Vector Sets, over each element's
//! JSON attributes: `.field` (top level), numbers, strings, booleans (1/0),
//! arrays, `+ - * / % **`, `== != < <= > >=`, `in` (array membership, or
//! substring between strings), `and`/`&&`, `or`/`||`, `not`/`!`, parentheses.
//!
//! An element whose attributes are missing or not a JSON object, or an
//! expression that touches a missing field or mixes types, does not match:
//! there is no error at search time. Redis-free.

use serde_json::Value as Json;

/// A parsed FILTER expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter(Expr);

#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Num(f64),
    Str(String),
    Array(Vec<Expr>),
    Field(String),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Bin(Op, Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
}

/// A value during evaluation.
#[derive(Debug, Clone, PartialEq)]
enum Val {
    Num(f64),
    Str(String),
    Arr(Vec<Val>),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Field(String),
    Word(String),
    Sym(&'static str),
}

impl Tok {
    /// How a syntax error names the token: as it was written.
    fn describe(&self) -> String {
        match self {
            Tok::Num(n) => format!("number {n}"),
            Tok::Str(s) => format!("string \"{s}\""),
            Tok::Field(f) => format!("field .{f}"),
            Tok::Word(w) => format!("'{w}'"),
            Tok::Sym(s) => format!("'{s}'"),
        }
    }
}

const SYMBOLS: [&str; 20] = [
    "**", "==", "!=", "<=", ">=", "&&", "||", "<", ">", "+", "-", "*", "/", "%", "!", "(", ")",
    "[", "]", ",",
];

fn syntax(msg: impl Into<String>) -> String {
    format!("syntax error in FILTER expression: {}", msg.into())
}

fn tokens(src: &str) -> Result<Vec<Tok>, String> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() || (c == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            let start = i;
            while i < b.len()
                && (b[i].is_ascii_alphanumeric()
                    || b[i] == b'.'
                    || ((b[i] == b'-' || b[i] == b'+') && matches!(b[i - 1], b'e' | b'E')))
            {
                i += 1;
            }
            let text = &src[start..i];
            let n = text
                .parse::<f64>()
                .map_err(|_| syntax(format!("bad number '{text}'")))?;
            out.push(Tok::Num(n));
        } else if c == b'.' || c.is_ascii_alphabetic() || c == b'_' {
            let start = if c == b'.' { i + 1 } else { i };
            i = start;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            let name = src[start..i].to_string();
            if c == b'.' {
                if name.is_empty() {
                    return Err(syntax("'.' must be followed by a field name"));
                }
                out.push(Tok::Field(name));
            } else {
                out.push(Tok::Word(name));
            }
        } else if c == b'"' || c == b'\'' {
            let mut s = String::new();
            i += 1;
            loop {
                let Some(&ch) = b.get(i) else {
                    return Err(syntax("unterminated string"));
                };
                if ch == c {
                    i += 1;
                    break;
                }
                if ch == b'\\' && i + 1 < b.len() {
                    i += 1;
                }
                let len = src[i..].chars().next().map_or(1, char::len_utf8);
                s.push_str(&src[i..i + len]);
                i += len;
            }
            out.push(Tok::Str(s));
        } else if let Some(sym) = SYMBOLS.iter().find(|s| src[i..].starts_with(**s)) {
            out.push(Tok::Sym(sym));
            i += sym.len();
        } else {
            return Err(syntax(format!("unexpected character at offset {i}")));
        }
    }
    Ok(out)
}

/// Longest FILTER expression accepted, in bytes.
pub const MAX_FILTER_LEN: usize = 16 * 1024;
/// Deepest expression tree accepted: parentheses, `!`/`-` prefixes, array
/// nesting and chains of binary operators all count. Parsing and evaluation
/// recurse at most this deep, so input cannot exhaust a thread's stack.
pub const MAX_FILTER_DEPTH: usize = 128;

fn too_deep() -> String {
    syntax(format!("nested deeper than {MAX_FILTER_DEPTH} levels"))
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

/// A parsed sub-expression and the height of its tree.
type Sub = (Expr, usize);

fn bin(op: Op, (a, da): Sub, (b, db): Sub) -> Result<Sub, String> {
    let d = 1 + da.max(db);
    if d > MAX_FILTER_DEPTH {
        return Err(too_deep());
    }
    Ok((Expr::Bin(op, Box::new(a), Box::new(b)), d))
}

fn unary_node(make: fn(Box<Expr>) -> Expr, (x, d): Sub) -> Result<Sub, String> {
    if d + 1 > MAX_FILTER_DEPTH {
        return Err(too_deep());
    }
    Ok((make(Box::new(x)), d + 1))
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn eat_sym(&mut self, s: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Sym(x)) if *x == s) {
            self.pos += 1;
            return true;
        }
        false
    }

    fn eat_word(&mut self, w: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Word(x)) if x.eq_ignore_ascii_case(w)) {
            self.pos += 1;
            return true;
        }
        false
    }

    /// Recursion guard: `nest` is how many levels the caller is inside.
    fn guard(nest: usize) -> Result<usize, String> {
        if nest >= MAX_FILTER_DEPTH {
            return Err(too_deep());
        }
        Ok(nest + 1)
    }

    fn or(&mut self, nest: usize) -> Result<Sub, String> {
        let nest = Self::guard(nest)?;
        let mut e = self.and(nest)?;
        while self.eat_sym("||") || self.eat_word("or") {
            let rhs = self.and(nest)?;
            e = bin(Op::Or, e, rhs)?;
        }
        Ok(e)
    }

    fn and(&mut self, nest: usize) -> Result<Sub, String> {
        let mut e = self.not(nest)?;
        while self.eat_sym("&&") || self.eat_word("and") {
            let rhs = self.not(nest)?;
            e = bin(Op::And, e, rhs)?;
        }
        Ok(e)
    }

    fn not(&mut self, nest: usize) -> Result<Sub, String> {
        if self.eat_sym("!") || self.eat_word("not") {
            let nest = Self::guard(nest)?;
            return unary_node(Expr::Not, self.not(nest)?);
        }
        self.comparison(nest)
    }

    fn comparison(&mut self, nest: usize) -> Result<Sub, String> {
        let mut e = self.additive(nest)?;
        loop {
            let op = if self.eat_sym("==") {
                Op::Eq
            } else if self.eat_sym("!=") {
                Op::Ne
            } else if self.eat_sym("<=") {
                Op::Le
            } else if self.eat_sym(">=") {
                Op::Ge
            } else if self.eat_sym("<") {
                Op::Lt
            } else if self.eat_sym(">") {
                Op::Gt
            } else if self.eat_word("in") {
                Op::In
            } else {
                return Ok(e);
            };
            let rhs = self.additive(nest)?;
            e = bin(op, e, rhs)?;
        }
    }

    fn additive(&mut self, nest: usize) -> Result<Sub, String> {
        let mut e = self.multiplicative(nest)?;
        loop {
            let op = if self.eat_sym("+") {
                Op::Add
            } else if self.eat_sym("-") {
                Op::Sub
            } else {
                return Ok(e);
            };
            let rhs = self.multiplicative(nest)?;
            e = bin(op, e, rhs)?;
        }
    }

    fn multiplicative(&mut self, nest: usize) -> Result<Sub, String> {
        let mut e = self.unary(nest)?;
        loop {
            let op = if self.eat_sym("*") {
                Op::Mul
            } else if self.eat_sym("/") {
                Op::Div
            } else if self.eat_sym("%") {
                Op::Mod
            } else {
                return Ok(e);
            };
            let rhs = self.unary(nest)?;
            e = bin(op, e, rhs)?;
        }
    }

    fn unary(&mut self, nest: usize) -> Result<Sub, String> {
        if self.eat_sym("-") {
            let nest = Self::guard(nest)?;
            return unary_node(Expr::Neg, self.unary(nest)?);
        }
        if self.eat_sym("!") || self.eat_word("not") {
            let nest = Self::guard(nest)?;
            return unary_node(Expr::Not, self.unary(nest)?);
        }
        let base = self.primary(nest)?;
        if self.eat_sym("**") {
            // Right-associative, binding tighter than unary minus on its left.
            let nest = Self::guard(nest)?;
            let exp = self.unary(nest)?;
            return bin(Op::Pow, base, exp);
        }
        Ok(base)
    }

    fn primary(&mut self, nest: usize) -> Result<Sub, String> {
        let tok = self
            .peek()
            .cloned()
            .ok_or_else(|| syntax("unexpected end"))?;
        self.pos += 1;
        match tok {
            Tok::Num(n) => Ok((Expr::Num(n), 1)),
            Tok::Str(s) => Ok((Expr::Str(s), 1)),
            Tok::Field(f) => Ok((Expr::Field(f), 1)),
            Tok::Word(w) if w.eq_ignore_ascii_case("true") => Ok((Expr::Num(1.0), 1)),
            Tok::Word(w) if w.eq_ignore_ascii_case("false") => Ok((Expr::Num(0.0), 1)),
            Tok::Sym("(") => {
                let e = self.or(nest)?;
                if !self.eat_sym(")") {
                    return Err(syntax("missing ')'"));
                }
                Ok(e)
            }
            Tok::Sym("[") => {
                let mut items = Vec::new();
                let mut depth = 1;
                if !self.eat_sym("]") {
                    loop {
                        let (item, d) = self.or(nest)?;
                        depth = depth.max(d + 1);
                        items.push(item);
                        if self.eat_sym("]") {
                            break;
                        }
                        if !self.eat_sym(",") {
                            return Err(syntax("expected ',' or ']'"));
                        }
                    }
                }
                if depth > MAX_FILTER_DEPTH {
                    return Err(too_deep());
                }
                Ok((Expr::Array(items), depth))
            }
            other => Err(syntax(format!("unexpected {}", other.describe()))),
        }
    }
}

impl Filter {
    /// Parses an expression; a syntax error is the reply text.
    pub fn parse(src: &str) -> Result<Filter, String> {
        if src.len() > MAX_FILTER_LEN {
            return Err(syntax(format!("longer than {MAX_FILTER_LEN} bytes")));
        }
        let mut p = Parser {
            toks: tokens(src)?,
            pos: 0,
        };
        if p.toks.is_empty() {
            return Err(syntax("empty expression"));
        }
        let (e, _) = p.or(0)?;
        if p.pos != p.toks.len() {
            return Err(syntax(format!("unexpected {}", p.toks[p.pos].describe())));
        }
        Ok(Filter(e))
    }

    /// Whether an element with these JSON attributes matches.
    pub fn matches(&self, attributes: Option<&Json>) -> bool {
        let Some(Json::Object(obj)) = attributes else {
            return false;
        };
        eval(&self.0, obj).is_some_and(|v| truthy(&v))
    }

    /// Parses the attributes text and tests it (`None`: no attributes).
    pub fn matches_text(&self, attributes: Option<&[u8]>) -> bool {
        let json = attributes.and_then(|t| serde_json::from_slice::<Json>(t).ok());
        self.matches(json.as_ref())
    }
}

fn truthy(v: &Val) -> bool {
    match v {
        Val::Num(n) => *n != 0.0 && !n.is_nan(),
        Val::Str(s) => !s.is_empty(),
        Val::Arr(a) => !a.is_empty(),
    }
}

fn from_json(j: &Json) -> Option<Val> {
    match j {
        Json::Number(n) => n.as_f64().map(Val::Num),
        Json::String(s) => Some(Val::Str(s.clone())),
        Json::Bool(b) => Some(Val::Num(if *b { 1.0 } else { 0.0 })),
        Json::Array(items) => items
            .iter()
            .map(|i| match i {
                Json::Number(_) | Json::String(_) | Json::Bool(_) => from_json(i),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()
            .map(Val::Arr),
        Json::Null | Json::Object(_) => None,
    }
}

fn bool_val(b: bool) -> Val {
    Val::Num(if b { 1.0 } else { 0.0 })
}

/// `None`: the expression is invalid for this element (it does not match).
fn eval(e: &Expr, obj: &serde_json::Map<String, Json>) -> Option<Val> {
    Some(match e {
        Expr::Num(n) => Val::Num(*n),
        Expr::Str(s) => Val::Str(s.clone()),
        Expr::Array(items) => Val::Arr(items.iter().map(|i| eval(i, obj)).collect::<Option<_>>()?),
        Expr::Field(f) => from_json(obj.get(f)?)?,
        Expr::Not(x) => bool_val(!truthy(&eval(x, obj)?)),
        Expr::Neg(x) => match eval(x, obj)? {
            Val::Num(n) => Val::Num(-n),
            _ => return None,
        },
        Expr::Bin(Op::And, a, b) => bool_val(truthy(&eval(a, obj)?) && truthy(&eval(b, obj)?)),
        Expr::Bin(Op::Or, a, b) => {
            // An invalid side of `or` is false, so the other side can match.
            let left = eval(a, obj).is_some_and(|v| truthy(&v));
            bool_val(left || eval(b, obj).is_some_and(|v| truthy(&v)))
        }
        Expr::Bin(op, a, b) => binary(*op, eval(a, obj)?, eval(b, obj)?)?,
    })
}

fn binary(op: Op, a: Val, b: Val) -> Option<Val> {
    use Val::{Arr, Num, Str};
    Some(match (op, a, b) {
        (Op::Eq, x, y) => bool_val(x == y),
        (Op::Ne, x, y) => bool_val(x != y),
        (Op::In, x, Arr(items)) => bool_val(items.contains(&x)),
        (Op::In, Str(x), Str(y)) => bool_val(y.contains(&x)),
        (Op::Lt, Num(x), Num(y)) => bool_val(x < y),
        (Op::Le, Num(x), Num(y)) => bool_val(x <= y),
        (Op::Gt, Num(x), Num(y)) => bool_val(x > y),
        (Op::Ge, Num(x), Num(y)) => bool_val(x >= y),
        (Op::Lt, Str(x), Str(y)) => bool_val(x < y),
        (Op::Le, Str(x), Str(y)) => bool_val(x <= y),
        (Op::Gt, Str(x), Str(y)) => bool_val(x > y),
        (Op::Ge, Str(x), Str(y)) => bool_val(x >= y),
        (Op::Add, Num(x), Num(y)) => Num(x + y),
        (Op::Sub, Num(x), Num(y)) => Num(x - y),
        (Op::Mul, Num(x), Num(y)) => Num(x * y),
        (Op::Div, Num(x), Num(y)) => Num(x / y),
        (Op::Mod, Num(x), Num(y)) => Num(x % y),
        (Op::Pow, Num(x), Num(y)) => Num(x.powf(y)),
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
