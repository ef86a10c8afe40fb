//! Helpers for the vector set tests.

use super::{Conn, Reply};

/// Little-endian f32 bytes (the FP32 form).
pub fn blob(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// `n` deterministic vectors of `dim` values in [-1, 1) (xorshift).
pub fn random_vectors(n: usize, dim: usize, seed: u64) -> Vec<Vec<f32>> {
    let mut s = seed | 1;
    (0..n)
        .map(|_| {
            (0..dim)
                .map(|_| {
                    s ^= s << 13;
                    s ^= s >> 7;
                    s ^= s << 17;
                    (s % 20_000) as f32 / 10_000.0 - 1.0
                })
                .collect()
        })
        .collect()
}

/// `AI.VADD key FP32 <v> name extra…`
pub fn vadd(c: &mut Conn, key: &str, name: &str, v: &[f32], extra: &[&str]) -> Reply {
    let b = blob(v);
    let mut args: Vec<&[u8]> = vec![b"AI.VADD", key.as_bytes(), b"FP32", &b, name.as_bytes()];
    args.extend(extra.iter().map(|e| e.as_bytes()));
    c.cmd(&args).expect("reply")
}

/// Adds `e0…e{n-1}` pipelined, 500 at a time; every reply must be 1 or 0.
pub fn vadd_all(c: &mut Conn, key: &str, vectors: &[Vec<f32>], extra: &[&str]) {
    for (start, chunk) in vectors.chunks(500).enumerate() {
        for (i, v) in chunk.iter().enumerate() {
            let name = format!("e{}", start * 500 + i);
            let b = blob(v);
            let mut args: Vec<&[u8]> =
                vec![b"AI.VADD", key.as_bytes(), b"FP32", &b, name.as_bytes()];
            args.extend(extra.iter().map(|e| e.as_bytes()));
            c.send(&args).expect("send");
        }
        c.flush().expect("flush");
        for _ in chunk {
            let r = c.read().expect("reply");
            assert!(matches!(r, Reply::Int(0 | 1) | Reply::Bool(_)), "{r:?}");
        }
    }
}

/// `AI.VSIM key FP32 <q> extra…`
pub fn vsim(c: &mut Conn, key: &str, q: &[f32], extra: &[&str]) -> Reply {
    let b = blob(q);
    let mut args: Vec<&[u8]> = vec![b"AI.VSIM", key.as_bytes(), b"FP32", &b];
    args.extend(extra.iter().map(|e| e.as_bytes()));
    c.cmd(&args).expect("reply")
}

/// The names of a plain (RESP2 or no-score) VSIM reply.
pub fn names(r: &Reply) -> Vec<String> {
    r.array().iter().map(|x| x.text()).collect()
}

/// `(name, score)` pairs of a RESP2 `WITHSCORES` reply.
pub fn scored(r: &Reply) -> Vec<(String, f64)> {
    r.array()
        .chunks(2)
        .map(|p| (p[0].text(), p[1].text().parse().expect("score")))
        .collect()
}

/// An integer field of `AI.VINFO key` (e.g. "deleted-slots").
pub fn vinfo_int(c: &mut Conn, key: &str, field: &str) -> Option<i64> {
    let info = c.cmd(&["AI.VINFO", key]).expect("reply");
    let Reply::Array(a) = info else {
        return None;
    };
    let at = a
        .iter()
        .position(|x| !matches!(x, Reply::Int(_)) && x.text() == field)?;
    match a.get(at + 1) {
        Some(Reply::Int(n)) => Some(*n),
        _ => None,
    }
}
