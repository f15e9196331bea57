//! The session engine: one debugged program on one device. Front ends (the
//! DAP adapter, `mpdbg run`) call its methods and receive [`SessionEvent`]s.
mod attach;
mod attach_serial;
mod board;
mod breakpoint_state;
mod breakpoints;
mod completions;
mod device_files;
mod events;
mod functions;
mod launch;
mod nodebug;
mod pathmap;
mod progress;
mod pump;
mod repr;
mod sources;
mod utf8;
mod variables;

pub use attach::AttachConfig;
pub use breakpoints::{BreakpointRequest, BreakpointResult};
pub use events::{EventSink, OutputKind, ProgressStep, SessionEvent, StopReason};
pub use functions::FunctionBreakpointRequest;
pub use launch::LaunchConfig;
pub use nodebug::PlainRun;
pub use pathmap::PathMap;
pub use variables::VarView;

use crate::device::{DeviceClient, DeviceFrame, DeviceMessage, Request};
use crate::transport::Transport;
use anyhow::{anyhow, bail, Result};
use breakpoints::ActiveBreakpoint;
use sources::Sources;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;
use variables::Handles;

/// How long a stopped device may take to answer.
const REPLY_TIMEOUT: Duration = Duration::from_secs(10);
/// A running program answers at its next pending-work check; don't hold the
/// editor up longer than this (the change still applies when it arrives).
const RUNNING_REPLY_TIMEOUT: Duration = Duration::from_millis(1500);
/// Frames fetched per stack request.
const STACK_PAGE: u32 = 64;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Starting,
    Configuring,
    Running,
    Stopped,
    Ended,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resume {
    Continue,
    Next,
    StepIn,
    StepOut,
    /// pdb's `until`: step over until a line at or past this one (None: past
    /// the current line) in the current frame, or until it returns.
    Until(Option<u32>),
}

/// An `until` in progress: the depth and line it waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct UntilTarget {
    depth: u32,
    line: u32,
}

/// A frame as the front end shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameView {
    /// Index in the stopped stack (0 = innermost).
    pub index: usize,
    pub name: String,
    /// The host's copy of the file, when there is one.
    pub path: Option<PathBuf>,
    pub device_file: String,
    /// For a file only on the device: its `sourceReference` (else 0).
    pub source_reference: i64,
    pub line: u32,
}

/// The exception the program stopped on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExceptionView {
    pub type_name: String,
    pub message: String,
    pub traceback: String,
    /// Stopped after the stack unwound (`uncaught`), not at the raise.
    pub uncaught: bool,
}

impl ExceptionView {
    /// "Type: message", or just "Type" when the message is empty.
    pub fn summary(&self) -> String {
        if self.message.is_empty() {
            self.type_name.clone()
        } else {
            format!("{}: {}", self.type_name, self.message)
        }
    }
}

struct State {
    phase: Phase,
    stop_on_entry: bool,
    first_stop: bool,
    /// Device frames of the current stop, fetched on demand.
    frames: Vec<DeviceFrame>,
    depth: u32,
    handles: Handles,
    exception: Option<ExceptionView>,
    breakpoints: HashMap<PathBuf, Vec<ActiveBreakpoint>>,
    function_breakpoints: Vec<(PathBuf, ActiveBreakpoint)>,
    next_breakpoint_id: i64,
    /// How the program was last resumed (for stepping through library code).
    last_resume: Resume,
    until: Option<UntilTarget>,
    /// Host files of every frame seen so far (`loadedSources`).
    seen_files: BTreeSet<PathBuf>,
    exit_code: Option<i32>,
    /// What the interpreter printed before the agent started (for errors).
    early_output: String,
    /// The frames come from a traceback: the stack is gone, no locals.
    synthetic: bool,
    /// Why the device refused an attach (the firmware's or agent's words).
    refusal: Option<String>,
}

impl State {
    fn new(stop_on_entry: bool) -> State {
        State {
            phase: Phase::Starting,
            stop_on_entry,
            first_stop: false,
            frames: Vec::new(),
            depth: 0,
            handles: Handles::default(),
            exception: None,
            breakpoints: HashMap::new(),
            function_breakpoints: Vec::new(),
            next_breakpoint_id: 0,
            last_resume: Resume::Continue,
            until: None,
            seen_files: BTreeSet::new(),
            exit_code: None,
            early_output: String::new(),
            synthetic: false,
            refusal: None,
        }
    }
}

pub struct Session {
    device: DeviceClient,
    transport: Mutex<Box<dyn Transport>>,
    state: Mutex<State>,
    changed: Condvar,
    sources: Mutex<Sources>,
    sink: Arc<dyn EventSink>,
    /// Where the program's files are on the device, by host path and back.
    root: PathMap,
    /// The program as the host knows it; its folder is the user's project.
    program: PathBuf,
    /// Hide frames outside the project and step through them (debugpy's
    /// `justMyCode`).
    just_my_code: bool,
    /// The program is stopped: read without the state's lock, which a
    /// request holds while the device works for it.
    at_stop: std::sync::atomic::AtomicBool,
    /// Files only on the device, by source reference.
    device_files: Mutex<device_files::DeviceFiles>,
    /// Attached to a running program (which runs on when the editor
    /// disconnects), not launched (a board's launch has no process id either).
    attached: bool,
    /// The secret an attached program's challenge asks us to prove.
    token: Option<String>,
}

/// What a launch or an attach decided about its session, besides the link.
struct SessionSetup {
    stop_on_entry: bool,
    sources: Sources,
    sink: Arc<dyn EventSink>,
    root: PathMap,
    program: PathBuf,
    just_my_code: bool,
    attached: bool,
    token: Option<String>,
}

impl Session {
    /// Starts the device client on the transport's streams and the thread
    /// that pumps its messages into the session (launch and attach alike).
    fn start(mut transport: Box<dyn Transport>, setup: SessionSetup) -> Result<Arc<Session>> {
        let streams = transport
            .take_streams()
            .ok_or_else(|| anyhow!("the device link's streams are gone"))?;
        let (tx, rx) = std::sync::mpsc::channel();
        let device = DeviceClient::start(streams, tx);
        let session = Arc::new(Session {
            device,
            transport: Mutex::new(transport),
            state: Mutex::new(State::new(setup.stop_on_entry)),
            changed: Condvar::new(),
            sources: Mutex::new(setup.sources),
            sink: setup.sink,
            root: setup.root,
            program: setup.program,
            just_my_code: setup.just_my_code,
            at_stop: Default::default(),
            device_files: Default::default(),
            attached: setup.attached,
            token: setup.token,
        });
        let pumped = session.clone();
        std::thread::spawn(move || pump::run(pumped, rx));
        Ok(session)
    }
}

impl Session {
    fn state(&self) -> Result<std::sync::MutexGuard<'_, State>> {
        self.state.lock().map_err(|_| anyhow!("session state poisoned"))
    }

    fn request(&self, req: &Request) -> Result<DeviceMessage> {
        match self.device.request(req, REPLY_TIMEOUT)? {
            DeviceMessage::Evaluated { result: Err(e), .. } => bail!("{e}"),
            msg => Ok(msg),
        }
    }

    fn require_stopped(&self) -> Result<std::sync::MutexGuard<'_, State>> {
        let st = self.state()?;
        match st.phase {
            Phase::Stopped => Ok(st),
            Phase::Ended => bail!("the program has ended"),
            _ => bail!("the program is running; pause it first"),
        }
    }

    /// Which exceptions stop the program.
    pub fn set_exception_filters(&self, raised: bool, uncaught: bool) -> Result<()> {
        let timeout = match self.state()?.phase {
            Phase::Running => RUNNING_REPLY_TIMEOUT,
            _ => REPLY_TIMEOUT,
        };
        self.device
            .request(&Request::ExceptionFilters { raised, uncaught }, timeout)?;
        Ok(())
    }

    /// Starts the program once breakpoints are set.
    pub fn configuration_done(&self) -> Result<()> {
        let mut st = self.state()?;
        if st.phase != Phase::Configuring {
            return Ok(());
        }
        st.phase = Phase::Running;
        self.at_stop.store(false, std::sync::atomic::Ordering::SeqCst);
        st.first_stop = true;
        let req = if st.stop_on_entry {
            Request::StepIn
        } else {
            Request::Continue
        };
        drop(st);
        self.device.send(&req)
    }

    pub fn resume(&self, how: Resume) -> Result<()> {
        let mut st = self.require_stopped()?;
        st.until = match how {
            Resume::Until(target) => {
                let top = self.frame(&mut st, 0)?;
                let line = match target {
                    Some(l) if l <= top.line => bail!("line {l} is not after the current line {}", top.line),
                    Some(l) => l,
                    None => top.line + 1,
                };
                Some(UntilTarget { depth: st.depth, line })
            }
            _ => None,
        };
        st.last_resume = how;
        st.phase = Phase::Running;
        self.at_stop.store(false, std::sync::atomic::Ordering::SeqCst);
        st.frames.clear();
        st.handles.clear();
        st.exception = None;
        drop(st);
        self.device.send(&match how {
            Resume::Continue => Request::Continue,
            Resume::Next | Resume::Until(_) => Request::Next,
            Resume::StepIn => Request::StepIn,
            Resume::StepOut => Request::StepOut,
        })
    }

    /// Resumes without the front end knowing (a step that landed where no
    /// one wants to stop): keeps `until` and the last resume as they are.
    fn step_again(&self, req: Request) -> Result<()> {
        let mut st = self.require_stopped()?;
        self.set_running(&mut st);
        drop(st);
        self.device.send(&req)
    }

    /// The stop is over: what was read for it goes.
    fn set_running(&self, st: &mut State) {
        st.phase = Phase::Running;
        self.at_stop.store(false, std::sync::atomic::Ordering::SeqCst);
        st.frames.clear();
        st.handles.clear();
        st.exception = None;
    }

    /// Bytes for the program's standard input (the device's stdin is the
    /// link, so they travel as protocol messages); empty: end of input.
    pub fn send_input(&self, data: &[u8]) -> Result<()> {
        if data.is_empty() {
            return self.device.send(&Request::Input(Vec::new()));
        }
        for chunk in data.chunks(crate::device::INPUT_CHUNK) {
            self.device.send(&Request::Input(chunk.to_vec()))?;
        }
        Ok(())
    }

    /// Interrupts what the device runs for a request now (an evaluation, a
    /// repr that takes too long): DAP `cancel`. False when none is running.
    pub fn interrupt(&self) -> Result<bool> {
        self.device.interrupt()
    }

    /// Whether the program is stopped (a pause then interrupts what runs
    /// for the front end instead of stopping the program).
    pub fn at_stop(&self) -> bool {
        self.at_stop.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The front end's request is over (see [`Session::interrupt`]).
    pub fn interrupt_done(&self) {
        self.device.interrupt_done();
    }

    /// Whether the program runs (so that debug console input is its stdin).
    pub fn is_running(&self) -> bool {
        self.state().is_ok_and(|s| s.phase == Phase::Running)
    }

    pub fn pause(&self) -> Result<()> {
        match self.state()?.phase {
            Phase::Running => self.device.send(&Request::Pause),
            Phase::Stopped => Ok(()),
            _ => bail!("the program is not running"),
        }
    }

    /// Stack frames `[start, start + levels)` of the current stop, and the
    /// total; with `justMyCode`, of the project's frames only.
    pub fn stack(&self, start: usize, levels: Option<usize>) -> Result<(Vec<FrameView>, usize)> {
        if !self.just_my_code {
            return self.device_stack(start, levels.unwrap_or(usize::MAX));
        }
        let (all, _) = self.device_stack(0, usize::MAX)?;
        let mine: Vec<FrameView> = all.iter().filter(|f| self.is_user_frame(f)).cloned().collect();
        // A stop with no frame of the project (stopped in a library) shows them all.
        let shown = if mine.is_empty() { all } else { mine };
        let total = shown.len();
        let page = shown
            .into_iter()
            .skip(start)
            .take(levels.unwrap_or(usize::MAX))
            .collect();
        Ok((page, total))
    }

    /// Every frame of the device's stack, `[start, start + levels)`, and the total.
    fn device_stack(&self, start: usize, levels: usize) -> Result<(Vec<FrameView>, usize)> {
        let mut st = self.require_stopped()?;
        let total = st.depth as usize;
        let end = total.min(start.saturating_add(levels));
        self.fetch_frames(&mut st, end)?;
        let views: Vec<FrameView> = st
            .frames
            .iter()
            .enumerate()
            .skip(start)
            .take(end.saturating_sub(start))
            .map(|(index, f)| {
                let path = self.root.to_host(&f.file);
                let source_reference = match (&path, self.device_files.lock()) {
                    (None, Ok(mut files)) => files.reference(&f.file),
                    _ => 0,
                };
                FrameView {
                    index,
                    name: f.name.clone(),
                    path,
                    device_file: f.file.clone(),
                    source_reference,
                    line: f.line,
                }
            })
            .collect::<Vec<_>>();
        st.seen_files.extend(views.iter().filter_map(|v| v.path.clone()));
        if let Ok(mut sources) = self.sources.lock() {
            for path in views.iter().filter_map(|v| v.path.as_deref()) {
                sources.show(path);
            }
        }
        Ok((views, total))
    }

    /// A frame of the user's project (not a frozen module, a `/lib` package
    /// or anything else outside the program's folder).
    pub fn is_user_frame(&self, f: &FrameView) -> bool {
        match f.path.as_deref() {
            Some(p) => p.starts_with(self.project_dir()),
            // A file only on the board, in the program's folder there.
            None => {
                let program = self.root.to_device(&self.program);
                let folder = &program[..program.rfind('/').map_or(0, |i| i + 1)];
                !folder.is_empty() && f.device_file.starts_with(folder)
            }
        }
    }

    /// The host files the program has run so far, the program first.
    pub fn loaded_sources(&self) -> Vec<PathBuf> {
        let mut out = vec![self.program.clone()];
        if let Ok(st) = self.state() {
            let with_breakpoints = st
                .breakpoints
                .keys()
                .chain(st.function_breakpoints.iter().map(|(p, _)| p));
            for p in st.seen_files.iter().chain(with_breakpoints) {
                if !out.contains(p) && p.is_file() {
                    out.push(p.clone());
                }
            }
        }
        out
    }

    /// Asks the device for stack frames, a page at a time, until `end` are
    /// known; false when the device has no more.
    fn fetch_frames(&self, st: &mut State, end: usize) -> Result<bool> {
        while st.frames.len() < end {
            let start = st.frames.len() as u32;
            match self.request(&Request::Stack {
                start,
                count: STACK_PAGE,
            })? {
                DeviceMessage::Stack { frames, .. } if !frames.is_empty() => st.frames.extend(frames),
                _ => return Ok(false),
            }
        }
        Ok(true)
    }

    fn frame(&self, st: &mut State, index: usize) -> Result<DeviceFrame> {
        if index >= st.depth as usize {
            bail!("no frame {index} in this stop");
        }
        if !self.fetch_frames(st, index + 1)? {
            bail!("the device returned no frame {index}");
        }
        Ok(st.frames[index].clone())
    }

    /// The text of one of the session's sources, for the editor's `source` request.
    pub fn source_text(&self, path: &Path) -> Result<String> {
        let sources = self.sources.lock().map_err(|_| anyhow!("sources poisoned"))?;
        sources.text(path).map_err(|e| anyhow!(e))
    }

    pub fn exception(&self) -> Option<ExceptionView> {
        self.state().ok().and_then(|s| s.exception.clone())
    }

    /// Detaches (the program runs on) or ends the program.
    pub fn disconnect(&self, terminate: bool) {
        let phase = self.state().map(|s| s.phase).unwrap_or(Phase::Ended);
        if phase != Phase::Ended {
            let req = if terminate { Request::Terminate } else { Request::Detach };
            self.device.send(&req).ok();
            if !terminate {
                if let Ok(mut t) = self.transport.lock() {
                    t.release();
                }
            }
        }
        if terminate {
            let notice = self.transport.lock().ok().and_then(|mut t| {
                t.shutdown();
                t.notice()
            });
            if let Some(n) = notice {
                self.console(&n);
            }
        }
    }

    /// Ends the program now.
    pub fn terminate(&self) {
        self.disconnect(true);
    }

    pub fn process_id(&self) -> Option<u32> {
        self.transport.lock().ok().and_then(|t| t.process_id())
    }

    fn console(&self, text: &str) {
        self.sink.event(SessionEvent::Output {
            kind: OutputKind::Console,
            text: format!("{text}\n"),
        });
    }

    /// Blocks until the program ends; returns its exit code.
    pub fn wait(&self) -> i32 {
        let Ok(mut st) = self.state() else { return 1 };
        while st.phase != Phase::Ended {
            st = match self.changed.wait(st) {
                Ok(s) => s,
                Err(_) => return 1,
            };
        }
        st.exit_code.unwrap_or(0)
    }
}
