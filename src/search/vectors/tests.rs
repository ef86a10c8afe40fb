use super::*;

#[test]
fn f16_decodes_exactly() {
    assert_eq!(f16_to_f32(0x3c00), 1.0);
    assert_eq!(f16_to_f32(0xc000), -2.0);
    assert_eq!(f16_to_f32(0x0001), 2f32.powi(-24));
    assert_eq!(f16_to_f32(0x7bff), 65504.0);
    assert!(f16_to_f32(0x7c00).is_infinite());
}

#[test]
fn decode_checks_length_and_values() {
    let b: Vec<u8> = [1f32, 2.0].iter().flat_map(|x| x.to_le_bytes()).collect();
    assert_eq!(decode(VecType::Float32, 2, &b), Some(vec![1.0, 2.0]));
    let w: Vec<u8> = [0.1f64].iter().flat_map(|x| x.to_le_bytes()).collect();
    assert_eq!(decode(VecType::Float64, 1, &w), Some(vec![0.1]));
    assert_eq!(decode(VecType::Float32, 3, &b), None);
    let nan: Vec<u8> = f32::NAN.to_le_bytes().to_vec();
    assert_eq!(decode(VecType::Float32, 1, &nan), None);
}

fn params(algo: Algo) -> VectorParams {
    VectorParams {
        algo,
        vtype: VecType::Float32,
        dim: 2,
        metric: Metric::L2,
        initial_cap: 0,
        block_size: 1024,
        m: 16,
        ef_construction: 200,
        ef_runtime: 10,
        epsilon: 0.01,
    }
}

#[test]
fn flat_and_hnsw_agree_and_round_trip() {
    for algo in [Algo::Flat, Algo::Hnsw] {
        let p = params(algo);
        let mut v = Vectors::new(&p).unwrap();
        for i in 0..50u32 {
            v.add(i, &[f64::from(i), 0.0]).unwrap();
        }
        v.remove(3);
        let hits = v.knn(Metric::L2, &[3.0, 0.0], 3, 100, None).unwrap();
        assert_eq!(hits, vec![(2, 1.0), (4, 1.0), (1, 4.0)]);
        let mut f = RoaringBitmap::new();
        f.insert(10);
        f.insert(40);
        let hits = v.knn(Metric::L2, &[3.0, 0.0], 5, 100, Some(&f)).unwrap();
        assert_eq!(hits, vec![(10, 49.0), (40, 1369.0)]);
        let r = v.range(Metric::L2, &[3.0, 0.0], 4.0, 0.01).unwrap();
        assert_eq!(r, vec![(2, 1.0), (4, 1.0), (1, 4.0), (5, 4.0)]);
        let bytes = v.save().unwrap();
        let back = Vectors::load(&p, v.len(), &bytes).unwrap();
        assert_eq!(back.len(), 49);
        assert_eq!(back.get(7), Some(vec![7.0, 0.0]));
        assert!(Vectors::load(&p, v.len() + 1, &bytes).is_err());
    }
}
