use super::*;
use serde_json::json;

fn m(expr: &str, attrs: Json) -> bool {
    Filter::parse(expr)
        .unwrap_or_else(|e| panic!("{expr}: {e}"))
        .matches(Some(&attrs))
}

#[test]
fn comparisons_logic_and_arithmetic() {
    let a = json!({"year": 1984, "rating": 4.5, "genre": "action", "tags": ["a", "b"], "ok": true, "n": [1, 2, 3]});
    assert!(m(".year > 1980", a.clone()));
    assert!(m(".year >= 1984 and .rating < 5", a.clone()));
    assert!(m(".year < 1900 or .genre == \"action\"", a.clone()));
    assert!(m(".year < 1900 || .genre == 'action'", a.clone()));
    assert!(!m("not (.year == 1984)", a.clone()));
    assert!(m("!(.year != 1984)", a.clone()));
    assert!(m("(.year - 1900) * 2 == 168", a.clone()));
    assert!(m(".year % 100 == 84 && 2 ** 3 == 8", a.clone()));
    assert!(m(".rating / 2 == 2.25", a.clone()));
    assert!(m("-.rating < 0", a.clone()));
    assert!(m(".ok", a.clone()));
    assert!(m(".ok == true", a.clone()));
    assert!(m("\"b\" in .tags", a.clone()));
    assert!(m("2 in .n and not (5 in .n)", a.clone()));
    assert!(m("\"act\" in .genre", a.clone()));
    assert!(m(".genre in [\"drama\", \"action\"]", a.clone()));
    assert!(m(".genre > \"abc\"", a.clone()));
    assert!(m("1e3 < .year", a.clone()));
}

#[test]
fn missing_or_invalid_attributes_do_not_match() {
    let f = Filter::parse(".year > 1").expect("parses");
    assert!(!f.matches(None));
    assert!(!f.matches(Some(&json!([1, 2]))));
    assert!(!f.matches(Some(&json!({"other": 5}))));
    assert!(!f.matches(Some(&json!({"year": "text"}))));
    assert!(!f.matches(Some(&json!({"year": {"nested": 1}}))));
    assert!(!f.matches_text(Some(b"{not json")));
    assert!(f.matches_text(Some(br#"{"year": 2}"#)));
    // `or` lets a valid side match when the other side is invalid.
    assert!(m(".missing > 1 or .year == 2", json!({"year": 2})));
    assert!(!m(".missing > 1 and .year == 2", json!({"year": 2})));
}

#[test]
fn syntax_errors_are_reported() {
    for bad in [
        "",
        ".year >",
        "(.a == 1",
        ".a == = 1",
        "'open",
        ".",
        "1 2",
        ".a in [1, 2",
        "@",
    ] {
        let e = Filter::parse(bad).expect_err(bad);
        assert!(
            e.starts_with("syntax error in FILTER expression"),
            "{bad}: {e}"
        );
    }
}
