//! The agent's folder for a local interpreter: its main file as .py (the
//! interpreter runs it as the script), its other modules compiled to .mpy by
//! the interpreter itself (`--compile`, in mpdbg's debug builds), so that a
//! stop loads `mpdbg_stop` without parsing 16 KB of source on the program's
//! heap. An interpreter that cannot compile (one of the user's) gets them as
//! .py. The folder is cached per agent and interpreter.
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
    let files = crate::embedded::AGENT_FILES;
    if crate::embedded::agent_file(MAIN).is_none() {
        bail!("this mpdbg was built without its agent");
    }
    let dir = micropython::cache_root()?.join("agent").join(folder_key(files, interp));
    let main = dir.join(MAIN);
    if main.is_file() {
        return Ok(main);
    }
    // Made beside, then renamed into place whole: a launch never sees half
    // a folder, and two launches at once both end with a complete one.
    let tmp = dir.with_extension(format!("tmp{}", std::process::id()));
    std::fs::remove_dir_all(&tmp).ok();
    std::fs::create_dir_all(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
    for (name, bytes) in files {
        std::fs::write(tmp.join(name), bytes).with_context(|| format!("cannot write in {}", tmp.display()))?;
    }
    if compiles(interp, &tmp, &dir, files) {
        for (name, _) in files.iter().filter(|(n, _)| *n != MAIN) {
            std::fs::remove_file(tmp.join(name))?;
        }
    } else {
        for (name, _) in files.iter().filter(|(n, _)| *n != MAIN) {
            std::fs::remove_file(tmp.join(mpy_name(name))).ok();
        }
    }
    if std::fs::rename(&tmp, &dir).is_err() {
        // Another launch put it there first.
        std::fs::remove_dir_all(&tmp).ok();
        if !main.is_file() {
            bail!("cannot create the agent's folder {}", dir.display());
        }
    }
    Ok(main)
}

fn mpy_name(py: &str) -> String {
    format!("{}.mpy", py.trim_end_matches(".py"))
}

/// Compiles every module but the main file in `tmp` to .mpy named as it
/// will be in `dir`; false if the interpreter cannot.
fn compiles(interp: &Path, tmp: &Path, dir: &Path, files: &[(&str, &[u8])]) -> bool {
    files.iter().filter(|(n, _)| *n != MAIN).all(|(name, _)| {
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
    })
}

/// The agent's files and the interpreter (its path, size and time), hashed:
/// bytecode is the interpreter's own.
fn folder_key(files: &[(&str, &[u8])], interp: &Path) -> String {
    let mut hash = Sha256::new();
    for (name, bytes) in files {
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
        let main = deploy_agent(&fails).unwrap();
        let dir = main.parent().unwrap();
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let mut want: Vec<String> = crate::embedded::AGENT_FILES
            .iter()
            .map(|(n, _)| n.to_string())
            .collect();
        want.sort();
        assert_eq!(names, want);
    }

    #[test]
    fn the_key_changes_with_the_interpreter() {
        let files: &[(&str, &[u8])] = &[("mpdbg.py", b"x = 1\n")];
        assert_ne!(
            folder_key(files, Path::new("/bin/sh")),
            folder_key(files, Path::new("/bin/true"))
        );
        assert_eq!(
            folder_key(files, Path::new("/bin/sh")),
            folder_key(files, Path::new("/bin/sh"))
        );
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
