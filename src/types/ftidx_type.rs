//! `AI_FTINDX`: the FT indexes' persistence. No key ever holds this type;
//! it exists for its module aux data, written after the keyspace in every
//! RDB (and AOF preamble): index definitions, document tables and the
//! vector graphs themselves (`search::codec`), so a restart does not
//! rebuild them.

use std::os::raw::{c_int, c_void};

use redis_module::native_types::RedisType;
use redis_module::raw;

use super::guarded;
use super::io::Io;
use crate::search::codec::{self, ENCVER};
use crate::search::registry;

pub static FTIDX_TYPE: RedisType = RedisType::new(
    "AI_FTINDX",
    ENCVER,
    raw::RedisModuleTypeMethods {
        version: raw::REDISMODULE_TYPE_METHOD_VERSION as u64,
        rdb_load: Some(rdb_load),
        rdb_save: Some(rdb_save),
        aof_rewrite: None,
        mem_usage: None,
        digest: None,
        free: Some(free),
        aux_load: Some(aux_load),
        aux_save: Some(aux_save),
        aux_save2: None,
        aux_save_triggers: raw::Aux::After as i32,
        free_effort: None,
        unlink: None,
        copy: None,
        defrag: None,
        mem_usage2: None,
        free_effort2: None,
        unlink2: None,
        copy2: None,
    },
);

/// No key holds this type: a payload claiming one is refused.
unsafe extern "C" fn rdb_load(rdb: *mut raw::RedisModuleIO, _encver: c_int) -> *mut c_void {
    Io(rdb).log_error("AI_FTINDX: no key can hold this type");
    std::ptr::null_mut()
}

unsafe extern "C" fn rdb_save(_rdb: *mut raw::RedisModuleIO, _v: *mut c_void) {}

unsafe extern "C" fn free(_v: *mut c_void) {}

unsafe extern "C" fn aux_save(rdb: *mut raw::RedisModuleIO, when: c_int) {
    if when != raw::Aux::After as c_int {
        return;
    }
    guarded((), || {
        let all = registry::all();
        let guards: Vec<_> = all.iter().map(registry::read).collect();
        codec::encode(guards.iter().map(|g| &**g), &mut Io(rdb));
    });
}

unsafe extern "C" fn aux_load(rdb: *mut raw::RedisModuleIO, encver: c_int, when: c_int) -> c_int {
    if when != raw::Aux::After as c_int {
        return raw::Status::Ok as c_int;
    }
    guarded(raw::Status::Err as c_int, || {
        match codec::decode(encver, &mut Io(rdb)) {
            Ok(list) => {
                for r in list {
                    if let Some(why) = &r.why {
                        Io(rdb).log_error(&format!(
                            "AI_FTINDX: index {} will be rebuilt from the hashes: {why}",
                            r.index.def.name
                        ));
                    }
                    registry::replace(r.index);
                }
                raw::Status::Ok as c_int
            }
            Err(e) => {
                Io(rdb).log_error(&format!("AI_FTINDX: {}", e.0));
                raw::Status::Err as c_int
            }
        }
    })
}
