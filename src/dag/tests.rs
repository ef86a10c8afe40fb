use super::*;
use crate::error::Result;
use parse::{MAX_DAG_OPS, MAX_DAG_TENSOR_BYTES};

struct Empty;

impl Keyspace for Empty {
    fn tensor(&self, key: &[u8]) -> Result<Arc<Tensor>> {
        Tensor::from_blob(crate::tensor::DType::Int8, vec![1], &[key.len() as u8]).map(Arc::new)
    }
    fn model(&self, _key: &[u8]) -> Result<Arc<Model>> {
        Err(Error::err(crate::model::ERR_EMPTY))
    }
    fn script(&self, _key: &[u8]) -> Result<Arc<crate::script::Script>> {
        Err(Error::err(crate::script::ERR_EMPTY))
    }
    fn vset(&self, _key: &[u8]) -> Result<Option<Arc<crate::vector::VecSet>>> {
        Ok(None)
    }
    fn caller(&self) -> crate::script::call::CallEnv {
        crate::script::call::CallEnv::default()
    }
}

fn a(s: &[&str]) -> Vec<Vec<u8>> {
    s.iter().map(|x| x.as_bytes().to_vec()).collect()
}

#[test]
fn slots_version_names_and_persist_takes_the_latest() {
    let args = a(&[
        "AI.DAGEXECUTE",
        "LOAD",
        "1",
        "x",
        "PERSIST",
        "1",
        "x",
        "|>",
        "AI.TENSORSET",
        "x",
        "INT8",
        "1",
        "VALUES",
        "5",
        "|>",
        "AI.TENSORGET",
        "x",
        "VALUES",
    ]);
    let dag = parse(&args, Flavor::Execute, &Empty).expect("parses");
    assert_eq!(dag.slots.len(), 2);
    assert_eq!(dag.persist, vec![(b"x".to_vec(), 1)]);
    assert!(matches!(dag.ops[1], Op::TensorGet { slot: 1, .. }));
    assert!(dag.is_trivial());
}

#[test]
fn keys_wherever_they_stand() {
    let args: Vec<&[u8]> = vec![
        b"AI.DAGEXECUTE",
        b"TIMEOUT",
        b"5",
        b"PERSIST",
        b"1",
        b"p",
        b"ROUTING",
        b"r",
        b"LOAD",
        b"2",
        b"l1",
        b"l2",
        b"|>",
        b"AI.MODELRUN",
        b"m",
        b"INPUTS",
        b"l1",
    ];
    assert_eq!(dag_keys(&args), vec![5, 7, 10, 11, 14]);
}

/// Found by the `dag_parse` fuzz target: `LOAD 2333333333` made dag_keys
/// walk every one of the 2.3 billion positions it named (seconds of the
/// main thread for each ACL-checked or cluster command; a larger count,
/// hours). It reports the keys that exist and stops.
#[test]
fn fuzz_dag_keys_huge_load_count() {
    let load: Vec<&[u8]> = vec![
        b"AI.DAGRUN_RO",
        b"LOAD",
        b"3000000000",
        b"a",
        b"|>",
        b"AI.MODELRUN",
        b"m",
    ];
    let started = std::time::Instant::now();
    assert_eq!(dag_keys(&load), vec![3, 6]);
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    // The largest count, which once would have run for hours.
    let persist: Vec<&[u8]> = vec![
        b"AI.DAGEXECUTE",
        b"PERSIST",
        b"9223372036854775807",
        b"p",
        b"|>",
        b"AI.MODELRUN",
        b"m",
    ];
    assert_eq!(dag_keys(&persist), vec![3, 6]);
}

#[test]
fn the_tensors_a_dag_sets_share_one_budget() {
    // Zero tensors: the pages are mapped lazily, so 4 GiB costs no memory.
    let half = (MAX_DAG_TENSOR_BYTES / 2).to_string();
    let dag = |extra: &str| {
        a(&[
            "AI.DAGEXECUTE",
            "ROUTING",
            "r",
            "|>",
            "AI.TENSORSET",
            "a",
            "INT8",
            &half,
            "|>",
            "AI.TENSORSET",
            "b",
            "INT8",
            extra,
        ])
    };
    // At the budget: 2 GiB + 2 GiB.
    assert!(parse(&dag(&half), Flavor::Execute, &Empty).is_ok());
    // One byte past it.
    let e = parse(
        &dag(&(MAX_DAG_TENSOR_BYTES / 2 + 1).to_string()),
        Flavor::Execute,
        &Empty,
    )
    .err()
    .expect("over the budget");
    assert_eq!(
        e.reply_text(),
        "ERR the tensors set in the DAG exceed 4294967296 bytes"
    );
}

#[test]
fn op_count_cap() {
    let dag = |n: usize| {
        let mut v = a(&["AI.DAGEXECUTE", "ROUTING", "r"]);
        for _ in 0..n {
            v.extend(a(&["|>", "AI.TENSORSET", "t", "INT8", "1"]));
        }
        v
    };
    assert_eq!(
        parse(&dag(MAX_DAG_OPS), Flavor::Execute, &Empty)
            .expect("at the cap")
            .ops
            .len(),
        MAX_DAG_OPS
    );
    let e = parse(&dag(MAX_DAG_OPS + 1), Flavor::Execute, &Empty)
        .err()
        .expect("past the cap");
    assert_eq!(e.reply_text(), "ERR DAG has more than 1024 ops");
}
