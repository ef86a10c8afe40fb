//! FT.SEARCH / FT.AGGREGATE query strings (DIALECT 2). The input is the
//! query, then `name=value` PARAMS lines.
#![no_main]

use libfuzzer_sys::fuzz_target;
use redisai::search::query::{parse, Params};

fuzz_target!(|data: &[u8]| {
    let mut lines = data.split(|&b| b == b'\n');
    let query = lines.next().unwrap_or_default();
    let mut params = Params::new();
    for l in lines {
        let (k, v) = match l.iter().position(|&b| b == b'=') {
            Some(i) => (&l[..i], &l[i + 1..]),
            None => (l, &b""[..]),
        };
        params.insert(String::from_utf8_lossy(k).into_owned(), v.to_vec());
    }
    if let Ok(q) = parse(query, &params) {
        // The tree is printable, and parsing is deterministic.
        let _ = format!("{q:?}");
        assert_eq!(parse(query, &params).ok(), Some(q));
    }
});
