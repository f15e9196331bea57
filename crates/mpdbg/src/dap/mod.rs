//! `mpdbg dap`: the Debug Adapter Protocol front end of a session. Requests
//! are read on this thread; session events become DAP events from the
//! session's threads. Stdout belongs to the protocol: logs go to stderr.
mod config;
mod convert;
mod env_file;
pub mod listen;
mod restart;

use crate::target::DeviceSpec;
use config::LaunchArgs;

use crate::session::{
    BreakpointRequest, EventSink, FunctionBreakpointRequest, OutputKind, PlainRun, ProgressStep, Resume, Session,
    SessionEvent,
};
use anyhow::{anyhow, Result};
use mpdbg_dap::{
    Capabilities, Command, Connection, DapSender, Event, ExceptionBreakpointsFilter, ProtocolMessage, Request,
    ThreadsResponseBody,
};
use serde_json::json;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

const THREAD_ID: i64 = 1;

/// Sends session events to the editor.
struct DapSink {
    sender: DapSender,
    /// Set when a restart replaces the session: its end is no news.
    muted: AtomicBool,
    /// The editor shows DAP progress events; otherwise progress is console text.
    progress_events: bool,
}

impl DapSink {
    fn console(&self, text: String) -> Result<(), mpdbg_dap::DapError> {
        self.sender
            .send_event(Event::raw("output", json!({ "category": "console", "output": text })))
            .map(drop)
    }

    fn progress(&self, id: String, step: ProgressStep) -> Result<(), mpdbg_dap::DapError> {
        if !self.progress_events {
            return match step {
                ProgressStep::Start { title } => self.console(format!("mpdbg: {title}...\n")),
                ProgressStep::Update { message } => self.console(format!("mpdbg: {message}\n")),
                ProgressStep::End { message: Some(m) } => self.console(format!("mpdbg: {m}\n")),
                ProgressStep::End { message: None } => Ok(()),
            };
        }
        let (event, mut body) = match step {
            ProgressStep::Start { title } => ("progressStart", json!({ "title": title, "cancellable": false })),
            ProgressStep::Update { message } => ("progressUpdate", json!({ "message": message })),
            ProgressStep::End { message } => ("progressEnd", json!({ "message": message })),
        };
        body["progressId"] = json!(id);
        self.sender.send_event(Event::raw(event, body)).map(drop)
    }
}

impl EventSink for DapSink {
    fn event(&self, event: SessionEvent) {
        if self.muted.load(Ordering::Relaxed) {
            return;
        }
        let sent = match event {
            SessionEvent::Output { kind, text } => {
                let category = match kind {
                    OutputKind::Stdout => "stdout",
                    OutputKind::Stderr => "stderr",
                    OutputKind::Console => "console",
                };
                self.sender
                    .send_event(Event::raw("output", json!({ "category": category, "output": text })))
            }
            SessionEvent::Stopped {
                reason,
                description,
                text,
                breakpoint_ids,
            } => {
                let mut body = json!({
                    "reason": reason.as_str(),
                    "description": description,
                    "threadId": THREAD_ID,
                    "allThreadsStopped": true,
                });
                if let Some(t) = text {
                    body["text"] = json!(t);
                }
                if !breakpoint_ids.is_empty() {
                    body["hitBreakpointIds"] = json!(breakpoint_ids);
                }
                self.sender.send_event(Event::raw("stopped", body))
            }
            SessionEvent::Progress { id, step } => {
                if let Err(e) = self.progress(id, step) {
                    eprintln!("mpdbg dap: cannot send progress to the editor: {e}");
                }
                return;
            }
            SessionEvent::Exited { code } => self.sender.send_event(Event::exited(i64::from(code))),
            SessionEvent::Terminated => self.sender.send_event(Event::terminated()),
        };
        if let Err(e) = sent {
            eprintln!("mpdbg dap: cannot send an event to the editor: {e}");
        }
    }
}

/// Runs one debug session over `conn` until the editor disconnects (the
/// caller closes the connection: see [`listen`]). With a
/// `token`, the client must send it in its `launch`/`attach` arguments: until
/// then only `initialize` is answered, and anything else closes the connection.
pub fn serve(conn: Connection, token: Option<&str>, attach_device: Option<&DeviceSpec>) -> Result<()> {
    let Connection { reader, sender } = conn;
    let control: SharedControl = Arc::default();
    let mut adapter = Adapter {
        sender: sender.clone(),
        session: None,
        sink: None,
        plain: None,
        control: control.clone(),
        pending: PendingConfig::default(),
        remembered: restart::Remembered::default(),
        progress_events: false,
        token: token.map(str::to_string),
        attach_device: attach_device.cloned(),
    };
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || read_requests(reader, control, tx));
    for incoming in rx {
        let request = match incoming {
            Ok(ProtocolMessage::Request(r)) => r,
            Ok(_) => continue,
            Err(e) if e.is_recoverable() => {
                match e.error_response() {
                    Some(r) => {
                        sender.send_response(r).ok();
                    }
                    None => {
                        let text = format!("mpdbg: ignored malformed DAP input: {e}\n");
                        sender
                            .send_event(Event::raw("output", json!({ "category": "console", "output": text })))
                            .ok();
                    }
                }
                continue;
            }
            Err(e) => {
                // A socket peer that does not speak DAP: the caller closes
                // the connection, having run nothing.
                if let Some(s) = adapter.session.take() {
                    s.disconnect(!s.is_attached());
                }
                if let Some(p) = adapter.plain.take() {
                    p.terminate();
                }
                return Err(anyhow!("the editor connection failed: {e}"));
            }
        };
        let runs = adapter.control.lock().map_or(true, |mut c| c.start(&request));
        if !runs {
            sender
                .send_response(mpdbg_dap::Response::error(&request, "cancelled"))
                .ok();
            continue;
        }
        let done = adapter.handle(&request);
        if let Ok(mut c) = adapter.control.lock() {
            c.finish();
        }
        if done {
            break;
        }
    }
    if let Some(s) = adapter.session.take() {
        s.disconnect(!s.is_attached());
    }
    if let Some(p) = adapter.plain.take() {
        p.terminate();
    }
    Ok(())
}

/// What the reader thread shares with the handler: the session, and which
/// request runs now, so that a `cancel` or a `pause` interrupts it.
#[derive(Default)]
struct Control {
    session: Option<Arc<Session>>,
    running: Option<i64>,
    /// Cancelled before they ran: answered "cancelled" without running.
    cancelled: std::collections::HashSet<i64>,
    /// Requests before this one came ahead of a pause at a stop: they are
    /// interrupted (a looping evaluation must not hold the pause up).
    interrupt_below: i64,
}

type SharedControl = Arc<std::sync::Mutex<Control>>;

impl Control {
    /// What a `cancel` or a `pause` does before it is handled in turn.
    fn interrupt_for(&mut self, r: &Request) {
        let Some(session) = self.session.clone() else { return };
        match r.command.as_str() {
            "cancel" => {
                let Some(target) = r.arguments.get("requestId").and_then(serde_json::Value::as_i64) else {
                    return;
                };
                if self.running == Some(target) {
                    session.interrupt().ok();
                } else {
                    self.cancelled.insert(target);
                }
            }
            "pause" if session.at_stop() => {
                self.interrupt_below = self.interrupt_below.max(r.seq);
                if self.running.is_some_and(|seq| seq < r.seq) {
                    session.interrupt().ok();
                }
            }
            _ => {}
        }
    }

    /// Marks `r` as running; false when it was cancelled before it ran.
    fn start(&mut self, r: &Request) -> bool {
        if self.cancelled.remove(&r.seq) {
            return false;
        }
        self.running = Some(r.seq);
        if r.seq < self.interrupt_below {
            if let Some(s) = &self.session {
                s.interrupt().ok();
            }
        }
        true
    }

    fn finish(&mut self) {
        self.running = None;
        if let Some(s) = &self.session {
            s.interrupt_done();
        }
    }
}

/// Reads the editor's messages on a thread of its own, so that a `cancel` or
/// a `pause` reaches the device while a request (a looping evaluation) still
/// runs: they interrupt it at once; every message is then handled in order.
fn read_requests(
    mut reader: mpdbg_dap::DapReader,
    control: SharedControl,
    tx: std::sync::mpsc::Sender<Result<ProtocolMessage, mpdbg_dap::DapError>>,
) {
    loop {
        let message = match reader.read_message() {
            Ok(Some(m)) => Ok(m),
            Ok(None) => return,
            Err(e) => Err(e),
        };
        let fatal = message.as_ref().is_err_and(|e| !e.is_recoverable());
        if let Ok(ProtocolMessage::Request(r)) = &message {
            if let Ok(mut c) = control.lock() {
                c.interrupt_for(r);
            }
        }
        if tx.send(message).is_err() || fatal {
            return;
        }
    }
}

/// Breakpoint and filter settings that arrive before the program is launched.
#[derive(Default)]
struct PendingConfig {
    exception_filters: Option<(bool, bool)>,
}

struct Adapter {
    sender: DapSender,
    session: Option<Arc<Session>>,
    sink: Option<Arc<DapSink>>,
    /// A `noDebug` launch: the program runs without the debugger.
    plain: Option<Arc<PlainRun>>,
    control: SharedControl,
    pending: PendingConfig,
    /// The configuration so far, for `restart`.
    remembered: restart::Remembered,
    /// The editor said `supportsProgressReporting`.
    progress_events: bool,
    /// The secret the client has yet to present; `None` once it has (or when
    /// none is required).
    token: Option<String>,
    /// `--device`: every `attach` that names no device goes to this one
    /// (VS Code's stock Python attach names only the adapter's own address).
    attach_device: Option<DeviceSpec>,
}

impl Adapter {
    fn session(&self) -> Result<&Arc<Session>> {
        self.session
            .as_ref()
            .ok_or_else(|| anyhow!("no program is being debugged; launch one first"))
    }

    /// Answers one request; true when the session is over.
    fn handle(&mut self, req: &Request) -> bool {
        let command = match req.parse() {
            Ok(c) => c,
            Err(e) => {
                self.sender.send_response(e.response()).ok();
                return self.token.is_some();
            }
        };
        if let Some(expected) = &self.token {
            let presented = match &command {
                Command::Initialize(_) => None,
                Command::Launch(a) | Command::Attach(a) => Some(a.get_str("token").unwrap_or_default()),
                _ => Some(""),
            };
            if let Some(presented) = presented {
                if !listen::token_matches(expected, presented) {
                    let why = if presented.is_empty() {
                        format!("mpdbg: '{}' before authentication: this adapter needs \"token\" in the launch or attach configuration; closing the connection\n", req.command)
                    } else {
                        "mpdbg: wrong \"token\" in the launch or attach configuration; closing the connection\n"
                            .to_string()
                    };
                    eprint!("{why}");
                    self.sender
                        .send_event(Event::raw("output", json!({ "category": "important", "output": why })))
                        .ok();
                    return true;
                }
                self.token = None;
            }
        }
        let mut done = false;
        let result: Result<serde_json::Value> = match command {
            Command::Initialize(args) => {
                self.progress_events = args.supports_progress_reporting.unwrap_or(false);
                Ok(serde_json::to_value(capabilities()).unwrap_or_default())
            }
            Command::Launch(args) => self.launch(&args.raw).map(|_| json!(null)),
            Command::Attach(args) => self.attach(&args.raw).map(|_| json!(null)),
            Command::ConfigurationDone => match &self.plain {
                Some(p) => self.start_plain(p.clone()).map(|_| json!(null)),
                None => self.session().and_then(|s| s.configuration_done()).map(|_| json!(null)),
            },
            Command::SetBreakpoints(args) if self.plain.is_some() => Ok(json!({
                "breakpoints": args.breakpoints.iter().map(|b| json!({
                    "verified": false, "line": b.line,
                    "message": "the program runs without the debugger (noDebug)",
                })).collect::<Vec<_>>()
            })),
            Command::SetBreakpoints(args) => self.set_breakpoints(&args),
            Command::SetExceptionBreakpoints(args) => {
                let raised = args.filters.iter().any(|f| f == "raised");
                let uncaught = args.filters.iter().any(|f| f == "uncaught");
                self.remembered.exception_filters = Some((raised, uncaught));
                match &self.session {
                    Some(s) => s.set_exception_filters(raised, uncaught).map(|_| json!({})),
                    None if self.plain.is_some() => Ok(json!({})),
                    None => {
                        self.pending.exception_filters = Some((raised, uncaught));
                        Ok(json!({}))
                    }
                }
            }
            Command::SetFunctionBreakpoints(args) => self.set_function_breakpoints(&args),
            Command::Completions(args) => self.session().and_then(|s| convert::completions(s, &args)),
            Command::SetExpression(args) => self.session().and_then(|s| convert::set_expression(s, &args)),
            Command::LoadedSources => self.session().map(|s| convert::loaded_sources(s)),
            Command::Restart(args) => self.restart(args.arguments.as_ref()).map(|_| json!(null)),
            Command::Threads => Ok(serde_json::to_value(ThreadsResponseBody {
                threads: vec![mpdbg_dap::Thread {
                    id: THREAD_ID,
                    name: "MainThread".into(),
                }],
            })
            .unwrap_or_default()),
            Command::StackTrace(args) => self.session().and_then(|s| convert::stack_trace(s, &args)),
            Command::Scopes(args) => self.session().and_then(|s| convert::scopes(s, &args)),
            Command::Variables(args) => self.session().and_then(|s| convert::variables(s, &args)),
            Command::Continue(_) => self
                .session()
                .and_then(|s| s.resume(Resume::Continue))
                .map(|_| json!({ "allThreadsContinued": true })),
            Command::Next(_) => self.session().and_then(|s| s.resume(Resume::Next)).map(|_| json!(null)),
            Command::StepIn(_) => self
                .session()
                .and_then(|s| s.resume(Resume::StepIn))
                .map(|_| json!(null)),
            Command::StepOut(_) => self
                .session()
                .and_then(|s| s.resume(Resume::StepOut))
                .map(|_| json!(null)),
            Command::Pause(_) => self.session().and_then(|s| s.pause()).map(|_| json!(null)),
            Command::Evaluate(args) => match &self.plain {
                Some(p) => convert::evaluate_without_debugger(p, &args),
                None => self.session().and_then(|s| convert::evaluate(s, &args)),
            },
            Command::SetVariable(args) => self.session().and_then(|s| convert::set_variable(s, &args)),
            Command::ExceptionInfo(_) => self.session().and_then(|s| convert::exception_info(s)),
            Command::Source(args) => self.session().and_then(|s| convert::source(s, &args)),
            Command::Terminate(_) => {
                if let Some(s) = &self.session {
                    s.terminate();
                }
                if let Some(p) = &self.plain {
                    p.terminate();
                }
                Ok(json!(null))
            }
            Command::Disconnect(args) => {
                done = true;
                if let Some(s) = self.session.take() {
                    // Launched programs end with the session unless told
                    // otherwise; attached ones run on (debugpy's defaults).
                    s.disconnect(args.terminate_debuggee.unwrap_or(!s.is_attached()));
                }
                if let Some(p) = self.plain.take() {
                    // Without the agent there is nothing to detach from the
                    // program's streams: it ends with the session.
                    p.terminate();
                }
                Ok(json!(null))
            }
            // The reader thread has interrupted the request it cancels.
            Command::Cancel(_) => Ok(json!(null)),
            Command::Unknown { command } => Err(anyhow!("mpdbg does not support the request '{command}'")),
            _ => Err(anyhow!("mpdbg does not support the request '{}'", req.command)),
        };
        let launched = (req.command == "launch" || req.command == "attach") && result.is_ok();
        let sent = match result {
            Ok(body) if body.is_null() => self.sender.ack(req),
            Ok(body) => self.sender.respond(req, body),
            Err(e) => self.sender.respond_error(req, format!("{e:#}")),
        };
        if let Err(e) = sent {
            eprintln!("mpdbg dap: cannot answer the editor: {e}");
            return true;
        }
        if launched {
            self.sender.send_event(Event::initialized()).ok();
        }
        done
    }

    fn launch(&mut self, raw: &serde_json::Value) -> Result<()> {
        self.ensure_idle()?;
        let args = LaunchArgs::parse(raw)?;
        let cfg = args.launch_config()?;
        let sink = self.new_sink();
        for notice in [args.console.notice(), args.ignored_notice()].into_iter().flatten() {
            sink.console(notice).ok();
        }
        if args.no_debug && cfg.device == crate::target::DeviceSpec::Local {
            self.plain = Some(PlainRun::launch(cfg, sink)?);
            return Ok(());
        }
        if args.no_debug {
            // A board's program is deployed and started by the session; with
            // no breakpoints from the editor it runs without stopping.
            sink.console(
                "mpdbg: \"noDebug\" on a board: the program runs under the agent with no breakpoints\n".into(),
            )
            .ok();
        }
        let session = Session::launch(cfg, sink.clone())?;
        self.sink = Some(sink);
        self.remembered.launch = Some(raw.clone());
        self.process_event(session.process_id());
        self.adopt(session)
    }

    fn attach(&mut self, raw: &serde_json::Value) -> Result<()> {
        self.ensure_idle()?;
        let mut args = LaunchArgs::parse(raw)?;
        if args.device.is_none() {
            args.device = self.attach_device.as_ref().map(DeviceSpec::to_string);
        }
        let session = Session::attach(args.attach_config()?, self.new_sink())?;
        self.adopt(session)
    }

    fn ensure_idle(&self) -> Result<()> {
        if self.session.is_some() || self.plain.is_some() {
            return Err(anyhow!("a program is already being debugged"));
        }
        Ok(())
    }

    fn new_sink(&self) -> Arc<DapSink> {
        Arc::new(DapSink {
            sender: self.sender.clone(),
            muted: AtomicBool::new(false),
            progress_events: self.progress_events,
        })
    }

    /// The launched or attached session becomes the adapter's: the filters
    /// the editor set before it apply, and cancel/pause can reach it.
    fn adopt(&mut self, session: Arc<Session>) -> Result<()> {
        if let Some((raised, uncaught)) = self.pending.exception_filters.take() {
            session.set_exception_filters(raised, uncaught)?;
        }
        if let Ok(mut c) = self.control.lock() {
            c.session = Some(session.clone());
        }
        self.session = Some(session);
        Ok(())
    }

    fn start_plain(&self, run: Arc<PlainRun>) -> Result<()> {
        run.start()?;
        self.process_event(run.process_id());
        Ok(())
    }

    /// Tells the editor the interpreter's process id (VS Code shows it).
    fn process_event(&self, pid: Option<u32>) {
        if let Some(pid) = pid {
            self.sender
                .send_event(Event::raw(
                    "process",
                    json!({ "name": "micropython", "systemProcessId": pid, "isLocalProcess": true, "startMethod": "launch" }),
                ))
                .ok();
        }
    }

    fn set_function_breakpoints(
        &mut self,
        args: &mpdbg_dap::SetFunctionBreakpointsArguments,
    ) -> Result<serde_json::Value> {
        let requests = convert::function_breakpoint_requests(args);
        let (body, ids) = convert::function_breakpoints(self.session()?, &requests);
        self.remembered.function_breakpoints = requests
            .into_iter()
            .zip(ids)
            .map(|(r, id)| FunctionBreakpointRequest { id: Some(id), ..r })
            .collect();
        Ok(body)
    }

    /// Ends the program without telling the editor and launches it again,
    /// configured as before (with the editor's new configuration, if sent).
    fn restart(&mut self, arguments: Option<&serde_json::Value>) -> Result<()> {
        let raw = arguments
            .or(self.remembered.launch.as_ref())
            .cloned()
            .ok_or_else(|| anyhow!("nothing to restart: launch a program first"))?;
        if let Some(old) = self.session.take() {
            if let Some(sink) = self.sink.take() {
                sink.muted.store(true, Ordering::Relaxed);
            }
            old.terminate();
            old.wait();
        }
        self.launch(&raw)?;
        let session = self.session()?;
        self.remembered.apply(session)?;
        session.configuration_done()
    }

    fn set_breakpoints(&mut self, args: &mpdbg_dap::SetBreakpointsArguments) -> Result<serde_json::Value> {
        let path = args
            .source
            .path
            .clone()
            .ok_or_else(|| anyhow!("breakpoints need a source with a path"))?;
        let requests: Vec<BreakpointRequest> = args
            .breakpoints
            .iter()
            .map(|b| BreakpointRequest {
                line: u32::try_from(b.line).unwrap_or(0),
                condition: b.condition.clone(),
                hit_condition: b.hit_condition.clone(),
                log_message: b.log_message.clone(),
                ..Default::default()
            })
            .collect();
        let session = self.session()?;
        let results = session.set_breakpoints(&PathBuf::from(&path), &requests);
        self.remembered
            .line_breakpoints
            .insert(path.clone(), restart::with_ids(requests, &results));
        Ok(json!({ "breakpoints": results.iter().map(|r| convert::breakpoint(r, &path)).collect::<Vec<_>>() }))
    }
}

fn capabilities() -> Capabilities {
    let filter = |id: &str, label: &str, default: bool| ExceptionBreakpointsFilter {
        filter: id.into(),
        label: label.into(),
        default: Some(default),
        ..Default::default()
    };
    Capabilities {
        supports_configuration_done_request: Some(true),
        supports_conditional_breakpoints: Some(true),
        supports_hit_conditional_breakpoints: Some(true),
        supports_log_points: Some(true),
        supports_evaluate_for_hovers: Some(true),
        supports_set_variable: Some(true),
        supports_terminate_request: Some(true),
        supports_exception_info_request: Some(true),
        support_terminate_debuggee: Some(true),
        supports_delayed_stack_trace_loading: Some(true),
        supports_function_breakpoints: Some(true),
        supports_completions_request: Some(true),
        completion_trigger_characters: Some(vec![".".into()]),
        supports_set_expression: Some(true),
        supports_restart_request: Some(true),
        supports_loaded_sources_request: Some(true),
        supports_cancel_request: Some(true),
        exception_breakpoint_filters: Some(vec![
            filter("raised", "Raised Exceptions", false),
            filter("uncaught", "Uncaught Exceptions", true),
        ]),
        ..Default::default()
    }
}

/// `mpdbg dap` on stdio, or on a TCP port for editors that connect.
/// `attach_device` (`--device`): where each `attach` that names none goes.
pub fn run(listen: Option<listen::ListenOptions>, attach_device: Option<DeviceSpec>) -> Result<()> {
    match listen {
        None => serve(Connection::stdio(), None, attach_device.as_ref()),
        Some(options) => listen::run(options, attach_device),
    }
}
