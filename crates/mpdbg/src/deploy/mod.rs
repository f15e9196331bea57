//! Putting the agent and the program on a board before a session: the
//! agent into one hidden folder (compiled to .mpy for the board when
//! `mpy-cross` fits it, else as .py), only the files whose hash differs;
//! the program synced to `remoteRoot` (`sync`), sent with the start command
//! (`ram`), or left as it is on the board (`none`).
mod agent;
mod project;

pub use project::ProjectFiles;

use crate::repl::files::same;
use crate::repl::{Link, Repl};
use crate::target::probe::{self, BoardInfo};
use anyhow::{bail, Result};
use std::path::{Path, PathBuf};

/// How the program reaches the board.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProgramDeploy {
    /// Copy the project's changed files to `remoteRoot`.
    #[default]
    Sync,
    /// Run the program file from RAM; write nothing.
    Ram,
    /// The files are on the board already.
    None,
}

#[derive(Clone, Debug)]
pub struct DeployOptions {
    pub mode: ProgramDeploy,
    /// False: nothing is written to the board's filesystem.
    pub write_flash: bool,
    /// The project folder on the host (mapped to `remote_root`).
    pub project_root: PathBuf,
    /// The project folder on the board; the board's start-up folder when unset.
    pub remote_root: Option<String>,
    /// Glob patterns (relative to the project root) that are not synced.
    pub ignore: Vec<String>,
}

/// What the deployer did, and how to start the program.
#[derive(Debug, Default)]
pub struct Deployed {
    /// The agent's folder on the board.
    pub agent_dir: String,
    /// The program's path on the board (its code objects' file name).
    pub program: String,
    /// The program's source, when it runs from RAM.
    pub program_source: Option<Vec<u8>>,
    /// The project folder on the board.
    pub remote_root: String,
    /// Board paths written, agent files included.
    pub written: Vec<String>,
    /// Files that were already there, unchanged.
    pub unchanged: usize,
}

/// Joins a board folder and a relative path with `/`.
pub fn board_join(root: &str, rel: &str) -> String {
    if rel.is_empty() {
        return root.to_string();
    }
    if root.is_empty() {
        rel.to_string()
    } else if root == "/" {
        format!("/{rel}")
    } else {
        format!("{}/{rel}", root.trim_end_matches('/'))
    }
}

/// A host path below `root` as a `/`-separated relative path.
pub fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}

/// Deploys the agent and the program; the board is at its raw REPL. Reads
/// what runs there and what is on it in one exchange, refuses firmware
/// mpdbg cannot debug on before writing anything, then writes what differs.
pub fn deploy<L: Link>(repl: &mut Repl<L>, program: &Path, opts: &DeployOptions) -> Result<(BoardInfo, Deployed)> {
    let Some(rel) = relative(&opts.project_root, program) else {
        bail!(
            "the program {} is not inside the project folder {} (set \"cwd\" to the project folder)",
            program.display(),
            opts.project_root.display()
        );
    };
    if !opts.write_flash {
        bail!(
            "\"writeFlash\": false is not supported yet: the agent imports its stop-time parts from a folder on \
             the board (MicroPython cannot define modules from RAM); leave it on, or use \"deploy\": \"ram\" to keep \
             the program itself off the board's filesystem"
        );
    }
    // Until the board says where it starts, paths are relative to its
    // start-up folder (the default remoteRoot); the agent may go as .py or .mpy.
    let program_root = opts.remote_root.clone().unwrap_or_default();
    let mut agent_paths: Vec<String> = Vec::new();
    for name in agent::names() {
        let path = board_join(agent::FOLDER, &name);
        agent_paths.push(agent::other_form(&path));
        agent_paths.push(path);
    }
    let mut program_files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut program_source = None;
    match opts.mode {
        ProgramDeploy::Sync => {
            for file in ProjectFiles::scan(&opts.project_root, &opts.ignore)?.files {
                let bytes = std::fs::read(opts.project_root.join(&file))
                    .map_err(|e| anyhow::anyhow!("cannot read {file} in {}: {e}", opts.project_root.display()))?;
                program_files.push((board_join(&program_root, &file), bytes));
            }
        }
        ProgramDeploy::Ram => {
            let source =
                std::fs::read(program).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", program.display()))?;
            program_source = Some(source);
        }
        ProgramDeploy::None => {}
    }
    let mut paths = agent_paths.clone();
    paths.extend(program_files.iter().map(|(p, _)| p.clone()));
    let (info, hashes) = probe::survey(repl, &paths)?;
    info.check(repl.name())?;
    let board_hash: std::collections::HashMap<&String, &String> = paths.iter().zip(hashes.iter()).collect();

    let agent_dir = board_join(&info.cwd, agent::FOLDER);
    let agent_files: Vec<(String, Vec<u8>)> = agent::files(&info)?
        .into_iter()
        .map(|(name, bytes)| (board_join(agent::FOLDER, &name), bytes))
        .collect();
    // The agent in its other form (.py beside .mpy) would shadow or confuse it.
    let stale: Vec<String> = agent_files
        .iter()
        .map(|(p, _)| agent::other_form(p))
        .filter(|p| board_hash.get(p).is_some_and(|h| h.as_str() != "-"))
        .collect();
    repl.remove_files(&stale)?;
    let (unchanged, changed): (Vec<_>, Vec<_>) = agent_files
        .into_iter()
        .chain(program_files)
        .partition(|(path, bytes)| board_hash.get(path).is_some_and(|h| same(h, bytes)));
    repl.write_files(&changed)?;
    let remote_root = opts.remote_root.clone().unwrap_or_else(|| info.cwd.clone());
    let deployed = Deployed {
        agent_dir,
        program: board_join(&remote_root, &rel),
        program_source,
        remote_root,
        written: changed.into_iter().map(|(p, _)| p).collect(),
        unchanged: unchanged.len(),
    };
    Ok((info, deployed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn board_paths_join() {
        assert_eq!(board_join("/", "a/b.py"), "/a/b.py");
        assert_eq!(board_join("", "a/b.py"), "a/b.py");
        assert_eq!(board_join("/flash/", "m.py"), "/flash/m.py");
        assert_eq!(board_join("/tmp/x", ".mpdbg"), "/tmp/x/.mpdbg");
        assert_eq!(
            relative(Path::new("/p"), Path::new("/p/lib/m.py")).as_deref(),
            Some("lib/m.py")
        );
        assert_eq!(relative(Path::new("/p"), Path::new("/q/m.py")), None);
    }
}
