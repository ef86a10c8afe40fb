use super::*;

fn argv(line: &str) -> Vec<Vec<u8>> {
    line.split(' ').map(|s| s.as_bytes().to_vec()).collect()
}

fn exec(line: &str) -> Result<ScriptCall> {
    parse_scriptexecute(&argv(line), false)
}

fn exec_dag(line: &str) -> Result<ScriptCall> {
    parse_scriptexecute(&argv(line), true)
}

fn run(line: &str) -> Result<ScriptCall> {
    parse_scriptrun(&argv(line))
}

/// The reply text of a parse error (or a note that it parsed).
fn reply(r: Result<ScriptCall>) -> String {
    match r {
        Ok(call) => format!("parsed: {call:?}"),
        Err(e) => e.reply_text(),
    }
}

fn exec_keys(line: &str) -> Vec<usize> {
    let args = argv(line);
    let refs: Vec<&[u8]> = args.iter().map(Vec::as_slice).collect();
    scriptexecute_keys(&refs)
}

fn run_keys(line: &str) -> Vec<usize> {
    let args = argv(line);
    let refs: Vec<&[u8]> = args.iter().map(Vec::as_slice).collect();
    scriptrun_keys(&refs)
}

// ---- AI.SCRIPTEXECUTE: happy paths ----

#[test]
fn scriptexecute_full_fixed_order() {
    let line = "AI.SCRIPTEXECUTE s fn KEYS 2 k1 k2 INPUTS 2 a b ARGS 1 x OUTPUTS 1 o TIMEOUT 100";
    let call = exec(line).expect("parses");
    assert_eq!(
        call,
        ScriptCall {
            function: b"fn".to_vec(),
            keys: vec![5, 6],
            inputs: vec![9, 10],
            args: vec![13],
            outputs: vec![16],
            timeout: Some(100),
        }
    );
}

#[test]
fn scriptexecute_inputs_first_and_case() {
    let call = exec("ai.scriptexecute s bar inputs 1 a outputs 1 c").expect("parses");
    assert_eq!(call.function, b"bar");
    assert_eq!((call.inputs, call.outputs), (vec![5], vec![8]));
    assert!(call.keys.is_empty() && call.args.is_empty());
    assert_eq!(call.timeout, None);
}

#[test]
fn scriptexecute_standalone_only_first_scope_is_fixed() {
    let call = exec("AI.SCRIPTEXECUTE s f KEYS 1 k OUTPUTS 1 o ARGS 1 x INPUTS 1 a")
        .expect("any order after the first scope");
    assert_eq!(call.keys, vec![5]);
    assert_eq!(call.outputs, vec![8]);
    assert_eq!(call.args, vec![11]);
    assert_eq!(call.inputs, vec![14]);
}

#[test]
fn scriptexecute_counts_zero_and_negative_take_nothing() {
    let call = exec("AI.SCRIPTEXECUTE s f INPUTS 0 ARGS -3 OUTPUTS 0").expect("parses");
    assert!(call.inputs.is_empty() && call.args.is_empty() && call.outputs.is_empty());
}

#[test]
fn scriptexecute_dag_any_order_none_required() {
    let call = exec_dag("AI.SCRIPTEXECUTE s f OUTPUTS 1 o ARGS 1 x INPUTS 1 a").expect("parses");
    assert_eq!(call.outputs, vec![5]);
    assert_eq!(call.args, vec![8]);
    assert_eq!(call.inputs, vec![11]);
    let call = exec_dag("AI.SCRIPTEXECUTE s f ARGS 2 x y").expect("parses");
    assert_eq!(call.args, vec![5, 6]);
    let call = exec_dag("AI.SCRIPTEXECUTE s f").expect("no scope at all in a DAG");
    assert_eq!(call.function, b"f");
    assert_eq!(
        call,
        ScriptCall {
            function: b"f".to_vec(),
            ..ScriptCall::default()
        }
    );
}

#[test]
fn scriptexecute_dag_timeout_is_parsed_for_the_dag_to_refuse() {
    let call = exec_dag("AI.SCRIPTEXECUTE s f INPUTS 1 a OUTPUTS 1 b TIMEOUT 5").expect("parses");
    assert_eq!(call.timeout, Some(5));
    let call = exec_dag("AI.SCRIPTEXECUTE s f TIMEOUT 7").expect("parses");
    assert_eq!(call.timeout, Some(7));
}

// ---- AI.SCRIPTEXECUTE: every error text ----

#[test]
fn scriptexecute_arity() {
    let want = "ERR wrong number of arguments for 'AI.SCRIPTEXECUTE' command";
    assert_eq!(reply(exec("AI.SCRIPTEXECUTE s")), want);
    assert_eq!(reply(exec("AI.SCRIPTEXECUTE")), want);
    assert_eq!(reply(exec_dag("AI.SCRIPTEXECUTE s")), want);
    let empty: [&str; 0] = [];
    assert_eq!(reply(parse_scriptexecute(&empty, false)), want);
}

#[test]
fn scriptexecute_first_scope_standalone() {
    let want = "ERR KEYS or INPUTS scope must be provided first for AI.SCRIPTEXECUTE command";
    // argc == 3: RedisAI read out of bounds; here it is this error.
    assert_eq!(reply(exec("AI.SCRIPTEXECUTE s f")), want);
    assert_eq!(reply(exec("AI.SCRIPTEXECUTE s f OUTPUTS 1 o")), want);
    assert_eq!(
        reply(exec("AI.SCRIPTEXECUTE s f ARGS 1 x INPUTS 1 a")),
        want
    );
    assert_eq!(reply(exec("AI.SCRIPTEXECUTE s f TIMEOUT 5")), want);
    assert_eq!(reply(exec("AI.SCRIPTEXECUTE s f bogus")), want);
}

#[test]
fn scriptexecute_scope_repeated() {
    for (line, scope) in [
        ("AI.SCRIPTEXECUTE s f KEYS 1 k KEYS 1 k", "KEYS"),
        ("AI.SCRIPTEXECUTE s f INPUTS 1 a INPUTS 1 a", "INPUTS"),
        ("AI.SCRIPTEXECUTE s f INPUTS 1 a ARGS 1 x args 1 y", "ARGS"),
        (
            "AI.SCRIPTEXECUTE s f INPUTS 1 a OUTPUTS 1 o OUTPUTS 1 p",
            "OUTPUTS",
        ),
    ] {
        assert_eq!(
            reply(exec(line)),
            format!("ERR Already Encountered {scope} scope in AI.SCRIPTEXECUTE command"),
            "{line}"
        );
    }
    assert_eq!(
        reply(exec_dag(
            "AI.SCRIPTEXECUTE s f OUTPUTS 0 INPUTS 0 OUTPUTS 0"
        )),
        "ERR Already Encountered OUTPUTS scope in AI.SCRIPTEXECUTE command"
    );
}

#[test]
fn scriptexecute_timeout_errors() {
    assert_eq!(
        reply(exec("AI.SCRIPTEXECUTE s f INPUTS 1 a OUTPUTS 1 o TIMEOUT")),
        "ERR No value provided for TIMEOUT in AI.SCRIPTEXECUTE"
    );
    for bad in ["0", "-1", "abc", "1.5", "01", ""] {
        assert_eq!(
            reply(exec(&format!(
                "AI.SCRIPTEXECUTE s f INPUTS 1 a OUTPUTS 1 o TIMEOUT {bad}"
            ))),
            "ERR Invalid value for TIMEOUT",
            "{bad:?}"
        );
    }
}

#[test]
fn scriptexecute_timeout_must_be_last() {
    let want = "ERR Encountered problem parsing AI.SCRIPTEXECUTE";
    assert_eq!(
        reply(exec(
            "AI.SCRIPTEXECUTE s f INPUTS 1 a TIMEOUT 5 OUTPUTS 1 o"
        )),
        want
    );
    assert_eq!(
        reply(exec("AI.SCRIPTEXECUTE s f INPUTS 1 a TIMEOUT 5 TIMEOUT 6")),
        want
    );
    assert_eq!(reply(exec_dag("AI.SCRIPTEXECUTE s f TIMEOUT 5 x")), want);
}

#[test]
fn scriptexecute_unexpected_argument() {
    assert_eq!(
        reply(exec("AI.SCRIPTEXECUTE s f INPUTS 1 a bogus")),
        "ERR Invalid AI.SCRIPTEXECUTE command. Unexpected argument: bogus"
    );
    assert_eq!(
        reply(exec("AI.SCRIPTEXECUTE s f INPUTS 1 a b OUTPUTS 1 o")),
        "ERR Invalid AI.SCRIPTEXECUTE command. Unexpected argument: b"
    );
    assert_eq!(
        reply(exec_dag("AI.SCRIPTEXECUTE s f |>")),
        "ERR Invalid AI.SCRIPTEXECUTE command. Unexpected argument: |>"
    );
}

#[test]
fn scriptexecute_keys_scope_errors() {
    let missing = "ERR Missing arguments after KEYS keyword";
    assert_eq!(reply(exec("AI.SCRIPTEXECUTE s f KEYS")), missing);
    assert_eq!(reply(exec("AI.SCRIPTEXECUTE s f KEYS 1")), missing);
    assert_eq!(reply(exec("AI.SCRIPTEXECUTE s f KEYS 0")), missing);
    let invalid = "ERR Invalid or negative value found in number of KEYS";
    for bad in ["0", "-1", "x", "1x"] {
        assert_eq!(
            reply(exec(&format!("AI.SCRIPTEXECUTE s f KEYS {bad} k"))),
            invalid,
            "{bad}"
        );
    }
    assert_eq!(
        reply(exec("AI.SCRIPTEXECUTE s f KEYS 3 k1 k2")),
        "ERR Number of pre declared KEYS to be used in the command does not match the number of given arguments"
    );
}

#[test]
fn scriptexecute_missing_count() {
    let want = "ERR Invalid arguments provided to AI.SCRIPTEXECUTE";
    assert_eq!(reply(exec("AI.SCRIPTEXECUTE s f INPUTS")), want);
    assert_eq!(reply(exec("AI.SCRIPTEXECUTE s f INPUTS 1 a ARGS")), want);
    assert_eq!(reply(exec("AI.SCRIPTEXECUTE s f INPUTS 1 a OUTPUTS")), want);
}

#[test]
fn scriptexecute_non_numeric_counts() {
    assert_eq!(
        reply(exec("AI.SCRIPTEXECUTE s f INPUTS x a")),
        "ERR Invalid argument for inputs count in AI.SCRIPTEXECUTE"
    );
    assert_eq!(
        reply(exec("AI.SCRIPTEXECUTE s f INPUTS 1 a OUTPUTS x o")),
        "ERR Invalid argument for outputs count in AI.SCRIPTEXECUTE"
    );
    // ARGS reports "keys count": RedisAI's copy-paste slip, kept.
    assert_eq!(
        reply(exec("AI.SCRIPTEXECUTE s f INPUTS 1 a ARGS x y")),
        "ERR Invalid argument for keys count in AI.SCRIPTEXECUTE"
    );
}

#[test]
fn scriptexecute_too_few_items() {
    for (line, what) in [
        ("AI.SCRIPTEXECUTE s f INPUTS 3 a b", "inputs"),
        ("AI.SCRIPTEXECUTE s f INPUTS 1 a ARGS 2 x", "args"),
        ("AI.SCRIPTEXECUTE s f INPUTS 1 a OUTPUTS 2 o", "outputs"),
        ("AI.SCRIPTEXECUTE s f INPUTS 1 a OUTPUTS 1", "outputs"),
    ] {
        assert_eq!(
            reply(exec(line)),
            format!(
                "ERR number of {what} to AI.SCRIPTEXECUTE command does not match the number of given arguments"
            ),
            "{line}"
        );
    }
}

#[test]
fn scriptexecute_huge_counts_are_bounded_by_argv() {
    let huge = i64::MAX.to_string();
    assert_eq!(
        reply(exec(&format!("AI.SCRIPTEXECUTE s f KEYS {huge} k"))),
        "ERR Number of pre declared KEYS to be used in the command does not match the number of given arguments"
    );
    for scope in ["INPUTS", "ARGS", "OUTPUTS"] {
        let r = exec_dag(&format!("AI.SCRIPTEXECUTE s f {scope} {huge} a"));
        assert!(reply(r).contains("does not match the number of given arguments"));
    }
    assert_eq!(
        reply(exec("AI.SCRIPTEXECUTE s f INPUTS 99999999999999999999 a")),
        "ERR Invalid argument for inputs count in AI.SCRIPTEXECUTE"
    );
}

#[test]
fn scriptexecute_items_may_look_like_keywords() {
    let call =
        exec("AI.SCRIPTEXECUTE s f INPUTS 2 OUTPUTS TIMEOUT OUTPUTS 1 KEYS").expect("parses");
    assert_eq!((call.inputs, call.outputs), (vec![5, 6], vec![9]));
}

#[test]
fn scriptexecute_check_order() {
    // The first-scope rule comes before a repeated scope or a bad count.
    assert_eq!(
        reply(exec("AI.SCRIPTEXECUTE s f ARGS x")),
        "ERR KEYS or INPUTS scope must be provided first for AI.SCRIPTEXECUTE command"
    );
    // Scopes are checked left to right: the first bad one wins.
    assert_eq!(
        reply(exec("AI.SCRIPTEXECUTE s f INPUTS x OUTPUTS y")),
        "ERR Invalid argument for inputs count in AI.SCRIPTEXECUTE"
    );
    // A repeated scope is reported before its count is read.
    assert_eq!(
        reply(exec("AI.SCRIPTEXECUTE s f INPUTS 0 INPUTS")),
        "ERR Already Encountered INPUTS scope in AI.SCRIPTEXECUTE command"
    );
}

// ---- AI.SCRIPTRUN ----

#[test]
fn scriptrun_happy_paths() {
    let call = run("AI.SCRIPTRUN s f INPUTS a b OUTPUTS c").expect("parses");
    assert_eq!(
        call,
        ScriptCall {
            function: b"f".to_vec(),
            inputs: vec![4, 5],
            outputs: vec![7],
            ..ScriptCall::default()
        }
    );
    let call = run("AI.SCRIPTRUN s f TIMEOUT 10 INPUTS a $ b c OUTPUTS d e").expect("parses");
    assert_eq!(call.timeout, Some(10));
    assert_eq!(call.inputs, vec![6, 8, 9]);
    assert_eq!(call.outputs, vec![11, 12]);
    let call = run("ai.scriptrun s f inputs a outputs b timeout 3").expect("parses");
    assert_eq!(
        (call.inputs, call.outputs, call.timeout),
        (vec![4], vec![6], Some(3))
    );
    let call = run("AI.SCRIPTRUN s f INPUTS a TIMEOUT 3 b").expect("TIMEOUT anywhere");
    assert_eq!((call.inputs, call.timeout), (vec![4, 7], Some(3)));
    let call = run("AI.SCRIPTRUN s f").expect("no lists");
    assert!(call.inputs.is_empty() && call.outputs.is_empty());
    let call = run("AI.SCRIPTRUN s f OUTPUTS o").expect("outputs only");
    assert_eq!(call.outputs, vec![4]);
    let call = run("AI.SCRIPTRUN s f INPUTS $ a").expect("$ first");
    assert_eq!(call.inputs, vec![5]);
    assert!(call.keys.is_empty() && call.args.is_empty());
}

#[test]
fn scriptrun_arity() {
    let want = "ERR wrong number of arguments for 'AI.SCRIPTRUN' command";
    assert_eq!(reply(run("AI.SCRIPTRUN s")), want);
    assert_eq!(reply(run("AI.SCRIPTRUN")), want);
}

#[test]
fn scriptrun_timeout_errors() {
    assert_eq!(
        reply(run(
            "AI.SCRIPTRUN s f TIMEOUT 1 INPUTS a TIMEOUT 2 OUTPUTS b"
        )),
        "ERR Already encountered an TIMEOUT section in SCRIPTRUN"
    );
    assert_eq!(
        reply(run("AI.SCRIPTRUN s f INPUTS a OUTPUTS b TIMEOUT")),
        "ERR No value provided for TIMEOUT"
    );
    for bad in ["0", "-5", "x"] {
        assert_eq!(
            reply(run(&format!(
                "AI.SCRIPTRUN s f TIMEOUT {bad} INPUTS a OUTPUTS b"
            ))),
            "ERR Invalid value for TIMEOUT"
        );
    }
}

#[test]
fn scriptrun_section_errors() {
    assert_eq!(
        reply(run("AI.SCRIPTRUN s f INPUTS a OUTPUTS b INPUTS c")),
        "ERR Already encountered an INPUTS section in SCRIPTRUN"
    );
    assert_eq!(
        reply(run("AI.SCRIPTRUN s f INPUTS a INPUTS b OUTPUTS c")),
        "ERR Already encountered an INPUTS keyword in SCRIPTRUN"
    );
    assert_eq!(
        reply(run("AI.SCRIPTRUN s f INPUTS a OUTPUTS b OUTPUTS c")),
        "ERR Already encountered an OUTPUTS keyword in SCRIPTRUN"
    );
    // "section" (after OUTPUTS) is checked before "keyword".
    assert_eq!(
        reply(run("AI.SCRIPTRUN s f OUTPUTS b INPUTS a")),
        "ERR Already encountered an INPUTS section in SCRIPTRUN"
    );
}

#[test]
fn scriptrun_variadic_errors() {
    let outside = "ERR Encountered a variable size list of tensors outside of input section";
    assert_eq!(
        reply(run("AI.SCRIPTRUN s f $ a INPUTS b OUTPUTS c")),
        outside
    );
    assert_eq!(reply(run("AI.SCRIPTRUN s f INPUTS a OUTPUTS $ c")), outside);
    assert_eq!(
        reply(run("AI.SCRIPTRUN s f INPUTS $ a $ b OUTPUTS c")),
        "ERR Already encountered a variable size list of tensors"
    );
}

#[test]
fn scriptrun_unrecognized_parameter() {
    let want = "ERR Unrecongnized parameter to SCRIPTRUN";
    assert_eq!(reply(run("AI.SCRIPTRUN s f a INPUTS b OUTPUTS c")), want);
    assert_eq!(reply(run("AI.SCRIPTRUN s f TIMEOUT 5 x")), want);
}

// ---- key positions ----

#[test]
fn scriptexecute_keys_report_keys_inputs_outputs() {
    let line = "AI.SCRIPTEXECUTE s f KEYS 2 k1 k2 INPUTS 2 a b ARGS 1 x OUTPUTS 1 o TIMEOUT 100";
    assert_eq!(exec_keys(line), vec![1, 5, 6, 9, 10, 16]);
    // Any order, and the final scope is reported (Decision 8).
    assert_eq!(
        exec_keys("AI.SCRIPTEXECUTE s f OUTPUTS 1 o ARGS 2 x y INPUTS 1 a"),
        vec![1, 5, 12]
    );
    assert_eq!(exec_keys("AI.SCRIPTEXECUTE s f"), vec![1]);
    assert_eq!(exec_keys("AI.SCRIPTEXECUTE s"), vec![1]);
    assert_eq!(exec_keys("AI.SCRIPTEXECUTE"), Vec::<usize>::new());
}

#[test]
fn scriptexecute_keys_lenient() {
    // A list cut short reports what is there.
    assert_eq!(
        exec_keys("AI.SCRIPTEXECUTE s f INPUTS 5 a b"),
        vec![1, 5, 6]
    );
    // A bad count or an unknown token stops the walk.
    assert_eq!(
        exec_keys("AI.SCRIPTEXECUTE s f INPUTS 1 a OUTPUTS x o"),
        vec![1, 5]
    );
    assert_eq!(
        exec_keys("AI.SCRIPTEXECUTE s f INPUTS 1 a bogus OUTPUTS 1 o"),
        vec![1, 5]
    );
    assert_eq!(exec_keys("AI.SCRIPTEXECUTE s f INPUTS"), vec![1]);
    // Negative counts take nothing; huge ones are bounded by the argv.
    assert_eq!(
        exec_keys("AI.SCRIPTEXECUTE s f ARGS -2 INPUTS 1 a"),
        vec![1, 7]
    );
    let huge = format!("AI.SCRIPTEXECUTE s f KEYS {} k", i64::MAX);
    assert_eq!(exec_keys(&huge), vec![1, 5]);
    // A TIMEOUT value is not a key.
    assert_eq!(
        exec_keys("AI.SCRIPTEXECUTE s f INPUTS 1 a TIMEOUT 5 OUTPUTS 1 o"),
        vec![1, 5, 10]
    );
}

#[test]
fn scriptrun_keys_report_inputs_and_outputs() {
    assert_eq!(
        run_keys("AI.SCRIPTRUN s f TIMEOUT 10 INPUTS a $ b OUTPUTS c"),
        vec![1, 6, 8, 10]
    );
    assert_eq!(
        run_keys("AI.SCRIPTRUN s f INPUTS a TIMEOUT 10 OUTPUTS c"),
        vec![1, 4, 8]
    );
    assert_eq!(run_keys("AI.SCRIPTRUN s f"), vec![1]);
    assert_eq!(run_keys("AI.SCRIPTRUN s f junk INPUTS a"), vec![1, 5]);
    assert_eq!(run_keys("AI.SCRIPTRUN s f INPUTS a TIMEOUT"), vec![1, 4]);
    assert_eq!(run_keys("AI.SCRIPTRUN"), Vec::<usize>::new());
}
