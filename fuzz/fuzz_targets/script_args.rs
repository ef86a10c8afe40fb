//! AI.SCRIPTSTORE / SCRIPTSET / SCRIPTGET / SCRIPTEXECUTE / SCRIPTRUN
//! argument parsers (full argv) and their key-position functions. The
//! first byte picks the command.
#![no_main]

use libfuzzer_sys::fuzz_target;
use redisai::script::{
    parse_scriptexecute, parse_scriptget, parse_scriptrun, parse_scriptset, parse_scriptstore,
    scriptexecute_keys, scriptrun_keys,
};
use redisai_fuzz::{argv, check_keys};

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let args = argv(rest);
    match which % 6 {
        0 => {
            let _ = parse_scriptstore(&args);
        }
        1 => {
            let _ = parse_scriptset(&args);
        }
        2 => {
            let _ = parse_scriptget(&args);
        }
        3 => {
            let _ = parse_scriptexecute(&args, false);
        }
        4 => {
            let _ = parse_scriptexecute(&args, true);
        }
        _ => {
            let _ = parse_scriptrun(&args);
        }
    }
    check_keys("scriptexecute_keys", &scriptexecute_keys(&args), args.len());
    check_keys("scriptrun_keys", &scriptrun_keys(&args), args.len());
});
