//! The persistence traits over Redis's `RedisModuleIO`.
//!
//! With `HANDLE_IO_ERRORS` set, a short read does not abort Redis: the load
//! functions return a default and `RedisModule_IsIOError` turns true. Each
//! read below checks it, so a codec sees an `Err` and stops.

use std::ffi::CString;
use std::os::raw::c_char;

use redis_module::raw;

use crate::persistence::{DecodeError, DecodeResult, RdbIn, RdbOut};

/// An RDB stream handed to a type callback.
pub struct Io(pub *mut raw::RedisModuleIO);

fn short_read() -> DecodeError {
    DecodeError::new("short read")
}

impl Io {
    /// Logs `msg` at warning level against this IO (`RedisModule_LogIOError`).
    pub fn log_error(&self, msg: &str) {
        let Some(log) = crate::api!(RedisModule_LogIOError) else {
            return;
        };
        let msg = CString::new(msg.replace('\0', " ")).unwrap_or_default();
        // SAFETY: `self.0` is the live IO of the current callback; "%s" takes
        // exactly the one C string passed.
        unsafe { log(self.0, c"warning".as_ptr(), c"%s".as_ptr(), msg.as_ptr()) };
    }
}

impl RdbIn for Io {
    fn load_unsigned(&mut self) -> DecodeResult<u64> {
        raw::load_unsigned(self.0).map_err(|_| short_read())
    }

    fn load_signed(&mut self) -> DecodeResult<i64> {
        raw::load_signed(self.0).map_err(|_| short_read())
    }

    fn load_bytes(&mut self) -> DecodeResult<Vec<u8>> {
        let buf = raw::load_string_buffer(self.0).map_err(|_| short_read())?;
        Ok(buf.as_ref().to_vec())
    }
}

impl RdbOut for Io {
    fn save_unsigned(&mut self, v: u64) {
        raw::save_unsigned(self.0, v);
    }

    fn save_signed(&mut self, v: i64) {
        raw::save_signed(self.0, v);
    }

    fn save_bytes(&mut self, b: &[u8]) {
        raw::save_slice(self.0, b);
    }
}

/// A `DEBUG DIGEST` being computed, handed to a digest callback.
pub struct Digest(pub *mut raw::RedisModuleDigest);

impl Digest {
    /// Adds one element to the current sequence.
    pub fn add(&self, b: &[u8]) {
        if let Some(add) = crate::api!(RedisModule_DigestAddStringBuffer) {
            // SAFETY: `self.0` is the digest of the current callback and the
            // slice is live for the call.
            unsafe { add(self.0, b.as_ptr().cast::<c_char>().cast_mut(), b.len()) };
        }
    }

    /// Ends the current sequence.
    pub fn end(&self) {
        if let Some(end) = crate::api!(RedisModule_DigestEndSequence) {
            // SAFETY: `self.0` is the digest of the current callback.
            unsafe { end(self.0) };
        }
    }
}

/// The bytes of a `RedisModuleString` handed to a callback.
pub fn string_bytes<'a>(s: *mut raw::RedisModuleString) -> &'a [u8] {
    let mut len = 0usize;
    let p = raw::string_ptr_len(s, &mut len);
    if p.is_null() {
        return &[];
    }
    // SAFETY: Redis guarantees `len` readable bytes at `p` for as long as the
    // string lives, which covers the callback that received it.
    unsafe { std::slice::from_raw_parts(p.cast::<u8>(), len) }
}
