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
    /// Of the board's files under the remote root (relative paths), those
    /// a sync with deletion removes: not in the project, not ignored (so
    /// never hidden, the agent's folder among them), and not below `keep`,
    /// the agent's folder relative to the remote root.
    pub fn extra_on_board(&self, board: &[String], ignore: &[String], keep: Option<&str>) -> Result<Vec<String>> {
        let set = glob_set(ignore)?;
        let ours: std::collections::HashSet<&str> = self.files.iter().map(String::as_str).collect();
        let kept = |f: &str| keep.is_some_and(|k| f == k || f.strip_prefix(k).is_some_and(|r| r.starts_with('/')));
        let mut extra: Vec<String> = board
            .iter()
            .filter(|f| !ours.contains(f.as_str()) && !kept(f))
            .filter(|f| {
                // An ignored folder keeps everything below it.
                let parts: Vec<&str> = f.split('/').collect();
                !(1..=parts.len()).any(|n| set.is_match(parts[..n].join("/")))
            })
            .cloned()
            .collect();
        extra.sort();
        Ok(extra)
    }

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

    #[test]
    fn extra_board_files_are_those_the_project_lacks_but_ignored_and_the_agent() {
        let project = ProjectFiles {
            files: vec!["main.py".into(), "lib/util.py".into()],
        };
        let board: Vec<String> = [
            "main.py",
            "old.py",
            "lib/util.py",
            "lib/gone.py",
            ".mpdbg/mpdbg.py",
            "app/.mpdbg/mpdbg_stop.py",
            "data/log.txt",
            "cache/__pycache__/x.pyc",
            "agent/mpdbg.py",
            "agents.py",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let extra = project.extra_on_board(&board, &["data".into()], Some("agent")).unwrap();
        assert_eq!(extra, ["agents.py", "lib/gone.py", "old.py"]);
        assert!(project.extra_on_board(&board, &["[".into()], None).is_err());
    }
}
