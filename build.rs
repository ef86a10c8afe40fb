//! Build script: rpath for libtorch, compile-time facts for `INFO MODULES`,
//! the default locations of the ONNX Runtime, TensorFlow and LiteRT
//! libraries, and the bindings of TensorFlow's C API.
//!
//! Nothing here is needed by a `--no-default-features` build.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=REDISAI_ORT_DYLIB");
    println!("cargo:rerun-if-env-changed=LIBTORCH");
    // The git sha in INFO follows commits.
    println!("cargo:rerun-if-changed=.git/HEAD");
    if let Ok(head) = fs::read_to_string(".git/HEAD") {
        if let Some(r) = head.trim().strip_prefix("ref: ") {
            println!("cargo:rerun-if-changed=.git/{r}");
        }
    }

    let git_sha = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=REDISAI_GIT_SHA={git_sha}");

    if env::var_os("CARGO_FEATURE_TORCH").is_some() {
        torch();
    }
    if env::var_os("CARGO_FEATURE_ONNX").is_some() {
        onnx();
    }
    #[cfg(feature = "tf")]
    tf::build();
    #[cfg(feature = "tflite")]
    tflite::build();
}

/// The site-packages folder of the project's venv, where the pinned wheels
/// of scripts/requirements/libs.txt are installed.
fn site_packages() -> Option<PathBuf> {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").ok()?);
    Some(root.join(".venv/lib/python3.11/site-packages"))
}

/// TensorFlow's C API: bindgen over the headers of the tensorflow-cpu wheel,
/// as a table of function pointers that `src/backends/tf.rs` fills when it
/// opens `libtensorflow_cc.so.2` (on the first TF model, as RedisAI loads
/// its backends lazily). Nothing links against TensorFlow, so a server that
/// never stores a TF model does not pay its 0.3 s and 300 MB.
#[cfg(feature = "tf")]
mod tf {
    use super::*;

    /// The C API functions the backend uses.
    const FUNCTIONS: &[&str] = &[
        "TF_Version",
        "TF_NewStatus",
        "TF_DeleteStatus",
        "TF_GetCode",
        "TF_Message",
        "TF_NewBufferFromString",
        "TF_DeleteBuffer",
        "TF_NewGraph",
        "TF_DeleteGraph",
        "TF_NewImportGraphDefOptions",
        "TF_DeleteImportGraphDefOptions",
        "TF_GraphImportGraphDef",
        "TF_GraphOperationByName",
        "TF_OperationNumOutputs",
        "TF_OperationNumInputs",
        "TF_OperationOpType",
        "TF_NewSessionOptions",
        "TF_DeleteSessionOptions",
        "TF_SetConfig",
        "TF_NewSession",
        "TF_CloseSession",
        "TF_DeleteSession",
        "TF_SessionRun",
        "TF_AllocateTensor",
        "TF_DeleteTensor",
        "TF_TensorType",
        "TF_NumDims",
        "TF_Dim",
        "TF_TensorByteSize",
        "TF_TensorData",
        "TF_TensorElementCount",
        "TF_StringInit",
        "TF_StringAssignView",
        "TF_StringGetDataPointer",
        "TF_StringGetSize",
        "TF_StringDealloc",
    ];

    pub fn build() {
        println!("cargo:rerun-if-env-changed=REDISAI_TF_DIR");
        let dir = env::var("REDISAI_TF_DIR")
            .map(PathBuf::from)
            .ok()
            .or_else(|| site_packages().map(|s| s.join("tensorflow")))
            .unwrap_or_default();
        let include = dir.join("include");
        let header = include.join("tensorflow/c/c_api.h");
        if !header.exists() {
            panic!(
                "feature `tf`: {} not found. Install the pinned tensorflow-cpu wheel \
                 (scripts/run or scripts/test do it), set REDISAI_TF_DIR to its \
                 `tensorflow` folder, or build with --no-default-features --features torch,onnx,tflite",
                header.display()
            );
        }
        let mut builder = bindgen::Builder::default()
            .header(header.to_string_lossy())
            .clang_arg(format!("-I{}", include.display()))
            .dynamic_library_name("TfApi")
            .dynamic_link_require_all(true)
            .layout_tests(false)
            .derive_default(true);
        for f in FUNCTIONS {
            builder = builder.allowlist_function(f);
        }
        let out = PathBuf::from(env::var("OUT_DIR").unwrap_or_default()).join("tf_api.rs");
        builder
            .generate()
            .unwrap_or_else(|e| panic!("bindgen over {}: {e}", header.display()))
            .write_to_file(&out)
            .unwrap_or_else(|e| panic!("writing {}: {e}", out.display()));
        println!(
            "cargo:rustc-env=REDISAI_TF_DYLIB={}",
            dir.join("libtensorflow_cc.so.2").display()
        );
    }
}

/// LiteRT's C API (the TFLITE backend): bindgen over the LiteRT 2.1.4
/// headers kept in `third_party/` (the ai-edge-litert wheel ships none), as
/// a table of function pointers filled when `libLiteRt.so` of the pinned
/// wheel is opened, on the first TFLITE model.
#[cfg(feature = "tflite")]
mod tflite {
    use super::*;

    /// The C API functions the backend uses.
    const FUNCTIONS: &[&str] = &[
        "LiteRtCreateEnvironment",
        "LiteRtDestroyEnvironment",
        "LiteRtCreateModelFromBuffer",
        "LiteRtDestroyModel",
        "LiteRtGetNumModelSignatures",
        "LiteRtGetModelSignature",
        "LiteRtGetSignatureSubgraph",
        "LiteRtGetNumSignatureInputs",
        "LiteRtGetNumSignatureOutputs",
        "LiteRtGetSignatureInputTensorByIndex",
        "LiteRtGetSignatureOutputTensorByIndex",
        "LiteRtGetNumSubgraphInputs",
        "LiteRtGetNumSubgraphOutputs",
        "LiteRtGetSubgraphInput",
        "LiteRtGetSubgraphOutput",
        "LiteRtGetTensorName",
        "LiteRtGetRankedTensorType",
        "LiteRtCreateOptions",
        "LiteRtDestroyOptions",
        "LiteRtSetOptionsHardwareAccelerators",
        "LiteRtCreateCompiledModel",
        "LiteRtDestroyCompiledModel",
        "LiteRtCompiledModelResizeInputTensorNonStrict",
        "LiteRtGetCompiledModelOutputTensorLayouts",
        "LiteRtRunCompiledModel",
        "LiteRtCreateTensorBufferFromHostMemory",
        "LiteRtDestroyTensorBuffer",
    ];

    pub fn build() {
        println!("cargo:rerun-if-env-changed=REDISAI_LITERT_DYLIB");
        println!("cargo:rerun-if-changed=shim/litert_api.h");
        let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
        let include = root.join("third_party/litert-2.1.4");
        let mut builder = bindgen::Builder::default()
            .header(root.join("shim/litert_api.h").to_string_lossy())
            .clang_arg(format!("-I{}", include.display()))
            // The headers use C23 typed enums (`enum : int`): read them as C++.
            .clang_args(["-x", "c++", "-std=c++17"])
            .dynamic_library_name("LiteRtApi")
            .dynamic_link_require_all(true)
            .layout_tests(false)
            .derive_default(true);
        for f in FUNCTIONS {
            builder = builder.allowlist_function(f);
        }
        builder = builder
            .allowlist_type("LiteRtHwAccelerators")
            .allowlist_type("LiteRtElementType");
        let out = PathBuf::from(env::var("OUT_DIR").unwrap_or_default()).join("litert_api.rs");
        builder
            .generate()
            .unwrap_or_else(|e| panic!("bindgen over shim/litert_api.h: {e}"))
            .write_to_file(&out)
            .unwrap_or_else(|e| panic!("writing {}: {e}", out.display()));

        // The library this build was made against, and its version (the
        // library has no version call): the last fallback at run time.
        let site = site_packages().unwrap_or_default();
        let path = env::var("REDISAI_LITERT_DYLIB").unwrap_or_else(|_| {
            site.join("ai_edge_litert/libLiteRt.so")
                .to_string_lossy()
                .into_owned()
        });
        let version = fs::read_dir(&site)
            .ok()
            .and_then(|d| {
                d.flatten().find_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    let v = name
                        .strip_prefix("ai_edge_litert-")?
                        .strip_suffix(".dist-info")?;
                    Some(v.to_string())
                })
            })
            .unwrap_or_else(|| "2.1.4".to_string());
        println!("cargo:rerun-if-changed=shim/litert_guard.cpp");
        cc::Build::new()
            .cpp(true)
            .file("shim/litert_guard.cpp")
            .flag("-std=c++17")
            .opt_level(2)
            .compile("redisai_litert_guard");
        println!("cargo:rustc-env=REDISAI_LITERT_DYLIB={path}");
        println!("cargo:rustc-env=REDISAI_LITERT_VERSION={version}");
    }
}

/// torch-sys sets no rpath: add one so redis-server finds libtorch without
/// `LD_LIBRARY_PATH`. `scripts/package` rewrites it to `$ORIGIN/lib`.
fn torch() {
    let lib = env::var("DEP_TCH_LIBTORCH_LIB").ok();
    if let Some(dir) = &lib {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
    }
    if let Some(dir) = &lib {
        shim(Path::new(dir));
    }
    let version = lib
        .map(PathBuf::from)
        .and_then(|dir| torch_version(&dir))
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=REDISAI_TORCH_VERSION={version}");
}

/// The C++ shim (the TorchScript module: load, forward()'s schema, forward;
/// scripts: compile, entry points, call, and their custom operators),
/// built against the wheel's headers next to `torch/lib`.
fn shim(lib_dir: &Path) {
    println!("cargo:rerun-if-changed=shim/torch_module.cpp");
    println!("cargo:rerun-if-changed=shim/torch_script.cpp");
    let Some(root) = lib_dir.parent() else {
        return;
    };
    let include = root.join("include");
    cc::Build::new()
        .cpp(true)
        .file("shim/torch_module.cpp")
        .file("shim/torch_script.cpp")
        .include(&include)
        .include(include.join("torch/csrc/api/include"))
        .flag("-std=c++17")
        .define("_GLIBCXX_USE_CXX11_ABI", "1")
        .warnings(false)
        .opt_level(2)
        .compile("redisai_torch_shim");
    println!("cargo:rustc-link-search=native={}", lib_dir.display());
    println!("cargo:rustc-link-lib=dylib=torch_cpu");
    println!("cargo:rustc-link-lib=dylib=c10");
}

/// Reads `__version__` from the wheel's `torch/version.py` (next to `torch/lib`).
fn torch_version(lib_dir: &Path) -> Option<String> {
    let text = fs::read_to_string(lib_dir.parent()?.join("version.py")).ok()?;
    let line = text.lines().find(|l| l.starts_with("__version__"))?;
    let v = line.split('\'').nth(1)?;
    Some(v.split('+').next().unwrap_or(v).to_string())
}

/// The ONNX Runtime library is opened at run time (`ort` load-dynamic). Bake in
/// the path of the one this build was made against, as the last fallback.
fn onnx() {
    let path = env::var("REDISAI_ORT_DYLIB").ok().or_else(|| {
        let capi = site_packages()?.join("onnxruntime/capi");
        let entry = fs::read_dir(&capi).ok()?.flatten().find(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("libonnxruntime.so.") && name.len() > "libonnxruntime.so.".len()
        })?;
        Some(entry.path().to_string_lossy().into_owned())
    });
    println!(
        "cargo:rustc-env=REDISAI_ORT_DYLIB={}",
        path.unwrap_or_default()
    );
}
