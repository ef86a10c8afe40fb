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

    /// A map of `len` pairs (a flat array of `2 * len` in RESP2).
    pub fn map(&self, len: usize) {
        raw::reply_with_map(self.0.ctx, len as _);
    }

    /// A boolean (`:1`/`:0` in RESP2).
    pub fn boolean(&self, b: bool) {
        raw::reply_with_bool(self.0.ctx, i32::from(b));
    }

    /// A null (`$-1` in RESP2).
    pub fn null(&self) {
        raw::reply_with_null(self.0.ctx);
    }

    /// A null array (`*-1` in RESP2).
    pub fn null_array(&self) {
        if let Some(f) = crate::api!(RedisModule_ReplyWithNullArray) {
            // SAFETY: the context is live for the reply being written.
            unsafe { f(self.0.ctx) };
        }
    }

    /// Whether the client speaks RESP3.
    pub fn resp3(&self) -> bool {
        self.0
            .get_flags()
            .contains(redis_module::ContextFlags::FLAGS_RESP3)
    }
}
