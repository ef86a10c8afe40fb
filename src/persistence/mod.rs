//! Redis-free persistence codecs.
//!
//! The codecs talk to RDB through the two small traits below, so they
//! round-trip against an in-memory [`Items`] buffer in unit tests and against
//! `RedisModuleIO` inside Redis (`types::io`). Every length and count read
//! from a payload is validated before it is used: a corrupt or hostile
//! payload is an error, never a panic or a huge allocation.

pub mod commands;
pub mod model_codec;
pub mod script_codec;
pub mod tensor_codec;
pub mod vecset_codec;

/// Why a payload could not be decoded. The types layer logs it with
/// `RedisModule_LogIOError`, and Redis rejects the payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub String);

impl DecodeError {
    pub fn new(text: impl Into<String>) -> Self {
        DecodeError(text.into())
    }
}

pub type DecodeResult<T> = std::result::Result<T, DecodeError>;

/// The RDB primitives a codec writes.
pub trait RdbOut {
    fn save_unsigned(&mut self, v: u64);
    fn save_signed(&mut self, v: i64);
    fn save_bytes(&mut self, b: &[u8]);
}

/// The RDB primitives a codec reads. Each fails on a short read.
pub trait RdbIn {
    fn load_unsigned(&mut self) -> DecodeResult<u64>;
    fn load_signed(&mut self) -> DecodeResult<i64>;
    fn load_bytes(&mut self) -> DecodeResult<Vec<u8>>;
}

/// One RDB item, for tests and for building payloads by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Unsigned(u64),
    Signed(i64),
    Bytes(Vec<u8>),
}

/// An in-memory RDB stream. Like real RDB, signed and unsigned items are
/// interchangeable on read (both are varints on disk).
#[derive(Debug, Default, Clone)]
pub struct Items {
    pub items: Vec<Item>,
    pos: usize,
}

impl Items {
    pub fn new(items: Vec<Item>) -> Self {
        Items { items, pos: 0 }
    }

    fn next(&mut self) -> DecodeResult<Item> {
        let item = self
            .items
            .get(self.pos)
            .cloned()
            .ok_or_else(|| DecodeError::new("short read"))?;
        self.pos += 1;
        Ok(item)
    }

    /// Whether every item was consumed.
    pub fn at_end(&self) -> bool {
        self.pos == self.items.len()
    }
}

impl RdbOut for Items {
    fn save_unsigned(&mut self, v: u64) {
        self.items.push(Item::Unsigned(v));
    }
    fn save_signed(&mut self, v: i64) {
        self.items.push(Item::Signed(v));
    }
    fn save_bytes(&mut self, b: &[u8]) {
        self.items.push(Item::Bytes(b.to_vec()));
    }
}

impl RdbIn for Items {
    fn load_unsigned(&mut self) -> DecodeResult<u64> {
        match self.next()? {
            Item::Unsigned(v) => Ok(v),
            Item::Signed(v) => Ok(v as u64),
            Item::Bytes(_) => Err(DecodeError::new("expected a number")),
        }
    }
    fn load_signed(&mut self) -> DecodeResult<i64> {
        self.load_unsigned().map(|v| v as i64)
    }
    fn load_bytes(&mut self) -> DecodeResult<Vec<u8>> {
        match self.next()? {
            Item::Bytes(b) => Ok(b),
            _ => Err(DecodeError::new("expected a string")),
        }
    }
}
