use super::*;

fn vadd(s: &str) -> Result<AddRequest> {
    let args: Vec<&str> = s.split(' ').collect();
    parse_vadd(&args)
}

fn vsim(s: &str) -> Result<SimRequest> {
    let args: Vec<&str> = s.split(' ').collect();
    parse_vsim(&args)
}

fn text(e: Error) -> String {
    e.reply_text()
}

#[test]
fn vadd_forms_and_options() {
    let r = vadd("AI.VADD k VALUES 3 1 2 3.5 e METRIC l2 QUANT bf16 M 8 EF 50 SETATTR {\"a\":1}")
        .expect("parse");
    assert_eq!(r.source, Source::Floats(vec![1.0, 2.0, 3.5]));
    assert_eq!(r.element, 7);
    assert_eq!(r.metric, Some(Metric::L2));
    assert_eq!(r.quant, Some(Quant::Bf16));
    assert_eq!(r.m, Some(8));
    assert_eq!(r.ef, 50);
    assert_eq!(r.attrs, Some(Some("{\"a\":1}".into())));
    let r = vadd("AI.VADD k TENSOR t e Q8 CAS SETATTR ").expect("parse");
    assert_eq!(r.source, Source::Tensor(3));
    assert_eq!(r.quant, Some(Quant::I8));
    assert_eq!(r.attrs, Some(None));
    let blob = [0u8, 0, 128, 63];
    let args: Vec<&[u8]> = vec![b"AI.VADD", b"k", b"FP32", &blob, b"e"];
    assert_eq!(
        parse_vadd(&args).expect("fp32").source,
        Source::Floats(vec![1.0])
    );
    let args: Vec<&[u8]> = vec![b"AI.VADD", b"k", b"RAW", &blob, b"2.5", b"e"];
    assert_eq!(
        parse_vadd(&args).expect("raw").source,
        Source::Raw(blob.to_vec(), 2.5)
    );
}

#[test]
fn vadd_errors() {
    let cases = [
        ("AI.VADD k VALUES 3 1 2", "ERR invalid VALUES count"),
        ("AI.VADD k VALUES 0 e", "ERR invalid VALUES count"),
        ("AI.VADD k VALUES x 1 e", "ERR invalid VALUES count"),
        ("AI.VADD k VALUES 2 1 nope e", "ERR invalid vector value"),
        ("AI.VADD k FP32 abc e", &format!("ERR {ERR_FP32}")),
        ("AI.VADD k FOO 1 e", &format!("ERR {ERR_SOURCE}")),
        (
            "AI.VADD k REDUCE 2 VALUES 1 1 e",
            "ERR REDUCE is not supported",
        ),
        (
            "AI.VADD k VALUES 1 1 e M 2",
            "ERR M must be between 4 and 4096",
        ),
        (
            "AI.VADD k VALUES 1 1 e EF 0",
            "ERR EF must be between 1 and 1000000",
        ),
        (
            "AI.VADD k VALUES 1 1 e METRIC HAMMING",
            "ERR METRIC must be COSINE, L2 or IP",
        ),
        (
            "AI.VADD k VALUES 1 1 e QUANT F64",
            "ERR QUANT must be F32, F16, BF16 or I8",
        ),
        (
            "AI.VADD k VALUES 1 1 e BIN",
            "ERR BIN quantization is not supported",
        ),
        (
            "AI.VADD k VALUES 1 1 e SETATTR {bad",
            "ERR invalid JSON attributes",
        ),
        (
            "AI.VADD k VALUES 1 1 e SETATTR",
            "ERR missing value after SETATTR",
        ),
        (
            "AI.VADD k VALUES 1 1 e WHAT",
            "ERR unknown AI.VADD option 'WHAT'",
        ),
        ("AI.VADD k RAW ab -1 e", &format!("ERR {ERR_NORM}")),
        (
            "AI.VADD k VALUES 1 1",
            "ERR wrong number of arguments for 'AI.VADD' command",
        ),
    ];
    for (cmd, want) in cases {
        assert_eq!(
            vadd(cmd).map(|_| ()).map_err(text),
            Err(want.to_string()),
            "{cmd}"
        );
    }
}

#[test]
fn vsim_options_and_errors() {
    let r = vsim("AI.VSIM k ELE e COUNT 5 EF 20 EPSILON 0.2 WITHSCORES WITHATTRIBS FILTER .a>1 FILTER-EF 0 TRUTH NOTHREAD")
        .expect("parse");
    assert_eq!(r.source, Source::Ele(3));
    assert_eq!((r.count, r.ef, r.epsilon), (5, 20, Some(0.2)));
    assert!(r.with_scores && r.with_attrs && r.truth && r.nothread);
    assert!(r.filter.is_some());
    assert_eq!(r.filter_ef, Some(0));
    let r = vsim("AI.VSIM k VALUES 2 1 0").expect("defaults");
    assert_eq!((r.count, r.ef, r.filter_ef), (10, 100, None));
    let cases = [
        (
            "AI.VSIM k ELE e COUNT 0",
            "ERR COUNT must be between 1 and 2147483647",
        ),
        (
            "AI.VSIM k ELE e EPSILON -1",
            "ERR EPSILON must be a number >= 0",
        ),
        (
            "AI.VSIM k ELE e FILTER (.a",
            "syntax error in FILTER expression",
        ),
        (
            "AI.VSIM k ELE e SETATTR x",
            "ERR unknown AI.VSIM option 'SETATTR'",
        ),
        ("AI.VSIM k RAW ab 1", ERR_SOURCE),
    ];
    for (cmd, want) in cases {
        let got = vsim(cmd).map(|_| ()).map_err(text).expect_err(cmd);
        assert!(got.contains(want), "{cmd}: {got}");
    }
}

#[test]
fn key_positions() {
    let a: Vec<&[u8]> = vec![b"AI.VSIM", b"k", b"TENSOR", b"t", b"COUNT", b"3"];
    assert_eq!(vector_keys(&a), vec![1, 3]);
    let a: Vec<&[u8]> = vec![b"AI.VADD", b"k", b"VALUES", b"1", b"1", b"e"];
    assert_eq!(vector_keys(&a), vec![1]);
    let a: Vec<&[u8]> = vec![b"AI.VSIM", b"k", b"TENSOR"];
    assert_eq!(vector_keys(&a), vec![1]);
}
