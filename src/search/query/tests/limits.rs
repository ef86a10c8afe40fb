//! The caps (depth, length, terms) and the no-panic fuzz loop.

use super::{err, filter, ok, params, word, CLIENT_QUERIES};
use crate::search::query::*;

/// Levels in a tree (a leaf is 1).
fn tree_depth(root: &Node) -> usize {
    let mut max = 0;
    let mut todo = vec![(root, 1)];
    while let Some((n, d)) = todo.pop() {
        max = max.max(d);
        match n {
            Node::And(v) | Node::Or(v) => todo.extend(v.iter().map(|c| (c, d + 1))),
            Node::Not(c) | Node::Optional(c) => todo.push((c, d + 1)),
            _ => {}
        }
    }
    max
}

/// The bound parse.rs documents (and the executor relies on).
const TREE_MAX: usize = 2 * MAX_DEPTH + 4;

#[test]
fn depth_cap() {
    let nest = |n: usize| format!("{}a{}", "(".repeat(n), ")".repeat(n));
    assert_eq!(filter(&nest(MAX_DEPTH)), word("a"));
    let deep = "query is nested too deeply (at most 128 levels)";
    assert_eq!(err(nest(MAX_DEPTH + 1).as_bytes()), deep);
    ok(&format!("{}a", "-".repeat(MAX_DEPTH)));
    assert_eq!(
        err(format!("{}a", "~".repeat(MAX_DEPTH + 1)).as_bytes()),
        deep
    );
    // Groups and prefixes count together; field groups count too.
    let mixed = format!(
        "{}a{}",
        "-(@f:(".repeat(MAX_DEPTH / 3),
        "))".repeat(MAX_DEPTH / 3)
    );
    ok(&mixed);
    let mixed = format!(
        "{}a{}",
        "-(@f:(".repeat(MAX_DEPTH / 3 + 1),
        "))".repeat(MAX_DEPTH / 3 + 1)
    );
    assert_eq!(err(mixed.as_bytes()), deep);
    // The deepest tree: each group is an OR holding an AND.
    let worst = format!("{}a{}", "(a | b ".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
    let d = tree_depth(&filter(&worst));
    assert!(d > 2 * MAX_DEPTH && d <= TREE_MAX, "depth {d}");
    let worst = format!(
        "{}a{}",
        "-(a | b ".repeat(MAX_DEPTH / 2),
        ")".repeat(MAX_DEPTH / 2)
    );
    assert!(tree_depth(&filter(&worst)) <= TREE_MAX);
    // Siblings do not add up.
    ok(&format!("{} ", nest(100)).repeat(50));
}

#[test]
fn length_and_term_caps() {
    let long = "a ".repeat(MAX_QUERY_LEN / 2 + 1);
    assert_eq!(
        err(long.as_bytes()),
        "query is too long (at most 65536 bytes)"
    );
    let many = |n: usize| "a ".repeat(n);
    let q = filter(&many(MAX_TERMS));
    assert!(matches!(q, Node::And(v) if v.len() == MAX_TERMS));
    let too_many = "query has too many terms (at most 4096)";
    assert_eq!(err(many(MAX_TERMS + 1).as_bytes()), too_many);
    let tags = format!("@t:{{{}x}}", "x|".repeat(MAX_TERMS));
    assert_eq!(err(tags.as_bytes()), too_many);
    // A multi-field term counts once per field.
    let fields: Vec<String> = (0..MAX_TERMS / 2 + 1).map(|i| format!("f{i}")).collect();
    assert_eq!(
        err(format!("@{}:(a b)", fields.join("|")).as_bytes()),
        too_many
    );
}

/// xorshift64*: a fixed-seed PRNG for the fuzz loop.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn never_panics_on_random_and_mutated_input() {
    const ALPHABET: &[u8] = b"()|-~*@:{}[]$\"%\\=>;,. \tabKNVECTOR_RANGE0123456789+-inf\xff\x00";
    let params = params();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut parsed = 0usize;
    let runs = 30_000;
    for i in 0..runs {
        let mut q: Vec<u8> = if i % 3 == 0 {
            let n = rng.below(64);
            (0..n)
                .map(|_| ALPHABET[rng.below(ALPHABET.len())])
                .collect()
        } else {
            CLIENT_QUERIES[rng.below(CLIENT_QUERIES.len())]
                .as_bytes()
                .to_vec()
        };
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(q.len() + 1);
            let b = if rng.below(2) == 0 {
                ALPHABET[rng.below(ALPHABET.len())]
            } else {
                rng.next() as u8
            };
            match rng.below(3) {
                0 => q.insert(at, b),
                1 if at < q.len() => {
                    q.remove(at);
                }
                _ if at < q.len() => q[at] = b,
                _ => q.push(b),
            }
        }
        if let Ok(x) = parse(&q, &params) {
            assert!(tree_depth(&x.filter) <= TREE_MAX);
            parsed += 1;
        }
    }
    // The mutations must leave a fair share valid, or this tests only errors.
    assert!(parsed > runs / 10, "only {parsed} of {runs} parsed");
}

#[test]
fn pathological_inputs_are_refused_quickly() {
    let params = params();
    let n = MAX_QUERY_LEN;
    let units: &[&[u8]] = &[
        b"(",
        b")",
        b"-",
        b"~",
        b"|",
        b"\\",
        b"\"",
        b"%",
        b"@",
        b"$",
        b"*",
        b"=",
        b"=>",
        b"=>{",
        b"a|",
        b"a ",
        b"ismissing ",
        b"@f:",
        b"@f:{",
        b"@f:[",
        b"{",
        b"[",
        b" ",
        b"\xff",
        b"a\\",
        b"@a|",
        b"(@f:(",
        b"-(",
        b"a=>{$weight:1}",
        b"*=>[KNN 1 @v $B]",
    ];
    // Each is one pass over 64 KiB (a few ms); a quadratic path would take
    // seconds.
    let t = std::time::Instant::now();
    for unit in units {
        let q: Vec<u8> = unit.iter().copied().cycle().take(n).collect();
        let _ = parse(&q, &params);
    }
    assert!(t.elapsed() < std::time::Duration::from_secs(5));
}
