//! The AI_MODEL RDB / RESTORE decoder (encver 0-4), up to the blob the
//! backend would compile. What decodes re-encodes (in chunks of any size)
//! to a stream that decodes to the same metadata and blob.
#![no_main]

use libfuzzer_sys::fuzz_target;
use redisai::persistence::{model_codec, Items};
use redisai_fuzz::items;

fuzz_target!(|data: &[u8]| {
    let (encver, mut inp) = items(data);
    let Ok((meta, blob)) = model_codec::decode(encver, &mut inp) else {
        return;
    };
    let chunk = 1 + data.len() % 7;
    let mut a = Items::default();
    model_codec::encode(&meta, &blob, chunk, &mut a);
    let back = model_codec::decode(model_codec::ENCVER, &mut a);
    assert_eq!(back, Ok((meta, blob)), "model round trip");
    assert!(a.at_end(), "the decoder reads all it wrote");
});
