//! The crate's one error type. Its `From<Error> for RedisError` is the only
//! place where the `ERR ` prefix is added, so every reply text is spelled
//! exactly once, without a prefix, in the variant that makes it.
//!
//! `Error` deliberately does not implement `std::error::Error`: redis-module's
//! blanket `impl<T: std::error::Error> From<T> for RedisError` would otherwise
//! pick its own mapping.

use std::fmt;

/// Every error a command can reply with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// `ERR <text>`: the usual case.
    Err(String),
    /// Sent as `-<text>` with no `ERR ` (RedisAI sends some errors that way,
    /// and clients compare them byte for byte).
    Raw(String),
    /// `WRONGTYPE Operation against a key holding the wrong kind of value`.
    WrongType,
    /// `ERR wrong number of arguments for '<COMMAND>' command`, uppercase.
    Arity(&'static str),
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// `ERR <text>`.
    pub fn err(text: impl Into<String>) -> Self {
        Error::Err(text.into())
    }

    /// A reply without the `ERR ` prefix.
    pub fn raw(text: impl Into<String>) -> Self {
        Error::Raw(text.into())
    }

    /// The full reply text, as the client sees it after the `-`.
    pub fn reply_text(&self) -> String {
        let text = match self {
            Error::Err(t) => format!("ERR {t}"),
            Error::Raw(t) => t.clone(),
            Error::WrongType => {
                "WRONGTYPE Operation against a key holding the wrong kind of value".to_string()
            }
            Error::Arity(cmd) => format!("ERR wrong number of arguments for '{cmd}' command"),
        };
        one_line(&text)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reply_text())
    }
}

/// RESP error lines cannot carry CR or LF, and Redis needs a C string:
/// backend texts become one line of printable ASCII (other bytes become `?`).
pub fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\r' | '\n' => ' ',
            c if c.is_ascii() && !c.is_ascii_control() || c == '\t' => c,
            _ => '?',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_is_added_once() {
        assert_eq!(
            Error::err("invalid data type").reply_text(),
            "ERR invalid data type"
        );
        assert_eq!(
            Error::raw("Invalid argument: X").reply_text(),
            "Invalid argument: X"
        );
        assert_eq!(
            Error::Arity("AI.TENSORSET").reply_text(),
            "ERR wrong number of arguments for 'AI.TENSORSET' command"
        );
        assert!(Error::WrongType.reply_text().starts_with("WRONGTYPE "));
    }

    #[test]
    fn backend_text_becomes_one_line() {
        assert_eq!(Error::raw("a\r\nb\nc").reply_text(), "a  b c");
        assert_eq!(Error::raw("x\0y\u{e9}").reply_text(), "x?y?");
    }
}
