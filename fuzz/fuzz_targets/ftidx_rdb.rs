//! The FT index RDB / RESTORE decoder (the definitions re-parsed by
//! FT.CREATE's parser, documents, vector payloads down to their loaders;
//! payload checksums are placeholders, see `redisai_fuzz::items`). What
//! decodes re-encodes to a stream that decodes to the same indexes (same
//! definitions, documents and vector counts) and needs no rebuild. (The
//! encoding itself is not canonical: documents come in hash-map order.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use redisai::persistence::Items;
use redisai::search::codec::{self, Restored};
use redisai_fuzz::items;

type Doc = (u32, Vec<u8>, u64, u64);

/// What an index holds that the codec persists.
fn summary(r: &Restored) -> (String, u64, u64, Vec<Doc>, Vec<Option<usize>>) {
    let ix = &r.index;
    let mut docs: Vec<Doc> = ix
        .docs()
        .map(|(id, d)| (id, d.key.to_vec(), d.fingerprint, d.vector_fingerprint))
        .collect();
    docs.sort();
    let vectors = (0..ix.def.fields.len())
        .map(|i| ix.vectors(i).map(|v| v.len()))
        .collect();
    (
        format!("{:?}", ix.def),
        ix.next_id(),
        ix.failures,
        docs,
        vectors,
    )
}

fuzz_target!(|data: &[u8]| {
    let (encver, mut inp) = items(data);
    let Ok(restored) = codec::decode(encver, &mut inp) else {
        return;
    };
    let mut a = Items::default();
    codec::encode(restored.iter().map(|r| &r.index), &mut a);
    let back = match codec::decode(codec::ENCVER, &mut a) {
        Ok(b) => b,
        Err(e) => panic!("decoded indexes re-encode to a stream they refuse: {e:?}"),
    };
    assert!(a.at_end());
    assert_eq!(back.len(), restored.len());
    for (x, y) in restored.iter().zip(&back) {
        assert!(
            !y.rebuild,
            "a re-encoded index needs a rebuild: {:?}",
            y.why
        );
        assert_eq!(summary(x), summary(y), "index round trip");
    }
});
