//! Writing replies straight to the client, for replies whose payload should
//! not be copied into a `RedisValue` first (tensor blobs, long VALUES lists).
//! A handler that writes here returns `RedisValue::NoReply`.

use std::os::raw::c_char;

use redis_module::{raw, Context};

/// A reply being written.
pub struct Reply<'a>(&'a Context);

impl<'a> Reply<'a> {
    pub fn new(ctx: &'a Context) -> Self {
        Reply(ctx)
    }

    pub fn array(&self, len: usize) {
        raw::reply_with_array(self.0.ctx, len as _);
    }

    pub fn bulk(&self, b: &[u8]) {
        raw::reply_with_string_buffer(self.0.ctx, b.as_ptr().cast::<c_char>(), b.len());
    }

    /// A simple string (`+OK`, `+NA`).
    pub fn status(&self, s: &std::ffi::CStr) {
        raw::reply_with_simple_string(self.0.ctx, s.as_ptr());
    }

    /// An error reply (an element of an array, for a DAG op).
    pub fn error(&self, text: &str) {
        self.0.reply_error_string(text);
    }

    pub fn int(&self, v: i64) {
        raw::reply_with_long_long(self.0.ctx, v);
    }

    /// A double: a RESP3 double, or `%.17g` as a bulk string in RESP2.
    pub fn double(&self, v: f64) {
        raw::reply_with_double(self.0.ctx, v);
    }
}
