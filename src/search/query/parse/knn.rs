//! The vector parts of the grammar: the `=>[KNN …]` clause that ends a
//! query, and the `=>{$name: value; …}` attribute blocks.

use super::{lossy, Arg, Parser};
use crate::error::{Error, Result};
use crate::search::query::lex;
use crate::search::query::{Knn, Node, Query, MAX_KNN_K};

/// `$NAME: value` in a `=>{…}` block.
struct Attr {
    /// Upper case.
    name: String,
    /// As written.
    written: String,
    value: Arg,
}

fn set_once<T>(slot: &mut Option<T>, v: T, what: &str) -> Result<()> {
    if slot.is_some() {
        return Err(Error::err(format!(
            "{what} was specified twice for vector query"
        )));
    }
    *slot = Some(v);
    Ok(())
}

fn set_yield(slot: &mut Option<String>, v: String) -> Result<()> {
    if let Some(old) = slot {
        return Err(Error::err(format!(
            "Distance field was specified twice for vector query: {old} and {v}"
        )));
    }
    *slot = Some(v);
    Ok(())
}

impl Parser<'_> {
    fn hybrid_policy(&self, a: &Arg) -> Result<String> {
        let p = lossy(&a.text).trim().to_ascii_uppercase();
        match p.as_str() {
            "BATCHES" | "ADHOC_BF" => Ok(p),
            _ => Err(Error::err(
                "invalid hybrid policy was given (expected BATCHES or ADHOC_BF)",
            )),
        }
    }

    /// Applies a `=>{…}` block that follows an atom, if there is one (the
    /// cursor stays put when there is not: `=>[` is the KNN clause).
    pub(super) fn postfix_attrs(&mut self, node: &mut Node) -> Result<()> {
        let save = self.lx.pos();
        self.lx.skip_ws();
        if self.lx.peek() == Some(b'=') && self.lx.peek_at(1) == Some(b'>') {
            self.lx.advance(2);
            self.lx.skip_ws();
            if self.lx.peek() == Some(b'{') {
                let attrs = self.attrs()?;
                return self.apply_node_attrs(node, attrs);
            }
        }
        self.lx.set_pos(save);
        Ok(())
    }

    /// `{$name: value; …}` (at the `{`).
    fn attrs(&mut self) -> Result<Vec<Attr>> {
        self.lx.advance(1);
        let mut out = Vec::new();
        loop {
            self.lx.skip_ws();
            let at = self.lx.pos();
            if self.lx.eat(b'}') {
                return Ok(out);
            }
            if !self.lx.eat(b'$') {
                return Err(self.lx.syntax_error(at));
            }
            let written = self.name()?;
            self.lx.skip_ws();
            if !self.lx.eat(b':') {
                return Err(self.lx.syntax_error(self.lx.pos()));
            }
            self.lx.skip_ws();
            let vat = self.lx.pos();
            let value = if self.lx.peek() == Some(b'$') {
                self.arg()?
            } else {
                let raw = self
                    .lx
                    .until(b";}")
                    .ok_or_else(|| self.lx.syntax_error(usize::MAX))?;
                let text = lex::raw_bytes(lex::trim_raw(&raw));
                if text.is_empty() {
                    return Err(self.lx.syntax_error(vat));
                }
                Arg {
                    text,
                    at: vat,
                    param: None,
                }
            };
            self.lx.skip_ws();
            if !self.lx.eat(b';') && self.lx.peek() != Some(b'}') {
                return Err(self.lx.syntax_error(self.lx.pos()));
            }
            out.push(Attr {
                name: written.to_ascii_uppercase(),
                written,
                value,
            });
        }
    }

    fn name_value(&self, a: &Arg) -> Result<String> {
        let v = lossy(&a.text);
        if v.is_empty() {
            return Err(self.bad_value(a));
        }
        Ok(v)
    }

    fn apply_node_attrs(&self, node: &mut Node, attrs: Vec<Attr>) -> Result<()> {
        for a in attrs {
            match (a.name.as_str(), &mut *node) {
                ("YIELD_DISTANCE_AS", Node::VectorRange { yield_as, .. }) => {
                    set_yield(yield_as, self.name_value(&a.value)?)?;
                }
                ("EPSILON", Node::VectorRange { epsilon, .. }) => {
                    let e = self.positive_number(&a.value, "EPSILON")?;
                    set_once(epsilon, e, "EPSILON")?;
                }
                // Scoring hints: checked, then ignored.
                ("WEIGHT", _) => {
                    self.number(&a.value)?;
                }
                ("SLOP", _) | ("INORDER", _) | ("PHONETIC", _) => {}
                _ => return Err(Error::err(format!("Invalid attribute {}", a.written))),
            }
        }
        Ok(())
    }

    fn apply_knn_attrs(&self, knn: &mut Knn, attrs: Vec<Attr>) -> Result<()> {
        for a in attrs {
            let v = &a.value;
            match a.name.as_str() {
                "YIELD_DISTANCE_AS" => set_yield(&mut knn.yield_as, self.name_value(v)?)?,
                "EF_RUNTIME" => set_once(
                    &mut knn.ef_runtime,
                    self.positive_int(v, "EF_RUNTIME")?,
                    "EF_RUNTIME",
                )?,
                "EPSILON" => set_once(
                    &mut knn.epsilon,
                    self.positive_number(v, "EPSILON")?,
                    "EPSILON",
                )?,
                "HYBRID_POLICY" => set_once(
                    &mut knn.hybrid_policy,
                    self.hybrid_policy(v)?,
                    "HYBRID_POLICY",
                )?,
                "BATCH_SIZE" => set_once(
                    &mut knn.batch_size,
                    self.positive_int(v, "BATCH_SIZE")?,
                    "BATCH_SIZE",
                )?,
                // Only meaningful on a cluster: checked, then ignored.
                "SHARD_K_RATIO" => {
                    let r = self.positive_number(v, "SHARD_K_RATIO")?;
                    if r > 1.0 {
                        return Err(Error::err("SHARD_K_RATIO must be in (0, 1]"));
                    }
                }
                _ => return Err(Error::err(format!("Invalid attribute {}", a.written))),
            }
        }
        Ok(())
    }

    /// `=>[KNN …]` after the whole filter, then optionally `=>{…}`, then
    /// the end of the query (at the `=`).
    pub(super) fn knn_tail(&mut self, at: usize) -> Result<Query> {
        self.lx.advance(2);
        self.lx.skip_ws();
        if self.stack.len() != 1 || !self.lx.eat(b'[') {
            return Err(self.lx.syntax_error(at));
        }
        let Some(frame) = self.stack.pop() else {
            return Err(self.lx.syntax_error(at));
        };
        let filter = frame.finish().ok_or_else(|| self.lx.syntax_error(at))?;
        let mut knn = self.knn_clause()?;
        self.lx.skip_ws();
        if self.lx.peek() == Some(b'=') && self.lx.peek_at(1) == Some(b'>') {
            self.lx.advance(2);
            self.lx.skip_ws();
            if self.lx.peek() != Some(b'{') {
                return Err(self.lx.syntax_error(self.lx.pos()));
            }
            let attrs = self.attrs()?;
            self.apply_knn_attrs(&mut knn, attrs)?;
            self.lx.skip_ws();
        }
        if self.lx.peek().is_some() {
            return Err(self.lx.syntax_error(self.lx.pos()));
        }
        Ok(Query {
            filter,
            knn: Some(knn),
        })
    }

    /// `KNN k @v $B [options]]` (after the `[`).
    fn knn_clause(&mut self) -> Result<Knn> {
        self.lx.skip_ws();
        let at = self.lx.pos();
        if !self
            .lx
            .word()
            .is_some_and(|w| w.eq_ignore_ascii_case(b"KNN"))
        {
            return Err(self.lx.syntax_error(at));
        }
        let a = self.arg()?;
        let k = self.uint(&a)?;
        if k > MAX_KNN_K {
            return Err(Error::err(format!(
                "KNN K is too large (at most {MAX_KNN_K})"
            )));
        }
        self.lx.skip_ws();
        if !self.lx.eat(b'@') {
            return Err(self.lx.syntax_error(self.lx.pos()));
        }
        let field = self.name()?;
        let blob = self.blob()?;
        let mut knn = Knn {
            k,
            field,
            blob,
            ef_runtime: None,
            epsilon: None,
            yield_as: None,
            hybrid_policy: None,
            batch_size: None,
        };
        loop {
            self.lx.skip_ws();
            if self.lx.eat(b']') {
                return Ok(knn);
            }
            let at = self.lx.pos();
            let Some(kw) = self.lx.word() else {
                return Err(self.lx.syntax_error(at));
            };
            match lossy(&kw).to_ascii_uppercase().as_str() {
                "EF_RUNTIME" => {
                    let a = self.arg()?;
                    let n = self.positive_int(&a, "EF_RUNTIME")?;
                    set_once(&mut knn.ef_runtime, n, "EF_RUNTIME")?;
                }
                "EPSILON" => {
                    let a = self.arg()?;
                    let e = self.positive_number(&a, "EPSILON")?;
                    set_once(&mut knn.epsilon, e, "EPSILON")?;
                }
                "HYBRID_POLICY" => {
                    let a = self.arg()?;
                    let p = self.hybrid_policy(&a)?;
                    set_once(&mut knn.hybrid_policy, p, "HYBRID_POLICY")?;
                }
                "BATCH_SIZE" => {
                    let a = self.arg()?;
                    let n = self.positive_int(&a, "BATCH_SIZE")?;
                    set_once(&mut knn.batch_size, n, "BATCH_SIZE")?;
                }
                "AS" => {
                    self.lx.skip_ws();
                    let a = if self.lx.peek() == Some(b'$') {
                        self.arg()?
                    } else {
                        let vat = self.lx.pos();
                        Arg {
                            text: self.name()?.into_bytes(),
                            at: vat,
                            param: None,
                        }
                    };
                    set_yield(&mut knn.yield_as, self.name_value(&a)?)?;
                }
                _ => return Err(self.lx.syntax_error(at)),
            }
        }
    }
}
