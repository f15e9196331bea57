//! mpdbg's cache directory, build keys and the build lock.
use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::path::{Path, PathBuf};

/// `$MPDBG_CACHE_DIR`, else `$XDG_CACHE_HOME/mpdbg`, else `~/.cache/mpdbg`.
pub fn cache_root() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("MPDBG_CACHE_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir).join("mpdbg"));
    }
    match std::env::var_os("HOME").filter(|d| !d.is_empty()) {
        Some(home) => Ok(PathBuf::from(home).join(".cache").join("mpdbg")),
        None => anyhow::bail!("no cache directory: set MPDBG_CACHE_DIR (or HOME)"),
    }
}

/// Identifies one build: the source package, the flavour, and every port file.
pub fn build_key(sdist_sha256: &str, flavour: &str, files: &[(&str, &[u8])]) -> String {
    let mut h = Sha256::new();
    h.update(sdist_sha256.as_bytes());
    h.update([0]);
    h.update(flavour.as_bytes());
    for (path, bytes) in files {
        h.update([0]);
        h.update(path.as_bytes());
        h.update([0]);
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    }
    hex(&h.finalize())
}

pub fn sha256_file(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(hex(&Sha256::digest(&bytes)))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An exclusive lock on `path`, released when dropped.
pub fn lock(path: &Path) -> Result<File> {
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    file.lock().with_context(|| format!("cannot lock {}", path.display()))?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_changes_with_any_input() {
        let a = build_key("s", "debug", &[("a.c", b"x")]);
        assert_eq!(a, build_key("s", "debug", &[("a.c", b"x")]));
        assert_ne!(a, build_key("t", "debug", &[("a.c", b"x")]));
        assert_ne!(a, build_key("s", "release", &[("a.c", b"x")]));
        assert_ne!(a, build_key("s", "debug", &[("a.c", b"y")]));
        assert_ne!(a, build_key("s", "debug", &[("b.c", b"x")]));
        // A byte moved between name and content is a different build.
        assert_ne!(
            build_key("s", "d", &[("ab", b"c")]),
            build_key("s", "d", &[("a", b"bc")])
        );
    }
}
