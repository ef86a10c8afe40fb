//! AI.MODELSTORE / MODELSET / MODELGET / MODELEXECUTE / MODELRUN argument
//! parsers (full argv), and the key-position functions of getkeys-api.
//! The first byte picks the command.
#![no_main]

use libfuzzer_sys::fuzz_target;
use redisai::error::Result;
use redisai::model::{
    modelexecute_keys, modelrun_keys, parse_device, parse_modelexecute, parse_modelget,
    parse_modelrun, parse_modelset, parse_modelstore,
};
use redisai_fuzz::{argv, check_keys};

fn ok(_: usize) -> Result<()> {
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let args = argv(rest);
    match which % 6 {
        0 => {
            if let Ok(r) = parse_modelstore(&args) {
                let _ = format!("{r:?}");
            }
        }
        1 => {
            let _ = parse_modelset(&args);
        }
        2 => {
            let _ = parse_modelget(&args);
        }
        3 => {
            if let Ok(r) = parse_modelexecute(&args, &ok, &ok) {
                for &i in r.inputs.iter().chain(&r.outputs) {
                    assert!(i < args.len(), "MODELEXECUTE key {i} of {}", args.len());
                }
            }
        }
        4 => {
            if let Ok(r) = parse_modelrun(&args, &ok, &ok) {
                for &i in r.inputs.iter().chain(&r.outputs) {
                    assert!(i < args.len(), "MODELRUN key {i} of {}", args.len());
                }
            }
        }
        _ => {
            let _ = parse_device(rest);
        }
    }
    check_keys("modelexecute_keys", &modelexecute_keys(&args), args.len());
    check_keys("modelrun_keys", &modelrun_keys(&args), args.len());
});
