//! What a running script may call back into: `redis.execute` and
//! `redisAI.model_execute`. Redis-free: the command layer installs the
//! [`Hooks`] that reach Redis, and a worker sets the caller's [`CallEnv`]
//! (database, ACL user) around each script run.

use std::cell::RefCell;
use std::sync::{Arc, OnceLock};

use crate::error::{Error, Result};
use crate::model::Model;

/// Who runs the script: its commands run in this database, as this user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallEnv {
    pub db: i32,
    /// The calling client's ACL user (`None`: no check, e.g. in tests).
    pub user: Option<Vec<u8>>,
    /// The cluster slot of the command's own keys (the script key's: Redis
    /// has checked that every declared key shares it). In cluster mode a
    /// `redis.execute` key in any other slot is refused, as Lua's is.
    pub slot: Option<u16>,
}

impl CallEnv {
    /// This caller, pinned to the slot of `key` (the script key).
    pub fn in_slot_of(mut self, key: &[u8]) -> CallEnv {
        self.slot = Some(key_slot(key));
        self
    }
}

/// Lua's error for a key outside the slot of the command's declared keys.
pub const ERR_CROSS_SLOT: &str =
    "ERR Script attempted to access keys that do not hash to the same slot";

/// Redis Cluster's hash slot of a key: CRC16 (XMODEM) of the key, or of
/// its hash tag (the bytes between the first `{` and the next `}`, when
/// there are any), modulo 16384.
pub fn key_slot(key: &[u8]) -> u16 {
    let tagged = key.iter().position(|&b| b == b'{').and_then(|open| {
        let rest = &key[open + 1..];
        rest.iter()
            .position(|&b| b == b'}')
            .filter(|&close| close > 0)
            .map(|close| &rest[..close])
    });
    crc16(tagged.unwrap_or(key)) & 0x3fff
}

fn crc16(bytes: &[u8]) -> u16 {
    let mut crc: u16 = 0;
    for &b in bytes {
        crc ^= u16::from(b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// A Redis reply as a script sees it (RESP2): null → None, a string or
/// status → str, an integer → int, an array → list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallReply {
    Nil,
    Str(Vec<u8>),
    Int(i64),
    Array(Vec<CallReply>),
}

/// Deepest reply nesting handed to a script.
pub const MAX_REPLY_DEPTH: usize = 16;

pub struct Hooks {
    /// Runs a command (argv[0] is its name). `Err` holds Redis's error text.
    pub redis_execute: fn(&CallEnv, &[&[u8]]) -> std::result::Result<CallReply, String>,
    /// Reads a model key.
    pub find_model: fn(&CallEnv, &[u8]) -> Result<Arc<Model>>,
}

static HOOKS: OnceLock<Hooks> = OnceLock::new();

thread_local! {
    static ENV: RefCell<Option<CallEnv>> = const { RefCell::new(None) };
}

/// Installs the hooks (once, at module load).
pub fn set_hooks(hooks: Hooks) {
    let _ = HOOKS.set(hooks);
}

/// Runs `f` with `env` as the caller of any `redis.execute` it makes.
pub fn with_env<R>(env: CallEnv, f: impl FnOnce() -> R) -> R {
    let old = ENV.with(|e| e.replace(Some(env)));
    let r = f();
    ENV.with(|e| *e.borrow_mut() = old);
    r
}

fn env() -> CallEnv {
    ENV.with(|e| e.borrow().clone()).unwrap_or_default()
}

/// `redis.execute(cmd, args)`: the reply, or the error text a script
/// raises (`Redis command returned an error: <text>`).
pub fn redis_execute(argv: &[&[u8]]) -> std::result::Result<CallReply, String> {
    let Some(h) = HOOKS.get() else {
        return Err("redis.execute is not available here".to_string());
    };
    (h.redis_execute)(&env(), argv)
        .map_err(|e| format!("Redis command returned an error: {}", one_line(&e)))
}

/// `redisAI.model_execute(key, …)`: the model.
pub fn find_model(key: &[u8]) -> Result<Arc<Model>> {
    let Some(h) = HOOKS.get() else {
        return Err(Error::err("redisAI.model_execute is not available here"));
    };
    (h.find_model)(&env(), key)
}

/// Errors are one line in a reply.
pub fn one_line(s: &str) -> String {
    s.replace(['\r', '\n'], " ")
}

/// The encoding the shim reads: `N` | `I` i64 | `S` u64 len, bytes |
/// `L` u64 count, items (little-endian). Replies deeper than
/// [`MAX_REPLY_DEPTH`] are refused.
pub fn encode(reply: &CallReply, out: &mut Vec<u8>) -> std::result::Result<(), String> {
    let mut stack: Vec<(&CallReply, usize)> = vec![(reply, 0)];
    while let Some((r, depth)) = stack.pop() {
        if depth > MAX_REPLY_DEPTH {
            return Err(format!(
                "the reply is nested deeper than {MAX_REPLY_DEPTH} levels"
            ));
        }
        match r {
            CallReply::Nil => out.push(b'N'),
            CallReply::Int(i) => {
                out.push(b'I');
                out.extend_from_slice(&i.to_le_bytes());
            }
            CallReply::Str(s) => {
                out.push(b'S');
                out.extend_from_slice(&(s.len() as u64).to_le_bytes());
                out.extend_from_slice(s);
            }
            CallReply::Array(items) => {
                out.push(b'L');
                out.extend_from_slice(&(items.len() as u64).to_le_bytes());
                stack.extend(items.iter().rev().map(|i| (i, depth + 1)));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding() {
        let r = CallReply::Array(vec![
            CallReply::Str(b"ab".to_vec()),
            CallReply::Int(-2),
            CallReply::Nil,
        ]);
        let mut out = Vec::new();
        encode(&r, &mut out).unwrap();
        let mut want = vec![b'L'];
        want.extend_from_slice(&3u64.to_le_bytes());
        want.push(b'S');
        want.extend_from_slice(&2u64.to_le_bytes());
        want.extend_from_slice(b"ab");
        want.push(b'I');
        want.extend_from_slice(&(-2i64).to_le_bytes());
        want.push(b'N');
        assert_eq!(out, want);
    }

    #[test]
    fn too_deep() {
        let mut r = CallReply::Nil;
        for _ in 0..=MAX_REPLY_DEPTH {
            r = CallReply::Array(vec![r]);
        }
        assert!(encode(&r, &mut Vec::new()).is_err());
    }

    #[test]
    fn env_is_scoped() {
        let e = CallEnv {
            db: 3,
            user: Some(b"u".to_vec()),
            slot: Some(7),
        };
        with_env(e.clone(), || assert_eq!(env(), e));
        assert_eq!(env(), CallEnv::default());
    }

    #[test]
    fn key_slots_as_redis_cluster_computes_them() {
        // CLUSTER KEYSLOT on Redis 7.0.15, and the CRC16 check value.
        assert_eq!(key_slot(b"{a}"), 15495);
        assert_eq!(key_slot(b"{b}"), 3300);
        assert_eq!(key_slot(b"k1"), 12706);
        assert_eq!(key_slot(b"zzz"), 10118);
        assert_eq!(key_slot(b"123456789"), 0x31c3);
        assert_eq!(key_slot(b"x{a}y"), key_slot(b"a"));
        assert_eq!(key_slot(b"{a}s"), key_slot(b"{a}k"));
        // An empty tag `{}` hashes the whole key; only the first `{` counts.
        assert_eq!(key_slot(b"{}a"), crc16(b"{}a") & 0x3fff);
        assert_eq!(key_slot(b"{a{b}c}"), key_slot(b"a{b"));
        assert_eq!(key_slot(b"no}tag{"), crc16(b"no}tag{") & 0x3fff);
        assert_eq!(key_slot(b""), 0);
    }

    #[test]
    fn in_slot_of_pins_the_slot() {
        let e = CallEnv::default().in_slot_of(b"{user1}:script");
        assert_eq!(e.slot, Some(key_slot(b"user1")));
    }
}
