//! Command arguments as bytes, for the Redis-free parsers.
//!
//! The parsers are generic over [`Arg`], so they read Redis's argv in place
//! (the commands layer implements `Arg` for `RedisString`) and plain strings
//! in unit tests, without collecting a `Vec<&[u8]>` first.

/// Anything that is one argument's bytes.
pub trait Arg {
    fn bytes(&self) -> &[u8];
}

impl Arg for &[u8] {
    fn bytes(&self) -> &[u8] {
        self
    }
}

impl Arg for &str {
    fn bytes(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl Arg for Vec<u8> {
    fn bytes(&self) -> &[u8] {
        self
    }
}

impl Arg for String {
    fn bytes(&self) -> &[u8] {
        self.as_bytes()
    }
}

/// Case-insensitive keyword match.
pub fn is_keyword(arg: &impl Arg, keyword: &str) -> bool {
    arg.bytes().eq_ignore_ascii_case(keyword.as_bytes())
}
