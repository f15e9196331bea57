//! Embeds the firmware sources (host port, `_mpdbg` C module) and the device
//! agent into the `mpdbg` binary, so an installed `mpdbg` can build the debug
//! MicroPython and deploy the agent anywhere.
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, root: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name == "__pycache__" || name.ends_with(".pyc") {
            continue;
        }
        if path.is_dir() {
            collect(&path, root, out);
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.push((rel.to_string_lossy().replace('\\', "/"), path.clone()));
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let repo = manifest.join("../..");
    let mut code = String::new();
    for (konst, dir) in [("FIRMWARE_FILES", "firmware"), ("AGENT_FILES", "agent")] {
        let root = repo.join(dir);
        println!("cargo:rerun-if-changed={}", root.display());
        let mut files = Vec::new();
        collect(&root, &root, &mut files);
        writeln!(code, "pub const {konst}: &[(&str, &[u8])] = &[").ok();
        for (rel, path) in &files {
            println!("cargo:rerun-if-changed={}", path.display());
            let abs = path.canonicalize().unwrap_or_else(|_| path.clone());
            writeln!(code, "    ({rel:?}, include_bytes!({:?})),", abs.display().to_string()).ok();
        }
        writeln!(code, "];").ok();
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded.rs");
    std::fs::write(out, code).expect("write embedded.rs");
}
