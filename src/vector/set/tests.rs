use super::*;

fn rng(seed: &mut u64) -> f32 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    (*seed % 10_000) as f32 / 5_000.0 - 1.0
}

fn spec(dim: usize, metric: Metric, quant: Quant) -> Spec {
    Spec {
        dim,
        metric,
        quant,
        m: 16,
        ef_construction: 200,
    }
}

fn opts(count: usize) -> SearchOpts {
    SearchOpts {
        count,
        ef: 100,
        epsilon: None,
        filter: None,
        filter_ef: 0,
        truth: false,
        with_attrs: false,
    }
}

fn floats(v: &[f32]) -> NewVector {
    NewVector::Floats(v.to_vec())
}

#[test]
fn add_update_remove_and_attributes() {
    let set = VecSet::new(spec(3, Metric::Cosine, Quant::F32)).expect("set");
    let mut d = set.write();
    assert!(d
        .add(b"a", &floats(&[1.0, 0.0, 0.0]), None, 0)
        .expect("add"));
    assert!(d
        .add(
            b"b",
            &floats(&[0.0, 1.0, 0.0]),
            Some(Some("{\"x\":1}".into())),
            0
        )
        .expect("add"));
    // Re-adding updates; attributes stay unless SETATTR is given.
    assert!(!d
        .add(b"b", &floats(&[0.0, 2.0, 0.0]), None, 0)
        .expect("update"));
    assert_eq!(d.len(), 2);
    assert_eq!(d.attrs(b"b"), Some("{\"x\":1}"));
    assert_eq!(d.vector(b"b"), Some(vec![0.0, 2.0, 0.0]));
    assert!(!d
        .add(b"b", &floats(&[0.0, 2.0, 0.0]), Some(None), 0)
        .expect("clear"));
    assert_eq!(d.attrs(b"b"), None);
    assert_eq!(d.info(set.uid()).attributes, 0);
    assert!(d.set_attrs(b"a", Some("[1]".into())));
    assert!(!d.set_attrs(b"zz", None));
    assert_eq!(d.info(set.uid()).attributes, 1);
    // A wrong dimension changes nothing.
    let e = d.add(b"c", &floats(&[1.0]), None, 0).expect_err("dim");
    assert_eq!(e, "Vector dimension mismatch - got 1 but set has 3");
    assert_eq!(d.len(), 2);
    // Scores: cosine similarity.
    let hits = d.search(&[1.0, 0.0, 0.0], &opts(2)).expect("search");
    assert_eq!(hits[0].name, b"a");
    assert!((hits[0].score - 1.0).abs() < 1e-6);
    assert!((hits[1].score - 0.5).abs() < 1e-6);
    assert!(d.remove(b"a").expect("rem"));
    assert!(!d.remove(b"a").expect("rem again"));
    assert_eq!(d.len(), 1);
    assert_eq!(d.random_distinct(5, 3), vec![&b"b"[..]]);
    assert_eq!(d.random_repeats(3, 3).count(), 3);
}

#[test]
fn scores_per_metric_and_epsilon() {
    let l2 = VecSet::new(spec(2, Metric::L2, Quant::F32)).expect("set");
    let mut d = l2.write();
    d.add(b"o", &floats(&[0.0, 0.0]), None, 0).expect("add");
    d.add(b"p", &floats(&[3.0, 4.0]), None, 0).expect("add");
    let hits = d.search(&[0.0, 0.0], &opts(2)).expect("search");
    assert_eq!(hits[1].name, b"p");
    assert!((hits[1].score - 5.0).abs() < 1e-5, "{}", hits[1].score);
    let mut o = opts(2);
    o.epsilon = Some(1.0);
    assert_eq!(d.search(&[0.0, 0.0], &o).expect("eps").len(), 1);
    let ip = VecSet::new(spec(2, Metric::Ip, Quant::F32)).expect("set");
    let mut d = ip.write();
    d.add(b"x", &floats(&[0.5, 0.0]), None, 0).expect("add");
    let hits = d.search(&[1.0, 0.0], &opts(1)).expect("search");
    assert!((hits[0].score - 0.5).abs() < 1e-6);
    let cos = VecSet::new(spec(2, Metric::Cosine, Quant::F32)).expect("set");
    let mut d = cos.write();
    d.add(b"same", &floats(&[1.0, 0.0]), None, 0).expect("add");
    d.add(b"right", &floats(&[0.0, 1.0]), None, 0).expect("add");
    let mut o = opts(2);
    o.epsilon = Some(0.1);
    let hits = d.search(&[1.0, 0.0], &o).expect("eps");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].name, b"same");
}

#[test]
fn filtered_search_equals_exact_filtered_answer() {
    let set = VecSet::new(spec(8, Metric::Cosine, Quant::F32)).expect("set");
    let mut s = 5u64;
    let mut d = set.write();
    let mut data = Vec::new();
    for i in 0..2000u32 {
        let v: Vec<f32> = (0..8).map(|_| rng(&mut s)).collect();
        let attrs = format!(
            "{{\"year\":{},\"genre\":\"{}\",\"tags\":[\"t{}\"]}}",
            1950 + i % 70,
            ["rock", "jazz", "pop"][i as usize % 3],
            i % 5
        );
        d.add(
            format!("e{i}").as_bytes(),
            &floats(&v),
            Some(Some(attrs.into())),
            0,
        )
        .expect("add");
        data.push(v);
    }
    let f =
        Filter::parse(".year >= 2000 and .genre == \"jazz\" and \"t1\" in .tags").expect("filter");
    for q in data.iter().take(20) {
        let mut exact = opts(10);
        exact.truth = true;
        exact.filter = Some(f.clone());
        let truth = d.search(q, &exact).expect("truth");
        let mut approx = opts(10);
        approx.filter = Some(f.clone());
        approx.filter_ef = 0;
        approx.ef = 200;
        let got = d.search(q, &approx).expect("filtered");
        let names = |h: &[Hit]| h.iter().map(|h| h.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&got), names(&truth));
        // A tight FILTER-EF finds fewer.
        let mut tight = approx.clone();
        tight.filter_ef = 10;
        assert!(d.search(q, &tight).expect("tight").len() <= got.len());
    }
}

#[test]
fn i8_keeps_norms_and_duplicate_is_deep() {
    let set = VecSet::new(spec(4, Metric::Cosine, Quant::I8)).expect("set");
    {
        let mut d = set.write();
        d.add(b"a", &floats(&[3.0, 4.0, 0.0, 0.0]), None, 0)
            .expect("add");
        let v = d.vector(b"a").expect("vec");
        assert!(
            (v[0] - 3.0).abs() < 0.05 && (v[1] - 4.0).abs() < 0.05,
            "{v:?}"
        );
        let (raw, n) = d.raw(b"a").expect("raw");
        assert_eq!(raw.len(), 4);
        assert!((n - 5.0).abs() < 1e-6);
        d.add(b"b", &NewVector::Raw(raw.clone(), n), None, 0)
            .expect("raw add");
        assert_eq!(d.raw(b"b"), Some((raw, n)));
    }
    let copy = set.duplicate().expect("dup");
    set.write().remove(b"a").expect("rem");
    assert_eq!(copy.read().len(), 2);
    assert_eq!(set.read().len(), 1);
}

#[test]
fn removals_reuse_slots_then_a_rebuild_gives_memory_back() {
    let set = std::sync::Arc::new(VecSet::new(spec(8, Metric::Cosine, Quant::F32)).expect("set"));
    let mut s = 9u64;
    let data: Vec<Vec<f32>> = (0..3000)
        .map(|_| (0..8).map(|_| rng(&mut s)).collect())
        .collect();
    {
        let mut d = set.write();
        // Slots are reused: add and remove the same 500, three times.
        for round in 0..3 {
            for (i, v) in data.iter().take(500).enumerate() {
                d.add(format!("r{round}-{i}").as_bytes(), &floats(v), None, 0)
                    .expect("add");
            }
            for i in 0..500 {
                assert!(d.remove(format!("r{round}-{i}").as_bytes()).expect("rem"));
            }
        }
        assert!(d.index().capacity() <= 1024, "{}", d.index().capacity());
        for (i, v) in data.iter().enumerate() {
            d.add(format!("e{i}").as_bytes(), &floats(v), None, 0)
                .expect("add");
        }
        for i in 0..2500 {
            d.remove(format!("e{i}").as_bytes()).expect("rem");
        }
        assert!(d.wants_compaction());
    }
    let before = set.read().index().capacity();
    assert!(crate::vector::compact::compact_in_background(&set, |f| f()));
    // A second trigger while one runs does nothing.
    assert!(!crate::vector::compact::compact_in_background(&set, |f| f()));
    // The rebuild thread installs the new index itself, with no write.
    wait_until("the rebuild to be installed", || {
        !set.read().compacting.load(Ordering::Acquire)
    });
    assert!(
        set.read().index().capacity() < before,
        "{} vs {before}",
        set.read().index().capacity()
    );
    assert_eq!(set.read().free_slots, 0);
    let mut d = set.write();
    d.add(b"new", &floats(&[1.0; 8]), None, 0).expect("add");
    assert_eq!(d.len(), 501);
    assert_eq!(d.index().len(), 501);
    let (mut hit, mut total) = (0, 0);
    for q in data.iter().skip(2500).take(50) {
        let mut o = opts(10);
        o.truth = true;
        let truth: Vec<Vec<u8>> = d
            .search(q, &o)
            .expect("truth")
            .into_iter()
            .map(|h| h.name)
            .collect();
        let got: Vec<Vec<u8>> = d
            .search(q, &opts(10))
            .expect("search")
            .into_iter()
            .map(|h| h.name)
            .collect();
        hit += got.iter().filter(|g| truth.contains(g)).count();
        total += truth.len();
    }
    assert!(hit * 100 >= total * 95, "recall {hit}/{total}");
    assert_eq!(d.vector(b"e2999"), Some(data[2999].clone()));
}

#[test]
fn a_rebuild_is_dropped_when_the_set_changed_meanwhile() {
    let set = std::sync::Arc::new(VecSet::new(spec(4, Metric::L2, Quant::F32)).expect("set"));
    let mut s = 3u64;
    {
        let mut d = set.write();
        for i in 0..1500 {
            let v: Vec<f32> = (0..4).map(|_| rng(&mut s)).collect();
            d.add(format!("e{i}").as_bytes(), &floats(&v), None, 0)
                .expect("add");
        }
        for i in 0..1200 {
            d.remove(format!("e{i}").as_bytes()).expect("rem");
        }
        // Deposit a rebuild from an older generation by hand.
        let stale = VecIndex::new(d.spec()).expect("index");
        let g = d.generation - 1;
        *d.rebuilt.lock().expect("lock") = Some((g, stale));
        d.compacting.store(true, Ordering::Release);
        d.add(b"x", &floats(&[0.0; 4]), None, 0).expect("add");
        // Not adopted: the set keeps its elements, and may compact again.
        assert_eq!(d.index().len(), 301);
        assert!(!d.compacting.load(Ordering::Acquire));
    }
}

fn wait_until(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !f() {
        assert!(std::time::Instant::now() < deadline, "timed out: {what}");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

#[test]
fn a_rebuild_held_off_by_searches_is_adopted_by_the_next_write() {
    let set = std::sync::Arc::new(VecSet::new(spec(4, Metric::L2, Quant::F32)).expect("set"));
    {
        let mut d = set.write();
        for i in 0..3000u32 {
            let v = [i as f32, 1.0, 2.0, 3.0];
            d.add(format!("e{i}").as_bytes(), &floats(&v), None, 0)
                .expect("add");
        }
        for i in 0..2500u32 {
            d.remove(format!("e{i}").as_bytes()).expect("rem");
        }
    }
    // A long "search" holds the read lock past every install attempt.
    let (held_tx, held_rx) = std::sync::mpsc::channel();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let reader = {
        let set = std::sync::Arc::clone(&set);
        std::thread::spawn(move || {
            let _d = set.read();
            let _ = held_tx.send(());
            let _ = release_rx.recv();
        })
    };
    held_rx.recv().expect("reader");
    let before = set.read().index().capacity();
    assert!(crate::vector::compact::compact_in_background(&set, |f| f()));
    wait_until("the rebuild to be left for the next write", || {
        set.read()
            .rebuilt
            .lock()
            .map(|r| r.is_some())
            .unwrap_or(false)
    });
    assert_eq!(set.read().index().capacity(), before);
    let _ = release_tx.send(());
    reader.join().expect("reader");
    let mut d = set.write();
    d.add(b"new", &floats(&[0.0; 4]), None, 0).expect("add");
    assert!(d.index().capacity() < before);
    assert_eq!(d.len(), 501);
    assert!(!d.compacting.load(Ordering::Acquire));
    assert_eq!(d.vector(b"e2999"), Some(vec![2999.0, 1.0, 2.0, 3.0]));
}
