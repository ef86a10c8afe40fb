//! The AI_SCRIPT RDB / RESTORE decoder (encver 0-4), up to the source the
//! backend would compile. What decodes re-encodes to a stream that decodes
//! to the same metadata and source.
#![no_main]

use libfuzzer_sys::fuzz_target;
use redisai::persistence::{script_codec, Items};
use redisai_fuzz::items;

fuzz_target!(|data: &[u8]| {
    let (encver, mut inp) = items(data);
    let Ok((meta, source)) = script_codec::decode(encver, &mut inp) else {
        return;
    };
    let mut a = Items::default();
    script_codec::encode(&meta, &source, &mut a);
    let back = script_codec::decode(script_codec::ENCVER, &mut a);
    assert_eq!(back, Ok((meta, source)), "script round trip");
    assert!(a.at_end(), "the decoder reads all it wrote");
});
