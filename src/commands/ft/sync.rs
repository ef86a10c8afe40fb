//! Keeping the FT indexes in step with the keyspace: keyspace events, the
//! scan of existing keys after FT.CREATE (a timer that works in slices, so
//! clients keep being served), and the checks when a load ends.

use std::cell::RefCell;
use std::time::{Duration, Instant};

use redis_module::{Context, KeysCursor, RedisString};

use crate::ffi::hash::{db_size, selected_db, ReadKey};
use crate::search::registry::{self, Shared};
use crate::search::schema::IndexDef;

/// Indexes cover database 0 (as RediSearch's do).
pub const INDEX_DB: i32 = 0;
/// Work per timer tick of the scan, and the pause between ticks.
const SLICE: Duration = Duration::from_millis(5);
const PAUSE: Duration = Duration::from_millis(1);
/// Scans this large log their progress.
const LOG_EVERY: u64 = 100_000;

struct ScanJob {
    index: Shared,
    cursor: KeysCursor,
    started: Instant,
}

thread_local! {
    // Timers, events and commands all run on the main thread.
    static JOBS: RefCell<Vec<ScanJob>> = const { RefCell::new(Vec::new()) };
    static TIMER: RefCell<bool> = const { RefCell::new(false) };
    static PENDING: RefCell<Vec<(Shared, Vec<u8>)>> = const { RefCell::new(Vec::new()) };
}

/// The schema fields of the hash at `key`, or `None` when it is not a hash.
pub fn values_of(key: &ReadKey, def: &IndexDef) -> Option<Vec<Option<Vec<u8>>>> {
    if !key.is_hash() {
        return None;
    }
    Some(
        def.fields
            .iter()
            .map(|f| key.field(&f.identifier))
            .collect(),
    )
}

/// Brings `ix` up to date with the key `name` (database 0 must be
/// selected). The main thread never waits for the index: when a search
/// holds it (on the pool, or this very thread further up the stack: a key
/// read by FT.SEARCH can expire and notify), the key is queued and synced
/// on the next timer tick.
pub fn sync_key(ctx: &Context, name: &RedisString, ix: &Shared) {
    // Open the key before taking the lock: the lookup can expire it, and
    // the event that fires must not find the lock held by us.
    let key = ReadKey::open(ctx, name);
    let Some(mut w) = registry::try_write(ix) else {
        drop(key);
        defer(ctx, ix, name.as_slice());
        return;
    };
    if !w.def.covers(name.as_slice()) {
        return;
    }
    match values_of(&key, &w.def) {
        Some(vals) => {
            let refs: Vec<Option<&[u8]>> = vals.iter().map(|v| v.as_deref()).collect();
            let _ = w.upsert(name.as_slice(), &refs);
        }
        None => {
            w.remove(name.as_slice());
        }
    }
}

fn defer(ctx: &Context, ix: &Shared, key: &[u8]) {
    PENDING.with(|p| p.borrow_mut().push((ix.clone(), key.to_vec())));
    arm_timer(ctx);
}

/// Syncs the keys queued while their index was busy.
fn drain_pending(ctx: &Context) {
    let pending = PENDING.with(|p| std::mem::take(&mut *p.borrow_mut()));
    if pending.is_empty() {
        return;
    }
    super::search::in_db0(ctx, || {
        for (ix, key) in pending {
            let live = registry::get(&registry::read(&ix).def.name)
                .is_some_and(|cur| std::sync::Arc::ptr_eq(&cur, &ix));
            if live {
                sync_key(ctx, &crate::ffi::string(ctx, &key), &ix);
            }
        }
    });
}

fn covering(key: &[u8]) -> Vec<Shared> {
    registry::all()
        .into_iter()
        .filter(|ix| registry::read(ix).def.covers(key))
        .collect()
}

/// A keyspace event on `key` in the context's database.
pub fn on_key_event(ctx: &Context, event: &[u8], key: &RedisString) {
    if registry::is_empty() || selected_db(ctx) != INDEX_DB {
        return;
    }
    let targets = covering(key.as_slice());
    if targets.is_empty() {
        return;
    }
    let gone = matches!(
        event,
        b"del"
            | b"expired"
            | b"evicted"
            | b"rename_from"
            | b"move_from"
            | b"trimmed"
            | b"key_trimmed"
    );
    for ix in &targets {
        if gone {
            match registry::try_write(ix) {
                Some(mut w) => {
                    w.remove(key.as_slice());
                }
                None => defer(ctx, ix, key.as_slice()),
            }
        } else {
            sync_key(ctx, key, ix);
        }
    }
}

fn is_loading(ctx: &Context) -> bool {
    ctx.get_flags()
        .contains(redis_module::ContextFlags::LOADING)
}

/// Starts indexing the existing keys for `ix`: in slices on a timer, or all
/// at once while the server loads (no client is waiting then).
pub fn start_scan(ctx: &Context, ix: Shared) {
    let total = super::search::in_db0(ctx, || db_size(ctx));
    registry::write(&ix).scan = Some(crate::search::index::ScanProgress { scanned: 0, total });
    let job = ScanJob {
        index: ix,
        cursor: KeysCursor::new(),
        started: Instant::now(),
    };
    if is_loading(ctx) {
        let mut job = job;
        while step(ctx, &mut job, None) {}
        return;
    }
    JOBS.with(|j| j.borrow_mut().push(job));
    arm_timer(ctx);
}

fn arm_timer(ctx: &Context) {
    let armed = TIMER.with(|t| std::mem::replace(&mut *t.borrow_mut(), true));
    if !armed {
        ctx.create_timer(PAUSE, tick, ());
    }
}

fn tick(ctx: &Context, _: ()) {
    TIMER.with(|t| *t.borrow_mut() = false);
    drain_pending(ctx);
    let deadline = Instant::now() + SLICE;
    let mut jobs = JOBS.with(|j| std::mem::take(&mut *j.borrow_mut()));
    jobs.retain_mut(|job| {
        // An index dropped or replaced meanwhile is no longer scanned.
        let live = registry::get(&registry::read(&job.index).def.name)
            .is_some_and(|cur| std::sync::Arc::ptr_eq(&cur, &job.index));
        live && step(ctx, job, Some(deadline))
    });
    let more = JOBS.with(|j| {
        let mut j = j.borrow_mut();
        jobs.append(&mut j);
        *j = jobs;
        !j.is_empty()
    }) || PENDING.with(|p| !p.borrow().is_empty());
    if more {
        arm_timer(ctx);
    }
}

/// Scans until `deadline` (or the end); whether keys remain.
fn step(ctx: &Context, job: &mut ScanJob, deadline: Option<Instant>) -> bool {
    super::search::in_db0(ctx, || {
        let names: RefCell<Vec<RedisString>> = RefCell::new(Vec::new());
        loop {
            names.borrow_mut().clear();
            let more = job.cursor.scan(ctx, &|_ctx, name, _key| {
                names
                    .borrow_mut()
                    .push(crate::ffi::string(ctx, name.as_slice()));
            });
            for n in names.borrow().iter() {
                sync_key(ctx, n, &job.index);
            }
            let count = names.borrow().len() as u64;
            let (scanned, name) = {
                let mut w = registry::write(&job.index);
                let name = w.def.name.clone();
                let p = w.scan.get_or_insert_with(Default::default);
                p.scanned += count;
                (p.scanned, name)
            };
            if scanned / LOG_EVERY != (scanned - count) / LOG_EVERY {
                ctx.log_notice(&format!("FT index {name}: scanned {scanned} keys"));
            }
            if !more {
                let mut w = registry::write(&job.index);
                w.scan = None;
                if scanned >= LOG_EVERY {
                    ctx.log_notice(&format!(
                        "FT index {name}: indexed {} documents from {scanned} keys in {:.1}s",
                        w.num_docs(),
                        job.started.elapsed().as_secs_f64()
                    ));
                }
                return false;
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return true;
            }
        }
    })
}

/// FLUSHDB/FLUSHALL of `db` (-1: all): indexes keep their definitions and
/// lose their documents.
pub fn on_flush(db: i32) {
    if db != INDEX_DB && db != -1 {
        return;
    }
    JOBS.with(|j| j.borrow_mut().clear());
    for ix in registry::all() {
        let mut w = registry::write(&ix);
        if let Ok(empty) = w.emptied() {
            *w = empty;
        }
    }
}

/// SWAPDB touching database 0: every index starts over from the new keys.
pub fn on_swapdb(ctx: &Context, a: i32, b: i32) {
    if a != INDEX_DB && b != INDEX_DB {
        return;
    }
    on_flush(-1);
    for ix in registry::all() {
        start_scan(ctx, ix);
    }
}

/// A load begins: the indexes it restores replace the current ones.
pub fn on_loading_start() {
    JOBS.with(|j| j.borrow_mut().clear());
    registry::clear();
}

/// A load ended: every restored index is checked against the keyspace.
/// Each covered hash is compared with its saved fingerprint (re-indexed
/// when it changed, its vectors kept when they did not), hashes the save
/// did not know are added, and saved documents whose hash is gone are
/// dropped. An index whose vectors did not load is rebuilt the same way.
pub fn on_loading_end(ctx: &Context) {
    for ix in registry::all() {
        let started = Instant::now();
        let mut job = ScanJob {
            index: ix.clone(),
            cursor: KeysCursor::new(),
            started,
        };
        registry::write(&ix).scan = Some(Default::default());
        while step(ctx, &mut job, None) {}
        let mut w = registry::write(&ix);
        let stale = w.stale_keys();
        for k in &stale {
            w.remove(k);
        }
        ctx.log_notice(&format!(
            "FT index {}: {} documents checked after load in {:.3}s ({} dropped)",
            w.def.name,
            w.num_docs(),
            started.elapsed().as_secs_f64(),
            stale.len()
        ));
    }
}
