//! Locating the interpreters and running the recorder scripts.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Directory of this crate's `tests/` (recorder scripts live there).
pub fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("..")
}

/// The corpus files, sorted.
pub fn corpus_files() -> Vec<PathBuf> {
    let dir = workspace().join("tests").join("corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read the corpus directory {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no corpus files in {}", dir.display());
    files
}

/// The debug MicroPython with `_mpdbg`: `$MPDBG_MICROPYTHON`, or what
/// `cargo run -q -p mpdbg -- micropython build` prints as its last line.
/// Panics (fails the test) with the reason when it cannot be obtained.
pub fn micropython() -> PathBuf {
    static MP: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let r = MP.get_or_init(|| {
        if let Ok(p) = std::env::var("MPDBG_MICROPYTHON") {
            let p = PathBuf::from(p);
            return if p.is_file() {
                Ok(p)
            } else {
                Err(format!("MPDBG_MICROPYTHON={} is not a file", p.display()))
            };
        }
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let out = Command::new(&cargo)
            .args(["run", "-q", "-p", "mpdbg", "--", "micropython", "build"])
            .current_dir(workspace())
            .output()
            .map_err(|e| format!("cannot run `{cargo} run -p mpdbg -- micropython build`: {e}"))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() {
            return Err(format!(
                "`cargo run -p mpdbg -- micropython build` failed ({}):\n{stderr}",
                out.status
            ));
        }
        let last = stdout.lines().last().unwrap_or("").trim().to_string();
        let p = PathBuf::from(&last);
        if p.is_file() {
            Ok(p)
        } else {
            Err(format!(
                "`cargo run -p mpdbg -- micropython build` printed no interpreter path (last line {last:?}):\n{stderr}"
            ))
        }
    });
    match r {
        Ok(p) => p.clone(),
        Err(e) => panic!(
            "the differential test needs the debug MicroPython: {e}\n\
             (set MPDBG_MICROPYTHON to the interpreter's path to use an existing build)"
        ),
    }
}

/// CPython 3.11: `$MPDBG_CPYTHON` or `python3`.
pub fn cpython() -> String {
    static PY: OnceLock<Result<String, String>> = OnceLock::new();
    let r = PY.get_or_init(|| {
        let py = std::env::var("MPDBG_CPYTHON").unwrap_or_else(|_| "python3".into());
        let out = Command::new(&py)
            .args(["-c", "import sys; print('%d.%d' % sys.version_info[:2])"])
            .output()
            .map_err(|e| format!("cannot run {py}: {e}"))?;
        let v = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if v != "3.11" {
            return Err(format!("{py} is Python {v:?}, the differential test needs 3.11"));
        }
        Ok(py)
    });
    match r {
        Ok(p) => p.clone(),
        Err(e) => panic!("{e} (set MPDBG_CPYTHON to a CPython 3.11 interpreter)"),
    }
}

/// Run `interpreter script args...`; returns stdout, panics on failure.
pub fn run(interpreter: &Path, script: &str, args: &[&Path]) -> String {
    let mut cmd = Command::new(interpreter);
    if interpreter.file_name().is_some_and(|n| n == "micropython") {
        cmd.args(["-X", "heapsize=32m"]);
    }
    cmd.arg(tests_dir().join(script));
    cmd.args(args);
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", interpreter.display()));
    if !out.status.success() {
        panic!(
            "{} {script} {:?} failed ({}):\n{}\n{}",
            interpreter.display(),
            args,
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A fresh scratch directory under the target directory.
pub fn scratch(name: &str) -> PathBuf {
    let base = std::env::var("CARGO_TARGET_TMPDIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| std::env::temp_dir());
    let dir = base.join(format!("mpdbg-source-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}
