//! Registers commands with their full command info (arity, flags, key specs,
//! ACL category) and runs every handler under `catch_unwind`, so a bug can
//! only ever cost one error reply, never the server.

use std::ffi::CString;
use std::mem::ManuallyDrop;
use std::os::raw::c_int;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use redis_module::commands::{get_redis_key_spec, BeginSearch, FindKeys, KeySpec, KeySpecFlags};
use redis_module::{raw, Context, RedisString, RedisValue};

use crate::error::{Error, Result};

/// A command handler: parse, call the domain, build the reply.
pub type Handler = fn(&Context, &[RedisString]) -> Result<RedisValue>;

/// The C callback Redis calls; made by [`crate::command_def!`].
pub type Callback =
    extern "C" fn(*mut raw::RedisModuleCtx, *mut *mut raw::RedisModuleString, c_int) -> c_int;

/// Where a command's keys are, for `COMMAND GETKEYS`, cluster routing and ACL.
#[derive(Clone, Copy)]
pub enum Keys {
    None,
    /// One key at this argv index (1 = the argument after the command name).
    One {
        index: i32,
        access: Access,
    },
    /// Keys found by a function of the arguments (`getkeys-api`): the
    /// argv indices of every key, for COMMAND GETKEYS, cluster and ACL.
    Dynamic(fn(&[&[u8]]) -> Vec<usize>),
}

/// What a command does with its key.
#[derive(Clone, Copy)]
pub enum Access {
    Read,
    Overwrite,
    /// Changes the value in place.
    Modify,
    /// Removes from the value (and may delete the key).
    Remove,
}

/// Everything Redis is told about one command.
pub struct CommandDef {
    /// Registered as given, upper case, so Redis's own arity error reads
    /// `wrong number of arguments for 'AI.TENSORSET' command` as RedisAI's did.
    pub name: &'static str,
    pub callback: Callback,
    pub flags: &'static str,
    pub arity: i32,
    pub keys: Keys,
    pub summary: &'static str,
    pub since: &'static str,
}

/// Builds a [`CommandDef`] whose callback dispatches to `$handler`.
#[macro_export]
macro_rules! command_def {
    ($name:literal, $handler:path, flags: $flags:literal, arity: $arity:expr, keys: $keys:expr, summary: $summary:literal, since: $since:literal $(,)?) => {{
        extern "C" fn callback(
            ctx: *mut redis_module::raw::RedisModuleCtx,
            argv: *mut *mut redis_module::raw::RedisModuleString,
            argc: std::os::raw::c_int,
        ) -> std::os::raw::c_int {
            $crate::ffi::command::dispatch(ctx, argv, argc, $name, $handler, $keys)
        }
        $crate::ffi::command::CommandDef {
            name: $name,
            callback,
            flags: $flags,
            arity: $arity,
            keys: $keys,
            summary: $summary,
            since: $since,
        }
    }};
}

/// Runs one command. A panic becomes `ERR internal error …` and a log line.
pub fn dispatch(
    ctx: *mut raw::RedisModuleCtx,
    argv: *mut *mut raw::RedisModuleString,
    argc: c_int,
    name: &'static str,
    handler: Handler,
    keys: Keys,
) -> c_int {
    let context = Context::new(ctx);
    if let Keys::Dynamic(find) = keys {
        if is_keys_request(ctx) {
            return report_keys(ctx, argv, argc, find);
        }
    }
    // The reply is written inside the guard too: a panic anywhere in the
    // command must not unwind into Redis, which would abort the server.
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let args = BorrowedArgs::new(argv, argc);
        let result = handler(&context, args.as_slice());
        send(&context, result)
    }));
    outcome.unwrap_or_else(|_| {
        reply_error(
            &context,
            &format!("ERR internal error in {name}; see the server log"),
        )
    })
}

fn is_keys_request(ctx: *mut raw::RedisModuleCtx) -> bool {
    crate::api!(RedisModule_IsKeysPositionRequest).is_some_and(|is| {
        // SAFETY: ctx is the live command context.
        unsafe { is(ctx) != 0 }
    })
}

/// Answers a getkeys-api request with the command's key positions.
fn report_keys(
    ctx: *mut raw::RedisModuleCtx,
    argv: *mut *mut raw::RedisModuleString,
    argc: c_int,
    find: fn(&[&[u8]]) -> Vec<usize>,
) -> c_int {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let args = BorrowedArgs::new(argv, argc);
        let bytes: Vec<&[u8]> = args.as_slice().iter().map(|a| a.as_slice()).collect();
        if let Some(at) = crate::api!(RedisModule_KeyAtPos) {
            for pos in find(&bytes) {
                // SAFETY: ctx is the live keys-request context; pos < argc.
                unsafe { at(ctx, pos as c_int) };
            }
        }
    }));
    let _ = outcome;
    raw::Status::Ok as c_int
}

fn send(ctx: &Context, result: Result<RedisValue>) -> c_int {
    match result {
        // The common reply, without the CString `Context::reply` allocates.
        Ok(RedisValue::SimpleStringStatic("OK")) => {
            raw::reply_with_simple_string(ctx.ctx, c"OK".as_ptr()) as c_int
        }
        Ok(value) => ctx.reply(Ok(value)) as c_int,
        Err(e) => reply_error(ctx, &e.reply_text()),
    }
}

/// Replies with an error line (already one line of ASCII, see `error::one_line`).
fn reply_error(ctx: &Context, text: &str) -> c_int {
    let text = CString::new(text).unwrap_or_else(|_| c"ERR invalid error text".to_owned());
    match crate::api!(RedisModule_ReplyWithError) {
        // SAFETY: ctx is the live command context; Redis copies the string.
        Some(reply) => unsafe { reply(ctx.ctx, text.as_ptr()) },
        None => raw::Status::Err as c_int,
    }
}

/// The command's argv, viewed as `RedisString`s without taking a reference:
/// Redis keeps argv alive for the whole call, so retaining and releasing
/// every argument (what `decode_args` does) is wasted work on the hot path.
/// Up to [`INLINE_ARGS`] arguments live on the stack, with no allocation.
/// The strings are `ManuallyDrop`: they are not ours to free, even when a
/// panic unwinds through the handler.
enum BorrowedArgs {
    Inline([ManuallyDrop<RedisString>; INLINE_ARGS], usize),
    Heap(Vec<ManuallyDrop<RedisString>>),
}

const INLINE_ARGS: usize = 12;

impl BorrowedArgs {
    fn new(argv: *mut *mut raw::RedisModuleString, argc: c_int) -> Self {
        let raw: &[*mut raw::RedisModuleString] = if argv.is_null() || argc <= 0 {
            &[]
        } else {
            // SAFETY: Redis passes `argc` valid string pointers in `argv`.
            unsafe { std::slice::from_raw_parts(argv, argc as usize) }
        };
        let view = |s: *mut raw::RedisModuleString| {
            ManuallyDrop::new(RedisString::from_redis_module_string(ptr::null_mut(), s))
        };
        if raw.len() <= INLINE_ARGS {
            let arr = std::array::from_fn(|i| view(raw.get(i).copied().unwrap_or(ptr::null_mut())));
            BorrowedArgs::Inline(arr, raw.len())
        } else {
            BorrowedArgs::Heap(raw.iter().map(|&s| view(s)).collect())
        }
    }

    fn as_slice(&self) -> &[RedisString] {
        let views: &[ManuallyDrop<RedisString>] = match self {
            BorrowedArgs::Inline(arr, n) => &arr[..*n],
            BorrowedArgs::Heap(v) => v,
        };
        // SAFETY: `ManuallyDrop<T>` is `repr(transparent)` over `T`.
        unsafe { std::slice::from_raw_parts(views.as_ptr().cast::<RedisString>(), views.len()) }
    }
}

/// Registers every command of `defs`, and the `ai` ACL category.
pub fn register_all(ctx: &Context, defs: &[CommandDef]) -> Result<()> {
    add_acl_category(ctx)?;
    defs.iter().try_for_each(|d| register(ctx, d))
}

/// Registers more commands (the ACL category exists already).
pub fn register_more(ctx: &Context, defs: &[CommandDef]) -> Result<()> {
    defs.iter().try_for_each(|d| register(ctx, d))
}

/// Whether a command of that name exists (another module's, say):
/// `COMMAND INFO name` answers nil for an unknown one.
pub fn exists(ctx: &Context, name: &str) -> bool {
    match ctx.call("COMMAND", &["INFO", name]) {
        Ok(redis_module::RedisValue::Array(items)) => items
            .iter()
            .any(|v| !matches!(v, redis_module::RedisValue::Null)),
        _ => false,
    }
}

fn api<T>(f: Option<T>, what: &str) -> Result<T> {
    f.ok_or_else(|| Error::err(format!("this Redis lacks {what}")))
}

fn add_acl_category(ctx: &Context) -> Result<()> {
    let Some(add) = crate::api!(RedisModule_AddACLCategory) else {
        ctx.log_notice(
            "ACL categories need Redis 7.4 or later: the AI commands get no 'ai' category here",
        );
        return Ok(());
    };
    let name = c"ai";
    // SAFETY: ctx is the OnLoad context; the name is a valid C string.
    if unsafe { add(ctx.ctx, name.as_ptr()) } == raw::Status::Err as c_int {
        return Err(Error::err("cannot add the 'ai' ACL category"));
    }
    Ok(())
}

fn cstring(s: &str) -> Result<CString> {
    CString::new(s).map_err(|_| Error::err(format!("NUL in command metadata: {s:?}")))
}

fn register(ctx: &Context, def: &CommandDef) -> Result<()> {
    let name = cstring(def.name)?;
    let flags = match def.keys {
        Keys::Dynamic(_) => cstring(&format!("{} getkeys-api", def.flags))?,
        _ => cstring(def.flags)?,
    };
    let (first, last, step) = match def.keys {
        Keys::None => (0, 0, 0),
        Keys::One { index, .. } => (index, index, 1),
        Keys::Dynamic(_) => (1, 1, 1),
    };
    let create = api(
        crate::api!(RedisModule_CreateCommand),
        "RedisModule_CreateCommand",
    )?;
    // SAFETY: all pointers are valid C strings that outlive the call; Redis
    // copies them. The callback is a plain `extern "C" fn`.
    let status = unsafe {
        create(
            ctx.ctx,
            name.as_ptr(),
            Some(def.callback),
            flags.as_ptr(),
            first,
            last,
            step,
        )
    };
    if status == raw::Status::Err as c_int {
        return Err(Error::err(format!("cannot register {}", def.name)));
    }
    let get = api(
        crate::api!(RedisModule_GetCommand),
        "RedisModule_GetCommand",
    )?;
    // SAFETY: the command was just created under this name.
    let command = unsafe { get(ctx.ctx, name.as_ptr()) };
    if command.is_null() {
        return Err(Error::err(format!(
            "cannot find {} after registering it",
            def.name
        )));
    }
    if let Some(set_acl) = crate::api!(RedisModule_SetCommandACLCategories) {
        // SAFETY: `command` is valid; the category string outlives the call.
        if unsafe { set_acl(command, c"ai".as_ptr()) } == raw::Status::Err as c_int {
            return Err(Error::err(format!(
                "cannot set the ACL category of {}",
                def.name
            )));
        }
    }
    set_info(def, command)
}

fn set_info(def: &CommandDef, command: *mut raw::RedisModuleCommand) -> Result<()> {
    let Some(set_info) = crate::api!(RedisModule_SetCommandInfo) else {
        return Ok(()); // Redis 6: no command info API; the legacy key triple is set.
    };
    let specs = match def.keys {
        Keys::None => vec![],
        // No spec: Redis keeps the legacy one (first key, variable flags)
        // and asks getkeys-api for the full list.
        Keys::Dynamic(_) => vec![],
        Keys::One { index, access } => {
            let flags = match access {
                Access::Read => KeySpecFlags::READ_ONLY | KeySpecFlags::ACCESS,
                Access::Overwrite => KeySpecFlags::OVERWRITE | KeySpecFlags::UPDATE,
                Access::Modify => KeySpecFlags::READ_WRITE | KeySpecFlags::UPDATE,
                Access::Remove => KeySpecFlags::READ_WRITE | KeySpecFlags::DELETE,
            };
            vec![KeySpec::new(
                None,
                flags,
                BeginSearch::new_index(index),
                FindKeys::new_range(0, 1, 0),
            )]
        }
    };
    let key_specs = get_redis_key_spec(specs);
    let summary = cstring(def.summary)?;
    let since = cstring(def.since)?;
    let version = raw::RedisModuleCommandInfoVersion {
        version: 1,
        sizeof_historyentry: std::mem::size_of::<raw::RedisModuleCommandHistoryEntry>(),
        sizeof_keyspec: std::mem::size_of::<raw::RedisModuleCommandKeySpec>(),
        sizeof_arg: std::mem::size_of::<raw::RedisModuleCommandArg>(),
    };
    let info = raw::RedisModuleCommandInfo {
        version: &version,
        summary: summary.as_ptr(),
        complexity: ptr::null(),
        since: since.as_ptr(),
        history: ptr::null_mut(),
        tips: ptr::null(),
        arity: def.arity,
        key_specs: if matches!(def.keys, Keys::Dynamic(_)) {
            ptr::null_mut()
        } else {
            key_specs.as_ptr() as *mut raw::RedisModuleCommandKeySpec
        },
        args: ptr::null_mut(),
    };
    // SAFETY: every pointer in `info` is valid for the call, and the key-spec
    // array ends with the zeroed entry `get_redis_key_spec` appends. Redis
    // copies what it keeps. Our specs have no notes or keywords to free.
    if unsafe { set_info(command, &info) } == raw::Status::Err as c_int {
        return Err(Error::err(format!(
            "cannot set the command info of {}",
            def.name
        )));
    }
    Ok(())
}
