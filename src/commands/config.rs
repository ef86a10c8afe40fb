//! AI.CONFIG: LOADBACKEND, BACKENDSPATH, MODEL_CHUNK_SIZE and GET.

use redis_module::{Context, RedisString, RedisValue};

use super::bytes;
use crate::backends::{self, BackendKind};
use crate::config;
use crate::error::{Error, Result};

const ARITY: Error = Error::Arity("AI.CONFIG");

/// `AI.CONFIG LOADBACKEND <backend> <path> | BACKENDSPATH <path> |
/// MODEL_CHUNK_SIZE <bytes> | GET <name>`. Not replicated; not persisted.
pub fn ai_config(ctx: &Context, args: &[RedisString]) -> Result<RedisValue> {
    let args = bytes(args);
    let Some(sub) = args.get(1) else {
        return Err(ARITY);
    };
    let sub = sub.to_ascii_uppercase();
    match sub.as_slice() {
        b"LOADBACKEND" => {
            let (Some(name), Some(_path)) = (args.get(2), args.get(3)) else {
                return Err(ARITY);
            };
            let kind = BackendKind::parse(name).ok_or_else(|| Error::err("unsupported backend"))?;
            // Backends are compiled in (Decision 10). The path is not opened:
            // a command that dlopens a client-chosen file would get around
            // `enable-module-command`. ONNX Runtime, if it is not loaded yet,
            // is looked for only where the operator pointed (module arguments,
            // ORT_DYLIB_PATH, the package layout, the build's wheel).
            let library = config::get().library(kind);
            match backends::ensure_loaded(kind, library.as_deref()) {
                Ok(()) => Ok(RedisValue::SimpleStringStatic("OK")),
                Err(why) => {
                    ctx.log_warning(&format!("AI.CONFIG LOADBACKEND {}: {why}", kind.name()));
                    Err(Error::err("error loading backend"))
                }
            }
        }
        b"BACKENDSPATH" => {
            let path = args
                .get(2)
                .ok_or_else(|| Error::err("BACKENDSPATH: missing path argument"))?;
            let path = String::from_utf8_lossy(path).into_owned();
            config::update(|c| c.backends_path = path);
            Ok(RedisValue::SimpleStringStatic("OK"))
        }
        b"MODEL_CHUNK_SIZE" => {
            let v = args
                .get(2)
                .ok_or_else(|| Error::err("MODEL_CHUNK_SIZE: missing chunk size"))?;
            let n = config::parse_positive(v)
                .ok_or_else(|| Error::err("MODEL_CHUNK_SIZE: invalid chunk size"))?;
            config::update(|c| c.model_chunk_size = n);
            Ok(RedisValue::SimpleStringStatic("OK"))
        }
        b"INLINE_RUN_THRESHOLD" => {
            let n = args
                .get(2)
                .and_then(|v| crate::tensor::parse_i64(v))
                .filter(|&n| n >= 0)
                .ok_or_else(|| Error::err("INLINE_RUN_THRESHOLD: invalid value"))?;
            config::update(|c| c.inline_run_threshold = n);
            Ok(RedisValue::SimpleStringStatic("OK"))
        }
        b"GET" => {
            let name = args.get(2).ok_or(ARITY)?.to_ascii_uppercase();
            let cfg = config::get();
            Ok(match name.as_slice() {
                b"BACKENDSPATH" => RedisValue::StringBuffer(cfg.backends_path.into_bytes()),
                b"MODEL_CHUNK_SIZE" => RedisValue::Integer(cfg.model_chunk_size),
                b"INLINE_RUN_THRESHOLD" => RedisValue::Integer(cfg.inline_run_threshold),
                _ => RedisValue::Null,
            })
        }
        _ => Err(Error::err("unsupported subcommand")),
    }
}
