//! Starting a program on a board: open the device at its raw REPL, check
//! its firmware, soft-reset it, deploy, then start the agent through
//! raw-paste and hand the link to the session.
use super::launch::LaunchConfig;
use super::pathmap::PathMap;
use super::{EventSink, OutputKind, SessionEvent};
use crate::deploy::{self, DeployOptions, ProgramDeploy};
use crate::target::{self, DEFAULT_BAUD};
use crate::transport::{SerialTransport, Transport};
use anyhow::Result;
use std::path::Path;
use std::time::Instant;

/// The transport to a program that runs under the agent on the board, and
/// the board's paths for the host's files.
pub struct Started {
    pub transport: Box<dyn Transport>,
    pub paths: PathMap,
    pub name: String,
}

fn say(sink: &dyn EventSink, text: String) {
    sink.event(SessionEvent::Output {
        kind: OutputKind::Console,
        text: format!("{text}\n"),
    });
}

pub fn start(cfg: &LaunchConfig, program: &Path, project_root: &Path, sink: &dyn EventSink) -> Result<Started> {
    let t0 = Instant::now();
    let baud = cfg.baud.unwrap_or(DEFAULT_BAUD);
    let mut board = target::open_board(&cfg.device, baud)?;
    let name = board.name.clone();
    if cfg.reset {
        board.repl.soft_reset()?;
    }
    // The program is in a project folder unless it was given on its own;
    // when nothing may be written, it runs from RAM.
    let mode = cfg.deploy.unwrap_or(if cfg.write_flash {
        ProgramDeploy::Sync
    } else {
        ProgramDeploy::Ram
    });
    let opts = DeployOptions {
        mode,
        write_flash: cfg.write_flash,
        project_root: project_root.to_path_buf(),
        remote_root: cfg.remote_root.clone(),
        ignore: cfg.ignore.clone(),
        delete_extra: cfg.delete_extra,
    };
    let (info, deployed) = deploy::deploy(&mut board.repl, program, &opts)?;
    say(
        sink,
        format!(
            "mpdbg: MicroPython {} on {name}: {} file(s) written, {} unchanged ({:.2} s)",
            info.version,
            deployed.written.len(),
            deployed.unchanged,
            t0.elapsed().as_secs_f32()
        ),
    );
    if !deployed.deleted.is_empty() {
        say(
            sink,
            format!(
                "mpdbg: deleted from {name} (not in the project): {}",
                deployed.deleted.join(", ")
            ),
        );
    }
    let code = deployed.start_code(&cfg.args);
    board.repl.start(code.as_bytes())?;
    let mut rules: Vec<(std::path::PathBuf, String)> = cfg.path_mappings.clone();
    rules.push((project_root.to_path_buf(), deployed.remote_root.clone()));
    let (link, first_bytes) = board.repl.into_link();
    let transport = SerialTransport::new(link, first_bytes, &name, board.keep)?;
    Ok(Started {
        transport: Box::new(transport),
        paths: PathMap::new(rules),
        name,
    })
}
