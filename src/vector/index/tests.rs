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
        idx.add(i as u64, v).expect("add");
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
        idx.add(i, &v).expect("add");
    }
    // Re-adding an id replaces its vector.
    let v = vec![1.0f32; 8];
    idx.add(5, &v).expect("update");
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
        idx.add(1, &[1.0; 3]),
        Err("Vector dimension mismatch - got 3 but set has 8".to_string())
    );
    assert!(idx.search(&[1.0; 9], 1, 10, None).is_err());
    let bytes = idx.save().expect("save");
    let back = VecIndex::load(spec(8), &bytes).expect("load");
    assert_eq!(back.len(), 199);
    assert_eq!(
        back.search(&v, 10, 50, None).expect("search"),
        idx.search(&v, 10, 50, None).expect("search")
    );
    assert!(VecIndex::new(spec(0)).is_err());
}
