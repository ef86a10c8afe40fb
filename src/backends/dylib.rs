//! Where the backends' shared libraries are looked for. ONNX Runtime,
//! TensorFlow and LiteRT are opened at run time, each from the first of:
//! the path given as a module argument, an environment variable, `lib/` next
//! to the module (the `scripts/package` layout), and the wheel the build was
//! made against.

use std::path::PathBuf;

/// Candidate paths for a library, best first. `prefix` picks files in the
/// module's `lib/` folder (`libonnxruntime.so.` matches the versioned file).
pub fn candidates(
    explicit: Option<&str>,
    env_var: &str,
    prefix: &str,
    built: &str,
) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    out.extend(explicit.map(PathBuf::from));
    out.extend(std::env::var_os(env_var).map(PathBuf::from));
    if let Some(dir) = crate::ffi::module_path::module_dir() {
        if let Ok(entries) = std::fs::read_dir(dir.join("lib")) {
            let mut libs: Vec<PathBuf> = entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with(prefix))
                })
                .collect();
            libs.sort();
            out.extend(libs);
        }
    }
    if !built.is_empty() {
        out.push(PathBuf::from(built));
    }
    out
}

/// Tries each candidate in turn with `open`; the error lists every attempt.
pub fn open_first<T>(
    what: &str,
    env_var: &str,
    paths: Vec<PathBuf>,
    mut open: impl FnMut(&std::path::Path) -> Result<T, String>,
) -> Result<(T, PathBuf), String> {
    let mut errors = Vec::new();
    for path in paths {
        if !path.exists() {
            errors.push(format!("{}: not found", path.display()));
            continue;
        }
        let attempt = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| open(&path)));
        match attempt {
            Ok(Ok(v)) => return Ok((v, path)),
            Ok(Err(e)) => errors.push(format!("{}: {e}", path.display())),
            Err(_) => errors.push(format!("{}: panicked while loading", path.display())),
        }
    }
    if errors.is_empty() {
        errors.push(format!("no candidate path (set {env_var})"));
    }
    Err(format!("{what} not loaded: {}", errors.join("; ")))
}
