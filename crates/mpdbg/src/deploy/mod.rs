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
use crate::target::probe::BoardInfo;
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
    if root.is_empty() || root == "/" {
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

/// Deploys the agent and the program; the board is at its raw REPL.
pub fn deploy<L: Link>(repl: &mut Repl<L>, info: &BoardInfo, program: &Path, opts: &DeployOptions) -> Result<Deployed> {
    let remote_root = opts.remote_root.clone().unwrap_or_else(|| info.cwd.clone());
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
    let agent_files = agent::files(info)?;
    let agent_dir = board_join(&info.cwd, agent::FOLDER);
    let mut out = Deployed {
        program: board_join(&remote_root, &rel),
        remote_root: remote_root.clone(),
        ..Default::default()
    };

    // One round of hashes for everything that may need writing.
    let mut wanted: Vec<(String, Vec<u8>)> = agent_files
        .into_iter()
        .map(|(name, bytes)| (board_join(&agent_dir, &name), bytes))
        .collect();
    out.agent_dir = agent_dir;
    let agent_count = wanted.len();
    match opts.mode {
        ProgramDeploy::Sync => {
            for file in ProjectFiles::scan(&opts.project_root, &opts.ignore)?.files {
                let bytes = std::fs::read(opts.project_root.join(&file))
                    .map_err(|e| anyhow::anyhow!("cannot read {file} in {}: {e}", opts.project_root.display()))?;
                wanted.push((board_join(&remote_root, &file), bytes));
            }
        }
        ProgramDeploy::Ram => {
            let source =
                std::fs::read(program).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", program.display()))?;
            out.program_source = Some(source);
        }
        ProgramDeploy::None => {}
    }
    // The agent in its other form (.py beside .mpy) would shadow or confuse it.
    let stale: Vec<String> = wanted
        .iter()
        .take(agent_count)
        .map(|(p, _)| agent::other_form(p))
        .collect();
    let mut paths: Vec<String> = wanted.iter().map(|(p, _)| p.clone()).collect();
    paths.extend(stale.iter().cloned());
    let mut hashes = repl.hashes(&paths)?;
    let stale_hashes = hashes.split_off(wanted.len());
    let present: Vec<String> = stale
        .into_iter()
        .zip(stale_hashes)
        .filter(|(_, h)| h != "-")
        .map(|(p, _)| p)
        .collect();
    repl.remove_files(&present)?;
    let (unchanged, changed): (Vec<_>, Vec<_>) = wanted
        .into_iter()
        .zip(hashes)
        .partition(|((_, bytes), hash)| same(hash, bytes));
    out.unchanged = unchanged.len();
    let changed: Vec<(String, Vec<u8>)> = changed.into_iter().map(|(f, _)| f).collect();
    repl.write_files(&changed)?;
    out.written = changed.into_iter().map(|(p, _)| p).collect();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn board_paths_join() {
        assert_eq!(board_join("/", "a/b.py"), "/a/b.py");
        assert_eq!(board_join("/flash/", "m.py"), "/flash/m.py");
        assert_eq!(board_join("/tmp/x", ".mpdbg"), "/tmp/x/.mpdbg");
        assert_eq!(
            relative(Path::new("/p"), Path::new("/p/lib/m.py")).as_deref(),
            Some("lib/m.py")
        );
        assert_eq!(relative(Path::new("/p"), Path::new("/q/m.py")), None);
    }
}
