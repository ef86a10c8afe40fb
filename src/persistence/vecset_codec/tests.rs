use super::*;
use crate::persistence::{Item, Items};
use crate::vector::set::NewVector;

fn sample(quant: Quant) -> VecSet {
    let set = VecSet::new(Spec {
        dim: 4,
        metric: Metric::Cosine,
        quant,
        m: 8,
        ef_construction: 50,
    })
    .expect("set");
    {
        let mut d = set.write();
        for i in 0..40u32 {
            let v = vec![i as f32, 1.0, (i % 3) as f32, -1.0];
            let attrs = (i % 2 == 0).then(|| format!("{{\"i\":{i}}}").into_boxed_str());
            d.add(
                format!("e{i}").as_bytes(),
                &NewVector::Floats(v),
                Some(attrs),
                0,
            )
            .expect("add");
        }
        d.remove(b"e7").expect("rem");
    }
    set
}

#[test]
fn round_trip_keeps_everything() {
    for quant in [Quant::F32, Quant::F16, Quant::Bf16, Quant::I8] {
        let set = sample(quant);
        let mut out = Items::default();
        encode(&set.read(), &mut out).expect("encode");
        let back = decode(ENCVER, &mut out).expect("decode");
        assert!(out.at_end());
        let (a, b) = (set.read(), back.read());
        assert_eq!(a.len(), b.len());
        assert_eq!(a.next_id(), b.next_id());
        for (_, e) in a.sorted() {
            assert_eq!(a.raw(&e.name), b.raw(&e.name));
            assert_eq!(a.attrs(&e.name), b.attrs(&e.name));
        }
    }
}

#[test]
fn every_truncation_and_damage_is_refused() {
    let set = sample(Quant::F32);
    let mut out = Items::default();
    encode(&set.read(), &mut out).expect("encode");
    let items = out.items.clone();
    for n in 0..items.len() {
        let mut cut = Items::new(items[..n].to_vec());
        assert!(decode(ENCVER, &mut cut).is_err(), "truncated at {n}");
    }
    // A flipped graph byte fails the checksum.
    let mut bad_graph = items.clone();
    if let Some(Item::Bytes(b)) = bad_graph.last_mut() {
        let mid = b.len() / 2;
        b[mid] ^= 0x40;
    }
    let e = decode(ENCVER, &mut Items::new(bad_graph)).expect_err("checksum");
    assert!(e.0.contains("checksum"), "{e:?}");
    // Counts, codes and ids out of range.
    for (at, value) in [(0, 0), (1, 3), (2, 9), (3, 1), (5, 0), (6, 1), (7, 2)] {
        let mut v = items.clone();
        v[at] = Item::Unsigned(value);
        assert!(decode(ENCVER, &mut Items::new(v)).is_err(), "item {at}");
    }
    // A duplicate name.
    let mut v = items.clone();
    v[12] = v[8].clone();
    assert!(decode(ENCVER, &mut Items::new(v)).is_err());
    assert!(decode(1, &mut Items::new(items)).is_err());
}

#[test]
fn next_id_above_max_id_is_refused() {
    use crate::vector::index::MAX_ID;
    let set = sample(Quant::F32);
    let mut out = Items::default();
    encode(&set.read(), &mut out).expect("encode");
    for (next, ok) in [
        (MAX_ID, true),
        (MAX_ID + 1, false),
        (u64::MAX - 1, false),
        (u64::MAX, false),
    ] {
        let mut v = out.items.clone();
        v[6] = Item::Unsigned(next);
        let r = decode(ENCVER, &mut Items::new(v));
        assert_eq!(r.is_ok(), ok, "next id {next}: {:?}", r.err());
        if ok {
            let back = r.expect("decoded");
            assert_eq!(back.read().next_id(), MAX_ID);
        }
    }
    // An id at or above the next id.
    let next = match out.items[6] {
        Item::Unsigned(n) => n,
        _ => panic!("next id"),
    };
    let mut v = out.items.clone();
    v[9] = Item::Unsigned(next);
    let e = decode(ENCVER, &mut Items::new(v)).expect_err("id");
    assert!(e.0.contains("element id"), "{e:?}");
}

#[test]
fn a_damaged_graph_with_a_good_checksum_is_refused() {
    let set = sample(Quant::F32);
    let mut out = Items::default();
    encode(&set.read(), &mut out).expect("encode");
    let mut v = out.items.clone();
    let n = v.len();
    // The usearch header's max level (one chunk: the last item).
    if let Item::Bytes(b) = &mut v[n - 1] {
        let rows = u32::from_ne_bytes([b[0], b[1], b[2], b[3]]) as usize;
        let width = u32::from_ne_bytes([b[4], b[5], b[6], b[7]]) as usize;
        let at = 8 + rows * width + 64 + 24;
        b[at..at + 8].copy_from_slice(&7u64.to_ne_bytes());
        let sum = checksum(b);
        v[n - 2] = Item::Unsigned(1);
        v[n - 3] = Item::Unsigned(sum);
    }
    let e = decode(ENCVER, &mut Items::new(v)).expect_err("graph");
    assert!(e.0.contains("corrupt graph: max level 7"), "{e:?}");
}
