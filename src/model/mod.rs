//! Models: the stored bytes and metadata of a model, the runtime compiled
//! from them, and its run statistics. Redis-free.
//!
//! A [`Model`] is immutable once stored and shared behind an `Arc`: a queued
//! or running execution keeps its own reference, so deleting or overwriting
//! the key while it runs is safe. The blob is kept byte-exact (MODELGET, RDB
//! and AOF return it as given); the runtime is derived from it.

pub mod compile;
mod parse;
mod stats;

pub use parse::{
    join, modelexecute_keys, modelrun_keys, parse_device, parse_modelexecute, parse_modelget,
    parse_modelrun, parse_modelset, parse_modelstore, Device, ExecRequest, GetFormat, StoreRequest,
    MAX_BLOB_BYTES, MAX_BLOB_CHUNKS,
};
pub use stats::{Stats, StatsSnapshot, INLINE_AFTER};

use std::sync::Arc;

use crate::backends::{self, BackendKind, LoadError, Runtime};
use crate::error::{Error, Result};

pub const ERR_EMPTY: &str = "model key is empty";
pub const ERR_INPUT_COUNT: &str =
    "Number of keys given as INPUTS here does not match model definition";
pub const ERR_OUTPUT_COUNT: &str =
    "Number of keys given as OUTPUTS here does not match model definition";
pub const ERR_BATCH_SIZE: &str = "Model did not generate the expected batch size";

/// What MODELSTORE records besides the blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelMeta {
    pub backend: BackendKind,
    /// As the client sent it (`cpu` stays `cpu`).
    pub device: Vec<u8>,
    pub tag: Vec<u8>,
    pub batchsize: u64,
    pub minbatchsize: u64,
    pub minbatchtimeout: u64,
    pub inputs: Vec<String>,
    pub outputs: Vec<String>,
}

/// A model the backend could not compile, with its bytes.
pub struct Refused {
    pub error: LoadError,
    pub meta: ModelMeta,
    pub blob: Vec<u8>,
}

/// A stored model.
pub struct Model {
    pub meta: ModelMeta,
    blob: Vec<u8>,
    /// The compiled model, or why it could not be compiled (Decision 11:
    /// a model loaded from RDB on a host that cannot run it keeps its bytes).
    runtime: std::result::Result<Arc<dyn Runtime>, Error>,
    pub stats: Stats,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("meta", &self.meta)
            .field("blob_len", &self.blob.len())
            .finish()
    }
}

impl Model {
    /// Compiles `blob` through the backend. Input and output names come from
    /// the backend (TF's are the declared ones).
    /// On failure the bytes come back with the error, so an RDB load can
    /// keep them (Decision 11) without having copied them first.
    pub fn compile(mut meta: ModelMeta, blob: Vec<u8>) -> std::result::Result<Model, Box<Refused>> {
        let loaded = parse_device(&meta.device)
            .map_err(|e| LoadError::corrupt(e.reply_text()))
            .and_then(|device| {
                backends::load(meta.backend, device, &blob, &meta.inputs, &meta.outputs)
            });
        let loaded = match loaded {
            Ok(l) => l,
            Err(error) => return Err(Box::new(Refused { error, meta, blob })),
        };
        meta.inputs = loaded.inputs;
        meta.outputs = loaded.outputs;
        Ok(Model {
            meta,
            blob,
            runtime: Ok(loaded.runtime),
            stats: Stats::default(),
        })
    }

    /// A model whose runtime is unavailable on this host; executing it
    /// replies `reason`.
    pub fn unavailable(meta: ModelMeta, blob: Vec<u8>, reason: Error) -> Model {
        Model {
            meta,
            blob,
            runtime: Err(reason),
            stats: Stats::default(),
        }
    }

    /// A copy for `COPY`: the same bytes and runtime, its own statistics.
    pub fn duplicate(&self) -> Model {
        Model {
            meta: self.meta.clone(),
            blob: self.blob.clone(),
            runtime: self.runtime.clone(),
            stats: Stats::default(),
        }
    }

    pub fn blob(&self) -> &[u8] {
        &self.blob
    }

    pub fn runtime(&self) -> Result<&Arc<dyn Runtime>> {
        self.runtime.as_ref().map_err(Error::clone)
    }

    /// The upper-cased device string: the name of the model's run queue.
    pub fn queue_name(&self) -> String {
        String::from_utf8_lossy(&self.meta.device).to_ascii_uppercase()
    }

    /// Bytes held: the blob plus the backend's estimate of the runtime.
    pub fn memory_usage(&self) -> usize {
        let names: usize = self
            .meta
            .inputs
            .iter()
            .chain(&self.meta.outputs)
            .map(|s| s.len() + std::mem::size_of::<String>())
            .sum();
        let runtime = self.runtime.as_ref().map_or(0, |r| r.memory_estimate());
        std::mem::size_of::<Model>()
            + self.blob.capacity()
            + self.meta.device.len()
            + self.meta.tag.len()
            + names
            + runtime
    }

    /// Checks the number of INPUTS of an execution against the model.
    pub fn check_inputs(&self, n: usize) -> Result<()> {
        if n != self.meta.inputs.len() {
            return Err(Error::raw(ERR_INPUT_COUNT));
        }
        Ok(())
    }

    /// Checks the number of OUTPUTS. A TorchScript model that returns a
    /// list declares no output count, and takes any.
    pub fn check_outputs(&self, n: usize) -> Result<()> {
        if n != self.meta.outputs.len() && !self.meta.outputs.is_empty() {
            return Err(Error::raw(ERR_OUTPUT_COUNT));
        }
        Ok(())
    }
}

/// The blob in `chunk`-byte pieces, with no empty trailing piece
/// (Decision 2). An empty blob is one empty piece.
pub fn chunks(blob: &[u8], chunk: usize) -> Vec<&[u8]> {
    if blob.is_empty() || chunk == 0 {
        return vec![blob];
    }
    blob.chunks(chunk).collect()
}

#[cfg(test)]
mod tests;
