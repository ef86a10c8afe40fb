//! The DAG parser (AI.DAGEXECUTE / _RO, AI.DAGRUN / _RO, full argv) and its
//! key positions. The first byte picks the flavor.
//!
//! The keyspace: keys starting with `m` are a model (2 inputs, 1 output,
//! no runtime), `s` a script (entry points `f` and `g`, no runtime), `v` a
//! small vector set (dim 2), `x` a missing key; any other key is a
//! 2-element FLOAT tensor. Every slot a parsed DAG names must exist.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use redisai::backends::BackendKind;
use redisai::dag::{dag_keys, parse, Flavor, Keyspace, Op};
use redisai::error::{Error, Result};
use redisai::model::{Model, ModelMeta};
use redisai::script::call::CallEnv;
use redisai::script::{Script, ScriptMeta};
use redisai::tensor::{DType, Tensor};
use redisai::vector::{Metric, NewVector, Quant, Spec, VecSet};
use redisai_fuzz::{argv, check_keys};

struct Ks;

fn vset() -> Option<Arc<VecSet>> {
    static SET: OnceLock<Option<Arc<VecSet>>> = OnceLock::new();
    SET.get_or_init(|| {
        let set = VecSet::new(Spec {
            dim: 2,
            metric: Metric::L2,
            quant: Quant::F32,
            m: 4,
            ef_construction: 8,
        })
        .ok()?;
        {
            let mut d = set.write();
            for i in 0..4u8 {
                let v = NewVector::Floats(vec![f32::from(i), 1.0]);
                d.add(&[b'e', b'0' + i], &v, None, 0).ok()?;
            }
        }
        Some(Arc::new(set))
    })
    .clone()
}

impl Keyspace for Ks {
    fn tensor(&self, key: &[u8]) -> Result<Arc<Tensor>> {
        match key.first() {
            None | Some(b'x') => Err(Error::err("tensor key is empty")),
            Some(_) => Tensor::from_blob(DType::Float, vec![2], &[0; 8]).map(Arc::new),
        }
    }
    fn model(&self, key: &[u8]) -> Result<Arc<Model>> {
        if key.first() != Some(&b'm') {
            return Err(Error::err(redisai::model::ERR_EMPTY));
        }
        let meta = ModelMeta {
            backend: BackendKind::Torch,
            device: b"CPU".to_vec(),
            tag: Vec::new(),
            batchsize: 0,
            minbatchsize: 0,
            minbatchtimeout: 0,
            inputs: vec!["a".into(), "b".into()],
            outputs: vec!["c".into()],
        };
        let why = Error::err("no backend in the fuzz build");
        Ok(Arc::new(Model::unavailable(meta, Vec::new(), why)))
    }
    fn script(&self, key: &[u8]) -> Result<Arc<Script>> {
        if key.first() != Some(&b's') {
            return Err(Error::err(redisai::script::ERR_EMPTY));
        }
        let meta = ScriptMeta {
            device: b"CPU".to_vec(),
            tag: Vec::new(),
            entry_points: vec!["f".into(), "g".into()],
        };
        let why = Error::err("no backend in the fuzz build");
        Ok(Arc::new(Script::unavailable(meta, Vec::new(), why)))
    }
    fn vset(&self, key: &[u8]) -> Result<Option<Arc<VecSet>>> {
        Ok(if key.first() == Some(&b'v') {
            vset()
        } else {
            None
        })
    }
    fn caller(&self) -> CallEnv {
        CallEnv::default()
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let args = argv(rest);
    check_keys("dag_keys", &dag_keys(&args), args.len());
    let flavor = match which % 4 {
        0 => Flavor::Execute,
        1 => Flavor::ExecuteRo,
        2 => Flavor::Run,
        _ => Flavor::RunRo,
    };
    let Ok(dag) = parse(&args, flavor, &Ks) else {
        return;
    };
    let n = dag.slots.len();
    for (_, slot) in &dag.persist {
        assert!(*slot < n, "PERSIST slot {slot} of {n}");
    }
    for op in &dag.ops {
        let (ins, outs) = op.io();
        for s in ins.iter().chain(outs) {
            assert!(*s < n, "op slot {s} of {n}");
        }
        if let Op::TensorGet { slot, .. } = op {
            assert!(*slot < n, "TENSORGET slot {slot} of {n}");
        }
    }
});
