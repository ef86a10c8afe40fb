//! Build script: rpath for libtorch, compile-time facts for `INFO MODULES`,
//! and the default location of the ONNX Runtime library.
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
        let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").ok()?);
        let capi = root.join(".venv/lib/python3.11/site-packages/onnxruntime/capi");
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
