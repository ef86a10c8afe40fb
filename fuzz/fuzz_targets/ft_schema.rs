//! FT.CREATE arguments after the command name (`index [options] SCHEMA
//! field…`), then FT.ALTER on the result: the lines after a `--` line. A
//! definition that parses makes an index, and re-parses from its `source`
//! to the same definition (the FT index RDB codec stores `source`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use redisai::search::index::Index;
use redisai::search::schema::{parse_alter, parse_create};
use redisai_fuzz::argv;

fuzz_target!(|data: &[u8]| {
    let args = argv(data);
    let (create, alter) = match args.iter().position(|a| *a == b"--") {
        Some(i) => (&args[..i], Some(&args[i + 1..])),
        None => (&args[..], None),
    };
    let Ok(def) = parse_create(create) else {
        return;
    };
    let mut src = vec![def.name.as_bytes().to_vec()];
    src.extend(def.source.iter().cloned());
    let again = parse_create(&src).ok().map(|d| format!("{d:?}"));
    assert_eq!(again, Some(format!("{def:?}")), "source re-parses");
    let _ = Index::new(def.clone());
    if let Some(alter) = alter {
        if let Ok(def2) = parse_alter(&def, alter) {
            let _ = Index::new(def2);
        }
    }
});
