//! The soak's load: the op kinds, what each sends (a pipelined batch) and
//! how each reply is checked. The one expected error is [`EXPECTED`] in
//! reply to the `expire` kind's AI.TENSORGET of a key it set earlier with a
//! TTL of 1–200 ms; anything else that is not the reply the check wants is
//! unexpected.

use crate::resp::Reply;
use crate::{args, floats, Rng};

/// Vector dimension of the vector set and the FT index.
pub const DIM: usize = 32;
/// Vectors in the set and hashes in the index before the load starts.
pub const BASE: usize = 2000;
pub const VSET: &str = "soak:vset";
pub const IDX: &str = "soak:idx";
pub const SCRIPT: &str =
    "def add(tensors: List[Tensor], keys: List[str], args: List[str]):\n    return tensors[0] + tensors[1]\n";
/// The one expected error (see the module docs).
pub const EXPECTED: &str = "ERR tensor key is empty or in a different shard";

/// Op kinds and their weights (out of 100).
pub const KINDS: &[(&str, u32)] = &[
    ("infer_onnx", 12),
    ("infer_torch", 12),
    ("dag", 10),
    ("script", 10),
    ("vsim", 16),
    ("vadd_vrem", 4),
    ("ft_search", 14),
    ("ft_hset", 4),
    ("churn", 10),
    ("expire", 8),
];

/// What a reply must be.
pub enum Check {
    Ok,
    Int,
    /// A bulk string of exactly this many bytes.
    Blob(usize),
    /// AI.TENSORGET VALUES of these numbers.
    Values(Vec<f64>),
    /// An array whose first element is an integer (FT.SEARCH).
    Search,
    /// An array of names (AI.VSIM).
    Names,
    /// A DAG reply: this many elements, none an error.
    Dag(usize),
    /// A blob of this length, or the expected error.
    MaybeExpired(usize),
}

pub enum Verdict {
    Good,
    Expected,
    Bad(String),
}

pub fn judge(r: &Reply, c: &Check) -> Verdict {
    let good = match (c, r) {
        (Check::MaybeExpired(_), Reply::Error(e)) if e == EXPECTED => return Verdict::Expected,
        (_, Reply::Error(e)) => return Verdict::Bad(e.clone()),
        (Check::Ok, r) => r.is_ok(),
        (Check::Int, r) => matches!(r, Reply::Int(_) | Reply::Bool(_)),
        (Check::Blob(n) | Check::MaybeExpired(n), Reply::Bulk(b)) => b.len() == *n,
        (Check::Values(want), Reply::Array(a)) => {
            a.len() == want.len()
                && a.iter().zip(want).all(|(x, w)| match x {
                    Reply::Bulk(b) => std::str::from_utf8(b)
                        .ok()
                        .and_then(|s| s.parse::<f64>().ok())
                        .is_some_and(|v| (v - w).abs() < 1e-3),
                    Reply::Double(v) => (v - w).abs() < 1e-3,
                    _ => false,
                })
        }
        (Check::Search, Reply::Array(a)) => matches!(a.first(), Some(Reply::Int(_))),
        (Check::Names, Reply::Array(a)) => !a.is_empty() && a.len() <= 10,
        (Check::Dag(n), Reply::Array(a)) => a.len() == *n && !a.iter().any(Reply::is_error),
        _ => false,
    };
    if good {
        Verdict::Good
    } else {
        Verdict::Bad(format!("unexpected reply {}", short(r)))
    }
}

fn short(r: &Reply) -> String {
    let s = format!("{r:?}");
    s.chars().take(160).collect()
}

pub fn blob(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

pub type Batch = Vec<(Vec<Vec<u8>>, Check)>;

/// One client's state: its id, a counter and a generator.
pub struct Client {
    id: usize,
    n: u64,
    rng: Rng,
}

impl Client {
    pub fn new(id: usize) -> Client {
        Client {
            id,
            n: 0,
            rng: Rng(0x5eed ^ ((id as u64) << 20)),
        }
    }

    fn key(&self, what: &str) -> String {
        format!("soak:{what}:{}", self.id)
    }

    fn vector(&mut self) -> Vec<u8> {
        blob(&self.rng.sphere(DIM))
    }

    fn infer(&mut self, model: &str) -> Batch {
        let (a, b, o) = (self.key("ia"), self.key("ib"), self.key("io"));
        let set = |k: &str, n: usize| {
            args(
                &format!("AI.TENSORSET {k} FLOAT 1 {n} BLOB $"),
                &[&floats(n)],
            )
        };
        vec![
            (set(&a, 30), Check::Ok),
            (set(&b, 256), Check::Ok),
            (
                args(
                    &format!("AI.MODELEXECUTE {model} INPUTS 2 {a} {b} OUTPUTS 1 {o}"),
                    &[],
                ),
                Check::Ok,
            ),
            (args(&format!("AI.TENSORGET {o} BLOB"), &[]), Check::Blob(8)),
        ]
    }

    /// `a = [id, n % 100]`, `b = [1, 2]`: the script's sum is known.
    fn script_values(&self) -> (String, String, Vec<f64>) {
        let (x, y) = (self.id as f64, (self.n % 100) as f64);
        (
            format!("VALUES {x} {y}"),
            "VALUES 1 2".to_string(),
            vec![x + 1.0, y + 2.0],
        )
    }

    fn script(&mut self) -> Batch {
        let (a, b, o) = (self.key("sa"), self.key("sb"), self.key("so"));
        let (va, vb, want) = self.script_values();
        vec![
            (
                args(&format!("AI.TENSORSET {a} FLOAT 2 {va}"), &[]),
                Check::Ok,
            ),
            (
                args(&format!("AI.TENSORSET {b} FLOAT 2 {vb}"), &[]),
                Check::Ok,
            ),
            (
                args(
                    &format!("AI.SCRIPTEXECUTE soak:script add INPUTS 2 {a} {b} OUTPUTS 1 {o}"),
                    &[],
                ),
                Check::Ok,
            ),
            (
                args(&format!("AI.TENSORGET {o} VALUES"), &[]),
                Check::Values(want),
            ),
        ]
    }

    /// Three DAG shapes in turn: a model (read-only), a script whose output
    /// is PERSISTed, and a vector search on a DAG tensor.
    fn dag(&mut self) -> Batch {
        let ops = if self.n % 3 == 2 { 3 } else { 4 };
        let text = match self.n % 3 {
            0 => args(
                &format!(
                    "AI.DAGEXECUTE_RO ROUTING {} |> AI.TENSORSET a FLOAT 1 30 BLOB $ \
                     |> AI.TENSORSET b FLOAT 1 256 BLOB $ \
                     |> AI.MODELEXECUTE soak:pt INPUTS 2 a b OUTPUTS 1 o |> AI.TENSORGET o BLOB",
                    self.key("dg")
                ),
                &[&floats(30), &floats(256)],
            ),
            1 => {
                let (va, vb, _) = self.script_values();
                let p = self.key("dp");
                args(
                    &format!(
                        "AI.DAGEXECUTE PERSIST 1 {p} |> AI.TENSORSET a FLOAT 2 {va} \
                         |> AI.TENSORSET b FLOAT 2 {vb} \
                         |> AI.SCRIPTEXECUTE soak:script add INPUTS 2 a b OUTPUTS 1 {p} \
                         |> AI.TENSORGET {p} VALUES"
                    ),
                    &[],
                )
            }
            _ => args(
                &format!(
                    "AI.DAGEXECUTE_RO ROUTING {VSET} |> AI.TENSORSET q FLOAT 1 {DIM} BLOB $ \
                     |> AI.VSIM {VSET} TENSOR q COUNT 5 OUTPUTS 2 ids sc |> AI.TENSORGET sc BLOB"
                ),
                &[&self.vector()],
            ),
        };
        vec![(text, Check::Dag(ops))]
    }

    fn vsim(&mut self) -> Batch {
        let q = self.vector();
        vec![(
            args(&format!("AI.VSIM {VSET} FP32 $ COUNT 10 EF 50"), &[&q]),
            Check::Names,
        )]
    }

    /// Adds one of this client's 64 names and removes the one 32 behind.
    fn vadd_vrem(&mut self) -> Batch {
        let (add, rem) = (self.n % 64, (self.n + 32) % 64);
        let v = self.vector();
        let id = self.id;
        vec![
            (
                args(&format!("AI.VADD {VSET} FP32 $ c{id}:{add}"), &[&v]),
                Check::Int,
            ),
            (
                args(&format!("AI.VREM {VSET} c{id}:{rem}"), &[]),
                Check::Int,
            ),
        ]
    }

    fn ft_search(&mut self) -> Batch {
        let q = self.vector();
        let mut a = args(
            &format!("FT.SEARCH {IDX} QUERY RETURN 1 d PARAMS 2 B $ DIALECT 2"),
            &[&q],
        );
        a[2] = b"*=>[KNN 10 @v $B AS d]".to_vec();
        vec![(a, Check::Search)]
    }

    /// HSETs one of this client's 64 hashes and deletes the one 32 behind.
    fn ft_hset(&mut self) -> Batch {
        let (set, del) = (self.n % 64, (self.n + 32) % 64);
        let v = self.vector();
        let id = self.id;
        vec![
            (
                args(
                    &format!("HSET soak:doc:c{id}:{set} v $ t {}", self.n % 4),
                    &[&v],
                ),
                Check::Int,
            ),
            (args(&format!("DEL soak:doc:c{id}:{del}"), &[]), Check::Int),
        ]
    }

    /// Sets 8 tensors of mixed sizes in a ring of 256 and deletes the 8
    /// that stand 128 behind.
    fn churn(&mut self) -> Batch {
        const SIZES: [usize; 4] = [16, 256, 1024, 4096];
        let base = (self.n * 8) % 256;
        let mut b = Batch::new();
        for j in 0..8 {
            let k = format!("soak:churn:{}:{}", self.id, base + j);
            let n = SIZES[(self.rng.next_u64() % 4) as usize];
            b.push((
                args(&format!("AI.TENSORSET {k} FLOAT {n} BLOB $"), &[&floats(n)]),
                Check::Ok,
            ));
        }
        for j in 0..8 {
            let k = format!("soak:churn:{}:{}", self.id, (base + 128 + j) % 256);
            b.push((args(&format!("DEL {k}"), &[]), Check::Int));
        }
        b
    }

    /// A tensor with a TTL of 1–200 ms and a read of the one set 4 ops
    /// ago (which may have expired: the expected error). Every 4th op also
    /// makes a small vector set with a TTL, and every 4th (other phase) an
    /// indexed hash with a TTL, so the expiry cycle frees those too.
    fn expire(&mut self) -> Batch {
        let (id, n) = (self.id, self.n);
        let ttl = 1 + self.rng.next_u64() % 200;
        let k = format!("soak:exp:{id}:{n}");
        let mut b: Batch = vec![
            (
                args(
                    &format!("AI.TENSORSET {k} FLOAT 1 64 BLOB $"),
                    &[&floats(64)],
                ),
                Check::Ok,
            ),
            (args(&format!("PEXPIRE {k} {ttl}"), &[]), Check::Int),
        ];
        if n >= 4 {
            let old = format!("soak:exp:{id}:{}", n - 4);
            b.push((
                args(&format!("AI.TENSORGET {old} BLOB"), &[]),
                Check::MaybeExpired(256),
            ));
        }
        if n % 4 == 1 {
            let vs = format!("soak:expvs:{id}:{n}");
            for e in 0..4 {
                let v = self.vector();
                b.push((
                    args(&format!("AI.VADD {vs} FP32 $ e{e}"), &[&v]),
                    Check::Int,
                ));
            }
            b.push((args(&format!("PEXPIRE {vs} {ttl}"), &[]), Check::Int));
        }
        if n % 4 == 3 {
            let h = format!("soak:doc:exp:{id}:{n}");
            let v = self.vector();
            b.push((args(&format!("HSET {h} v $ t x"), &[&v]), Check::Int));
            b.push((args(&format!("PEXPIRE {h} {ttl}"), &[]), Check::Int));
        }
        b
    }

    pub fn batch(&mut self, kind: usize) -> Batch {
        self.n += 1;
        match KINDS[kind].0 {
            "infer_onnx" => self.infer("soak:ox"),
            "infer_torch" => self.infer("soak:pt"),
            "dag" => self.dag(),
            "script" => self.script(),
            "vsim" => self.vsim(),
            "vadd_vrem" => self.vadd_vrem(),
            "ft_search" => self.ft_search(),
            "ft_hset" => self.ft_hset(),
            "churn" => self.churn(),
            _ => self.expire(),
        }
    }

    /// A kind, by the weights (`--only` zeroes the others).
    pub fn pick(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut r = (self.rng.next_u64() % u64::from(total.max(1))) as u32;
        for (i, &w) in weights.iter().enumerate() {
            if r < w {
                return i;
            }
            r -= w;
        }
        weights.len() - 1
    }
}
