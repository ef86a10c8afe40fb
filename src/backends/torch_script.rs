//! TorchScript scripts on the C++ shim (`shim/torch_script.cpp`).

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::model::Device;
use crate::script::ScriptRuntime;
use crate::tensor::Tensor;

pub fn compile(
    device: Device,
    source: &[u8],
    entry_points: &[String],
) -> std::result::Result<Arc<dyn ScriptRuntime>, (Error, bool)> {
    let _ = (device, source, entry_points);
    Err((Error::err("scripts are not built yet"), false))
}

#[allow(dead_code)]
struct TorchScript;

impl ScriptRuntime for TorchScript {
    fn call(
        &self,
        _function: &str,
        _entry: bool,
        _inputs: &[&Tensor],
        _keys: &[Vec<u8>],
        _args: &[Vec<u8>],
    ) -> Result<Vec<Tensor>> {
        Err(Error::err("scripts are not built yet"))
    }

    fn memory_estimate(&self) -> usize {
        0
    }
}
