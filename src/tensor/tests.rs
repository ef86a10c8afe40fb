use super::*;

fn err_text<T: std::fmt::Debug>(r: Result<T>) -> String {
    r.expect_err("expected an error").reply_text()
}

#[test]
fn blob_length_and_shape_are_checked() {
    let t = Tensor::from_blob(DType::Float, vec![2], &[0u8; 8]).expect("ok");
    assert_eq!(t.len(), 2);
    assert_eq!(
        err_text(Tensor::from_blob(DType::Float, vec![2], &[0u8; 7])),
        "ERR data length does not match tensor shape and type"
    );
    assert_eq!(
        err_text(Tensor::from_blob(DType::Float, vec![0], &[])),
        "ERR invalid or negative value found in tensor shape"
    );
    assert_eq!(
        err_text(Tensor::from_blob(DType::Float, vec![-1], &[])),
        "ERR invalid or negative value found in tensor shape"
    );
}

#[test]
fn scalar_has_one_element() {
    let t = Tensor::from_blob(DType::Int32, vec![], &7i32.to_le_bytes()).expect("ok");
    assert_eq!(t.len(), 1);
    assert_eq!(t.values().collect::<Vec<_>>(), vec![Value::Int(7)]);
}

#[test]
fn huge_shapes_are_refused_before_allocating() {
    let e = err_text(Tensor::zeros(
        DType::Double,
        vec![100_000, 100_000, 100_000],
    ));
    assert!(e.starts_with("ERR tensor size exceeds"), "{e}");
    let e = err_text(Tensor::zeros(DType::Int8, vec![i64::MAX, i64::MAX]));
    assert!(e.starts_with("ERR tensor size exceeds"), "{e}");
}

#[test]
fn bool_blob_checks_every_byte() {
    assert!(Tensor::from_blob(DType::Bool, vec![3], &[0, 1, 1]).is_ok());
    assert_eq!(
        err_text(Tensor::from_blob(DType::Bool, vec![3], &[0, 1, 2])),
        "ERR BOOL tensor elements must be 0 or 1"
    );
}

#[test]
fn string_blobs_need_one_nul_per_element() {
    let t = Tensor::from_blob(DType::String, vec![3], b"ab\0\0c\0").expect("ok");
    let elems: Vec<&[u8]> = t.string_elements().collect();
    assert_eq!(elems, vec![&b"ab"[..], b"", b"c"]);
    assert_eq!(t.string_offsets().collect::<Vec<_>>(), vec![0, 3, 4]);
    for bad in [&b"ab\0c"[..], b"ab\0", b"a\0b\0c\0d\0", b""] {
        assert_eq!(
            err_text(Tensor::from_blob(DType::String, vec![3], bad)),
            "ERR Number of string elements in data blob does not match tensor length"
        );
    }
}

#[test]
fn zeros_are_zero_and_empty_strings() {
    let t = Tensor::zeros(DType::String, vec![2, 2]).expect("ok");
    assert_eq!(t.data(), &[0, 0, 0, 0]);
    assert_eq!(t.string_elements().count(), 4);
    let t = Tensor::zeros(DType::Int16, vec![3]).expect("ok");
    assert_eq!(t.data().len(), 6);
}

#[test]
fn values_count_must_match() {
    assert_eq!(
        err_text(Tensor::from_values(DType::Float, vec![2], &["1"])),
        "ERR wrong number of values was given in 'AI.TENSORSET' command"
    );
    let t = Tensor::from_values(DType::Float, vec![1, 2], &["5", "10"]).expect("ok");
    assert_eq!(
        t.values().collect::<Vec<_>>(),
        vec![Value::Float(5.0), Value::Float(10.0)]
    );
}

#[test]
fn integers_parse_like_redis() {
    use super::values::parse_i64;
    assert_eq!(parse_i64(b"0"), Some(0));
    assert_eq!(parse_i64(b"-12"), Some(-12));
    assert_eq!(parse_i64(b"9223372036854775807"), Some(i64::MAX));
    for bad in [
        "",
        "-",
        "+1",
        "01",
        "-0",
        " 1",
        "1 ",
        "1.0",
        "9223372036854775808",
        "abc",
    ] {
        assert_eq!(parse_i64(bad.as_bytes()), None, "{bad}");
    }
}

#[test]
fn doubles_parse_like_redis() {
    use super::values::parse_f64;
    assert_eq!(parse_f64(b"1.5"), Some(1.5));
    assert_eq!(parse_f64(b"inf"), Some(f64::INFINITY));
    assert_eq!(parse_f64(b"-1e3"), Some(-1000.0));
    for bad in ["", "nan", " 1", "1x", "--1"] {
        assert_eq!(parse_f64(bad.as_bytes()), None, "{bad}");
    }
}

#[test]
fn signed_values_accept_in_range_negatives() {
    // Decision 1: RedisAI rejected every negative VALUES entry.
    let t = Tensor::from_values(DType::Int8, vec![2], &["-1", "-128"]).expect("ok");
    assert_eq!(t.data(), &[0xff, 0x80]);
    assert_eq!(
        t.values().collect::<Vec<_>>(),
        vec![Value::Int(-1), Value::Int(-128)]
    );
    for (dtype, bad) in [
        (DType::Int8, "-129"),
        (DType::Int8, "128"),
        (DType::Uint8, "-1"),
        (DType::Uint8, "256"),
        (DType::Uint16, "65536"),
        (DType::Int16, "32768"),
        (DType::Int32, "2147483648"),
        (DType::Bool, "2"),
        (DType::Bool, "-1"),
        (DType::Float, "x"),
        (DType::Int64, "1.5"),
    ] {
        assert_eq!(
            err_text(Tensor::from_values(dtype, vec![1], &[bad])),
            "ERR invalid value",
            "{dtype:?} {bad}"
        );
    }
}

#[test]
fn every_numeric_dtype_round_trips_values() {
    for dtype in DType::ALL {
        if dtype == DType::String {
            continue;
        }
        let t = Tensor::from_values(dtype, vec![2], &["0", "1"]).expect("ok");
        let got = t.values().collect::<Vec<_>>();
        let want = if matches!(dtype, DType::Float | DType::Double) {
            vec![Value::Float(0.0), Value::Float(1.0)]
        } else {
            vec![Value::Int(0), Value::Int(1)]
        };
        assert_eq!(got, want, "{dtype:?}");
    }
    let t = Tensor::from_values(DType::Float, vec![1], &["0.1"]).expect("ok");
    assert_eq!(
        t.values().collect::<Vec<_>>(),
        vec![Value::Float(0.1f32 as f64)]
    );
}

#[test]
fn string_values() {
    // Decision 9: an empty string is a valid element.
    let t = Tensor::from_values(DType::String, vec![3], &[&b"a"[..], b"", b"bc\0"]).expect("ok");
    assert_eq!(t.data(), b"a\0\0bc\0");
    assert_eq!(
        t.values().collect::<Vec<_>>(),
        vec![Value::Str(b"a"), Value::Str(b""), Value::Str(b"bc")]
    );
    assert_eq!(
        err_text(Tensor::from_values(DType::String, vec![1], &[&b"a\0b"[..]])),
        "ERR C-string value contains null character"
    );
}

mod parsing {
    use crate::tensor::parse::*;
    use crate::tensor::{DType, Tensor};

    fn set(args: &[&str]) -> Result<Tensor, String> {
        parse_tensorset(args)
            .and_then(|s| s.build())
            .map_err(|e| e.reply_text())
    }

    #[test]
    fn overwrite_reuses_buffers_and_checks_first() {
        let mut t = set(&["FLOAT", "2", "VALUES", "1", "2"]).expect("ok");
        let ptr = t.data().as_ptr();
        let args = ["INT32", "2", "BLOB", "\u{1}\0\0\0\u{2}\0\0\0"];
        parse_tensorset(&args)
            .and_then(|s| s.write_into(&mut t))
            .expect("ok");
        assert_eq!((t.dtype(), t.shape()), (DType::Int32, &[2i64][..]));
        assert_eq!(t.data(), &[1, 0, 0, 0, 2, 0, 0, 0]);
        assert_eq!(t.data().as_ptr(), ptr, "same buffer");
        let before = t.clone();
        let bad = ["INT32", "3", "BLOB", "\u{1}\0\0\0"];
        assert!(parse_tensorset(&bad)
            .and_then(|s| s.write_into(&mut t))
            .is_err());
        assert_eq!(t, before);
        let dims: Vec<String> = (0..10).map(|_| "1".to_string()).collect();
        let mut many: Vec<&str> = vec!["INT8"];
        many.extend(dims.iter().map(String::as_str));
        many.extend(["VALUES", "5"]);
        let t = set(&many).expect("ten dims");
        assert_eq!(t.shape(), &[1i64; 10][..]);
    }

    #[test]
    fn tensorset_forms() {
        let t = set(&["float", "1", "2", "VALUES", "5", "10"]).expect("ok");
        assert_eq!((t.dtype(), t.shape()), (DType::Float, &[1i64, 2][..]));
        let t = set(&["INT32", "blob", "\u{1}\0\0\0"]).expect("scalar");
        assert!(t.shape().is_empty());
        let t = set(&["UINT8", "3"]).expect("zeros");
        assert_eq!(t.data(), &[0, 0, 0]);
        let t = set(&["FLOAT", "values", "1"]).expect("scalar values");
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn tensorset_errors() {
        let cases: &[(&[&str], &str)] = &[
            (&["FLOAT32", "1"], "ERR invalid data type"),
            (&["UINT32", "1"], "ERR invalid data type"),
            (&["FLOAT", "0"], "ERR invalid or negative value found in tensor shape"),
            (&["FLOAT", "-2"], "ERR invalid or negative value found in tensor shape"),
            (&["FLOAT", "x", "BLOB", ""], "ERR invalid or negative value found in tensor shape"),
            (&["FLOAT", "1", "BLOB"], "ERR a single binary string should come after the BLOB argument in 'AI.TENSORSET' command"),
            (&["FLOAT", "1", "BLOB", "a", "b"], "ERR a single binary string should come after the BLOB argument in 'AI.TENSORSET' command"),
            (&["FLOAT", "2", "BLOB", "abc"], "ERR data length does not match tensor shape and type"),
            (&["FLOAT", "2", "VALUES", "1"], "ERR wrong number of values was given in 'AI.TENSORSET' command"),
            (&["FLOAT", "2", "VALUES"], "ERR wrong number of values was given in 'AI.TENSORSET' command"),
            (&["INT8", "1", "VALUES", "x"], "ERR invalid value"),
        ];
        for (args, want) in cases {
            assert_eq!(set(args).expect_err("error").as_str(), *want, "{args:?}");
        }
    }

    #[test]
    fn tensorget_options() {
        let g = |o: &[&str]| parse_tensorget(o).map_err(|e| e.reply_text());
        assert_eq!(
            g(&[]),
            Ok(GetFormat {
                meta: true,
                data: DataFormat::Blob
            })
        );
        assert_eq!(
            g(&["meta"]),
            Ok(GetFormat {
                meta: true,
                data: DataFormat::None
            })
        );
        assert_eq!(
            g(&["VALUES"]),
            Ok(GetFormat {
                meta: false,
                data: DataFormat::Values
            })
        );
        assert_eq!(
            g(&["META", "META", "BLOB"]),
            Ok(GetFormat {
                meta: true,
                data: DataFormat::Blob
            })
        );
        assert_eq!(
            g(&["BLOB", "VALUES"]),
            Err("ERR both BLOB and VALUES specified".into())
        );
        assert_eq!(
            g(&["META", "JSON"]),
            Err("ERR unsupported data format".into())
        );
    }
}

#[test]
fn concat_and_split_along_dim0() {
    let a = Tensor::from_blob(DType::Int16, vec![1, 2], &[1, 0, 2, 0]).expect("a");
    let b = Tensor::from_blob(DType::Int16, vec![2, 2], &[3, 0, 4, 0, 5, 0, 6, 0]).expect("b");
    let ab = Tensor::concat_dim0(&[&a, &b]).expect("concat");
    assert_eq!(ab.shape(), &[3, 2]);
    let parts = ab.split_dim0(&[1, 2]).expect("split");
    assert_eq!(parts, vec![a.clone(), b.clone()]);
    assert!(ab.split_dim0(&[1, 1]).is_err());
    let s1 = Tensor::from_blob(DType::String, vec![1, 2], b"a\0bc\0").expect("s1");
    let s2 = Tensor::from_blob(DType::String, vec![2, 2], b"\0d\0ef\0g\0").expect("s2");
    let s = Tensor::concat_dim0(&[&s1, &s2]).expect("concat strings");
    assert_eq!(s.split_dim0(&[1, 2]).expect("split strings"), vec![s1, s2]);
    let other = Tensor::from_blob(DType::Int16, vec![1, 3], &[0; 6]).expect("other");
    assert!(Tensor::concat_dim0(&[&a, &other]).is_err());
}
