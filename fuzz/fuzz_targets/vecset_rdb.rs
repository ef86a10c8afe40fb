//! The AI vector-set RDB / RESTORE decoder, down to usearch loading the
//! graph (the graph's checksum is a placeholder in the input, see
//! `redisai_fuzz::items`). A set that decodes answers a search, and its
//! encoding is a fixed point, encode(decode(encode(set))) == encode(set),
//! but for the order of the elements (hash-map order).
#![no_main]

use libfuzzer_sys::fuzz_target;
use redisai::persistence::{vecset_codec, Item, Items};
use redisai::vector::SearchOpts;
use redisai_fuzz::items;

/// The encoding with its elements sorted: 8 header numbers, the elements
/// (3 items each, 4 with attributes), then the graph.
fn canonical(items: &[Item]) -> Vec<Item> {
    let count = match items.get(5) {
        Some(Item::Unsigned(n)) => *n as usize,
        _ => return items.to_vec(),
    };
    let per = match items.get(7) {
        Some(Item::Unsigned(1)) => 4,
        _ => 3,
    };
    let end = 8 + count * per;
    let Some(elems) = items.get(8..end) else {
        return items.to_vec();
    };
    let mut elems: Vec<&[Item]> = elems.chunks(per).collect();
    elems.sort_by_key(|e| format!("{e:?}"));
    let mut out = items[..8].to_vec();
    elems.iter().for_each(|e| out.extend_from_slice(e));
    out.extend_from_slice(&items[end..]);
    out
}

fuzz_target!(|data: &[u8]| {
    let (encver, mut inp) = items(data);
    let Ok(set) = vecset_codec::decode(encver, &mut inp) else {
        return;
    };
    let mut a = Items::default();
    let Ok(()) = vecset_codec::encode(&set.read(), &mut a) else {
        return;
    };
    let first = canonical(&a.items);
    let back = vecset_codec::decode(vecset_codec::ENCVER, &mut a);
    let back = match back {
        Ok(b) => b,
        Err(e) => panic!("a decoded set re-encodes to a stream it refuses: {e:?}"),
    };
    assert!(a.at_end());
    {
        let (x, y) = (set.read(), back.read());
        assert_eq!(x.len(), y.len());
        assert_eq!(x.next_id(), y.next_id());
        for (_, e) in x.sorted() {
            // Bitwise: a restored graph may hold NaN components.
            let bits = |r: Option<(Vec<u8>, f32)>| r.map(|(b, n)| (b, n.to_bits()));
            assert_eq!(bits(x.raw(&e.name)), bits(y.raw(&e.name)));
            assert_eq!(x.attrs(&e.name), y.attrs(&e.name));
        }
        let dim = x.spec().dim;
        let q = vec![0.5f32; dim];
        for truth in [false, true] {
            let o = SearchOpts {
                count: 3,
                ef: 10,
                epsilon: None,
                filter: None,
                filter_ef: 0,
                truth,
                with_attrs: true,
            };
            let _ = x.search(&q, &o);
        }
    }
    let mut b = Items::default();
    let Ok(()) = vecset_codec::encode(&back.read(), &mut b) else {
        panic!("a restored set does not encode");
    };
    assert!(
        canonical(&b.items) == first,
        "encoding is not a fixed point"
    );
});
