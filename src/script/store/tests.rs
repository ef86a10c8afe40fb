use super::*;

fn store(a: &[&str]) -> Result<ScriptStoreRequest> {
    let mut v = vec!["AI.SCRIPTSTORE"];
    v.extend_from_slice(a);
    parse_scriptstore(&v)
}

fn set(a: &[&str]) -> Result<ScriptStoreRequest> {
    let mut v = vec!["AI.SCRIPTSET"];
    v.extend_from_slice(a);
    parse_scriptset(&v)
}

fn err_text(r: Result<ScriptStoreRequest>) -> String {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e.reply_text(),
    }
}

const SRC: &str =
    "def bar(tensors: List[Tensor], keys: List[str], args: List[str]):\n    return tensors[0]\n";

#[test]
fn scriptstore_full_form() {
    let r = store(&[
        "s",
        "cpu",
        "TAG",
        "v1",
        "ENTRY_POINTS",
        "2",
        "bar",
        "baz",
        "SOURCE",
        SRC,
    ]);
    assert_eq!(
        r,
        Ok(ScriptStoreRequest {
            device: b"cpu".to_vec(),
            tag: b"v1".to_vec(),
            entry_points: vec!["bar".into(), "baz".into()],
            source: SRC.as_bytes().to_vec(),
        })
    );
    // Keywords are case-insensitive; the tag is optional; extra trailing
    // arguments are ignored, as in RedisAI.
    let r = store(&["s", "CPU", "entry_points", "1", "bar", "source", SRC, "x"]);
    let r = r.map(|r| r.into_parts());
    assert_eq!(
        r.as_ref()
            .map(|(m, s)| (m.tag.clone(), m.entry_points.clone(), s.clone())),
        Ok((Vec::new(), vec!["bar".to_string()], SRC.as_bytes().to_vec()))
    );
    // No entry points at all is a script called in best-effort mode.
    let r = store(&["s", "CPU", "ENTRY_POINTS", "0", "SOURCE", SRC, "x"]);
    assert_eq!(r.map(|r| r.entry_points.len()), Ok(0));
}

#[test]
fn scriptstore_errors_in_redisai_order() {
    let arity = "ERR wrong number of arguments for 'AI.SCRIPTSTORE' command";
    assert_eq!(err_text(store(&[])), arity);
    assert_eq!(
        err_text(store(&["s", "CPU", "ENTRY_POINTS", "1", "bar", "SOURCE"])),
        arity
    );
    let missing_ep = "ERR Insufficient arguments, missing script entry points";
    assert_eq!(
        err_text(store(&["s", "CPU", "TAG", "t", "SOURCE", SRC, "x"])),
        missing_ep
    );
    assert_eq!(
        err_text(store(&[
            "s",
            "CPU",
            "SOURCE",
            SRC,
            "ENTRY_POINTS",
            "1",
            "bar"
        ])),
        missing_ep
    );
    for n in ["x", "-1", "1.5", ""] {
        assert_eq!(
            err_text(store(&[
                "s",
                "CPU",
                "ENTRY_POINTS",
                n,
                "bar",
                "SOURCE",
                SRC
            ])),
            "ERR Non numeric entry points number provided to AI.SCRIPTSTORE command",
            "{n:?}"
        );
    }
    // Fewer names than the count.
    assert_eq!(
        err_text(store(&[
            "s",
            "CPU",
            "ENTRY_POINTS",
            "6",
            "bar",
            "SOURCE",
            SRC
        ])),
        missing_ep
    );
    let missing_src = "ERR Insufficient arguments, missing script SOURCE";
    assert_eq!(
        err_text(store(&[
            "s",
            "CPU",
            "ENTRY_POINTS",
            "2",
            "bar",
            "SOURCE",
            SRC
        ])),
        missing_src
    );
    assert_eq!(
        err_text(store(&["s", "CPU", "ENTRY_POINTS", "1", "bar", "SRC", SRC])),
        missing_src
    );
    assert_eq!(
        err_text(store(&[
            "s",
            "CPU",
            "TAG",
            "t",
            "ENTRY_POINTS",
            "1",
            "bar",
            "SOURCE"
        ])),
        missing_src
    );
}

#[test]
fn scriptstore_caps() {
    let many = (MAX_ENTRY_POINTS + 1).to_string();
    let e = err_text(store(&[
        "s",
        "CPU",
        "ENTRY_POINTS",
        &many,
        "a",
        "SOURCE",
        SRC,
    ]));
    assert!(e.starts_with("ERR too many entry points"), "{e}");
    let names: Vec<String> = (0..MAX_ENTRY_POINTS).map(|i| format!("f{i}")).collect();
    let n = MAX_ENTRY_POINTS.to_string();
    let mut a = vec!["s", "CPU", "ENTRY_POINTS", &n];
    a.extend(names.iter().map(String::as_str));
    a.extend(["SOURCE", SRC]);
    assert_eq!(store(&a).map(|r| r.entry_points), Ok(names.clone()));

    let big = "#".repeat(MAX_SOURCE_BYTES + 1);
    let e = err_text(store(&[
        "s",
        "CPU",
        "ENTRY_POINTS",
        "1",
        "a",
        "SOURCE",
        &big,
    ]));
    assert!(e.contains("script source exceeds"), "{e}");
    let fits = "#".repeat(MAX_SOURCE_BYTES);
    let r = store(&["s", "CPU", "ENTRY_POINTS", "1", "a", "SOURCE", &fits]);
    assert_eq!(r.map(|r| r.source.len()), Ok(MAX_SOURCE_BYTES));

    let bad: Vec<Vec<u8>> = vec![
        b"AI.SCRIPTSTORE".to_vec(),
        b"s".to_vec(),
        b"CPU".to_vec(),
        b"ENTRY_POINTS".to_vec(),
        b"1".to_vec(),
        vec![0xff, 0xfe],
        b"SOURCE".to_vec(),
        SRC.as_bytes().to_vec(),
    ];
    let e = parse_scriptstore(&bad).map_err(|e| e.reply_text());
    assert_eq!(
        e,
        Err("ERR entry point names must be valid UTF-8".to_string())
    );
}

#[test]
fn scriptset_forms_and_errors() {
    let r = set(&["s", "cpu", "TAG", "t", "SOURCE", SRC]);
    assert_eq!(
        r,
        Ok(ScriptStoreRequest {
            device: b"cpu".to_vec(),
            tag: b"t".to_vec(),
            entry_points: Vec::new(),
            source: SRC.as_bytes().to_vec(),
        })
    );
    let r = set(&["s", "GPU:1", "source", SRC]);
    assert_eq!(
        r.map(|r| (r.device, r.tag)),
        Ok((b"GPU:1".to_vec(), Vec::new()))
    );
    let arity = "ERR wrong number of arguments for 'AI.SCRIPTSET' command";
    for a in [
        &["s", "CPU", "SOURCE"][..],
        &["s", "CPU", "TAG", "t", "SOURCE"][..],
        &["s", "CPU", "TAG", "t", "SOURCE", SRC, "x"][..],
        &[][..],
    ] {
        assert_eq!(err_text(set(a)), arity, "{a:?}");
    }
    let missing_src = "ERR Insufficient arguments, missing script SOURCE";
    assert_eq!(err_text(set(&["s", "CPU", "TAG", "t"])), missing_src);
    assert_eq!(err_text(set(&["s", "CPU", "SRC", SRC])), missing_src);
    assert_eq!(
        err_text(set(&["s", "CPU", "X", "t", "SOURCE", SRC])),
        missing_src
    );
    let big = "#".repeat(MAX_SOURCE_BYTES + 1);
    assert!(err_text(set(&["s", "CPU", "SOURCE", &big])).contains("exceeds"));
}

#[test]
fn scriptget_options() {
    let f = |a: &[&str]| parse_scriptget(a).map_err(|e| e.reply_text());
    let both = ScriptGetFormat {
        meta: true,
        source: true,
    };
    assert_eq!(f(&["AI.SCRIPTGET", "s"]), Ok(both));
    assert_eq!(f(&["AI.SCRIPTGET", "s", "meta", "SOURCE"]), Ok(both));
    assert_eq!(f(&["AI.SCRIPTGET", "s", "bogus"]), Ok(both));
    assert_eq!(
        f(&["AI.SCRIPTGET", "s", "META"]),
        Ok(ScriptGetFormat {
            meta: true,
            source: false
        })
    );
    assert_eq!(
        f(&["AI.SCRIPTGET", "s", "x", "source"]),
        Ok(ScriptGetFormat {
            meta: false,
            source: true
        })
    );
    let arity = Err("ERR wrong number of arguments for 'AI.SCRIPTGET' command".to_string());
    assert_eq!(f(&["AI.SCRIPTGET"]), arity);
    assert_eq!(f(&["AI.SCRIPTGET", "s", "META", "SOURCE", "x"]), arity);
}
