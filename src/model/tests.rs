use super::*;
use crate::backends::BackendKind;

fn a(s: &[&str]) -> Vec<Vec<u8>> {
    s.iter().map(|x| x.as_bytes().to_vec()).collect()
}

#[test]
fn devices() {
    assert_eq!(parse_device(b"cpu"), Ok(Device::Cpu));
    assert_eq!(parse_device(b"CPU:1"), Ok(Device::Cpu));
    assert_eq!(parse_device(b"gpu"), Ok(Device::Gpu(None)));
    assert_eq!(parse_device(b"GPU:12345"), Ok(Device::Gpu(Some(12345))));
    for bad in [
        &b"GPU:"[..],
        b"CPU::",
        b"CPU:1.8",
        b"CPU:123456",
        b"bad_device",
        b"",
        b"TPU",
    ] {
        assert!(parse_device(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn modelstore_options_and_chunks() {
    let args = a(&[
        "AI.MODELSTORE",
        "k",
        "onnx",
        "cpu",
        "TAG",
        "t",
        "BATCHSIZE",
        "8",
        "MINBATCHSIZE",
        "2",
        "MINBATCHTIMEOUT",
        "5",
        "BLOB",
        "ab",
        "cd",
    ]);
    let r = parse_modelstore(&args).map(|r| {
        assert_eq!((r.chunks.clone(), r.blob_len), (13..15, 4));
        let blob = r.blob(&args);
        (r.meta, blob)
    });
    let (meta, blob) = r.expect("parses");
    assert_eq!(meta.backend, BackendKind::Onnx);
    assert_eq!(meta.device, b"cpu");
    assert_eq!(meta.tag, b"t");
    assert_eq!(
        (meta.batchsize, meta.minbatchsize, meta.minbatchtimeout),
        (8, 2, 5)
    );
    assert_eq!(blob, b"abcd");
}

#[test]
fn modelset_ignores_unknown_tokens_before_blob() {
    let args = a(&["AI.MODELSET", "k", "TORCH", "CPU", "whatever", "BLOB", "x"]);
    let r = parse_modelset(&args);
    assert_eq!(r.map(|r| r.blob(&args)), Ok(b"x".to_vec()));
}

#[test]
fn execute_indices_and_counts() {
    let args = a(&[
        "X", "m", "INPUTS", "2", "a", "b", "OUTPUTS", "1", "c", "TIMEOUT", "9",
    ]);
    let ok = |_: usize| Ok(());
    let r = parse_modelexecute(&args, &ok, &ok).expect("parses");
    assert_eq!(r.inputs, vec![4, 5]);
    assert_eq!(r.outputs, vec![8]);
    assert_eq!(r.timeout, Some(9));
    let refuse = |_: usize| Err(Error::raw(ERR_INPUT_COUNT));
    assert_eq!(
        parse_modelexecute(&args, &refuse, &ok),
        Err(Error::raw(ERR_INPUT_COUNT))
    );
    let short = a(&["X", "m", "INPUTS", "5", "a", "b", "OUTPUTS", "1"]);
    assert_eq!(
        parse_modelexecute(&short, &ok, &ok),
        Err(Error::err(
            "number of input keys to AI.MODELEXECUTE command does not match the number of given arguments"
        ))
    );
    let run = a(&["X", "m", "TIMEOUT", "3", "INPUTS", "a", "b", "OUTPUTS", "c"]);
    let r = parse_modelrun(&run, &ok, &ok).expect("parses");
    assert_eq!(
        (r.inputs, r.outputs, r.timeout),
        (vec![5, 6], vec![8], Some(3))
    );
}

#[test]
fn keys_for_getkeys_api() {
    let x: Vec<&[u8]> = vec![
        b"X", b"m", b"INPUTS", b"2", b"a", b"b", b"OUTPUTS", b"1", b"c", b"TIMEOUT", b"1",
    ];
    assert_eq!(modelexecute_keys(&x), vec![1, 4, 5, 8]);
    let r: Vec<&[u8]> = vec![b"X", b"m", b"INPUTS", b"a", b"OUTPUTS", b"c", b"d"];
    assert_eq!(modelrun_keys(&r), vec![1, 3, 5, 6]);
    let junk: Vec<&[u8]> = vec![b"X", b"m", b"INPUTS", b"99"];
    assert_eq!(modelexecute_keys(&junk), vec![1]);
}

#[test]
fn chunking_has_no_empty_tail() {
    assert_eq!(chunks(b"abcd", 2), vec![&b"ab"[..], b"cd"]);
    assert_eq!(chunks(b"abcde", 2).len(), 3);
    assert_eq!(chunks(b"", 2), vec![&b""[..]]);
}

#[test]
fn blob_chunk_cap() {
    let head: Vec<&[u8]> = vec![b"AI.MODELSTORE", b"k", b"ONNX", b"CPU", b"BLOB"];
    let store = |chunks: usize| {
        let mut args = head.clone();
        args.extend(std::iter::repeat_n(&b"x"[..], chunks));
        parse_modelstore(&args).map(|r| r.blob(&args).len())
    };
    assert_eq!(store(MAX_BLOB_CHUNKS), Ok(MAX_BLOB_CHUNKS));
    let over = store(MAX_BLOB_CHUNKS + 1).map_err(|e| e.reply_text());
    assert_eq!(
        over,
        Err("ERR too many BLOB chunks (the limit is 1048576)".to_string())
    );
    let mut set: Vec<&[u8]> = vec![b"AI.MODELSET", b"k", b"ONNX", b"CPU", b"BLOB"];
    set.extend(std::iter::repeat_n(&b""[..], MAX_BLOB_CHUNKS + 1));
    assert!(parse_modelset(&set).is_err());
}

#[test]
fn blob_size_cap_is_checked_before_allocating() {
    // 65 chunks that all borrow one 64 MiB buffer: 4 GiB + 64 MiB in all.
    let big = vec![0u8; 64 << 20];
    let mut args: Vec<&[u8]> = vec![b"AI.MODELSTORE", b"k", b"ONNX", b"CPU", b"BLOB"];
    args.extend(std::iter::repeat_n(&big[..], 65));
    let r = parse_modelstore(&args).map(|r| r.blob_len);
    assert_eq!(
        r.map_err(|e| e.reply_text()),
        Err("ERR model size exceeds the maximum of 4294967296 bytes".to_string())
    );
}
