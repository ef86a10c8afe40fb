//! AI.VADD and AI.VSIM arguments (full argv), with their key positions.
//! The first byte picks the command.
#![no_main]

use libfuzzer_sys::fuzz_target;
use redisai::vector::parse::{parse_metric, parse_quant, parse_vadd, parse_vsim, vector_keys};
use redisai_fuzz::{argv, check_keys};

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let args = argv(rest);
    match which % 4 {
        0 | 1 => {
            let _ = parse_vadd(&args);
        }
        2 => {
            let _ = parse_vsim(&args);
        }
        _ => {
            let _ = parse_metric(rest);
            let _ = parse_quant(rest);
        }
    }
    check_keys("vector_keys", &vector_keys(&args), args.len());
});
