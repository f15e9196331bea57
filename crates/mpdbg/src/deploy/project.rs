//! The files of a project folder that a sync copies to the board.
use anyhow::{anyhow, Result};
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::Path;

/// Never synced: editor, VCS and build folders, caches, compiled files.
const DEFAULT_IGNORE: [&str; 9] = [
    ".*",
    "**/.*",
    "**/__pycache__",
    "**/node_modules",
    "**/venv",
    "**/target",
    "**/*.pyc",
    "**/*.mpy.tmp",
    "**/*~",
];
/// A project bigger than this is surely not meant for a board.
const MAX_FILES: usize = 500;

pub struct ProjectFiles {
    /// `/`-separated paths relative to the project root, sorted.
    pub files: Vec<String>,
}

fn glob_set(patterns: &[String]) -> Result<GlobSet> {
    let mut b = GlobSetBuilder::new();
    for p in DEFAULT_IGNORE
        .iter()
        .copied()
        .chain(patterns.iter().map(String::as_str))
    {
        let p = p.trim_start_matches("./").trim_end_matches('/');
        b.add(Glob::new(p).map_err(|e| anyhow!("ignore pattern {p:?}: {e}"))?);
        if !p.starts_with("**/") {
            // A pattern names its match anywhere below the root too, as .gitignore does.
            b.add(Glob::new(&format!("**/{p}")).map_err(|e| anyhow!("ignore pattern {p:?}: {e}"))?);
        }
    }
    b.build().map_err(|e| anyhow!("ignore patterns: {e}"))
}

impl ProjectFiles {
    pub fn scan(root: &Path, ignore: &[String]) -> Result<ProjectFiles> {
        let set = glob_set(ignore)?;
        let mut files = Vec::new();
        let mut dirs = vec![String::new()];
        while let Some(dir) = dirs.pop() {
            let full = root.join(&dir);
            let entries = std::fs::read_dir(&full).map_err(|e| anyhow!("cannot list {}: {e}", full.display()))?;
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                let rel = if dir.is_empty() { name } else { format!("{dir}/{name}") };
                if set.is_match(&rel) {
                    continue;
                }
                match entry.file_type() {
                    Ok(t) if t.is_dir() => dirs.push(rel),
                    Ok(t) if t.is_file() => files.push(rel),
                    _ => {}
                }
            }
            if files.len() > MAX_FILES {
                return Err(anyhow!(
                    "the project folder {} has more than {MAX_FILES} files to sync: set \"cwd\" to the program's \
                     own folder, add \"ignore\" patterns, or use \"deploy\": \"ram\"",
                    root.display()
                ));
            }
        }
        files.sort();
        Ok(ProjectFiles { files })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_hidden_caches_and_patterns() {
        let dir = std::env::temp_dir().join(format!("mpdbg-project-{}", std::process::id()));
        for f in [
            "main.py",
            "lib/util.py",
            "lib/__pycache__/x.pyc",
            ".git/HEAD",
            "data/big.bin",
            "notes.txt",
        ] {
            let p = dir.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, b"x").unwrap();
        }
        let found = ProjectFiles::scan(&dir, &["data".into(), "*.txt".into()])
            .unwrap()
            .files;
        std::fs::remove_dir_all(&dir).ok();
        assert_eq!(found, ["lib/util.py", "main.py"]);
    }
}
