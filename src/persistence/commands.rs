//! Synthesised commands: one routine serves both AOF rewrite and the
//! replication of tensors written by the module itself.

use std::borrow::Cow;

use crate::backends::BackendKind;
use crate::model::{chunks, ModelMeta};
use crate::script::ScriptMeta;
use crate::tensor::Tensor;

/// The arguments of `AI.TENSORSET <key> <TYPE> <dims…> BLOB <data>`, without
/// the command name. Replaying them rebuilds `t` exactly.
pub fn tensorset_args<'a>(key: &'a [u8], t: &'a Tensor) -> Vec<Cow<'a, [u8]>> {
    let mut args = Vec::with_capacity(t.shape().len() + 4);
    args.push(Cow::Borrowed(key));
    args.push(Cow::Borrowed(t.dtype().name().as_bytes()));
    for d in t.shape() {
        args.push(Cow::Owned(d.to_string().into_bytes()));
    }
    args.push(Cow::Borrowed(&b"BLOB"[..]));
    args.push(Cow::Borrowed(t.data()));
    args
}

/// The arguments of `AI.MODELSTORE <key> <BACKEND> <device> TAG <tag>
/// BATCHSIZE <b> MINBATCHSIZE <m> MINBATCHTIMEOUT <t> [INPUTS…OUTPUTS… (TF)]
/// BLOB <chunk>…`, chunked by `chunk_size`.
pub fn modelstore_args<'a>(
    key: &'a [u8],
    meta: &'a ModelMeta,
    blob: &'a [u8],
    chunk_size: usize,
) -> Vec<Cow<'a, [u8]>> {
    let num = |n: u64| Cow::Owned(n.to_string().into_bytes());
    let word = |w: &'static str| Cow::Borrowed(w.as_bytes());
    let mut args = vec![
        Cow::Borrowed(key),
        word(meta.backend.name()),
        Cow::Borrowed(&meta.device[..]),
        word("TAG"),
        Cow::Borrowed(&meta.tag[..]),
        word("BATCHSIZE"),
        num(meta.batchsize),
        word("MINBATCHSIZE"),
        num(meta.minbatchsize),
        word("MINBATCHTIMEOUT"),
        num(meta.minbatchtimeout),
    ];
    if meta.backend == BackendKind::Tf {
        for (kw, names) in [("INPUTS", &meta.inputs), ("OUTPUTS", &meta.outputs)] {
            args.push(word(kw));
            args.push(num(names.len() as u64));
            args.extend(names.iter().map(|n| Cow::Borrowed(n.as_bytes())));
        }
    }
    args.push(word("BLOB"));
    args.extend(chunks(blob, chunk_size).into_iter().map(Cow::Borrowed));
    args
}

/// The arguments of `AI.SCRIPTSTORE <key> <device> TAG <tag> ENTRY_POINTS
/// <n> <fn>… SOURCE <src>`.
pub fn scriptstore_args<'a>(
    key: &'a [u8],
    meta: &'a ScriptMeta,
    source: &'a [u8],
) -> Vec<Cow<'a, [u8]>> {
    let mut args = vec![
        Cow::Borrowed(key),
        Cow::Borrowed(&meta.device[..]),
        Cow::Borrowed(&b"TAG"[..]),
        Cow::Borrowed(&meta.tag[..]),
        Cow::Borrowed(&b"ENTRY_POINTS"[..]),
        Cow::Owned(meta.entry_points.len().to_string().into_bytes()),
    ];
    args.extend(
        meta.entry_points
            .iter()
            .map(|e| Cow::Borrowed(e.as_bytes())),
    );
    args.push(Cow::Borrowed(&b"SOURCE"[..]));
    args.push(Cow::Borrowed(source));
    args
}

/// The arguments of `AI.SCRIPTSET <key> <device> TAG <tag> SOURCE <src>`.
pub fn scriptset_args<'a>(
    key: &'a [u8],
    meta: &'a ScriptMeta,
    source: &'a [u8],
) -> Vec<Cow<'a, [u8]>> {
    vec![
        Cow::Borrowed(key),
        Cow::Borrowed(&meta.device[..]),
        Cow::Borrowed(&b"TAG"[..]),
        Cow::Borrowed(&meta.tag[..]),
        Cow::Borrowed(&b"SOURCE"[..]),
        Cow::Borrowed(source),
    ]
}

/// The command that rebuilds a script: AI.SCRIPTSTORE, or AI.SCRIPTSET for
/// a script without entry points, which SCRIPTSTORE cannot express in a
/// form RedisAI accepts (Decision 7).
pub fn script_command<'a>(
    key: &'a [u8],
    meta: &'a ScriptMeta,
    source: &'a [u8],
) -> (&'static str, Vec<Cow<'a, [u8]>>) {
    if meta.entry_points.is_empty() {
        ("AI.SCRIPTSET", scriptset_args(key, meta, source))
    } else {
        ("AI.SCRIPTSTORE", scriptstore_args(key, meta, source))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensor::DType;

    #[test]
    fn tensorset_args_spell_the_blob_form() {
        let t = Tensor::from_blob(DType::Int32, vec![2, 1], &[1, 0, 0, 0, 2, 0, 0, 0]).ok();
        let t = t.as_ref().map(|t| tensorset_args(b"k", t));
        let want: Vec<&[u8]> = vec![
            b"k",
            b"INT32",
            b"2",
            b"1",
            b"BLOB",
            &[1, 0, 0, 0, 2, 0, 0, 0],
        ];
        assert_eq!(
            t.map(|a| a.iter().map(|c| c.to_vec()).collect::<Vec<_>>()),
            Some(want.iter().map(|s| s.to_vec()).collect())
        );
    }

    fn strings(args: &[Cow<'_, [u8]>]) -> Vec<String> {
        args.iter()
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect()
    }

    #[test]
    fn script_commands_replay_through_their_parsers() {
        let meta = ScriptMeta {
            device: b"cpu".to_vec(),
            tag: Vec::new(),
            entry_points: vec!["bar".into(), "baz".into()],
        };
        let (cmd, args) = script_command(b"k", &meta, b"src");
        assert_eq!(cmd, "AI.SCRIPTSTORE");
        assert_eq!(
            strings(&args),
            [
                "k",
                "cpu",
                "TAG",
                "",
                "ENTRY_POINTS",
                "2",
                "bar",
                "baz",
                "SOURCE",
                "src"
            ]
        );
        let argv: Vec<&[u8]> = std::iter::once(cmd.as_bytes())
            .chain(args.iter().map(|a| &a[..]))
            .collect();
        let parsed = crate::script::parse_scriptstore(&argv).map(|r| r.into_parts());
        assert_eq!(parsed, Ok((meta.clone(), b"src".to_vec())));

        let meta = ScriptMeta {
            entry_points: Vec::new(),
            tag: b"t".to_vec(),
            ..meta
        };
        let (cmd, args) = script_command(b"k", &meta, b"src");
        assert_eq!(cmd, "AI.SCRIPTSET");
        assert_eq!(strings(&args), ["k", "cpu", "TAG", "t", "SOURCE", "src"]);
        let argv: Vec<&[u8]> = std::iter::once(cmd.as_bytes())
            .chain(args.iter().map(|a| &a[..]))
            .collect();
        let parsed = crate::script::parse_scriptset(&argv).map(|r| r.into_parts());
        assert_eq!(parsed, Ok((meta, b"src".to_vec())));
    }
}
