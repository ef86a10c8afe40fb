//! `FT.CREATE` and `FT.ALTER` arguments → [`IndexDef`].
//!
//! Keywords are case-insensitive. A field's options are read for as long as
//! the next argument is one of its type's options; anything else starts the
//! next field (RediSearch's rule, so a field named like an option must not
//! follow a field that takes that option).

use super::vector::parse_vector;
use super::{FieldDef, FieldKind, IndexDef, MAX_FIELDS, MAX_PREFIXES, MAX_STOPWORDS};
use super::{MAX_TEMPORARY_SECS, MAX_WEIGHT};
use crate::args::Arg;
use crate::error::{Error, Result};

/// FT.CREATE options that are accepted and then ignored (with their value,
/// where they take one):
///
/// - `LANGUAGE_FIELD f`, `SCORE_FIELD f`, `PAYLOAD_FIELD f`: per-document
///   language, score and payload are not read;
/// - `MAXTEXTFIELDS`: there is no limit on TEXT fields to lift;
/// - `TEMPORARY secs`: the index does not expire (the value is checked);
/// - `NOOFFSETS`, `NOHL`, `NOFIELDS`, `NOFREQS`: positions, field masks and
///   frequencies are always kept (phrases and BM25 need them);
/// - `PHONETIC m` on a TEXT field: no phonetic matching.
///
/// `FILTER`, `LANGUAGE` and `SCORE` are kept and reported by FT.INFO, but the
/// filter is not evaluated and only English is stemmed.
pub const IGNORED_CREATE_OPTIONS: &[&str] = &[
    "LANGUAGE_FIELD",
    "SCORE_FIELD",
    "PAYLOAD_FIELD",
    "MAXTEXTFIELDS",
    "TEMPORARY",
    "NOOFFSETS",
    "NOHL",
    "NOFIELDS",
    "NOFREQS",
    "PHONETIC",
];

/// Reads arguments front to back.
pub(super) struct Cursor<'a, T> {
    args: &'a [T],
    pos: usize,
}

impl<'a, T: Arg> Cursor<'a, T> {
    pub(super) fn new(args: &'a [T]) -> Self {
        Cursor { args, pos: 0 }
    }

    pub(super) fn peek(&self) -> Option<&'a [u8]> {
        self.args.get(self.pos).map(|a| a.bytes())
    }

    pub(super) fn next(&mut self) -> Option<&'a [u8]> {
        let a = self.peek()?;
        self.pos += 1;
        Some(a)
    }

    /// Consumes the next argument if it is `keyword`.
    pub(super) fn eat(&mut self, keyword: &str) -> bool {
        let hit = self
            .peek()
            .is_some_and(|a| a.eq_ignore_ascii_case(keyword.as_bytes()));
        if hit {
            self.pos += 1;
        }
        hit
    }

    /// The value after an option, or `<option> requires an argument`.
    pub(super) fn value(&mut self, option: &str) -> Result<&'a [u8]> {
        self.next()
            .ok_or_else(|| Error::err(format!("{option} requires an argument")))
    }

    pub(super) fn remaining(&self) -> usize {
        self.args.len().saturating_sub(self.pos)
    }

    pub(super) fn done(&self) -> bool {
        self.remaining() == 0
    }
}

/// The argument as text, for messages.
pub(super) fn show(a: &[u8]) -> String {
    String::from_utf8_lossy(a).into_owned()
}

/// A non-negative integer no larger than `max`.
pub(super) fn parse_uint(a: &[u8], what: &str, max: u64) -> Result<u64> {
    let bad = || {
        Error::err(format!(
            "{what} must be an integer from 0 to {max}, got `{}`",
            show(a)
        ))
    };
    let n: u64 = std::str::from_utf8(a)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(bad)?;
    if n > max {
        return Err(bad());
    }
    Ok(n)
}

/// An integer in `min..=max`, as usize.
pub(super) fn parse_range(a: &[u8], what: &str, min: usize, max: usize) -> Result<usize> {
    let bad = || {
        Error::err(format!(
            "{what} must be an integer from {min} to {max}, got `{}`",
            show(a)
        ))
    };
    let n: usize = std::str::from_utf8(a)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(bad)?;
    if n < min || n > max {
        return Err(bad());
    }
    Ok(n)
}

/// A finite number in `min..=max`.
pub(super) fn parse_float(a: &[u8], what: &str, min: f64, max: f64) -> Result<f64> {
    let bad = || {
        Error::err(format!(
            "{what} must be a number from {min} to {max}, got `{}`",
            show(a)
        ))
    };
    let x: f64 = std::str::from_utf8(a)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(bad)?;
    if !x.is_finite() || x < min || x > max {
        return Err(bad());
    }
    Ok(x)
}

fn utf8(a: &[u8], what: &str) -> Result<String> {
    String::from_utf8(a.to_vec()).map_err(|_| Error::err(format!("{what} must be valid UTF-8")))
}

/// `FT.CREATE` arguments after the command name: `args[0]` is the index
/// name, the rest its options and SCHEMA.
pub fn parse_create<T: Arg>(args: &[T]) -> Result<IndexDef> {
    let Some((name, rest)) = args.split_first() else {
        return Err(Error::Arity("FT.CREATE"));
    };
    let mut def = IndexDef {
        name: utf8(name.bytes(), "the index name")?,
        prefixes: Vec::new(),
        filter: None,
        language: "english".to_string(),
        score: 1.0,
        stopwords: None,
        skip_initial_scan: false,
        fields: Vec::new(),
        source: rest.iter().map(|a| a.bytes().to_vec()).collect(),
    };
    let mut c = Cursor::new(rest);
    loop {
        let Some(opt) = c.next() else {
            return Err(Error::err("No schema found"));
        };
        let is = |k: &str| opt.eq_ignore_ascii_case(k.as_bytes());
        if is("SCHEMA") {
            break;
        } else if is("ON") {
            let t = c.value("ON")?;
            if t.eq_ignore_ascii_case(b"JSON") {
                return Err(Error::err(
                    "ON JSON is not supported: FT indexes here cover hashes only (no JSON module)",
                ));
            }
            if !t.eq_ignore_ascii_case(b"HASH") {
                return Err(Error::err(format!(
                    "Invalid index type `{}`: expected HASH",
                    show(t)
                )));
            }
        } else if is("PREFIX") {
            let room = MAX_PREFIXES - def.prefixes.len();
            let n = parse_uint(c.value("PREFIX")?, "PREFIX count", room as u64)? as usize;
            if n > c.remaining() {
                return Err(Error::err(format!(
                    "PREFIX count is {n} but fewer prefixes follow"
                )));
            }
            for _ in 0..n {
                def.prefixes.extend(c.next().map(<[u8]>::to_vec));
            }
        } else if is("FILTER") {
            def.filter = Some(show(c.value("FILTER")?));
        } else if is("LANGUAGE") {
            def.language = utf8(c.value("LANGUAGE")?, "LANGUAGE")?.to_lowercase();
        } else if is("SCORE") {
            def.score = parse_float(c.value("SCORE")?, "SCORE", 0.0, 1.0)?;
        } else if is("TEMPORARY") {
            parse_uint(c.value("TEMPORARY")?, "TEMPORARY", MAX_TEMPORARY_SECS)?;
        } else if is("LANGUAGE_FIELD") || is("SCORE_FIELD") || is("PAYLOAD_FIELD") {
            c.value(&show(opt).to_uppercase())?;
        } else if is("MAXTEXTFIELDS")
            || is("NOOFFSETS")
            || is("NOHL")
            || is("NOFIELDS")
            || is("NOFREQS")
        {
        } else if is("SKIPINITIALSCAN") {
            def.skip_initial_scan = true;
        } else if is("STOPWORDS") {
            let n = parse_uint(
                c.value("STOPWORDS")?,
                "STOPWORDS count",
                MAX_STOPWORDS as u64,
            )? as usize;
            if n > c.remaining() {
                return Err(Error::err(format!(
                    "STOPWORDS count is {n} but fewer words follow"
                )));
            }
            let mut words = Vec::with_capacity(n);
            for _ in 0..n {
                if let Some(w) = c.next() {
                    words.push(show(w).to_lowercase());
                }
            }
            def.stopwords = Some(words);
        } else {
            return Err(Error::err(format!(
                "Unknown argument `{}` in FT.CREATE",
                show(opt)
            )));
        }
    }
    if c.done() {
        return Err(Error::err("Fields arguments are missing"));
    }
    parse_fields(&mut c, &mut def.fields)?;
    Ok(def)
}

/// `FT.ALTER` arguments after the index name: `[SKIPINITIALSCAN] SCHEMA ADD
/// field…`. Returns the new definition, `source` extended with the new
/// field arguments.
pub fn parse_alter<T: Arg>(def: &IndexDef, args: &[T]) -> Result<IndexDef> {
    let mut c = Cursor::new(args);
    c.eat("SKIPINITIALSCAN");
    if !c.eat("SCHEMA") || !c.eat("ADD") {
        return Err(Error::err(
            "FT.ALTER expects [SKIPINITIALSCAN] SCHEMA ADD field type …",
        ));
    }
    if c.done() {
        return Err(Error::err("Fields arguments are missing"));
    }
    let start = args.len() - c.remaining();
    let mut new = def.clone();
    parse_fields(&mut c, &mut new.fields)?;
    new.source
        .extend(args[start..].iter().map(|a| a.bytes().to_vec()));
    // The stored form must rebuild the same definition: a new field named
    // like an option of the last old field would be read as that option.
    let mut again = vec![new.name.as_bytes().to_vec()];
    again.extend(new.source.iter().cloned());
    if parse_create(&again).ok().as_ref() != Some(&new) {
        return Err(Error::err(
            "FT.ALTER: the new field's name reads as an option of the previous field; rename it",
        ));
    }
    Ok(new)
}

/// Fields until the arguments end, appended to `fields` (duplicates and the
/// MAX_FIELDS cap checked against what is already there).
fn parse_fields<T: Arg>(c: &mut Cursor<'_, T>, fields: &mut Vec<FieldDef>) -> Result<()> {
    while !c.done() {
        if fields.len() >= MAX_FIELDS {
            return Err(Error::err(format!(
                "Schema is limited to {MAX_FIELDS} fields"
            )));
        }
        let f = parse_field(c)?;
        if fields.iter().any(|g| g.name == f.name) {
            return Err(Error::err(format!(
                "Duplicate field in schema - {}",
                f.name
            )));
        }
        fields.push(f);
    }
    Ok(())
}

/// One `identifier [AS alias] TYPE options…`.
fn parse_field<T: Arg>(c: &mut Cursor<'_, T>) -> Result<FieldDef> {
    let identifier = c.next().unwrap_or_default().to_vec();
    if identifier.is_empty() {
        return Err(Error::err("Field names must not be empty"));
    }
    let name = if c.eat("AS") {
        let alias = c.value("AS")?;
        if alias.is_empty() {
            return Err(Error::err("Field names must not be empty"));
        }
        utf8(alias, "a field alias")?
    } else {
        utf8(
            &identifier,
            "a field name (use AS to give it a UTF-8 alias)",
        )?
    };
    let Some(ty) = c.next() else {
        return Err(Error::err(format!("Field `{name}` has no type")));
    };
    let mut f = FieldDef {
        identifier,
        name,
        kind: FieldKind::Numeric,
        sortable: false,
        unf: false,
        noindex: false,
        index_missing: false,
        index_empty: false,
        with_suffix_trie: false,
    };
    let is = |k: &str| ty.eq_ignore_ascii_case(k.as_bytes());
    if is("TEXT") {
        let (mut weight, mut nostem) = (1.0, false);
        loop {
            if c.eat("WEIGHT") {
                weight = parse_float(c.value("WEIGHT")?, "WEIGHT", 0.0, MAX_WEIGHT)?;
            } else if c.eat("NOSTEM") {
                nostem = true;
            } else if c.eat("PHONETIC") {
                c.value("PHONETIC")?;
            } else if !common_option(c, &mut f, true, true)? {
                break;
            }
        }
        f.kind = FieldKind::Text { weight, nostem };
    } else if is("TAG") {
        let (mut separator, mut case_sensitive) = (b',', false);
        loop {
            if c.eat("SEPARATOR") {
                separator = match c.value("SEPARATOR")? {
                    [b] if b.is_ascii() && !b.is_ascii_control() => *b,
                    other => {
                        return Err(Error::err(format!(
                            "Tag separator must be a single character, got `{}`",
                            show(other)
                        )))
                    }
                };
            } else if c.eat("CASESENSITIVE") {
                case_sensitive = true;
            } else if !common_option(c, &mut f, true, true)? {
                break;
            }
        }
        f.kind = FieldKind::Tag {
            separator,
            case_sensitive,
        };
    } else if is("NUMERIC") {
        while common_option(c, &mut f, false, false)? {}
    } else if is("VECTOR") {
        f.kind = FieldKind::Vector(parse_vector(c)?);
        while c.eat("INDEXMISSING") {
            f.index_missing = true;
        }
    } else if is("GEO") || is("GEOSHAPE") {
        return Err(Error::err("GEO fields are not supported"));
    } else {
        return Err(Error::err(format!(
            "Invalid field type for field `{}`",
            f.name
        )));
    }
    Ok(f)
}

/// SORTABLE [UNF], NOINDEX, INDEXMISSING, and for TEXT/TAG also INDEXEMPTY
/// and WITHSUFFIXTRIE. Returns whether one was read.
fn common_option<T: Arg>(
    c: &mut Cursor<'_, T>,
    f: &mut FieldDef,
    empty: bool,
    suffix: bool,
) -> Result<bool> {
    if c.eat("SORTABLE") {
        f.sortable = true;
        if c.eat("UNF") {
            f.unf = true;
        }
    } else if c.eat("NOINDEX") {
        f.noindex = true;
    } else if c.eat("INDEXMISSING") {
        f.index_missing = true;
    } else if empty && c.eat("INDEXEMPTY") {
        f.index_empty = true;
    } else if suffix && c.eat("WITHSUFFIXTRIE") {
        f.with_suffix_trie = true;
    } else {
        return Ok(false);
    }
    Ok(true)
}
