//! AI.TENSORSET arguments after the key (`type [dims] [BLOB b | VALUES v…]`)
//! and AI.TENSORGET options. A tensor that builds round-trips through its
//! RDB codec.
#![no_main]

use libfuzzer_sys::fuzz_target;
use redisai::persistence::{tensor_codec, Items};
use redisai::tensor::{parse_tensorget, parse_tensorset};
use redisai_fuzz::argv;

/// A shape with no data makes zeros: AI.TENSORSET allows up to 4 GiB
/// (`MAX_TENSOR_BYTES`), which is not a bug but would trip the fuzzer's
/// malloc limit. Larger zero tensors are parsed, not built.
const MAX_ZEROS: u64 = 16 << 20;

fn zeros_too_big(args: &[&[u8]]) -> bool {
    let mut n: u64 = 16;
    for a in args.iter().skip(1) {
        if a.eq_ignore_ascii_case(b"BLOB") || a.eq_ignore_ascii_case(b"VALUES") {
            return false;
        }
        let d = std::str::from_utf8(a)
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .unwrap_or(1);
        n = n.saturating_mul(d.max(1));
    }
    n > MAX_ZEROS
}

fuzz_target!(|data: &[u8]| {
    let args = argv(data);
    let _ = parse_tensorget(&args);
    let Ok(set) = parse_tensorset(&args) else {
        return;
    };
    if zeros_too_big(&args) {
        return;
    }
    let Ok(t) = set.build() else {
        return;
    };
    let mut out = Items::default();
    tensor_codec::encode(&t, &mut out);
    let back = tensor_codec::decode(tensor_codec::ENCVER, &mut out);
    assert_eq!(back.as_ref(), Ok(&t), "a built tensor must round-trip");
    assert!(out.at_end());
    // write_into over another tensor gives the same tensor.
    let mut other = t.clone();
    if set.write_into(&mut other).is_ok() {
        assert_eq!(other, t);
    }
});
