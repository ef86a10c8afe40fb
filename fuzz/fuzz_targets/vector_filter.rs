//! AI.VSIM FILTER expressions: parsed, then matched against attributes.
//! The input is `expression \0 attributes-json`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use redisai::vector::Filter;

fuzz_target!(|data: &[u8]| {
    let (expr, attrs) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b"{\"a\":1,\"b\":\"x\",\"c\":[1,2],\"d\":true}"[..]),
    };
    let Ok(expr) = std::str::from_utf8(expr) else {
        return;
    };
    let Ok(f) = Filter::parse(expr) else {
        return;
    };
    let json = serde_json::from_slice::<serde_json::Value>(attrs).ok();
    let a = f.matches(json.as_ref());
    let b = f.matches_text(Some(attrs));
    // Both entry points read the same attributes the same way.
    if json.is_some() {
        assert_eq!(a, b, "matches and matches_text disagree");
    }
    let _ = f.matches(None);
    let _ = f.matches_text(None);
});
