//! Putting the agent and the program on a board before a session: the
//! agent into one hidden folder (compiled to .mpy for the board when
//! `mpy-cross` fits it, else as .py), only the files whose hash differs;
//! the program synced to `remoteRoot` (`sync`), sent with the start command
//! (`ram`), or left as it is on the board (`none`). Without `writeFlash` the
//! agent is compiled in the board's RAM instead (`ram.rs`). A local
//! interpreter gets the agent's folder from `local.rs`.
mod agent;
pub mod local;
mod mpy;
mod project;
mod ram;

pub use project::ProjectFiles;

use crate::repl::files::same;
use crate::repl::{py_str, Link, Repl};
use crate::target::probe::BoardInfo;
use crate::target::survey;
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
    /// A sync also removes board files under the remote root that the
    /// project lacks (not ignored ones, nor the agent's folder).
    pub delete_extra: bool,
}

/// What the deployer did, and how to start the program.
#[derive(Debug, Default)]
pub struct Deployed {
    /// The agent's folder on the board (its path in RAM without `writeFlash`).
    pub agent_dir: String,
    /// The agent was compiled in RAM: nothing of it is on the filesystem.
    pub agent_in_ram: bool,
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
    /// Board paths removed because the project lacks them (`delete_extra`).
    pub deleted: Vec<String>,
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
        return ram::deploy(repl, program, &rel, opts);
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
    let mut project = None;
    match opts.mode {
        ProgramDeploy::Sync => {
            let scanned = ProjectFiles::scan(&opts.project_root, &opts.ignore)?;
            for file in &scanned.files {
                let bytes = std::fs::read(opts.project_root.join(file))
                    .map_err(|e| anyhow::anyhow!("cannot read {file} in {}: {e}", opts.project_root.display()))?;
                program_files.push((board_join(&program_root, file), bytes));
            }
            project = Some(scanned);
        }
        ProgramDeploy::Ram => program_source = Some(read_program(program)?),
        ProgramDeploy::None => {}
    }
    let mut paths = agent_paths.clone();
    paths.extend(program_files.iter().map(|(p, _)| p.clone()));
    let (info, hashes) = survey::survey(repl, &paths, Some(agent::FOLDER))?;
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
    let deleted = match project.filter(|_| opts.delete_extra) {
        Some(project) => delete_extra(repl, &project, &remote_root, &agent_dir, &opts.ignore)?,
        None => Vec::new(),
    };
    let deployed = Deployed {
        agent_dir,
        agent_in_ram: false,
        program: board_join(&remote_root, &rel),
        program_source,
        remote_root,
        written: changed.into_iter().map(|(p, _)| p).collect(),
        unchanged: unchanged.len(),
        deleted,
    };
    Ok((info, deployed))
}

/// Removes the board's files under `remote_root` that the project lacks
/// (ignored ones and the agent's folder stay); returns their board paths.
fn delete_extra<L: Link>(
    repl: &mut Repl<L>,
    project: &ProjectFiles,
    remote_root: &str,
    agent_dir: &str,
    ignore: &[String],
) -> Result<Vec<String>> {
    let on_board = repl.list_files(remote_root)?;
    let root = format!("{}/", remote_root.trim_end_matches('/'));
    let keep = agent_dir.strip_prefix(&root);
    let extra: Vec<String> = project
        .extra_on_board(&on_board, ignore, keep)?
        .iter()
        .map(|rel| board_join(remote_root, rel))
        .collect();
    repl.remove_files(&extra)?;
    Ok(extra)
}

/// The program's source, to send with the start command.
fn read_program(program: &Path) -> Result<Vec<u8>> {
    std::fs::read(program).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", program.display()))
}

impl Deployed {
    /// The code that starts the program under the agent, with `args`.
    pub fn start_code(&self, args: &[String]) -> String {
        let args: Vec<String> = args.iter().map(|a| py_str(a)).collect();
        let source = match &self.program_source {
            Some(s) => py_str(&String::from_utf8_lossy(s)),
            None => "None".into(),
        };
        if self.agent_in_ram {
            return ram::start_code(&self.program, &args.join(","), &source);
        }
        format!(
            "import sys\nsys.path.insert(0, {dir})\nimport mpdbg\nmpdbg.run({prog}, [{args}], {source})\n",
            dir = py_str(&self.agent_dir),
            prog = py_str(&self.program),
            args = args.join(","),
        )
    }
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
