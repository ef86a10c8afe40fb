use super::*;
use crate::persistence::{Item, Items};

const SRC: &[u8] =
    b"def bar(tensors: List[Tensor], keys: List[str], args: List[str]):\n    return tensors[0]\n";

fn meta(entry_points: &[&str]) -> ScriptMeta {
    ScriptMeta {
        device: b"cpu".to_vec(),
        tag: b"v1".to_vec(),
        entry_points: entry_points.iter().map(|s| s.to_string()).collect(),
    }
}

fn bytes(b: &[u8]) -> Item {
    Item::Bytes(b.to_vec())
}

#[test]
fn v4_layout_and_round_trip() {
    let mut out = Items::default();
    encode(&meta(&["bar", "baz"]), SRC, &mut out);
    let mut src = SRC.to_vec();
    src.push(0);
    assert_eq!(
        out.items,
        vec![
            bytes(b"cpu\0"),
            bytes(b"v1"),
            Item::Bytes(src),
            Item::Unsigned(2),
            bytes(b"bar\0"),
            bytes(b"baz\0"),
        ]
    );
    for encver in [3, 4] {
        let mut inp = Items::new(out.items.clone());
        assert_eq!(
            decode(encver, &mut inp),
            Ok((meta(&["bar", "baz"]), SRC.to_vec()))
        );
        assert!(inp.at_end());
    }
    // No entry points (AI.SCRIPTSET): a count of zero.
    let mut out = Items::default();
    encode(&meta(&[]), SRC, &mut out);
    assert_eq!(out.items[3], Item::Unsigned(0));
    assert_eq!(out.items.len(), 4);
    assert_eq!(
        decode(4, &mut Items::new(out.items)),
        Ok((meta(&[]), SRC.to_vec()))
    );
}

#[test]
fn older_encvers_have_no_entry_points() {
    let mut src = SRC.to_vec();
    src.push(0);
    for encver in [1, 2] {
        let items = vec![bytes(b"cpu\0"), bytes(b"v1"), Item::Bytes(src.clone())];
        let mut inp = Items::new(items);
        assert_eq!(decode(encver, &mut inp), Ok((meta(&[]), SRC.to_vec())));
        assert!(inp.at_end(), "encver {encver}");
    }
    // encver 0: the tag is a C string.
    let items = vec![bytes(b"cpu\0"), bytes(b"v1\0"), Item::Bytes(src.clone())];
    let mut inp = Items::new(items);
    assert_eq!(decode(0, &mut inp), Ok((meta(&[]), SRC.to_vec())));
    assert!(inp.at_end());
    // From encver 1 the tag is a Redis string, kept byte for byte.
    let items = vec![bytes(b"cpu\0"), bytes(b"v1\0"), Item::Bytes(src)];
    let (m, _) = decode(1, &mut Items::new(items)).expect("v1");
    assert_eq!(m.tag, b"v1\0");
}

#[test]
fn nul_handling() {
    // Hand-built payloads without the NULs load the same.
    let items = vec![
        bytes(b"cpu"),
        bytes(b"v1"),
        bytes(SRC),
        Item::Unsigned(1),
        bytes(b"bar"),
    ];
    assert_eq!(
        decode(4, &mut Items::new(items)),
        Ok((meta(&["bar"]), SRC.to_vec()))
    );
    // A source with NULs of its own (inside and at the end) round-trips.
    let odd = b"a\0b\0".to_vec();
    let mut out = Items::default();
    encode(&meta(&[]), &odd, &mut out);
    assert_eq!(out.items[2], bytes(b"a\0b\0\0"));
    assert_eq!(decode(4, &mut Items::new(out.items)), Ok((meta(&[]), odd)));
    // An empty tag.
    let mut m = meta(&["bar"]);
    m.tag.clear();
    let mut out = Items::default();
    encode(&m, SRC, &mut out);
    assert_eq!(decode(4, &mut Items::new(out.items)), Ok((m, SRC.to_vec())));
}

#[test]
fn refuses_truncation_newer_encvers_and_bad_counts() {
    let mut out = Items::default();
    encode(&meta(&["bar", "baz"]), SRC, &mut out);
    for i in 0..out.items.len() {
        let mut inp = Items::new(out.items[..i].to_vec());
        assert!(decode(4, &mut inp).is_err(), "truncated at {i}");
    }
    let e = decode(5, &mut Items::new(out.items.clone())).expect_err("encver 5");
    assert!(
        e.0.starts_with("Failed loading script, RedisAI version (")
            && e.0.ends_with(") is not forward compatible."),
        "{}",
        e.0
    );
    assert!(decode(-1, &mut Items::new(out.items.clone())).is_err());
    // A huge count with few names: refused before reading them.
    let mut bad = out.items.clone();
    bad[3] = Item::Unsigned(u64::MAX);
    let e = decode(4, &mut Items::new(bad)).expect_err("count");
    assert!(e.0.contains("entry points"), "{}", e.0);
    let mut bad = out.items.clone();
    bad[3] = Item::Unsigned(MAX_ENTRY_POINTS as u64 + 1);
    assert!(decode(4, &mut Items::new(bad)).is_err());
    // A count larger than the names present is a short read.
    let mut bad = out.items.clone();
    bad[3] = Item::Unsigned(3);
    assert!(decode(4, &mut Items::new(bad)).is_err());
    // Wrong item kinds.
    let mut bad = out.items.clone();
    bad[0] = Item::Unsigned(1);
    assert!(decode(4, &mut Items::new(bad)).is_err());
    let mut bad = out.items.clone();
    bad[3] = bytes(b"2");
    assert!(decode(4, &mut Items::new(bad)).is_err());
}

#[test]
fn refuses_oversized_fields() {
    let mut out = Items::default();
    encode(&meta(&["bar"]), SRC, &mut out);
    let mut bad = out.items.clone();
    bad[0] = Item::Bytes(vec![b'C'; MAX_DEVICE + 1]);
    let e = decode(4, &mut Items::new(bad)).expect_err("device");
    assert!(e.0.contains("device"), "{}", e.0);
    let mut bad = out.items.clone();
    bad[2] = Item::Bytes(vec![b'#'; MAX_SOURCE_BYTES + 1]);
    let e = decode(4, &mut Items::new(bad)).expect_err("source");
    assert!(e.0.contains("source"), "{}", e.0);
    // The largest source fits, with its NUL.
    let mut fits = out.items.clone();
    fits[2] = Item::Bytes([vec![b'#'; MAX_SOURCE_BYTES], vec![0]].concat());
    let (_, src) = decode(4, &mut Items::new(fits)).expect("largest source");
    assert_eq!(src.len(), MAX_SOURCE_BYTES);
    let mut bad = out.items.clone();
    bad[4] = Item::Bytes(vec![0xff, 0xfe, 0]);
    let e = decode(4, &mut Items::new(bad)).expect_err("utf-8");
    assert!(e.0.contains("UTF-8"), "{}", e.0);
}
