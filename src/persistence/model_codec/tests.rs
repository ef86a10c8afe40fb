use super::*;
use crate::persistence::{Item, Items};

fn meta() -> ModelMeta {
    ModelMeta {
        backend: BackendKind::Onnx,
        device: b"cpu".to_vec(),
        tag: b"t".to_vec(),
        batchsize: 4,
        minbatchsize: 2,
        minbatchtimeout: 7,
        inputs: vec!["x".into()],
        outputs: vec!["y".into(), "z".into()],
    }
}

#[test]
fn round_trip_in_chunks() {
    let blob: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
    let mut out = Items::default();
    encode(&meta(), &blob, 300, &mut out);
    // 4 chunks for 1000 bytes at 300, no empty trailing chunk.
    assert!(out.items.contains(&Item::Unsigned(4)));
    let mut inp = Items::new(out.items.clone());
    assert_eq!(decode(4, &mut inp), Ok((meta(), blob.clone())));
    // An exact multiple writes no empty chunk either.
    let mut out = Items::default();
    encode(&meta(), &blob, 500, &mut out);
    let n_strings = out
        .items
        .iter()
        .filter(|i| matches!(i, Item::Bytes(_)))
        .count();
    assert_eq!(n_strings, 2 + 3 + 2);
}

#[test]
fn refuses_bad_counts_and_lengths() {
    let blob = vec![1u8; 10];
    let mut out = Items::default();
    encode(&meta(), &blob, 300, &mut out);
    for i in 0..out.items.len() {
        let mut inp = Items::new(out.items[..i].to_vec());
        assert!(decode(4, &mut inp).is_err(), "truncated at {i}");
    }
    assert!(decode(5, &mut Items::new(out.items.clone())).is_err());
    let mut bad = out.items.clone();
    bad[0] = Item::Unsigned(9);
    assert!(decode(4, &mut Items::new(bad)).is_err());
}

#[test]
fn a_stated_length_reserves_nothing_until_its_chunks_arrive() {
    let blob = vec![1u8; 10];
    let mut out = Items::default();
    encode(&meta(), &blob, 4, &mut out);
    let n = out.items.len();
    // [.., len, chunk count, 3 chunks]
    assert_eq!(out.items[n - 4], Item::Unsigned(3));
    // A 4 GiB length with one 4-byte chunk: refused without reserving it.
    let mut v = out.items[..n - 5].to_vec();
    v.push(Item::Unsigned(1 << 32));
    v.push(Item::Unsigned(1));
    v.push(Item::Bytes(vec![1; 4]));
    let e = decode(4, &mut Items::new(v)).expect_err("short blob");
    assert!(e.0.contains("model blob is 4 bytes"), "{}", e.0);
    // Chunks that overrun the length, and an empty chunk before the last.
    let mut v = out.items.clone();
    v[n - 5] = Item::Unsigned(9);
    let e = decode(4, &mut Items::new(v)).expect_err("overrun");
    assert!(e.0.contains("exceed"), "{}", e.0);
    let mut v = out.items.clone();
    v[n - 4] = Item::Unsigned(4);
    v.insert(n - 2, Item::Bytes(Vec::new()));
    let e = decode(4, &mut Items::new(v)).expect_err("empty chunk");
    assert!(e.0.contains("empty model blob chunk"), "{}", e.0);
    // RedisAI's empty trailing chunk still loads.
    let mut v = out.items.clone();
    v[n - 4] = Item::Unsigned(4);
    v.push(Item::Bytes(Vec::new()));
    let (_, back) = decode(4, &mut Items::new(v)).expect("trailing empty chunk");
    assert_eq!(back, blob);
}
