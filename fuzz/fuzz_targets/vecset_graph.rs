//! The deepest pure layer of the vector-set decoder: `VecIndex::load`, that
//! is `graph_check::check` and then usearch's `load_from_buffer` on the
//! bytes it accepts. The first 5 bytes pick the spec and the element count
//! (as the set's header would), the rest is the graph. A graph that loads
//! answers searches and saves to bytes that load again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use redisai::vector::{Metric, Quant, Spec, VecIndex};

fuzz_target!(|data: &[u8]| {
    let Some((head, graph)) = data.split_first_chunk::<5>() else {
        return;
    };
    let spec = Spec {
        dim: 1 + usize::from(head[0] % 16),
        metric: match head[1] % 3 {
            0 => Metric::Cosine,
            1 => Metric::L2,
            _ => Metric::Ip,
        },
        quant: match head[2] % 4 {
            0 => Quant::F32,
            1 => Quant::F16,
            2 => Quant::Bf16,
            _ => Quant::I8,
        },
        m: 4 + usize::from(head[3] % 29),
        ef_construction: 8,
    };
    let count = usize::from(head[4]);
    let Ok(ix) = VecIndex::load(spec, count, graph) else {
        return;
    };
    assert_eq!(ix.len(), count);
    let q = vec![0.25f32; spec.dim];
    let _ = ix.search(&q, 3, 10, None);
    let _ = ix.exact(&q, 3);
    let keep = |id: u64| id % 2 == 0;
    let _ = ix.search(&q, 3, 10, Some(&keep));
    let saved = match ix.save() {
        Ok(s) => s,
        Err(e) => panic!("a loaded graph does not save: {e}"),
    };
    if let Err(e) = VecIndex::load(spec, count, &saved) {
        panic!("a saved graph does not load again: {e}");
    }
});
