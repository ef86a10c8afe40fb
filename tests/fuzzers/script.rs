//! The script generators (tests/script_fuzz.rs, tests/fuzz_all.rs):
//! AI.SCRIPTSTORE/SCRIPTSET (hostile ENTRY_POINTS counts, devices, tags,
//! sources mutated byte by byte or cut short), AI.SCRIPTGET/SCRIPTDEL/
//! AI._SCRIPTSCAN/AI.INFO, AI.SCRIPTEXECUTE/SCRIPTRUN (hostile KEYS/INPUTS/
//! ARGS/OUTPUTS counts, TIMEOUTs, `$`), script ops in DAGs, runs whose
//! `redis.execute` sends fuzzed commands, and RESTORE of mutated AI_SCRIPT
//! payloads.

use crate::common::fuzzgen::{self, hostile, number, Cmd};
use crate::common::{fixture, Conn, Reply, Rng};

/// Entry points: bar, call, keys_args, model, first. The others are
/// called positionally. No loop depends on a number a byte flip could
/// make huge.
pub const SRC: &str = r#"def bar(tensors: List[Tensor], keys: List[str], args: List[str]):
    return tensors[0] + tensors[1]

def call(tensors: List[Tensor], keys: List[str], args: List[str]):
    r = redis.execute(args[0], args[1:])
    return torch.tensor([float(len(str(r)))])

def keys_args(tensors: List[Tensor], keys: List[str], args: List[str]):
    return torch.tensor([float(len(keys)), float(len(args)), float(len(tensors))])

def model(tensors: List[Tensor], keys: List[str], args: List[str]):
    return redisAI.model_execute(keys[0], tensors, int(args[0]))

def first(tensors: List[Tensor], keys: List[str], args: List[str]):
    return tensors[0]

def add(a, b):
    return a + b

def rest(a, r: List[Tensor]):
    s = a
    for t in r:
        s = s + t
    return s

def pair(a, b):
    return a, [b, a]

def none(a):
    return None

def gives_int(a):
    return 1

def takes_int(a, n: int):
    return a

def as_list(a):
    return redis.asList(redis.execute("GET", ["k0"]))
"#;

pub const ENTRY: &[&str] = &["bar", "call", "keys_args", "model", "first"];
#[rustfmt::skip]
pub const FUNCTIONS: &[&str] = &[
    "bar", "call", "keys_args", "model", "first", "add", "rest", "pair", "none", "gives_int",
    "takes_int", "as_list", "nope", "",
];
/// Sources besides SRC: small, broken, odd.
pub const SOURCES: &[&str] = &[
    "def f(a):\n    return a\n",
    "def f(a):\n    return a",
    "def f(tensors: List[Tensor], keys: List[str], args: List[str]):\n    return tensors\n",
    "def f(a, b: int):\n    return a\n",
    "def f(a):\n  return a\n def g(b):\n    return b\n",
    "def f(a) -> int:\n    return 'x'\n",
    "import os\n",
    "class A:\n    pass\n",
    "def f(a):\n    return torch.nosuch(a)\n",
    "def f(a):\n    return redis.execute(1, 2)\n",
    "",
    "\0",
    "def",
    "def f(a):\n    return a\n\0garbage",
];
/// The commands a script's `redis.execute` may send.
#[rustfmt::skip]
pub const REDIS_COMMANDS: &[&str] = &[
    "SET", "GET", "INCR", "DEL", "RPUSH", "LRANGE", "HSET", "HVALS", "EXISTS", "PING", "ECHO",
    "BLPOP", "MULTI", "EXEC", "AI.TENSORSET", "AI.TENSORGET", "AI.SCRIPTEXECUTE",
    "AI.SCRIPTRUN", "AI.SCRIPTGET", "AI.SCRIPTDEL", "AI.SCRIPTSTORE", "AI.MODELEXECUTE",
    "AI.DAGEXECUTE", "AI.INFO", "nosuch", "",
];
#[rustfmt::skip]
pub const WORDS: &[&str] = &[
    "KEYS", "INPUTS", "ARGS", "OUTPUTS", "TIMEOUT", "$", "ENTRY_POINTS", "SOURCE", "TAG",
    "META", "RESETSTAT", "LOAD", "PERSIST", "ROUTING", "|>", "s", "legacy", "bar", "add",
    "rest", "t0", "t1", "k0", "out", "CPU", "GPU", "0", "1", "2", "3", "-1", "x", "",
];
#[rustfmt::skip]
pub const COMMANDS: &[&str] = &[
    "AI.SCRIPTSTORE", "AI.SCRIPTSET", "AI.SCRIPTGET", "AI.SCRIPTDEL", "AI.SCRIPTEXECUTE",
    "AI.SCRIPTRUN", "AI._SCRIPTSCAN", "AI.INFO", "AI.DAGEXECUTE", "AI.DAGRUN",
];
pub const DEVICES: &[&str] = &["CPU", "cpu", "CPU:1", "GPU", "GPU:0", "CPU:-1", "TPU", ""];
pub const TENSORS: &[&str] = &["t0", "t1", "t2", "s", "k0", "none", "out"];

pub fn s(words: &[&str]) -> Cmd {
    words.iter().map(|w| w.as_bytes().to_vec()).collect()
}

/// `<KW> <n> <items>…`: mostly the right count, sometimes a hostile one.
pub fn scope(r: &mut Rng, a: &mut Cmd, kw: &str, items: &[Vec<u8>]) {
    a.push(kw.into());
    a.push(if r.below(5) == 0 {
        hostile(r)
    } else {
        let n = items.len() as u64;
        (if r.below(6) == 0 { r.below(n + 2) } else { n })
            .to_string()
            .into_bytes()
    });
    a.extend(items.iter().cloned());
}

pub fn pick_list(r: &mut Rng, from: &[&str], max: u64) -> Vec<Vec<u8>> {
    (0..r.below(max + 1))
        .map(|_| r.pick(from).as_bytes().to_vec())
        .collect()
}

/// The arguments of a `call` entry point: a command for redis.execute.
pub fn call_args(r: &mut Rng) -> Vec<Vec<u8>> {
    let mut v = vec![r.pick(REDIS_COMMANDS).as_bytes().to_vec()];
    for _ in 0..r.below(6) {
        v.push(match r.below(4) {
            0 => hostile(r),
            1 => r.pick(TENSORS).as_bytes().to_vec(),
            _ => r.pick(WORDS).as_bytes().to_vec(),
        });
    }
    v
}

/// Which tensors and how many outputs suit `f` (so most calls run).
pub fn shape_of(r: &mut Rng, f: &str) -> (Vec<Vec<u8>>, u64) {
    let t = |r: &mut Rng, n: u64| pick_list_exact(r, &["t0", "t1", "t0"], n);
    match f {
        "bar" | "add" => (t(r, 2), 1),
        "pair" => (t(r, 2), 3),
        "rest" => {
            let n = 1 + r.below(5);
            (t(r, n), 1)
        }
        "model" => (t(r, 2), 1),
        "none" => (t(r, 1), 0),
        _ => {
            let n = r.below(3);
            (t(r, n), 1)
        }
    }
}

pub fn pick_list_exact(r: &mut Rng, from: &[&str], n: u64) -> Vec<Vec<u8>> {
    (0..n).map(|_| r.pick(from).as_bytes().to_vec()).collect()
}

/// An AI.SCRIPTEXECUTE (`op`: inside a DAG, no TIMEOUT). Half are well
/// formed for their function (most of those run); the rest skip, shuffle
/// or miscount scopes.
pub fn execute(r: &mut Rng, op: bool) -> Cmd {
    let script = if r.below(10) == 0 {
        r.pick(&["legacy", "none", "t0", "k0"])
    } else {
        "s"
    };
    let f = r.pick(FUNCTIONS);
    let mut a = s(&["AI.SCRIPTEXECUTE", script, f]);
    let (inputs, n_out) = shape_of(r, f);
    let outs = |r: &mut Rng, n: u64| {
        let from: &[&str] = if r.below(10) == 0 {
            &["out", "o1", "t1", "k0", "s"]
        } else {
            &["out", "o1", "o2"]
        };
        pick_list_exact(r, from, n)
    };
    let keys: Vec<Vec<u8>> = if f == "model" {
        vec![r.pick(&["pt", "pt", "none", "s", "t0"]).into()]
    } else {
        let n = 1 + r.below(3);
        pick_list_exact(r, &["k0", "pt", "s", "x"], n)
    };
    let args: Vec<Vec<u8>> = match f {
        "call" => call_args(r),
        "model" => vec![number(r, &["1", "1", "2"], 4)],
        _ => pick_list(r, WORDS, 3),
    };
    if r.below(3) != 0 {
        if r.below(2) == 0 || inputs.is_empty() {
            a.extend(s(&["KEYS", &keys.len().to_string()]));
            a.extend(keys);
        }
        if !inputs.is_empty() || a.len() == 3 {
            a.extend(s(&["INPUTS", &inputs.len().to_string()]));
            a.extend(inputs);
        }
        if !args.is_empty() {
            a.extend(s(&["ARGS", &args.len().to_string()]));
            a.extend(args);
        }
        if n_out > 0 {
            a.extend(s(&["OUTPUTS", &n_out.to_string()]));
            a.extend(outs(r, n_out));
        }
    } else {
        let mut scopes = vec!["KEYS", "INPUTS", "ARGS", "OUTPUTS"];
        if r.below(4) == 0 {
            for i in (1..scopes.len()).rev() {
                scopes.swap(i, r.below(i as u64 + 1) as usize);
            }
        }
        for kw in scopes {
            if r.below(5) == 0 {
                continue;
            }
            let items = match kw {
                "KEYS" => keys.clone(),
                "INPUTS" => inputs.clone(),
                "ARGS" => args.clone(),
                _ => {
                    let n = r.below(4);
                    outs(r, n)
                }
            };
            scope(r, &mut a, kw, &items);
        }
    }
    if !op && r.below(4) == 0 {
        a.push(b"TIMEOUT".to_vec());
        a.push(number(r, &["1", "100", "10000"], 3));
    }
    if r.below(12) == 0 {
        let i = 1 + r.below(a.len() as u64 - 1) as usize;
        a[i] = r.pick(WORDS).as_bytes().to_vec();
    }
    a
}

/// An AI.SCRIPTRUN: mostly well formed, with TIMEOUT anywhere and a `$`
/// sometimes.
pub fn scriptrun(r: &mut Rng) -> Cmd {
    let script = if r.below(8) == 0 {
        r.pick(&["s", "none", "t0"])
    } else {
        "legacy"
    };
    let f = if r.below(4) == 0 {
        r.pick(FUNCTIONS)
    } else {
        r.pick(&["add", "rest", "pair", "none", "bar"])
    };
    let mut a = s(&["AI.SCRIPTRUN", script, f]);
    if r.below(2) == 0 {
        let (inputs, n_out) = shape_of(r, f);
        if r.below(5) == 0 {
            a.extend(s(&["TIMEOUT", "1000"]));
        }
        a.push(b"INPUTS".to_vec());
        a.extend(inputs);
        if f == "rest" && r.below(2) == 0 {
            let at = a.len() - r.below(2) as usize;
            a.insert(at, b"$".to_vec());
        }
        a.push(b"OUTPUTS".to_vec());
        a.extend(pick_list_exact(r, &["out", "o1", "o2"], n_out));
        return a;
    }
    for _ in 0..1 + r.below(3) {
        match r.below(5) {
            0 => {
                a.push(b"TIMEOUT".to_vec());
                a.push(number(r, &["1", "1000"], 3));
            }
            1 => a.push(b"$".to_vec()),
            _ => {}
        }
        a.push(b"INPUTS".to_vec());
        a.extend(pick_list(r, &["t0", "t1", "$", "none"], 3));
        a.push(b"OUTPUTS".to_vec());
        a.extend(pick_list(r, &["out", "o1", "$", "t1"], 2));
        if r.below(2) == 0 {
            break;
        }
    }
    a
}

/// A DAG with script ops among tensor ops.
pub fn dag(r: &mut Rng) -> Cmd {
    let run = r.below(3) == 0;
    let mut a: Cmd = vec![match (run, r.below(4)) {
        (true, 0) => b"AI.DAGRUN_RO".to_vec(),
        (true, _) => b"AI.DAGRUN".to_vec(),
        (false, 0) => b"AI.DAGEXECUTE_RO".to_vec(),
        (false, _) => b"AI.DAGEXECUTE".to_vec(),
    }];
    a.extend(s(&["LOAD", "2", "t0", "t1"]));
    if r.below(3) == 0 {
        a.extend(s(&["PERSIST", "1", "out"]));
    }
    if r.below(6) == 0 {
        a.push(b"TIMEOUT".to_vec());
        a.push(hostile(r));
    }
    let n = if r.below(15) == 0 {
        [50usize, 1_025][r.below(2) as usize]
    } else {
        1 + r.below(4) as usize
    };
    for i in 0..n {
        a.push(b"|>".to_vec());
        match r.below(6) {
            _ if i == 0 && r.below(2) == 0 => a.extend(s(&[
                "AI.TENSORSET",
                "out",
                "FLOAT",
                "1",
                "2",
                "VALUES",
                "1",
                "2",
            ])),
            0 => a.extend(s(&["AI.TENSORGET", "out", "VALUES"])),
            // A chain across the two queues: `s` is on CPU, `legacy` on
            // CPU:1.
            1 if run => a.extend(s(&[
                "AI.SCRIPTRUN",
                "legacy",
                "add",
                "INPUTS",
                "out",
                "t1",
                "OUTPUTS",
                "out",
            ])),
            1 => {
                let script = r.pick(&["s", "legacy"]);
                a.extend(s(&[
                    "AI.SCRIPTEXECUTE",
                    script,
                    "add",
                    "INPUTS",
                    "2",
                    "out",
                    "t1",
                    "OUTPUTS",
                    "1",
                    "out",
                ]))
            }
            _ if run => {
                let mut op = scriptrun(r);
                if r.below(10) == 0 {
                    op[0] = b"AI.SCRIPTEXECUTE".to_vec();
                }
                a.extend(op);
            }
            _ => {
                let mut op = execute(r, true);
                if r.below(10) == 0 {
                    op[0] = b"AI.SCRIPTRUN".to_vec();
                }
                a.extend(op);
            }
        }
    }
    a
}

/// A SCRIPTSTORE/SCRIPTSET of a real, mutated or odd source.
pub fn store(r: &mut Rng) -> Cmd {
    let mut src = if r.below(2) == 0 {
        SRC.as_bytes().to_vec()
    } else {
        r.pick(SOURCES).as_bytes().to_vec()
    };
    match r.below(6) {
        0 if !src.is_empty() => {
            for _ in 0..1 + r.below(4) {
                let at = r.below(src.len() as u64) as usize;
                src[at] = r
                    .pick(&[
                        "(", ")", ":", " ", "\n", "\t", "[", "\"", "\\", "x", "\u{7f}",
                    ])
                    .as_bytes()[0];
            }
        }
        1 => {
            let keep = r.below(src.len() as u64 + 1) as usize;
            src.truncate(keep);
        }
        _ => {}
    }
    let key = r.pick(&["s2", "x", "k0", "t0"]);
    let device = if r.below(4) == 0 {
        r.pick(DEVICES)
    } else {
        "CPU"
    };
    let mut a = if r.below(3) == 0 {
        s(&["AI.SCRIPTSET", key, device])
    } else {
        s(&["AI.SCRIPTSTORE", key, device])
    };
    if r.below(3) == 0 {
        a.push(b"TAG".to_vec());
        a.push(number(r, &["v1", ""], 4));
    }
    if a[0] == b"AI.SCRIPTSTORE" {
        let names: Vec<Vec<u8>> = if src.starts_with(b"def bar") {
            let n = 1 + r.below(3);
            pick_list_exact(r, ENTRY, n)
        } else {
            let n = 1 + r.below(2);
            pick_list_exact(r, &["f", "g", "bar", ""], n)
        };
        scope(r, &mut a, "ENTRY_POINTS", &names);
    }
    a.push(b"SOURCE".to_vec());
    a.push(src);
    if r.below(10) == 0 {
        let i = 1 + r.below(a.len() as u64 - 1) as usize;
        a.remove(i);
    }
    a
}

pub fn random(r: &mut Rng) -> Cmd {
    let mut a: Cmd = vec![r.pick(COMMANDS).as_bytes().to_vec()];
    for _ in 0..r.below(12) {
        a.push(match r.below(10) {
            0 => hostile(r),
            1 => SRC.as_bytes().to_vec(),
            _ => r.pick(WORDS).as_bytes().to_vec(),
        });
    }
    a
}

pub fn misc(r: &mut Rng) -> Cmd {
    let key = r.pick(&["s", "legacy", "s2", "x", "t0", "none", "r"]);
    match r.below(5) {
        0 => {
            let mut a = s(&["AI.SCRIPTGET", key]);
            a.extend(pick_list(r, &["META", "SOURCE", "meta", "x"], 3));
            a
        }
        1 => s(&[
            "AI.SCRIPTDEL",
            r.pick(&["s2", "x", "r", "none", "t0", "legacy"]),
        ]),
        2 => s(&["AI._SCRIPTSCAN"]),
        3 => s(&["AI.INFO", key, r.pick(&["RESETSTAT", "x"])]),
        _ => s(&["AI.INFO", key]),
    }
}

pub fn restore(r: &mut Rng, dumps: &[Vec<u8>]) -> Cmd {
    let d = &dumps[r.below(dumps.len() as u64) as usize];
    vec![
        b"RESTORE".to_vec(),
        b"r".to_vec(),
        b"0".to_vec(),
        fuzzgen::mutate_dump(r, d, false),
        b"REPLACE".to_vec(),
    ]
}

pub fn check(cmd: &[Vec<u8>], reply: &Reply) -> Result<(), String> {
    let name = cmd[0].to_ascii_uppercase();
    let ok = match (name.as_slice(), reply) {
        (_, Reply::Error(_)) => true,
        (
            b"RESTORE" | b"AI.SCRIPTSTORE" | b"AI.SCRIPTSET" | b"AI.SCRIPTDEL" | b"AI.TENSORSET",
            r,
        ) => r.is_ok(),
        (b"AI.SCRIPTEXECUTE" | b"AI.SCRIPTRUN", Reply::Status(s)) => s == "OK" || s == "TIMEDOUT",
        (b"AI.SCRIPTGET", Reply::Array(_) | Reply::Bulk(_)) => true,
        (b"AI.INFO", Reply::Array(_)) => true,
        (b"AI.INFO", Reply::Status(s)) => s == "OK",
        (b"AI._SCRIPTSCAN", Reply::Array(_)) => true,
        (b"AI.MODELSTORE" | b"SET", r) => r.is_ok(),
        (b"DEL", Reply::Int(_)) => true,
        (d, Reply::Array(_)) if d.starts_with(b"AI.DAG") => true,
        (d, Reply::Status(s)) if d.starts_with(b"AI.DAG") => s == "TIMEDOUT",
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("unexpected reply {reply:?}"))
    }
}

/// The scripts and a model (when the build has TORCH), inputs, a string.
pub fn fixtures(torch: bool) -> Vec<Cmd> {
    let mut v = vec![
        s(&["DEL", "s", "legacy", "pt", "t0", "t1", "t2", "k0"]),
        s(&["AI.TENSORSET", "t0", "FLOAT", "1", "2", "VALUES", "1", "2"]),
        s(&["AI.TENSORSET", "t1", "FLOAT", "1", "2", "VALUES", "3", "4"]),
        s(&["AI.TENSORSET", "t2", "INT64", "2", "VALUES", "5", "6"]),
        s(&["SET", "k0", "7"]),
    ];
    if torch {
        let n = ENTRY.len().to_string();
        let mut a = s(&[
            "AI.SCRIPTSTORE",
            "s",
            "CPU",
            "TAG",
            "v1",
            "ENTRY_POINTS",
            &n,
        ]);
        a.extend(s(ENTRY));
        a.extend(s(&["SOURCE", SRC]));
        v.push(a);
        v.push(s(&["AI.SCRIPTSET", "legacy", "CPU:1", "SOURCE", SRC]));
        let mut m = s(&["AI.MODELSTORE", "pt", "TORCH", "CPU", "BLOB"]);
        m.push(fixture("pt-minimal.pt"));
        v.push(m);
    }
    v
}

pub fn setup(c: &mut Conn, torch: bool) {
    for f in fixtures(torch) {
        let r = c.cmd(&f).expect("reply");
        assert!(
            check(&f, &r).is_ok() && !r.is_error(),
            "{}: {r:?}",
            String::from_utf8_lossy(&f[1])
        );
    }
}
