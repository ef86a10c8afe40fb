use super::*;
use crate::error::Result;

struct Empty;

impl Keyspace for Empty {
    fn tensor(&self, key: &[u8]) -> Result<Arc<Tensor>> {
        Tensor::from_blob(crate::tensor::DType::Int8, vec![1], &[key.len() as u8]).map(Arc::new)
    }
    fn model(&self, _key: &[u8]) -> Result<Arc<Model>> {
        Err(Error::err(crate::model::ERR_EMPTY))
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
    let mut dag = parse(&args, Flavor::Execute, &Empty).expect("parses");
    assert_eq!(dag.slots.len(), 2);
    assert_eq!(dag.persist, vec![(b"x".to_vec(), 1)]);
    assert!(matches!(dag.ops[1], Op::TensorGet { slot: 1, .. }));
    assert_eq!(dag.queue, "CPU");
    let results = dag.run();
    assert!(Dag::succeeded(&results));
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
