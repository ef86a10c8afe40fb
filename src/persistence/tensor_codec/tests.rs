use super::*;
use crate::persistence::{Item, Items};

fn round_trip(t: &Tensor) -> Tensor {
    let mut buf = Items::default();
    encode(t, &mut buf);
    let mut inp = Items::new(buf.items);
    let back = decode(ENCVER, &mut inp).expect("decodes");
    assert!(inp.at_end());
    back
}

#[test]
fn every_dtype_round_trips() {
    for dtype in DType::ALL {
        let t = Tensor::from_values(dtype, vec![2, 1], &["1", "0"]).expect("tensor");
        assert_eq!(round_trip(&t), t, "{dtype:?}");
    }
    let scalar = Tensor::from_values(DType::Double, vec![], &["2.5"]).expect("tensor");
    assert_eq!(round_trip(&scalar), scalar);
}

#[test]
fn redisai_v4_int32_layout() {
    // The fields of the DUMP payload quoted in the compatibility spec.
    let items = vec![
        Item::Unsigned(0),
        Item::Unsigned(32),
        Item::Signed(2),
        Item::Signed(2),
        Item::Signed(1),
        Item::Bytes(vec![1, 0, 0, 0, 2, 0, 0, 0]),
    ];
    let t = decode(4, &mut Items::new(items.clone())).expect("decodes");
    assert_eq!(t.dtype(), DType::Int32);
    assert_eq!(t.shape(), &[2, 1]);
    let mut out = Items::default();
    encode(&t, &mut out);
    assert_eq!(out.items, items);
}

#[test]
fn string_offsets_are_written_and_followed() {
    let t = Tensor::from_blob(DType::String, vec![3], b"ab\0\0cde\0").expect("tensor");
    let mut out = Items::default();
    encode(&t, &mut out);
    assert_eq!(
        &out.items[4..],
        &[
            Item::Bytes(b"ab\0\0cde\0".to_vec()),
            Item::Unsigned(0),
            Item::Unsigned(3),
            Item::Unsigned(4)
        ]
    );
    // Offsets into a blob with padding are followed, not assumed dense.
    let items = vec![
        Item::Unsigned(7),
        Item::Unsigned(8),
        Item::Signed(1),
        Item::Signed(2),
        Item::Bytes(b"x\0\0yz\0".to_vec()),
        Item::Unsigned(3),
        Item::Unsigned(0),
    ];
    let t = decode(4, &mut Items::new(items)).expect("decodes");
    assert_eq!(t.data(), b"yz\0x\0");
}

fn legacy(code: u64, bits: u64, dims: &[u64], data: &[u8]) -> Vec<Item> {
    let mut v = vec![
        Item::Unsigned(1),
        Item::Unsigned(0),
        Item::Unsigned(bits),
        Item::Unsigned(code),
        Item::Unsigned(1),
        Item::Unsigned(dims.len() as u64),
    ];
    v.extend(dims.iter().map(|&d| Item::Unsigned(d)));
    v.extend(dims.iter().map(|_| Item::Unsigned(1)));
    v.push(Item::Unsigned(0));
    v.push(Item::Bytes(data.to_vec()));
    v
}

#[test]
fn legacy_encvers_decode() {
    for encver in 0..=3 {
        let items = legacy(2, 32, &[2], &[0, 0, 128, 63, 0, 0, 0, 64]);
        let t = decode(encver, &mut Items::new(items)).expect("decodes");
        assert_eq!(t.dtype(), DType::Float);
        assert_eq!(t.shape(), &[2]);
        assert_eq!(t.data(), &[0, 0, 128, 63, 0, 0, 0, 64]);
    }
}

#[test]
fn corrupt_payloads_are_errors() {
    let bad: Vec<Vec<Item>> = vec![
        vec![],
        vec![Item::Unsigned(9), Item::Unsigned(32)],
        vec![Item::Unsigned(0), Item::Unsigned(32), Item::Signed(1 << 40)],
        vec![Item::Unsigned(0), Item::Unsigned(32), Item::Signed(-1)],
        vec![
            Item::Unsigned(0),
            Item::Unsigned(32),
            Item::Signed(1),
            Item::Signed(3),
            Item::Bytes(vec![0; 8]),
        ],
        vec![
            Item::Unsigned(0),
            Item::Unsigned(8),
            Item::Signed(1),
            Item::Signed(0),
            Item::Bytes(vec![]),
        ],
        vec![
            Item::Unsigned(7),
            Item::Unsigned(8),
            Item::Signed(1),
            Item::Signed(2),
            Item::Bytes(b"a\0".to_vec()),
            Item::Unsigned(0),
            Item::Unsigned(99),
        ],
        vec![
            Item::Unsigned(0),
            Item::Unsigned(8),
            Item::Signed(2),
            Item::Signed(1 << 40),
            Item::Signed(1 << 40),
            Item::Bytes(vec![]),
        ],
    ];
    for items in bad {
        assert!(
            decode(4, &mut Items::new(items.clone())).is_err(),
            "{items:?}"
        );
    }
    let mut lanes = legacy(2, 32, &[1], &[0; 4]);
    lanes[4] = Item::Unsigned(2);
    assert!(decode(2, &mut Items::new(lanes)).is_err());
    assert!(decode(2, &mut Items::new(legacy(2, 32, &[2], &[0; 4]))).is_err());
    let e = decode(5, &mut Items::default()).expect_err("newer encver");
    assert!(e.0.contains("is not forward compatible"), "{}", e.0);
}

#[test]
fn repeated_string_offsets_cannot_multiply_the_data() {
    // One 1 MB element and 1000 offsets to it: 1 GB if each were copied.
    let mut data = vec![b'x'; 1 << 20];
    data.push(0);
    let mut items = vec![
        Item::Unsigned(7),
        Item::Unsigned(8),
        Item::Signed(1),
        Item::Signed(1000),
        Item::Bytes(data),
    ];
    items.extend((0..1000).map(|_| Item::Unsigned(0)));
    let e = decode(4, &mut Items::new(items)).expect_err("overlap");
    assert!(e.0.contains("overlap"), "{}", e.0);
    // Overlapping tails of one element are refused too.
    let items = vec![
        Item::Unsigned(7),
        Item::Unsigned(8),
        Item::Signed(1),
        Item::Signed(2),
        Item::Bytes(b"abc\0".to_vec()),
        Item::Unsigned(0),
        Item::Unsigned(1),
    ];
    assert!(decode(4, &mut Items::new(items)).is_err());
}
