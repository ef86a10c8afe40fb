use super::*;
use crate::search::query::TextTerm;

fn word(w: &str) -> TextTerm {
    TextTerm::Word(w.to_string())
}

fn ids(b: RoaringBitmap) -> Vec<u32> {
    b.iter().collect()
}

/// Field 0 stemmed (weight 1), field 1 NOSTEM, field 2 stemmed (weight 5).
fn index() -> TextIndex {
    let mut ix = TextIndex::new(None);
    ix.set_field(0, 1.0, false);
    ix.set_field(1, 1.0, true);
    ix.set_field(2, 5.0, false);
    ix
}

#[test]
fn tokenizer() {
    assert_eq!(
        tokenize("Hello, World! foo-bar_baz"),
        ["hello", "world", "foo", "bar_baz"]
    );
    let mut want: Vec<String> = ('a'..='z').map(String::from).collect();
    want.extend(["1", "23", "4", "5"].map(String::from));
    assert_eq!(
        tokenize("a.b<c>d{e}f[g]h\"i'j:k;l!m@n#o$p%q^r&s*t(u)v-w+x=y~z|1/2\\3`4?5"),
        want
    );
    // Escapes keep the next character; the backslash goes.
    assert_eq!(
        tokenize(r"foo\-bar x\ y \\z end\"),
        ["foo-bar", "x y", "\\z", "end"]
    );
    assert_eq!(tokenize("1/2\\"), ["1", "2"]);
    // Unicode: lower-cased, non-ASCII punctuation is part of words.
    assert_eq!(
        tokenize("ÉCOLE Straße\u{00a0}ΣΊΣΥΦΟΣ 東京タワー"),
        ["école", "straße", "σίσυφοσ", "東京タワー"]
    );
    assert_eq!(tokenize("  \t\n,,.. "), Vec::<String>::new());
    assert_eq!(tokenize("tab\there\u{0}nul"), ["tab", "here", "nul"]);
    // Long tokens are truncated at a character boundary.
    let long = "é".repeat(100);
    let t = tokenize(&long);
    assert_eq!(t.len(), 1);
    assert_eq!(t[0], "é".repeat(64));
    assert!(t[0].len() <= MAX_TOKEN_BYTES);
    assert_eq!(
        tokenize(&format!("{} b", "x".repeat(300))),
        ["x".repeat(128), "b".to_string()]
    );
    assert_eq!(normalize("Foo\\-Bar Baz"), "foo-bar baz");
}

#[test]
fn every_separator_splits() {
    for sep in ",.<>{}[]\"':;!@#$%^&*()-+=~|/`? \t\r\n".chars() {
        assert_eq!(tokenize(&format!("ab{sep}cd")), ["ab", "cd"], "{sep:?}");
        assert_eq!(
            tokenize(&format!("ab\\{sep}cd")),
            [format!("ab{sep}cd")],
            "{sep:?}"
        );
    }
    assert_eq!(tokenize("ab\\cd"), ["abcd"]);
    assert_eq!(tokenize("under_score"), ["under_score"]);
}

#[test]
fn stop_words() {
    let a = Analyzer::new(None);
    assert_eq!(
        a.terms("The bank of America is THE best"),
        ["bank", "america", "best"]
    );
    assert_eq!(a.num_stopwords(), DEFAULT_STOPWORDS.len());
    let custom = vec!["Foo".to_string()];
    let a = Analyzer::new(Some(&custom));
    assert_eq!(a.terms("the foo bar"), ["the", "bar"]);
    let a = Analyzer::new(Some(&[]));
    assert_eq!(a.terms("the a of"), ["the", "a", "of"]);
    // A stop word alone matches nothing.
    let mut ix = index();
    ix.add(1, 0, "the cat");
    assert!(ix.matches(None, &word("the")).is_empty());
    assert!(ix
        .matches(None, &TextTerm::Phrase("the of".into()))
        .is_empty());
    assert_eq!(ids(ix.matches(None, &word("cat"))), [1]);
}

#[test]
fn stemming() {
    let mut ix = index();
    ix.add(1, 0, "I was running home");
    ix.add(2, 1, "running late");
    ix.add(3, 0, "he runs");
    ix.add(4, 0, "a run");
    // Stemmed field: every form finds every form.
    assert_eq!(ids(ix.matches(Some(&[0]), &word("run"))), [1, 3, 4]);
    assert_eq!(ids(ix.matches(Some(&[0]), &word("running"))), [1, 3, 4]);
    assert_eq!(ids(ix.matches(Some(&[0]), &word("RUNS"))), [1, 3, 4]);
    // NOSTEM field: exact terms only.
    assert!(ix.matches(Some(&[1]), &word("run")).is_empty());
    assert_eq!(ids(ix.matches(Some(&[1]), &word("running"))), [2]);
    // Every field.
    assert_eq!(ids(ix.matches(None, &word("run"))), [1, 3, 4]);
    assert_eq!(ids(ix.matches(None, &word("running"))), [1, 2, 3, 4]);
    assert_eq!(ix.analyzer().stem("running"), "run");
}

#[test]
fn fields_are_separate() {
    let mut ix = index();
    ix.add(1, 0, "apple");
    ix.add(1, 2, "banana");
    ix.add(2, 2, "apple");
    assert_eq!(ids(ix.matches(Some(&[0]), &word("apple"))), [1]);
    assert_eq!(ids(ix.matches(Some(&[2]), &word("apple"))), [2]);
    assert_eq!(ids(ix.matches(Some(&[0, 2]), &word("apple"))), [1, 2]);
    assert!(ix.matches(Some(&[1]), &word("apple")).is_empty());
    assert!(ix.matches(Some(&[]), &word("apple")).is_empty());
}

#[test]
fn phrases() {
    let mut ix = index();
    ix.add(1, 0, "the quick brown fox");
    ix.add(2, 0, "brown quick fox");
    ix.add(3, 0, "quick");
    ix.add(3, 2, "brown fox");
    ix.add(4, 0, "Bank of America");
    ix.add(5, 1, "jumped over walls");
    ix.add(6, 0, "docs");
    ix.add(7, 0, "my-docs");
    let p = |s: &str| TextTerm::Phrase(s.to_string());
    assert_eq!(ids(ix.matches(None, &p("quick brown"))), [1]);
    assert_eq!(ids(ix.matches(None, &p("quick brown fox"))), [1]);
    assert_eq!(ids(ix.matches(None, &p("brown fox"))), [1, 3]);
    assert_eq!(ids(ix.matches(Some(&[0]), &p("brown fox"))), [1]);
    // Stop words are dropped on both sides.
    assert_eq!(ids(ix.matches(None, &p("bank of america"))), [4]);
    assert_eq!(ids(ix.matches(None, &p("bank america"))), [4]);
    assert_eq!(ids(ix.matches(None, &p("bank the america"))), [4]);
    // Stems count in stemmed fields only.
    assert_eq!(ids(ix.matches(None, &p("quickly browns"))), [1]);
    assert_eq!(ids(ix.matches(None, &p("quick browns foxes"))), [1]);
    assert!(ix.matches(None, &p("jump over walls")).is_empty());
    assert_eq!(ids(ix.matches(None, &p("jumped over walls"))), [5]);
    // A one-word phrase is the word (langchain's `@_index_name:("docs")`).
    assert_eq!(ids(ix.matches(None, &p("docs"))), [6, 7]);
    assert_eq!(ids(ix.matches(None, &p("my-docs"))), [7]);
    assert_eq!(ids(ix.matches(None, &word("my-docs"))), [7]);
    assert!(ix.matches(None, &p("")).is_empty());
    // A second add of the same field continues its positions.
    ix.add(8, 0, "alpha");
    ix.add(8, 0, "beta");
    assert_eq!(ids(ix.matches(None, &p("alpha beta"))), [8]);
    assert!(ix.matches(None, &p("beta alpha")).is_empty());
}

#[test]
fn prefix_and_fuzzy() {
    let mut ix = index();
    ix.add(1, 0, "hello");
    ix.add(2, 0, "help");
    ix.add(3, 1, "helicopter");
    ix.add(4, 0, "world");
    let pre = |s: &str| TextTerm::Prefix(s.to_string());
    assert_eq!(ids(ix.matches(None, &pre("hel"))), [1, 2, 3]);
    assert_eq!(ids(ix.matches(None, &pre("HELL"))), [1]);
    assert_eq!(ids(ix.matches(Some(&[1]), &pre("hel"))), [3]);
    assert!(ix.matches(None, &pre("")).is_empty());
    assert!(ix.matches(None, &pre("xyz")).is_empty());
    let fz = |s: &str, n| TextTerm::Fuzzy(s.to_string(), n);
    assert_eq!(ids(ix.matches(None, &fz("hellp", 1))), [1, 2]);
    assert_eq!(ids(ix.matches(None, &fz("wrld", 1))), [4]);
    assert!(ix.matches(None, &fz("wd", 1)).is_empty());
    assert_eq!(ids(ix.matches(None, &fz("wd", 3))), [4]);
    assert_eq!(ids(ix.matches(None, &fz("WORLD", 0))), [4]);
    assert!(ix.matches(None, &fz("", 3)).is_empty());
    // Expansions are capped.
    let mut big = index();
    for i in 0..500u32 {
        big.add(i, 0, &format!("term{i:04}"));
    }
    assert_eq!(big.matches(None, &pre("term")).len(), MAX_EXPANSIONS as u64);
    assert_eq!(
        big.matches(None, &fz("term0000", 3)).len(),
        MAX_EXPANSIONS as u64
    );
    assert!(postings::within_distance(
        &['k', 'i', 't', 't', 'e', 'n'],
        "sitting",
        3
    ));
    assert!(!postings::within_distance(
        &['k', 'i', 't', 't', 'e', 'n'],
        "sitting",
        2
    ));
}

#[test]
fn remove_forgets_everything() {
    let mut ix = index();
    ix.add(1, 0, "running dogs and cats");
    ix.add(1, 1, "running");
    ix.add(2, 0, "cats");
    let (terms, records) = (ix.num_terms(), ix.num_records());
    assert!(terms > 0 && records > 0 && ix.memory_bytes() > 0);
    ix.remove(1);
    assert!(ix.matches(None, &word("running")).is_empty());
    assert!(ix.matches(None, &word("dogs")).is_empty());
    assert_eq!(ids(ix.matches(None, &word("cats"))), [2]);
    assert!(ix.num_terms() < terms && ix.num_records() < records);
    assert_eq!(ix.score(1, &[(None, word("cats"))]), 0.0);
    ix.remove(1);
    ix.remove(2);
    assert_eq!((ix.num_terms(), ix.num_records(), ix.num_docs()), (0, 0, 0));
    assert_eq!(
        (ix.total_len, ix.record_words, ix.text_bytes, ix.doc_refs),
        (0, 0, 0, 0)
    );
    // Ids are reused.
    ix.add(3, 0, "fresh words");
    assert_eq!(ids(ix.matches(None, &word("fresh"))), [3]);
    assert!(ix.terms.len() <= 6);
}

#[test]
fn bm25_ordering() {
    let mut ix = index();
    for i in 1..=20 {
        ix.add(i, 0, "common filler text here");
    }
    ix.add(21, 0, "rare rare rare common filler text here");
    ix.add(22, 0, "rare common filler text here");
    ix.add(
        23,
        0,
        "rare common filler text here and much much longer padding padding words",
    );
    let q = [(None, word("rare"))];
    let s = ix.scorer(&q);
    let (s21, s22, s23) = (s.score(21), s.score(22), s.score(23));
    assert!(s21 > s22 && s22 > s23 && s23 > 0.0, "{s21} {s22} {s23}");
    assert_eq!(s.score(1), 0.0);
    assert_eq!(s.score(999), 0.0);
    assert_eq!(ix.score(21, &q), s21);
    // A rarer term weighs more than a common one.
    let common = ix.score(22, &[(None, word("common"))]);
    assert!(s22 > common, "{s22} {common}");
    // Field weights count; a field outside the query does not.
    let mut w = index();
    w.add(1, 0, "apple");
    w.add(2, 2, "apple");
    w.add(3, 0, "pear");
    let a = [(None, word("apple"))];
    assert!(w.score(2, &a) > w.score(1, &a));
    assert_eq!(w.score(2, &[(Some(vec![0]), word("apple"))]), 0.0);
    // Exact forms rank above stem-only matches.
    let mut st = index();
    st.add(1, 0, "running");
    st.add(2, 0, "runs");
    st.add(3, 0, "other");
    let r = [(None, word("running"))];
    assert!(st.score(1, &r) > st.score(2, &r) && st.score(2, &r) > 0.0);
    // Prefix, fuzzy and phrase terms score too; no terms score 0.
    assert!(st.score(1, &[(None, TextTerm::Prefix("run".into()))]) > 0.0);
    assert!(st.score(1, &[(None, TextTerm::Fuzzy("runnin".into(), 1))]) > 0.0);
    assert!(st.score(1, &[(None, TextTerm::Phrase("running".into()))]) > 0.0);
    assert_eq!(st.score(1, &[]), 0.0);
    assert_eq!(st.score(1, &[(None, word("the"))]), 0.0);
}

#[test]
fn random_inputs_never_panic() {
    const PIECES: &[&str] = &[
        "run",
        "running",
        "the",
        "a",
        "\\",
        "-",
        " ",
        "é",
        "Σ",
        "東",
        "\u{0}",
        "\u{301}",
        "x",
        "hello",
        "world",
        "\"",
        "*",
        "%",
        ".",
        "İ",
        "ﬃ",
        "of",
        "\t",
        "z",
        "123",
        "\u{10ffff}",
    ];
    let mut s: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    let mut ix = TextIndex::new(None);
    ix.set_field(0, 1.0, false);
    ix.set_field(1, 2.0, true);
    ix.set_field(7, f64::NAN, false);
    for _ in 0..10_000 {
        let mut text = String::new();
        for _ in 0..(next() % 12) {
            text.push_str(PIECES[(next() % PIECES.len() as u64) as usize]);
        }
        let doc = (next() % 64) as u32;
        let field = [0u16, 1, 7, 9][(next() % 4) as usize];
        let term = match next() % 4 {
            0 => TextTerm::Word(text.clone()),
            1 => TextTerm::Prefix(text.clone()),
            2 => TextTerm::Phrase(text.clone()),
            _ => TextTerm::Fuzzy(text.clone(), (next() % 5) as u8),
        };
        match next() % 5 {
            0 | 1 => ix.add(doc, field, &text),
            2 => ix.remove(doc),
            3 => {
                let m = ix.matches(Some(&[field]), &term);
                assert!(m.iter().all(|d| d < 64));
            }
            _ => {
                let sc = ix.score(doc, &[(None, term), (Some(vec![field]), word(&text))]);
                assert!(sc.is_finite() && sc >= 0.0);
            }
        }
    }
    for d in 0..64 {
        ix.remove(d);
    }
    assert_eq!(
        (ix.num_terms(), ix.num_records(), ix.record_words),
        (0, 0, 0)
    );
}
