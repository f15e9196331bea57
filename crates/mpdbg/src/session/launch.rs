//! Starting a program with the agent, up to the point where breakpoints can
//! be set: on the built-in debug MicroPython (or an interpreter the user
//! names), or on a board (`board.rs`).
use super::{sources::Sources, PathMap, Phase, Session, SessionSetup};
use crate::deploy::ProgramDeploy;
use crate::micropython::{self, Flavour};
use crate::target::DeviceSpec;
use crate::transport::{ProcessTransport, Transport};
use anyhow::{anyhow, bail, Result};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::events::EventSink;
use super::progress::{Progress, ProgressLog};

/// How long the agent may take to say hello.
const START_TIMEOUT: Duration = Duration::from_secs(20);
/// Waits longer than this are shown to the user as progress.
const SLOW: Duration = Duration::from_secs(1);

#[derive(Clone, Debug)]
pub struct LaunchConfig {
    pub program: PathBuf,
    pub args: Vec<String>,
    pub cwd: Option<PathBuf>,
    pub stop_on_entry: bool,
    /// An interpreter of the user's; the built-in debug MicroPython otherwise.
    pub micropython: Option<PathBuf>,
    /// The local interpreter's heap (`-X heapsize=`), e.g. "64K" or "8M".
    pub heap_size: Option<String>,
    /// Where the program runs.
    pub device: DeviceSpec,
    /// A UART bridge's baud rate.
    pub baud: Option<u32>,
    /// How the program reaches a board (`sync` when unset).
    pub deploy: Option<ProgramDeploy>,
    /// The project folder on the board.
    pub remote_root: Option<String>,
    /// (host folder, board folder), before the project root's mapping.
    pub path_mappings: Vec<(PathBuf, String)>,
    /// Soft-reset the board before the run.
    pub reset: bool,
    /// Whether files may be written to the board.
    pub write_flash: bool,
    /// Glob patterns a sync leaves out.
    pub ignore: Vec<String>,
    /// A sync also removes board files under the remote root that the
    /// project lacks (ignored ones and the agent's folder stay).
    pub delete_extra: bool,
    /// Hide and step through frames outside the program's folder (debugpy's
    /// `justMyCode`).
    pub just_my_code: bool,
    /// Environment changes for the program: a value sets, `None` removes.
    pub env: Vec<(String, Option<String>)>,
}

impl Default for LaunchConfig {
    fn default() -> Self {
        LaunchConfig {
            program: PathBuf::new(),
            args: Vec::new(),
            cwd: None,
            stop_on_entry: false,
            micropython: None,
            heap_size: None,
            device: DeviceSpec::Local,
            baud: None,
            deploy: None,
            remote_root: None,
            path_mappings: Vec::new(),
            reset: true,
            write_flash: true,
            ignore: Vec::new(),
            delete_extra: false,
            env: Vec::new(),
            just_my_code: true,
        }
    }
}

/// The program and the working folder of a launch, absolute and checked.
pub(super) fn program_and_cwd(cfg: &LaunchConfig) -> Result<(PathBuf, PathBuf)> {
    let cwd = cfg
        .cwd
        .clone()
        .unwrap_or_else(|| std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")));
    let program = if cfg.program.is_absolute() {
        cfg.program.clone()
    } else {
        cwd.join(&cfg.program)
    };
    if !program.is_file() {
        bail!(
            "program not found: {} (check \"program\" in the launch configuration)",
            program.display()
        );
    }
    if !cwd.is_dir() {
        bail!("working directory not found: {}", cwd.display());
    }
    Ok((program, cwd))
}

/// What a local launch runs, checked: the program, its folder, the
/// interpreter (built first if needed) and its options.
pub(super) struct LocalRun {
    pub program: PathBuf,
    pub cwd: PathBuf,
    pub interpreter: PathBuf,
    pub options: Vec<String>,
}

impl LocalRun {
    pub fn prepare(cfg: &LaunchConfig, sink: &dyn EventSink) -> Result<LocalRun> {
        let (program, cwd) = program_and_cwd(cfg)?;
        let mut options = Vec::new();
        if let Some(size) = &cfg.heap_size {
            options.extend(["-X".to_string(), heap_size_arg(size)?]);
        }
        let interpreter = interpreter(cfg, sink)?;
        Ok(LocalRun {
            program,
            cwd,
            interpreter,
            options,
        })
    }
}

/// Checks a heap size the way the interpreter's `-X heapsize=` reads it:
/// a number with an optional K or M.
fn heap_size_arg(size: &str) -> Result<String> {
    let digits = size.trim_end_matches(['k', 'K', 'm', 'M']);
    let suffix = &size[digits.len()..];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || suffix.len() > 1 {
        bail!("\"heapSize\" must be a number of bytes with an optional K or M, like \"64K\" or \"8M\", not {size:?}");
    }
    Ok(format!("heapsize={size}"))
}

fn interpreter(cfg: &LaunchConfig, sink: &dyn EventSink) -> Result<PathBuf> {
    if let Some(p) = &cfg.micropython {
        if !p.is_file() {
            bail!(
                "the MicroPython interpreter {} does not exist; fix \"micropython\" in the launch configuration",
                p.display()
            );
        }
        return Ok(p.clone());
    }
    if let Some(built) = micropython::cached(Flavour::Debug)? {
        return Ok(built);
    }
    let progress = Progress::start(sink, "Building the debug MicroPython (first run only, about 15 s)");
    let built = micropython::ensure_built(Flavour::Debug, &mut ProgressLog::new(&progress))?;
    progress.end(Some("built and cached"));
    Ok(built.interpreter)
}

/// Explains a start failure from what the interpreter printed.
fn start_failure(early: &str, interp: &str) -> anyhow::Error {
    let tail: String = early
        .lines()
        .rev()
        .take(8)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect::<Vec<_>>()
        .join("\n");
    if early.contains("_mpdbg") {
        anyhow!(
            "{} has no _mpdbg module: it is not an mpdbg debug build. Leave \"micropython\" out of the launch \
             configuration to use the built-in one, or build firmware with the module (docs/mpdbg-module.md).\n{tail}",
            interp
        )
    } else if early.contains("settrace") {
        anyhow!(
            "{} has no sys.settrace: build it with MICROPY_PY_SYS_SETTRACE=1 (docs/mpdbg-module.md).\n{tail}",
            interp
        )
    } else {
        anyhow!("the debug agent did not start on {interp}:\n{tail}")
    }
}

impl Session {
    /// Starts the program, stopped before its first line, ready for breakpoints.
    pub fn launch(cfg: LaunchConfig, sink: Arc<dyn EventSink>) -> Result<Arc<Session>> {
        let (program, cwd) = program_and_cwd(&cfg)?;
        let (transport, root, target): (Box<dyn Transport>, PathMap, String) = if cfg.device == DeviceSpec::Local {
            let run = LocalRun::prepare(&cfg, sink.as_ref())?;
            let agent = crate::deploy::local::deploy_agent(&run.interpreter)?;
            let t = ProcessTransport::spawn(
                &run.interpreter,
                &run.options,
                Some(&agent),
                &run.program,
                &cfg.args,
                &run.cwd,
                &cfg.env,
            )?;
            (Box::new(t), PathMap::default(), run.interpreter.display().to_string())
        } else {
            // The project is the working folder an editor names (its
            // workspace), else the program's own folder.
            let root = if cfg.cwd.is_some() && program.starts_with(&cwd) {
                cwd.clone()
            } else {
                program.parent().map(Path::to_path_buf).unwrap_or_else(|| cwd.clone())
            };
            let started = super::board::start(&cfg, &program, &root, sink.as_ref())?;
            (
                started.transport,
                started.paths,
                format!("the board on {}", started.name),
            )
        };
        let session = Session::start(
            transport,
            SessionSetup {
                stop_on_entry: cfg.stop_on_entry,
                sources: Sources::for_program(&program),
                sink,
                root,
                program: program.clone(),
                just_my_code: cfg.just_my_code,
                attached: false,
                token: None,
            },
        )?;

        let started = Instant::now();
        let deadline = started + START_TIMEOUT;
        let mut slow_start = None;
        let mut st = session.state()?;
        while st.phase == Phase::Starting {
            if slow_start.is_none() && started.elapsed() >= SLOW {
                slow_start = Some(Progress::start(
                    session.sink.as_ref(),
                    "Starting the program on MicroPython",
                ));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                drop(st);
                session.terminate();
                bail!("the debug agent did not start within {} s", START_TIMEOUT.as_secs());
            }
            // Wake after SLOW once, to show the wait.
            let wake = if slow_start.is_none() { left.min(SLOW) } else { left };
            st = session
                .changed
                .wait_timeout(st, wake)
                .map_err(|_| anyhow!("session state poisoned"))?
                .0;
        }
        drop(slow_start);
        if st.phase == Phase::Ended {
            return Err(start_failure(&st.early_output, &target));
        }
        drop(st);
        Ok(session)
    }
}

#[cfg(test)]
mod tests {
    use super::heap_size_arg;

    #[test]
    fn heap_sizes_are_checked() {
        assert_eq!(heap_size_arg("64K").ok().as_deref(), Some("heapsize=64K"));
        assert_eq!(heap_size_arg("8m").ok().as_deref(), Some("heapsize=8m"));
        assert_eq!(heap_size_arg("1048576").ok().as_deref(), Some("heapsize=1048576"));
        for bad in ["", "M", "8MB", "-1", "1.5M", "8 M"] {
            assert!(heap_size_arg(bad).is_err(), "{bad}");
        }
    }
}
