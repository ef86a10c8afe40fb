//! The AI_TENSOR RDB / RESTORE decoder (encver 0-4). A tensor that decodes
//! re-encodes to a stream that decodes to the same tensor.
#![no_main]

use libfuzzer_sys::fuzz_target;
use redisai::persistence::{tensor_codec, Items};
use redisai_fuzz::items;

fuzz_target!(|data: &[u8]| {
    let (encver, mut inp) = items(data);
    let Ok(t) = tensor_codec::decode(encver, &mut inp) else {
        return;
    };
    let mut a = Items::default();
    tensor_codec::encode(&t, &mut a);
    let mut again = a.clone();
    let back = tensor_codec::decode(tensor_codec::ENCVER, &mut again);
    assert_eq!(back.as_ref(), Ok(&t), "tensor round trip");
    assert!(again.at_end(), "the decoder reads all it wrote");
});
