use super::*;

fn rng(seed: &mut u64) -> f32 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    (*seed % 10_000) as f32 / 5_000.0 - 1.0
}

fn spec(dim: usize) -> Spec {
    Spec {
        dim,
        metric: Metric::Cosine,
        quant: Quant::F32,
        m: 16,
        ef_construction: 128,
    }
}

#[test]
fn recall_against_exact_search() {
    let mut s = 42u64;
    let mut idx = VecIndex::new(spec(32)).expect("index");
    let data: Vec<Vec<f32>> = (0..3000)
        .map(|_| (0..32).map(|_| rng(&mut s)).collect())
        .collect();
    for (i, v) in data.iter().enumerate() {
        idx.add(i as u64, v, 0).expect("add");
    }
    assert_eq!(idx.len(), 3000);
    let (mut hit, mut total) = (0, 0);
    for q in data.iter().take(100) {
        let truth: Vec<u64> = idx
            .exact(q, 10)
            .expect("exact")
            .iter()
            .map(|m| m.0)
            .collect();
        let got: Vec<u64> = idx
            .search(q, 10, 100, None)
            .expect("search")
            .iter()
            .map(|m| m.0)
            .collect();
        hit += got.iter().filter(|g| truth.contains(g)).count();
        total += 10;
    }
    assert!(hit as f64 / total as f64 >= 0.95, "recall {hit}/{total}");
}

#[test]
fn update_remove_filter_and_round_trip() {
    let mut s = 7u64;
    let mut idx = VecIndex::new(spec(8)).expect("index");
    for i in 0..200u64 {
        let v: Vec<f32> = (0..8).map(|_| rng(&mut s)).collect();
        idx.add(i, &v, 0).expect("add");
    }
    // Re-adding an id replaces its vector.
    let v = vec![1.0f32; 8];
    idx.add(5, &v, 0).expect("update");
    assert_eq!(idx.len(), 200);
    assert_eq!(idx.search(&v, 1, 50, None).expect("search")[0].0, 5);
    assert!(idx.remove(5).expect("remove"));
    assert!(!idx.remove(5).expect("remove again"));
    assert!(idx.get(5).is_none());
    assert_eq!(idx.len(), 199);
    let even = |id: u64| id.is_multiple_of(2);
    let got = idx.search(&v, 10, 50, Some(&even)).expect("filtered");
    assert!(!got.is_empty() && got.iter().all(|m| m.0.is_multiple_of(2)));
    // Wrong lengths are refused before usearch sees them.
    assert_eq!(
        idx.add(1, &[1.0; 3], 0),
        Err("Vector dimension mismatch - got 3 but set has 8".to_string())
    );
    assert!(idx.search(&[1.0; 9], 1, 10, None).is_err());
    let bytes = idx.save().expect("save");
    let back = VecIndex::load(spec(8), 199, &bytes).expect("load");
    assert_eq!(back.len(), 199);
    assert_eq!(
        back.search(&v, 10, 50, None).expect("search"),
        idx.search(&v, 10, 50, None).expect("search")
    );
    assert!(VecIndex::new(spec(0)).is_err());
}

#[test]
fn raw_vectors_round_trip_bit_for_bit_in_every_quant() {
    let mut s = 11u64;
    for quant in [Quant::F32, Quant::F16, Quant::Bf16, Quant::I8] {
        let mut idx = VecIndex::new(Spec { quant, ..spec(16) }).expect("index");
        let mut copy = VecIndex::new(Spec { quant, ..spec(16) }).expect("index");
        for i in 0..50u64 {
            let v: Vec<f32> = (0..16).map(|_| rng(&mut s) * 3.0).collect();
            idx.add(i, &v, 0).expect("add");
            let raw = idx.raw(i).expect("raw");
            assert_eq!(raw.len(), 16 * scalar_bytes(quant));
            copy.add_raw(i, &raw, 0).expect("add raw");
            assert_eq!(copy.raw(i), Some(raw), "{quant:?}");
            // De-quantized values stay close (I8 keeps the unit vector).
            let back = idx.get(i).expect("get");
            let scale = if quant == Quant::I8 { norm(&v) } else { 1.0 };
            for (a, b) in v.iter().zip(&back) {
                assert!((a - b * scale).abs() < 0.1 * scale.max(1.0), "{quant:?}");
            }
        }
        assert!(copy.add_raw(99, &[0u8; 3], 0).is_err());
    }
    // I8 only makes sense for cosine.
    assert!(VecIndex::new(Spec {
        quant: Quant::I8,
        metric: Metric::L2,
        ..spec(4)
    })
    .is_err());
    // Non-finite values are refused.
    let mut idx = VecIndex::new(spec(2)).expect("index");
    assert!(idx.add(1, &[f32::NAN, 1.0], 0).is_err());
}

#[test]
fn load_refuses_a_graph_that_disagrees_with_the_header() {
    let mut idx = VecIndex::new(spec(4)).expect("index");
    idx.add(1, &[1.0, 0.0, 0.0, 0.0], 0).expect("add");
    let bytes = idx.save().expect("save");
    assert!(VecIndex::load(spec(4), 2, &bytes).is_err());
    assert!(VecIndex::load(spec(5), 1, &bytes).is_err());
    assert!(VecIndex::load(
        Spec {
            metric: Metric::L2,
            ..spec(4)
        },
        1,
        &bytes
    )
    .is_err());
    assert!(VecIndex::load(spec(4), 1, &bytes[..10]).is_err());
    assert_eq!(VecIndex::load(spec(4), 1, &bytes).expect("load").len(), 1);
}

#[test]
fn ballast_tracks_usearch_memory() {
    let mut s = 7u64;
    let mut idx = VecIndex::new(spec(128)).expect("index");
    for i in 0..5000u64 {
        let v: Vec<f32> = (0..128).map(|_| rng(&mut s)).collect();
        idx.add(i, &v, 0).expect("add");
    }
    let (foot, usearch) = (idx.footprint(), idx.memory_usage());
    // The O(1) figure is within 15% of usearch's own node walk.
    assert!(
        foot.abs_diff(usearch) * 100 <= usearch * 15,
        "footprint {foot} vs usearch {usearch}"
    );
    // The ballast lags the footprint by less than one grain.
    let held = idx.accounted();
    assert!(held <= foot && foot - held < crate::vector::ballast::GRAIN);
    // A reload accounts for the loaded graph at once.
    let back = VecIndex::load(spec(128), 5000, &idx.save().expect("save")).expect("load");
    assert!(back.accounted() + crate::vector::ballast::GRAIN > usearch * 85 / 100);
}
