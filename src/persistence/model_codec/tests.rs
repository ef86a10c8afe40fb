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
