//! The writer load of tests/crash_recovery.rs and its bookkeeping.
//!
//! Each writer owns its keys (`<kind>:<writer>:<n>`), so the value a key
//! should hold is the effect of the writer's last write to it. Every write
//! is logged with two ticks of a shared logical clock: one taken before it
//! was sent, one after its reply arrived (none if the server died first).
//! A snapshot taken between ticks `t0` and `t1` must hold every write
//! acknowledged before `t0`; a write sent before `t1` and not acknowledged
//! before `t0` may or may not be in it. An AOF at a kill: `t0` = u64::MAX
//! (every acknowledged write) and `t1` the tick after the server was
//! reaped (a write sent before it may have landed before SIGKILL did). All values are
//! multiples of 1/8, so model outputs are exact and compared exactly.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::common::vec::blob;
use crate::common::{fixture, Conn, Reply, Rng};

/// The setup script (and every AI.SCRIPTSTORE of the load).
pub const SCRIPT: &str = "def write(tensors: List[Tensor], keys: List[str], args: List[str]):\n    redis.execute(\"SET\", [keys[0], args[0]])\n    return tensors[0] * 2\n";

/// Vector elements per writer, in the plain load.
const ELEMENTS: usize = 120;
/// Vector elements per writer in the fill-and-drain phase (RDB), enough
/// removals (> 1,024 tombstones, more than the live ones) for a background
/// compaction.
pub const BULK_ELEMENTS: usize = 1_600;
/// Floats in a big tensor.
const BIG: usize = 65_536;

/// What a key holds (or should).
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Absent,
    Tensor(Vec<f32>),
    Str(String),
    /// A model of this backend that runs and gives the right output.
    Model(String),
    Script,
    /// A vector set element (key `vs:<w>/<element>`) with this vector.
    Elem(Vec<f32>),
    /// An FT-indexed hash: its unique NUMERIC `n` and its vector `v`.
    Doc(i64, Vec<f32>),
    /// Observed only: something else (a wrong type, a model that fails).
    Broken(String),
}

pub type State = BTreeMap<String, Val>;

/// One write.
pub struct Op {
    pub sent: u64,
    pub acked: Option<u64>,
    pub effects: Vec<(String, Val)>,
}

/// One command and what it does when it succeeds.
type Step = (Vec<Vec<u8>>, Vec<(String, Val)>);

fn words(w: &[&str]) -> Vec<Vec<u8>> {
    w.iter().map(|s| s.as_bytes().to_vec()).collect()
}

pub fn tick(clock: &AtomicU64) -> u64 {
    clock.fetch_add(1, Ordering::SeqCst)
}

pub struct Writer {
    pub id: usize,
    pub rng: Rng,
    /// The whole keyspace as this writer knows it (it only writes its own).
    pub cur: State,
    pub log: Vec<Op>,
    /// Error replies (there must be none).
    pub errors: Vec<String>,
    /// Fill and drain a large vector set first (RDB: background compaction).
    pub bulk: bool,
    seq: i64,
}

impl Writer {
    /// Writer `id` of cycle `cycle` (which keeps its NUMERIC values and
    /// vectors unique across cycles).
    pub fn new(id: usize, cycle: u64, seed: u64, cur: State, bulk: bool) -> Writer {
        Writer {
            id,
            rng: Rng(seed | 1),
            cur,
            log: Vec::new(),
            errors: Vec::new(),
            bulk,
            seq: cycle as i64 * 1_000_000,
        }
    }

    fn value(&mut self) -> f32 {
        (self.rng.below(2_001) as f32 - 1_000.0) / 8.0
    }

    fn values(&mut self, n: usize) -> Vec<f32> {
        (0..n).map(|_| self.value()).collect()
    }

    fn key(&mut self, kind: &str, n: u64) -> String {
        format!("{kind}:{}:{}", self.id, self.rng.below(n))
    }

    fn tensor(&self, key: &str) -> Option<Vec<f32>> {
        match self.cur.get(key) {
            Some(Val::Tensor(v)) => Some(v.clone()),
            _ => None,
        }
    }

    fn tensorset(key: &str, shape: &[usize], v: &[f32]) -> Step {
        let mut a = vec!["AI.TENSORSET".to_string(), key.into(), "FLOAT".into()];
        a.extend(shape.iter().map(|d| d.to_string()));
        a.push("VALUES".into());
        a.extend(v.iter().map(|x| x.to_string()));
        let cmd = a.into_iter().map(String::into_bytes).collect();
        (cmd, vec![(key.to_string(), Val::Tensor(v.to_vec()))])
    }

    /// The next action: one command, or several sent as one pipeline.
    fn next_action(&mut self) -> Vec<Step> {
        let w = self.id;
        let (inp, inp4) = (format!("in:{w}"), format!("in4:{w}"));
        let (Some(x), Some(x4)) = (self.tensor(&inp), self.tensor(&inp4)) else {
            let (a, b) = (self.values(2), self.values(4));
            return vec![
                Self::tensorset(&inp, &[2], &a),
                Self::tensorset(&inp4, &[1, 4], &b),
            ];
        };
        if self.bulk {
            return self.bulk_action();
        }
        match self.rng.below(100) {
            0..=14 => {
                let (k, v) = (self.key("t", 20), self.values(2));
                vec![Self::tensorset(&k, &[2], &v)]
            }
            15..=19 => {
                let v = self.values(2);
                vec![Self::tensorset(&inp, &[2], &v)]
            }
            20..=29 => {
                let o = self.key("o", 10);
                let cmd = words(&["AI.MODELEXECUTE", "m:pt", "INPUTS", "2", &inp, &inp]);
                let mut cmd = cmd;
                cmd.extend(words(&["OUTPUTS", "1", &o]));
                let y = x.iter().map(|a| a + a).collect();
                vec![(cmd, vec![(o, Val::Tensor(y))])]
            }
            30..=35 => {
                let o = self.key("o", 10);
                let cmd = words(&["AI.MODELEXECUTE", "m:onnx", "INPUTS", "1", &inp4]);
                let mut cmd = cmd;
                cmd.extend(words(&["OUTPUTS", "1", &o]));
                let y = x4.iter().zip([1.0, 2.0, 3.0, 4.0]).map(|(a, b)| a * b);
                let y = y.sum::<f32>() + 0.5;
                vec![(cmd, vec![(o, Val::Tensor(vec![y]))])]
            }
            36..=45 => {
                let (k, o) = (self.key("str", 10), self.key("o", 10));
                let arg = format!("v{}", self.rng.next());
                let cmd = words(&[
                    "AI.SCRIPTEXECUTE",
                    "s:base",
                    "write",
                    "KEYS",
                    "1",
                    &k,
                    "INPUTS",
                    "1",
                    &inp,
                    "ARGS",
                    "1",
                    &arg,
                    "OUTPUTS",
                    "1",
                    &o,
                ]);
                let y = x.iter().map(|a| a * 2.0).collect();
                vec![(cmd, vec![(k, Val::Str(arg)), (o, Val::Tensor(y))])]
            }
            46..=53 => {
                let i = self.rng.below(10);
                let (a, b) = (format!("d:{w}:{i}"), format!("d:{w}:{}", (i + 1) % 10));
                let v = self.values(2);
                let (v0, v1) = (v[0].to_string(), v[1].to_string());
                let cmd = words(&[
                    "AI.DAGEXECUTE",
                    "PERSIST",
                    "2",
                    &a,
                    &b,
                    "|>",
                    "AI.TENSORSET",
                    &a,
                    "FLOAT",
                    "2",
                    "VALUES",
                    &v0,
                    &v1,
                    "|>",
                    "AI.MODELEXECUTE",
                    "m:pt",
                    "INPUTS",
                    "2",
                    &a,
                    &a,
                    "OUTPUTS",
                    "1",
                    &b,
                ]);
                let y = v.iter().map(|x| x + x).collect();
                vec![(cmd, vec![(a, Val::Tensor(v)), (b, Val::Tensor(y))])]
            }
            54..=56 => {
                let k = self.key("m", 4);
                let (backend, file) = if self.rng.below(2) == 0 {
                    ("ONNX", "onnx-linear.onnx")
                } else {
                    ("TORCH", "pt-minimal.pt")
                };
                let mut cmd = words(&["AI.MODELSTORE", &k, backend, "CPU", "BLOB"]);
                cmd.push(fixture(file));
                vec![(cmd, vec![(k, Val::Model(backend.into()))])]
            }
            57..=58 => {
                let k = self.key("s", 3);
                let cmd = words(&[
                    "AI.SCRIPTSTORE",
                    &k,
                    "CPU",
                    "ENTRY_POINTS",
                    "1",
                    "write",
                    "SOURCE",
                    SCRIPT,
                ]);
                vec![(cmd, vec![(k, Val::Script)])]
            }
            59..=74 => {
                let e = self.rng.below(ELEMENTS as u64) as usize;
                vec![self.vadd(e)]
            }
            75..=81 => {
                let e = self.rng.below(ELEMENTS as u64) as usize;
                vec![self.vrem(e)]
            }
            82..=90 => {
                let n = 1 + self.rng.below(5);
                (0..n).map(|_| self.hset(40)).collect()
            }
            91..=94 => {
                // 256 KB: a kill inside its AOF write(2) can tear it.
                let k = self.key("t", 20);
                let v = self.values(BIG);
                let mut cmd = words(&["AI.TENSORSET", &k, "FLOAT", &BIG.to_string(), "BLOB"]);
                cmd.push(blob(&v));
                vec![(cmd, vec![(k, Val::Tensor(v))])]
            }
            _ => self.del(),
        }
    }

    fn vadd(&mut self, e: usize) -> Step {
        let key = format!("vs:{}", self.id);
        let mut v = self.values(4);
        v[0] = self.id as f32; // never the zero vector; tells writers apart
        let name = format!("e{e}");
        let mut cmd = words(&["AI.VADD", &key, "FP32"]);
        cmd.push(blob(&v));
        cmd.extend(words(&[&name, "METRIC", "L2"]));
        (cmd, vec![(format!("{key}/{name}"), Val::Elem(v))])
    }

    fn vrem(&mut self, e: usize) -> Step {
        let key = format!("vs:{}", self.id);
        let name = format!("e{e}");
        let cmd = words(&["AI.VREM", &key, &name]);
        (cmd, vec![(format!("{key}/{name}"), Val::Absent)])
    }

    fn hset(&mut self, pool: u64) -> Step {
        let k = self.key("doc", pool);
        self.seq += 1;
        let n = self.id as i64 * 1_000_000_000_000 + self.seq;
        let mut v = self.values(4);
        v[0] = (self.seq % 16_000_000) as f32;
        v[1] = self.id as f32;
        let mut cmd = words(&["HSET", &k, "n", &n.to_string(), "v"]);
        cmd.push(blob(&v));
        (cmd, vec![(k, Val::Doc(n, v))])
    }

    /// DEL of one of this writer's keys that holds something (not the
    /// model inputs, not the vector set).
    fn del(&mut self) -> Vec<Step> {
        let own = format!(":{}:", self.id);
        let present: Vec<String> = self
            .cur
            .iter()
            .filter(|(k, v)| k.contains(&own) && **v != Val::Absent)
            .map(|(k, _)| k.clone())
            .collect();
        if present.is_empty() {
            return vec![self.hset(40)];
        }
        let k = present[self.rng.below(present.len() as u64) as usize].clone();
        vec![(words(&["DEL", &k]), vec![(k, Val::Absent)])]
    }

    /// RDB: fill the big vector set, 200 adds a pipeline, then remove most
    /// of it (a background compaction), with FT-indexed HSET bursts between.
    fn bulk_action(&mut self) -> Vec<Step> {
        let key = format!("vs:{}", self.id);
        let live: Vec<usize> = (0..BULK_ELEMENTS)
            .filter(|e| matches!(self.cur.get(&format!("{key}/e{e}")), Some(Val::Elem(_))))
            .collect();
        match self.rng.below(10) {
            0..=2 => (0..20).map(|_| self.hset(400)).collect(),
            3 => self.del(),
            _ if live.len() < BULK_ELEMENTS * 9 / 10 => {
                let missing = (0..BULK_ELEMENTS).filter(|e| !live.contains(e));
                let missing: Vec<usize> = missing.take(200).collect();
                missing.into_iter().map(|e| self.vadd(e)).collect()
            }
            _ => {
                // Remove 85% of the set, 200 a pipeline: tombstones outnumber
                // the live elements, and the rebuild starts.
                let n = live.len() * 85 / 100;
                live.iter().take(n).map(|&e| self.vrem(e)).collect()
            }
        }
    }

    /// Runs until `stop` or until the server dies. Each write's reply is
    /// checked; an error reply is recorded (the write had no effect).
    pub fn run(&mut self, port: u16, clock: &AtomicU64, stop: &AtomicBool) {
        let Ok(mut c) = Conn::connect(port, std::time::Duration::from_secs(60)) else {
            return;
        };
        while !stop.load(Ordering::SeqCst) {
            let action = self.next_action();
            let sent = tick(clock);
            let sent_ok = action.iter().all(|(cmd, _)| c.send(cmd).is_ok()) && c.flush().is_ok();
            for (cmd, effects) in action {
                let reply = if sent_ok { c.read().ok() } else { None };
                let Some(reply) = reply else {
                    self.log.push(Op {
                        sent,
                        acked: None,
                        effects,
                    });
                    // The rest of the pipeline: unknown as well.
                    continue;
                };
                let acked = Some(tick(clock));
                if let Some(e) = bad_reply(&cmd, &reply) {
                    self.errors.push(e);
                    self.log.push(Op {
                        sent,
                        acked,
                        effects: Vec::new(),
                    });
                    continue;
                }
                for (k, v) in &effects {
                    self.cur.insert(k.clone(), v.clone());
                }
                self.log.push(Op {
                    sent,
                    acked,
                    effects,
                });
            }
            if !sent_ok || self.log.last().is_some_and(|o| o.acked.is_none()) {
                return;
            }
        }
    }
}

/// Why `reply` is not a success reply for `cmd`, if it is not.
fn bad_reply(cmd: &[Vec<u8>], reply: &Reply) -> Option<String> {
    let ok = match (cmd[0].as_slice(), reply) {
        (b"AI.VADD" | b"AI.VREM" | b"DEL" | b"HSET", Reply::Int(_)) => true,
        (b"AI.DAGEXECUTE", Reply::Array(a)) => a.iter().all(|r| !r.is_error()),
        (_, r) => r.is_ok(),
    };
    (!ok).then(|| format!("{}: {reply:?}", String::from_utf8_lossy(&cmd[0])))
}

/// Per key, every value the snapshot may hold: the writes acknowledged
/// before `t0` applied to `base`, and each later write sent before `t1`.
pub fn expected(base: &State, logs: &[&[Op]], t0: u64, t1: u64) -> BTreeMap<String, Vec<Val>> {
    let mut def = base.clone();
    let definite = |o: &Op| o.acked.is_some_and(|a| a < t0);
    for log in logs {
        for op in log.iter().filter(|o| definite(o)) {
            def.extend(op.effects.iter().cloned());
        }
    }
    let mut alts: BTreeMap<String, Vec<Val>> = def.into_iter().map(|(k, v)| (k, vec![v])).collect();
    for log in logs {
        for op in log.iter().filter(|o| !definite(o) && o.sent < t1) {
            for (k, v) in &op.effects {
                alts.entry(k.clone())
                    .or_insert_with(|| vec![Val::Absent])
                    .push(v.clone());
            }
        }
    }
    alts
}
