//! The agent's folder for a local interpreter: its main file as .py (the
//! interpreter runs it as the script), its other modules compiled to .mpy by
//! the interpreter itself (`--compile`, in mpdbg's debug builds), so that a
//! stop loads `mpdbg_stop` without parsing 16 KB of source on the program's
//! heap. An interpreter that cannot compile (one of the user's) gets them as
//! .py. The folder is cached per agent and interpreter. The modules that
//! programs import beside mpdbg's own interpreters (`lib/`) are made the
//! same way.
use super::mpy::mpy_name;
use crate::micropython;
use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The agent's main file, which the interpreter runs as the script.
const MAIN: &str = "mpdbg.py";

/// Writes the agent's folder for `interp` unless the cache has it; returns
/// the path of its main file.
pub fn deploy_agent(interp: &Path) -> Result<PathBuf> {
    if crate::embedded::agent_file(MAIN).is_none() {
        bail!("this mpdbg was built without its agent");
    }
    let dir = micropython::cache_root()?.join("agent").join(folder_key(interp));
    let main = dir.join(MAIN);
    if !main.is_file() {
        write_folder(interp, &dir, Some(MAIN))?;
    }
    Ok(main)
}

/// The agent's modules in `dir` (`lib/` beside one of mpdbg's interpreters,
/// where programs import them from), all compiled, unless it holds them
/// already for this agent and interpreter.
pub fn install_modules(interp: &Path, dir: &Path) -> Result<()> {
    let key = folder_key(interp);
    if std::fs::read_to_string(dir.join(STAMP)).is_ok_and(|k| k == key) {
        return Ok(());
    }
    write_folder(interp, dir, None)
}

/// Names the agent and interpreter that `install_modules` wrote a folder for.
const STAMP: &str = ".mpdbg-agent";

/// Writes the agent's files as the folder `dir`, replacing what is there:
/// the modules compiled to .mpy by `interp` if it can (else all as .py),
/// `script` (which the interpreter runs as its script) as .py. The folder is
/// made beside and renamed into place whole: a launch never sees half of it,
/// and two launches at once both end with a complete one.
fn write_folder(interp: &Path, dir: &Path, script: Option<&str>) -> Result<()> {
    let files = crate::embedded::AGENT_FILES;
    let tmp = dir.with_extension(format!("tmp{}", std::process::id()));
    std::fs::remove_dir_all(&tmp).ok();
    std::fs::create_dir_all(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
    for (name, bytes) in files {
        std::fs::write(tmp.join(name), bytes).with_context(|| format!("cannot write in {}", tmp.display()))?;
    }
    let modules = || files.iter().map(|(n, _)| *n).filter(|n| Some(*n) != script);
    let compiled = modules().all(|name| compile(interp, &tmp, dir, name));
    for name in modules() {
        // One form of each: a .py beside its .mpy would be imported instead.
        let drop = if compiled { name.to_string() } else { mpy_name(name) };
        std::fs::remove_file(tmp.join(drop)).ok();
    }
    std::fs::write(tmp.join(STAMP), folder_key(interp))?;
    // An older folder moves aside first: a folder cannot replace a folder.
    let old = dir.with_extension(format!("old{}", std::process::id()));
    let moved = std::fs::rename(dir, &old).is_ok();
    let placed = std::fs::rename(&tmp, dir).is_ok();
    std::fs::remove_dir_all(if placed { &old } else { &tmp }).ok();
    if !placed && !moved && !dir.join(STAMP).is_file() {
        bail!("cannot create the agent's folder {}", dir.display());
    }
    Ok(())
}

/// Compiles the module `name` in `tmp` to .mpy, its code named as it will
/// be in `dir`; false if the interpreter cannot.
fn compile(interp: &Path, tmp: &Path, dir: &Path, name: &str) -> bool {
    let mpy = mpy_name(name);
    Command::new(interp)
        .arg("--compile")
        .arg(tmp.join(name))
        .arg(tmp.join(&mpy))
        .arg(dir.join(&mpy))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
        && tmp.join(&mpy).is_file()
}

/// The agent's files and the interpreter (its path, size and time), hashed:
/// bytecode is the interpreter's own.
fn folder_key(interp: &Path) -> String {
    let mut hash = Sha256::new();
    for (name, bytes) in crate::embedded::AGENT_FILES {
        hash.update(name.as_bytes());
        hash.update(bytes);
    }
    let interp = interp.canonicalize().unwrap_or_else(|_| interp.to_path_buf());
    hash.update(interp.as_os_str().as_encoded_bytes());
    if let Ok(meta) = std::fs::metadata(&interp) {
        hash.update(meta.len().to_le_bytes());
        if let Ok(t) = meta
            .modified()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).map_err(std::io::Error::other))
        {
            hash.update(t.as_nanos().to_le_bytes());
        }
    }
    hash.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interpreter_that_cannot_compile_gets_the_sources() {
        // `false` runs and fails, as an interpreter without --compile does.
        let Ok(fails) = which("false") else { return };
        let dir = std::env::temp_dir().join(format!("mpdbg-local-src-{}", std::process::id()));
        write_folder(&fails, &dir, Some(MAIN)).unwrap();
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let mut want: Vec<String> = crate::embedded::AGENT_FILES
            .iter()
            .map(|(n, _)| n.to_string())
            .collect();
        want.push(STAMP.to_string());
        want.sort();
        assert_eq!(names, want);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_key_changes_with_the_interpreter() {
        assert_ne!(folder_key(Path::new("/bin/sh")), folder_key(Path::new("/bin/true")));
        assert_eq!(folder_key(Path::new("/bin/sh")), folder_key(Path::new("/bin/sh")));
    }

    #[test]
    fn a_folder_is_replaced_whole_and_written_once() {
        let Ok(fails) = which("false") else { return };
        let dir = std::env::temp_dir().join(format!("mpdbg-local-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("stale.py"), "").unwrap();
        install_modules(&fails, &dir).unwrap();
        assert!(!dir.join("stale.py").exists() && dir.join(MAIN).is_file());
        // Written once: a file put there since stays.
        std::fs::write(dir.join("mine.py"), "").unwrap();
        install_modules(&fails, &dir).unwrap();
        assert!(dir.join("mine.py").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn which(name: &str) -> Result<PathBuf> {
        for dir in ["/usr/bin", "/bin"] {
            let p = Path::new(dir).join(name);
            if p.is_file() {
                return Ok(p);
            }
        }
        bail!("no {name}")
    }
}
