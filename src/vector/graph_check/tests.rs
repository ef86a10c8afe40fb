use super::*;
use crate::vector::index::VecIndex;

fn rng(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

fn unit(seed: &mut u64) -> f32 {
    (rng(seed) % 20_000) as f32 / 10_000.0 - 1.0
}

fn spec(dim: usize, metric: Metric, quant: Quant, m: usize) -> Spec {
    Spec {
        dim,
        metric,
        quant,
        m,
        ef_construction: 64,
    }
}

fn f32_8() -> Spec {
    spec(8, Metric::Cosine, Quant::F32, 16)
}

/// `n` adds, then every 7th removed and every 11th re-added (so removed
/// nodes and reused slots are in the graph). Returns the bytes and the
/// number of present elements.
fn real(s: Spec, n: u64) -> (Vec<u8>, usize) {
    let mut seed = 99;
    let mut idx = VecIndex::new(s).expect("index");
    for i in 0..n {
        let v: Vec<f32> = (0..s.dim).map(|_| unit(&mut seed)).collect();
        idx.add(i, &v, 0).expect("add");
    }
    for i in (0..n).step_by(7) {
        idx.remove(i).expect("remove");
    }
    for i in (0..n).step_by(11) {
        let v: Vec<f32> = (0..s.dim).map(|_| unit(&mut seed)).collect();
        idx.add(i, &v, 0).expect("re-add");
    }
    let len = idx.len();
    (idx.save().expect("save"), len)
}

/// Offsets in a buffer known to be well formed.
struct Map {
    head: usize,
    hnsw: usize,
    levels: usize,
    /// Start of each node.
    nodes: Vec<usize>,
    size: usize,
}

fn map(b: &[u8], m: usize) -> Map {
    let rows = u32_at(b) as usize;
    let width = u32_at(&b[4..]) as usize;
    let head = 8 + rows * width;
    let hnsw = head + HEAD_BYTES;
    let size = u64_at(&b[hnsw..]) as usize;
    let levels = hnsw + HNSW_HEAD_BYTES;
    let mut nodes = Vec::new();
    let mut at = levels + 2 * size;
    for i in 0..size {
        nodes.push(at);
        at += NODE_HEAD + (4 + 8 * m) + (4 + 4 * m) * level_at(&b[levels..], i) as usize;
    }
    assert_eq!(at, b.len());
    Map {
        head,
        hnsw,
        levels,
        nodes,
        size,
    }
}

fn put_u32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_ne_bytes());
}

fn put_u64(b: &mut [u8], at: usize, v: u64) {
    b[at..at + 8].copy_from_slice(&v.to_ne_bytes());
}

fn refused(b: &[u8], s: Spec, count: usize, why: &str) {
    let e = check(b, s, count).expect_err(why);
    assert!(e.contains(why), "{e} (wanted {why})");
    assert!(e.starts_with("corrupt graph: "), "{e}");
    assert!(VecIndex::load(s, count, b).is_err());
}

#[test]
fn real_indexes_pass_in_every_metric_quant_and_m() {
    for (metric, quant, m) in [
        (Metric::Cosine, Quant::F32, 16),
        (Metric::L2, Quant::F16, 4),
        (Metric::Ip, Quant::Bf16, 8),
        (Metric::Cosine, Quant::I8, 32),
    ] {
        let s = spec(12, metric, quant, m);
        let (b, n) = real(s, 500);
        let sum = check(&b, s, n).expect("valid");
        assert_eq!((sum.nodes, sum.present), (500, n));
        assert!(sum.nodes > sum.present, "removed nodes are kept");
        assert!(VecIndex::load(s, n, &b).is_ok());
    }
    // One element, and an index that never had one.
    let (b, n) = real(f32_8(), 1);
    assert_eq!(n, 1);
    check(&b, f32_8(), 1).expect("one");
    let empty = VecIndex::new(f32_8()).expect("index").save().expect("save");
    check(&empty, f32_8(), 0).expect("empty");
    assert_eq!(VecIndex::load(f32_8(), 0, &empty).expect("load").len(), 0);
}

#[test]
fn header_mismatches_are_refused() {
    let s = f32_8();
    let (b, n) = real(s, 200);
    let h = map(&b, 16).head;
    refused(&b, s, n + 1, "present nodes");
    refused(&b, spec(8, Metric::L2, Quant::F32, 16), n, "metric/scalar");
    refused(
        &b,
        spec(8, Metric::Cosine, Quant::F16, 16),
        n,
        "rows of 32 bytes",
    );
    refused(
        &b,
        spec(8, Metric::Cosine, Quant::F32, 8),
        n,
        "connectivity 16/32",
    );
    for (at, byte, why) in [
        (h, b'U', "magic"),
        (h + 7, 3, "format 3."),
        (h + 9, 9, "format 2.9"),
        (h + 15, 13, "key/slot kinds"),
        (h + 16, 14, "key/slot kinds"),
        (h + 41, 2, "multi flag"),
        (h + 25, 0, "removed nodes but"),
    ] {
        let mut x = b.clone();
        x[at] = byte;
        refused(&x, s, n, why);
    }
}

#[test]
fn the_crashes_found_so_far_are_refused() {
    let s = f32_8();
    let (b, n) = real(s, 200);
    let mp = map(&b, 16);
    // A node level of -32768 (SIGSEGV inside RESTORE).
    let mut x = b.clone();
    x[mp.levels + 2 * 5..mp.levels + 2 * 5 + 2].copy_from_slice(&i16::MIN.to_ne_bytes());
    refused(&x, s, n, "node 5 has level -32768");
    // max_level 5 (abort on the next search).
    let mut x = b.clone();
    put_u64(&mut x, mp.hnsw + 24, 5);
    refused(&x, s, n, "max level 5");
    // entry slot 0xFFFFFFFF.
    let mut x = b.clone();
    put_u64(&mut x, mp.hnsw + 32, 0xFFFF_FFFF);
    refused(&x, s, n, "entry slot 4294967295 out of range");
    // An out-of-range neighbour slot.
    let mut x = b.clone();
    put_u32(&mut x, mp.nodes[3] + NODE_HEAD + 4, mp.size as u32 + 5);
    refused(&x, s, n, "node 3 links to slot 205");
    // A neighbour count above the connectivity.
    let mut x = b.clone();
    put_u32(&mut x, mp.nodes[3] + NODE_HEAD, 33);
    refused(&x, s, n, "node 3 has 33 neighbours at level 0, at most 32");
    // A dimension above the row width (set and usearch header both say 64).
    let mut x = b.clone();
    put_u64(&mut x, mp.head + 33, 64);
    refused(
        &x,
        spec(64, Metric::Cosine, Quant::F32, 16),
        n,
        "rows of 32 bytes",
    );
    // 10^9 rows of width 0, the matrix bytes dropped.
    let mut x = Vec::new();
    x.extend_from_slice(&1_000_000_000u32.to_ne_bytes());
    x.extend_from_slice(&0u32.to_ne_bytes());
    x.extend_from_slice(&b[mp.head..]);
    refused(&x, s, n, "rows of 0 bytes");
    // 10^9 rows of the right width: the matrix is not there.
    let mut x = b.clone();
    put_u32(&mut x, 0, 1_000_000_000);
    refused(&x, s, n, "the vectors matrix needs 32000000000 bytes");
}

#[test]
fn graph_damage_is_refused() {
    let s = f32_8();
    let (b, n) = real(s, 200);
    let mp = map(&b, 16);
    let level = |i: usize| level_at(&b[mp.levels..], i);
    let high = (0..mp.size)
        .find(|&i| level(i) > 0)
        .expect("a node above level 0");
    let low = (0..mp.size)
        .find(|&i| level(i) == 0)
        .expect("a level-0 node");
    // A self-link.
    let mut x = b.clone();
    put_u32(&mut x, mp.nodes[low] + NODE_HEAD + 4, low as u32);
    refused(&x, s, n, "links to itself");
    // A level-1 link to a node that has no level 1.
    let mut x = b.clone();
    let l1 = mp.nodes[high] + NODE_HEAD + 4 + 8 * 16;
    put_u32(&mut x, l1, 1);
    put_u32(&mut x, l1 + 4, low as u32);
    refused(&x, s, n, "of level 0");
    // The level in the node disagrees with the level table.
    let mut x = b.clone();
    x[mp.nodes[low] + 8] = 1;
    refused(&x, s, n, "says level 1");
    // Two nodes with one key.
    let mut x = b.clone();
    let present: Vec<usize> = (0..mp.size)
        .filter(|&i| u64_at(&b[mp.nodes[i]..]) != FREE_KEY)
        .collect();
    let key = u64_at(&b[mp.nodes[present[0]]..]);
    put_u64(&mut x, mp.nodes[present[1]], key);
    refused(&x, s, n, "is on two nodes");
    // A present node marked removed.
    let mut x = b.clone();
    put_u64(&mut x, mp.nodes[present[0]], FREE_KEY);
    refused(&x, s, n, "present and");
    // The entry node is not on the top level.
    let mut x = b.clone();
    put_u64(&mut x, mp.hnsw + 32, low as u64);
    refused(&x, s, n, "entry node's is 0");
    // A byte left over, and a node size of the wrong M.
    let mut x = b.clone();
    x.push(0);
    refused(&x, s, n, "remain");
    // Sizes that disagree.
    let mut x = b.clone();
    put_u64(&mut x, mp.hnsw, 199);
    refused(&x, s, n, "199 nodes but 200 vectors");
}

#[test]
fn every_truncation_is_refused() {
    let s = spec(4, Metric::L2, Quant::F32, 4);
    let (b, n) = real(s, 30);
    for cut in 0..b.len() {
        assert!(check(&b[..cut], s, n).is_err(), "cut at {cut}");
    }
}

#[test]
fn random_flips_are_refused_or_safe_to_load() {
    let s = spec(8, Metric::Cosine, Quant::F32, 4);
    let (b, n) = real(s, 120);
    let mut seed = 5u64;
    let (mut ok, mut bad) = (0, 0);
    for _ in 0..3_000 {
        let mut x = b.clone();
        for _ in 0..1 + rng(&mut seed) % 3 {
            let at = (rng(&mut seed) % x.len() as u64) as usize;
            x[at] ^= 1 << (rng(&mut seed) % 8);
        }
        if check(&x, s, n).is_err() {
            bad += 1;
            continue;
        }
        ok += 1;
        // Accepted bytes load, and search and add without crashing.
        let mut idx = VecIndex::load(s, n, &x).expect("checked bytes load");
        let q: Vec<f32> = (0..8).map(|_| unit(&mut seed)).collect();
        idx.search(&q, 5, 20, None).expect("search");
        idx.add(1_000_000, &q, 0).expect("add");
        idx.search(&q, 5, 20, None).expect("search");
    }
    assert!(ok > 100 && bad > 100, "{ok} accepted, {bad} refused");
}

/// A well-formed index of `n` random `dim`-d F32 vectors, written directly
/// in usearch's layout: levels drawn like usearch's (`-ln(u) / ln(M)`),
/// full random neighbour lists among the nodes of each level.
fn synthetic(n: usize, dim: usize, m: usize, seed: u64) -> Vec<u8> {
    let mut s = seed | 1;
    let mut b = Vec::with_capacity(n * (dim * 4 + 2 * 4 * m + 30));
    b.extend_from_slice(&(n as u32).to_ne_bytes());
    b.extend_from_slice(&((dim * 4) as u32).to_ne_bytes());
    for _ in 0..n * dim {
        b.extend_from_slice(&unit(&mut s).to_ne_bytes());
    }
    let mut head = [0u8; HEAD_BYTES];
    head[..7].copy_from_slice(MAGIC);
    head[7..9].copy_from_slice(&2u16.to_ne_bytes());
    head[9..11].copy_from_slice(&26u16.to_ne_bytes());
    head[13] = metric_code(Metric::Cosine);
    head[14] = scalar_code(Quant::F32);
    head[15] = KIND_U64;
    head[16] = KIND_U32;
    head[17..25].copy_from_slice(&(n as u64).to_ne_bytes());
    head[33..41].copy_from_slice(&(dim as u64).to_ne_bytes());
    b.extend_from_slice(&head);
    let inv = 1.0 / (m as f64).ln();
    let levels: Vec<i16> = (0..n)
        .map(|_| {
            let u = (rng(&mut s) % (1 << 52) + 1) as f64 / (1u64 << 52) as f64;
            (-u.ln() * inv) as i16
        })
        .collect();
    let top = levels.iter().copied().max().unwrap_or(0);
    let entry = levels.iter().position(|&l| l == top).unwrap_or(0);
    let by_level: Vec<Vec<u32>> = (0..=top)
        .map(|l| (0..n as u32).filter(|&i| levels[i as usize] >= l).collect())
        .collect();
    for v in [n as u64, m as u64, 2 * m as u64, top as u64, entry as u64] {
        b.extend_from_slice(&v.to_ne_bytes());
    }
    for l in &levels {
        b.extend_from_slice(&l.to_ne_bytes());
    }
    for (i, &level) in levels.iter().enumerate() {
        b.extend_from_slice(&(i as u64).to_ne_bytes());
        b.extend_from_slice(&level.to_ne_bytes());
        for l in 0..=level {
            let cap = if l == 0 { 2 * m } else { m };
            let pool = &by_level[l as usize];
            let count = cap.min(pool.len() - 1);
            b.extend_from_slice(&(count as u32).to_ne_bytes());
            let mut written = 0;
            while written < count {
                let to = pool[(rng(&mut s) % pool.len() as u64) as usize];
                if to as usize != i {
                    b.extend_from_slice(&to.to_ne_bytes());
                    written += 1;
                }
            }
            b.extend(std::iter::repeat_n(0u8, 4 * (cap - count)));
        }
    }
    b
}

#[test]
fn a_synthetic_index_passes_and_usearch_searches_it() {
    let s = spec(16, Metric::Cosine, Quant::F32, 8);
    let b = synthetic(3_000, 16, 8, 3);
    check(&b, s, 3_000).expect("valid");
    let idx = VecIndex::load(s, 3_000, &b).expect("load");
    let q = vec![0.25f32; 16];
    assert_eq!(idx.search(&q, 10, 50, None).expect("search").len(), 10);
}

/// The cost of the check against usearch's own load, on 400,000 × 50-d F32
/// (M 16). `cargo test --release -p redisai-rs --lib -q validation_cost --
/// --ignored --nocapture`
#[test]
#[ignore]
fn validation_cost_400k_by_50() {
    use std::time::Instant;
    use usearch::ffi::{IndexOptions, MetricKind, ScalarKind};
    let (n, dim, m) = (400_000, 50, 16);
    let s = spec(dim, Metric::Cosine, Quant::F32, m);
    let b = synthetic(n, dim, m, 11);
    let best = |f: &mut dyn FnMut()| {
        (0..5)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64() * 1e3
            })
            .fold(f64::MAX, f64::min)
    };
    let checked = best(&mut || {
        check(&b, s, n).expect("valid");
    });
    let mut sum = 0;
    let summed = best(&mut || {
        sum ^= crate::persistence::vecset_codec::checksum(&b);
    });
    let loaded = best(&mut || {
        let options = IndexOptions {
            dimensions: dim,
            metric: MetricKind::Cos,
            quantization: ScalarKind::F32,
            connectivity: m,
            expansion_add: 64,
            expansion_search: 1,
            multi: false,
        };
        let ix = usearch::Index::new(&options).expect("index");
        ix.load_from_buffer(&b).expect("load");
        assert_eq!(ix.size(), n);
    });
    println!(
        "{n} x {dim}-d F32, M {m}: {:.1} MB; graph_check {checked:.1} ms, \
         usearch load_from_buffer {loaded:.1} ms ({:.0}%), RDB checksum {summed:.1} ms ({sum:x})",
        b.len() as f64 / 1e6,
        100.0 * checked / loaded
    );
}
