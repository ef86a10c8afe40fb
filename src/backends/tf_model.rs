//! TF models: a frozen GraphDef, imported into a graph with one session.
//!
//! MODELSTORE's INPUTS and OUTPUTS name the graph's operations (`name` or
//! `name:index`). `TF_SessionRun` may be called from several threads at
//! once, so runs of one model do not take turns. MODEL_EXECUTION_TIMEOUT
//! goes into each run's `RunOptions.timeout_in_ms`: TensorFlow cancels the
//! step when it expires and the run replies with its DEADLINE_EXCEEDED
//! text. A single kernel that is already running is not interrupted; the
//! step ends after it.

use std::ffi::CString;
use std::sync::Arc;

use super::runtime::{LoadError, Loaded, Runtime};
use super::tf::{proto_varint, sys, Buffer, Status};
use crate::error::Error;
use crate::model::Device;
use crate::tensor::{DType, Tensor};

struct TfModel {
    api: &'static sys::TfApi,
    graph: *mut sys::TF_Graph,
    session: *mut sys::TF_Session,
    inputs: Vec<sys::TF_Output>,
    outputs: Vec<sys::TF_Output>,
    size: usize,
}

// SAFETY: the graph is not changed after load, and TF_SessionRun is
// documented as safe to call concurrently on one session. The TF_Outputs
// point at the graph's operations, which live as long as the graph.
unsafe impl Send for TfModel {}
unsafe impl Sync for TfModel {}

impl Drop for TfModel {
    fn drop(&mut self) {
        let status = Status::new(self.api);
        // SAFETY: session and graph were made in `load` and are deleted
        // once, the session first.
        unsafe {
            if !self.session.is_null() {
                self.api.TF_CloseSession(self.session, status.raw());
                self.api.TF_DeleteSession(self.session, status.raw());
            }
            self.api.TF_DeleteGraph(self.graph);
        }
    }
}

fn corrupt(text: String) -> LoadError {
    LoadError::corrupt(crate::error::one_line(&text))
}

/// `name` or `name:index`, as TF writes tensor names.
fn split_name(name: &str) -> (&str, i32) {
    if let Some((op, idx)) = name.rsplit_once(':') {
        if let Ok(i) = idx.parse::<i32>() {
            return (op, i);
        }
    }
    (name, 0)
}

fn find(
    api: &'static sys::TfApi,
    graph: *mut sys::TF_Graph,
    names: &[String],
    what: &str,
) -> Result<Vec<sys::TF_Output>, LoadError> {
    names
        .iter()
        .map(|name| {
            let missing = || {
                LoadError::corrupt_err(format!(
                    "{what} node named \"{name}\" not found in TF graph."
                ))
            };
            let (op, index) = split_name(name);
            let c = CString::new(op).map_err(|_| missing())?;
            // SAFETY: a live graph and a NUL-terminated name; the result is
            // null or an operation owned by the graph.
            let oper = unsafe { api.TF_GraphOperationByName(graph, c.as_ptr()) };
            // SAFETY: `oper` is a live operation of the graph.
            if oper.is_null() || index < 0 || index >= unsafe { api.TF_OperationNumOutputs(oper) } {
                return Err(missing());
            }
            Ok(sys::TF_Output { oper, index })
        })
        .collect()
}

/// ConfigProto with the thread counts of INTRA/INTER_OP_PARALLELISM (fields
/// 2 and 5); an empty proto keeps TensorFlow's defaults.
fn session_config() -> Vec<u8> {
    let cfg = crate::config::get();
    let mut p = Vec::new();
    if cfg.intra_op_parallelism > 0 {
        proto_varint(&mut p, 2, cfg.intra_op_parallelism as u64);
    }
    if cfg.inter_op_parallelism > 0 {
        proto_varint(&mut p, 5, cfg.inter_op_parallelism as u64);
    }
    p
}

pub fn load(
    device: Device,
    blob: &[u8],
    inputs: &[String],
    outputs: &[String],
) -> Result<Loaded, LoadError> {
    if let Device::Gpu(_) = device {
        // The tensorflow-cpu wheel has no CUDA kernels.
        return Err(LoadError::environment(Error::err(
            "GPU requested but TF couldn't find CUDA",
        )));
    }
    let explicit = crate::config::read(|c| c.tf_library.clone());
    super::tf::load(explicit.as_deref())
        .map_err(|_| LoadError::environment(Error::err("Could not load backend")))?;
    let api = super::tf::api()
        .ok_or_else(|| LoadError::environment(Error::err("Could not load backend")))?;
    let status = Status::new(api);
    // SAFETY: every pointer below comes from the matching TF_New* call and
    // is checked or owned by a guard; `blob` is copied into a TF_Buffer.
    unsafe {
        let graph = api.TF_NewGraph();
        let mut model = TfModel {
            api,
            graph,
            session: std::ptr::null_mut(),
            inputs: Vec::new(),
            outputs: Vec::new(),
            size: blob.len(),
        };
        let def = Buffer::new(api, blob);
        let opts = api.TF_NewImportGraphDefOptions();
        api.TF_GraphImportGraphDef(graph, def.raw, opts, status.raw());
        api.TF_DeleteImportGraphDefOptions(opts);
        status.check().map_err(corrupt)?;
        model.inputs = find(api, graph, inputs, "Input")?;
        model.outputs = find(api, graph, outputs, "Output")?;
        let sopts = api.TF_NewSessionOptions();
        let config = session_config();
        if !config.is_empty() {
            api.TF_SetConfig(sopts, config.as_ptr().cast(), config.len(), status.raw());
        }
        let configured = status.check();
        if configured.is_ok() {
            model.session = api.TF_NewSession(graph, sopts, status.raw());
        }
        api.TF_DeleteSessionOptions(sopts);
        configured.and_then(|()| status.check()).map_err(corrupt)?;
        Ok(Loaded {
            runtime: Arc::new(model),
            inputs: inputs.to_vec(),
            outputs: outputs.to_vec(),
        })
    }
}

fn tf_dtype(d: DType) -> sys::TF_DataType {
    match d {
        DType::Float => sys::TF_DataType_TF_FLOAT,
        DType::Double => sys::TF_DataType_TF_DOUBLE,
        DType::Int8 => sys::TF_DataType_TF_INT8,
        DType::Int16 => sys::TF_DataType_TF_INT16,
        DType::Int32 => sys::TF_DataType_TF_INT32,
        DType::Int64 => sys::TF_DataType_TF_INT64,
        DType::Uint8 => sys::TF_DataType_TF_UINT8,
        DType::Uint16 => sys::TF_DataType_TF_UINT16,
        DType::Bool => sys::TF_DataType_TF_BOOL,
        DType::String => sys::TF_DataType_TF_STRING,
    }
}

fn our_dtype(d: sys::TF_DataType) -> Option<DType> {
    DType::ALL.into_iter().find(|&o| tf_dtype(o) == d)
}

/// TF_Tensors deleted on drop.
struct Tensors {
    api: &'static sys::TfApi,
    list: Vec<*mut sys::TF_Tensor>,
}

impl Drop for Tensors {
    fn drop(&mut self) {
        for &t in &self.list {
            if !t.is_null() {
                // SAFETY: each was made by TF_AllocateTensor or returned by
                // TF_SessionRun, and is deleted once.
                unsafe { self.api.TF_DeleteTensor(t) }
            }
        }
    }
}

/// A TF tensor of `t`. STRING elements are views of `t`'s bytes, which
/// outlive the run (the caller drops the TF tensors first).
///
/// # Safety
/// `api` is the loaded C API.
unsafe fn to_tf(api: &'static sys::TfApi, t: &Tensor) -> Result<*mut sys::TF_Tensor, Error> {
    let dims = t.shape();
    let string = t.dtype() == DType::String;
    let elems: usize = t.string_elements().count();
    let len = if string {
        elems * std::mem::size_of::<sys::TF_TString>()
    } else {
        t.data().len()
    };
    let out = api.TF_AllocateTensor(tf_dtype(t.dtype()), dims.as_ptr(), dims.len() as i32, len);
    if out.is_null() {
        return Err(Error::err("TensorFlow could not allocate an input tensor"));
    }
    let dst = api.TF_TensorData(out);
    if string {
        let base = dst.cast::<sys::TF_TString>();
        for (i, s) in t.string_elements().enumerate() {
            let p = base.add(i);
            api.TF_StringInit(p);
            api.TF_StringAssignView(p, s.as_ptr().cast(), s.len());
        }
    } else if len > 0 {
        std::ptr::copy_nonoverlapping(t.data().as_ptr(), dst.cast::<u8>(), len);
    }
    Ok(out)
}

/// Our tensor of a TF output.
///
/// # Safety
/// `t` is a live tensor returned by TF_SessionRun.
unsafe fn from_tf(api: &'static sys::TfApi, t: *mut sys::TF_Tensor) -> Result<Tensor, Error> {
    let ty = api.TF_TensorType(t);
    let dtype =
        our_dtype(ty).ok_or_else(|| Error::err(format!("unsupported output tensor type {ty}")))?;
    let shape: Vec<i64> = (0..api.TF_NumDims(t)).map(|i| api.TF_Dim(t, i)).collect();
    let src = api.TF_TensorData(t).cast::<u8>().cast_const();
    let data = if dtype == DType::String {
        let n = api.TF_TensorElementCount(t).max(0) as usize;
        let base = src.cast::<sys::TF_TString>();
        let mut data = Vec::new();
        for i in 0..n {
            let p = base.add(i);
            let len = api.TF_StringGetSize(p);
            let ptr = api.TF_StringGetDataPointer(p).cast::<u8>();
            let s = if len == 0 {
                &[][..]
            } else {
                std::slice::from_raw_parts(ptr, len)
            };
            if s.contains(&0) {
                return Err(Error::err("a STRING output element contains a NUL byte"));
            }
            data.extend_from_slice(s);
            data.push(0);
        }
        data
    } else {
        let len = api.TF_TensorByteSize(t);
        if len == 0 {
            Vec::new()
        } else {
            std::slice::from_raw_parts(src, len).to_vec()
        }
    };
    Tensor::from_parts(dtype, shape, data)
}

impl Runtime for TfModel {
    fn run(&self, inputs: &[&Tensor]) -> Result<Vec<Option<Tensor>>, Error> {
        let api = self.api;
        if inputs.len() != self.inputs.len() {
            return Err(Error::raw(crate::model::ERR_INPUT_COUNT));
        }
        let mut ins = Tensors {
            api,
            list: Vec::with_capacity(inputs.len()),
        };
        for t in inputs {
            // SAFETY: `api` is loaded; the tensor is owned by `ins`.
            ins.list.push(unsafe { to_tf(api, t)? });
        }
        let mut outs = Tensors {
            api,
            list: vec![std::ptr::null_mut(); self.outputs.len()],
        };
        let timeout = crate::config::read(|c| c.model_execution_timeout);
        let mut run_options = Vec::new();
        if timeout > 0 {
            proto_varint(&mut run_options, 2, timeout as u64);
        }
        let run_options = Buffer::new(api, &run_options);
        let status = Status::new(api);
        // SAFETY: input/output arrays have the lengths passed; the session
        // and the operations live as long as `self`; STRING views point into
        // `inputs`, which outlive `ins`.
        unsafe {
            api.TF_SessionRun(
                self.session,
                run_options.raw,
                self.inputs.as_ptr(),
                ins.list.as_ptr(),
                ins.list.len() as i32,
                self.outputs.as_ptr(),
                outs.list.as_mut_ptr(),
                outs.list.len() as i32,
                std::ptr::null(),
                0,
                std::ptr::null_mut(),
                status.raw(),
            );
        }
        status
            .check()
            .map_err(|m| Error::raw(crate::error::one_line(&m)))?;
        outs.list
            .iter()
            .map(|&t| {
                if t.is_null() {
                    return Err(Error::err("TensorFlow returned no tensor for an output"));
                }
                // SAFETY: a live output of the run, owned by `outs`.
                unsafe { from_tf(api, t) }.map(Some)
            })
            .collect()
    }

    fn memory_estimate(&self) -> usize {
        // TF does not report a session's size; its constants are about the
        // size of the GraphDef.
        self.size
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn tensor_names() {
        assert_eq!(super::split_name("mul"), ("mul", 0));
        assert_eq!(super::split_name("out:1"), ("out", 1));
        assert_eq!(super::split_name("scope/a:b"), ("scope/a:b", 0));
    }
}
