//! Turns what the device sends into session events, applying the host-side
//! parts of breakpoints (hit counts, log messages) on the way.
use super::utf8::Utf8Stream;
use super::{ExceptionView, OutputKind, Phase, Resume, Session, SessionEvent, StopReason};
use crate::device::{DeviceEvent, DeviceFrame, DeviceMessage, Request};
use std::sync::mpsc::Receiver;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub(super) fn run(session: Arc<Session>, events: Receiver<DeviceEvent>) {
    let mut stdout = Utf8Stream::default();
    let mut stderr = Utf8Stream::default();
    for event in events {
        match event {
            DeviceEvent::Output { stderr: is_err, bytes } => {
                let (decoder, kind) = if is_err {
                    (&mut stderr, OutputKind::Stderr)
                } else {
                    (&mut stdout, OutputKind::Stdout)
                };
                let text = decoder.push(&bytes);
                session.output(kind, text);
            }
            DeviceEvent::Message(msg) => session.on_message(msg),
            DeviceEvent::BadMessage(e) => {
                session.console(&format!("mpdbg: ignored a malformed message from the agent: {e}"))
            }
            DeviceEvent::Closed => {
                session.output(OutputKind::Stdout, stdout.finish());
                session.output(OutputKind::Stderr, stderr.finish());
                session.on_closed();
                break;
            }
        }
    }
}

/// Frames from a MicroPython traceback, innermost first.
/// A message of the agent's, for the console. Running out of stack (the
/// program at MicroPython's recursion limit) or of heap is no fault of the
/// agent's: it skipped a trace event, and says what that means.
fn agent_message(text: &str) -> String {
    if text.contains("maximum recursion depth exceeded") {
        return "mpdbg agent: no stack left for the debugger at a trace event (the program is at MicroPython's \
                recursion limit): the event was skipped; an exception stop is made in the first caller with room"
            .into();
    }
    if text.contains("MemoryError") {
        return format!(
            "mpdbg agent: no memory left for the debugger at a trace event: the event was skipped ({text})"
        );
    }
    format!("mpdbg agent: {text}")
}

fn traceback_frames(text: &str) -> Vec<DeviceFrame> {
    let mut frames: Vec<DeviceFrame> = text
        .lines()
        .filter_map(|l| {
            let rest = l.trim().strip_prefix("File \"")?;
            let (file, rest) = rest.split_once("\", line ")?;
            let (line, name) = rest.split_once(", in ").unwrap_or((rest, "<module>"));
            Some(DeviceFrame {
                file: file.into(),
                name: name.trim().into(),
                line: line.trim().parse().ok()?,
                def_line: 0,
            })
        })
        .collect();
    frames.reverse();
    frames
}

/// A traceback with the host's path for each device file that has a host
/// copy (a board's `/main.py` becomes the editor's file).
fn host_paths(text: &str, to_host: impl Fn(&str) -> Option<std::path::PathBuf>) -> String {
    text.split_inclusive('\n')
        .map(|line| {
            let mapped = line.split_once("File \"").and_then(|(head, rest)| {
                let (file, tail) = rest.split_once('"')?;
                Some(format!("{head}File \"{}\"{tail}", to_host(file)?.display()))
            });
            mapped.unwrap_or_else(|| line.to_string())
        })
        .collect()
}

/// The exception of a stop: `text` is a traceback (uncaught) or its last
/// line, "Type: message" (raised).
fn exception_view(text: &str, uncaught: bool) -> ExceptionView {
    let last = text.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
    // `raise ValueError("")` prints "ValueError: " (trimmed to "ValueError:").
    let (type_name, message) = last
        .split_once(": ")
        .unwrap_or((last.strip_suffix(':').unwrap_or(last), ""));
    ExceptionView {
        type_name: type_name.into(),
        message: message.into(),
        traceback: text.into(),
        uncaught,
    }
}

impl Session {
    fn output(&self, kind: OutputKind, text: String) {
        if text.is_empty() {
            return;
        }
        if let Ok(mut st) = self.state() {
            if st.phase == Phase::Starting {
                st.early_output.push_str(&text);
            }
        }
        self.sink.event(SessionEvent::Output { kind, text });
    }

    fn set_phase(&self, phase: Phase) {
        if let Ok(mut st) = self.state() {
            st.phase = phase;
        }
        self.changed.notify_all();
    }

    fn on_message(&self, msg: DeviceMessage) {
        match msg {
            DeviceMessage::Challenge { nonce, token_required } => self.answer_challenge(&nonce, token_required),
            DeviceMessage::Hello {
                protocol,
                agent,
                implementation,
                ..
            } => {
                if protocol.split('.').next() != Some(crate::device::PROTOCOL) {
                    self.console(&format!(
                        "mpdbg: the device runs agent protocol {protocol}, this mpdbg speaks {}: deploy the agent of this mpdbg",
                        crate::device::PROTOCOL
                    ));
                    self.terminate();
                } else {
                    self.console(&format!("mpdbg: agent {agent} on {implementation}"));
                }
            }
            DeviceMessage::Stopped { reason, depth, text } => self.on_stopped(&reason, depth, text),
            DeviceMessage::Ended { how, code, text } => {
                if how == "exception" && !text.is_empty() {
                    let text = host_paths(&text, |f| self.root.to_host(f));
                    self.output(OutputKind::Stderr, text);
                }
                if let Ok(mut st) = self.state() {
                    st.exit_code = Some(code);
                }
            }
            DeviceMessage::AgentMessage(text) if text.starts_with("attach") => {
                // The firmware or agent refused a serial attach: the attach fails with its words.
                if let Ok(mut st) = self.state() {
                    st.refusal = Some(text);
                }
                self.changed.notify_all();
            }
            DeviceMessage::AgentMessage(text) => self.console(&agent_message(&text)),
            // Replies arrive late when a request timed out; unknown types come
            // from newer agents. Neither needs action.
            _ => {}
        }
    }

    fn on_stopped(&self, reason: &str, depth: u32, text: String) {
        if reason == "start" {
            self.set_phase(Phase::Configuring);
            return;
        }
        let mut reason = {
            let Ok(mut st) = self.state() else { return };
            st.phase = super::Phase::Stopped;
            self.at_stop.store(true, std::sync::atomic::Ordering::SeqCst);
            st.depth = depth;
            st.frames.clear();
            st.handles.clear();
            st.exception = None;
            st.synthetic = false;
            let first = std::mem::replace(&mut st.first_stop, false);
            match reason {
                "step" if first => StopReason::Entry,
                "step" => StopReason::Step,
                "breakpoint" => StopReason::Breakpoint,
                "pause" => StopReason::Pause,
                _ => {
                    // Uncaught: the stack has unwound; the agent sends the
                    // frames the firmware kept (with their slots), or none.
                    let uncaught = depth == 0 || text.starts_with("Traceback");
                    if depth == 0 {
                        // Nothing kept: show the traceback's frames.
                        st.frames = traceback_frames(&text);
                        st.depth = st.frames.len() as u32;
                        st.synthetic = true;
                    }
                    st.exception = Some(exception_view(&text, uncaught));
                    StopReason::Exception
                }
            }
        };
        self.changed.notify_all();
        let mut breakpoint_ids = Vec::new();
        match self.carry_on(reason, depth) {
            Ok(Some(req)) => {
                if let Err(e) = self.step_again(req) {
                    self.console(&format!("mpdbg: cannot continue: {e}"));
                }
                return;
            }
            Ok(None) => {}
            Err(e) => self.console(&format!("mpdbg: {e}")),
        }
        if reason == StopReason::Breakpoint {
            match self.breakpoint_hit() {
                Some(ids) if ids.is_empty() => {
                    // Hit or ignore count not reached, or a log point: carry on silently.
                    if let Err(e) = self.step_again(Request::Continue) {
                        self.console(&format!("mpdbg: cannot continue: {e}"));
                    }
                    return;
                }
                Some(ids) => {
                    if self.all_function_breakpoints(&ids) {
                        reason = StopReason::FunctionBreakpoint;
                    }
                    breakpoint_ids = ids;
                }
                None => {}
            }
        }
        let exception = self.exception();
        let description = match &exception {
            Some(e) => e.summary(),
            None => format!("Paused on {}", reason.as_str()),
        };
        self.sink.event(SessionEvent::Stopped {
            reason,
            description,
            text: exception.map(|e| e.summary()),
            breakpoint_ids,
        });
    }

    /// Whether a stop is one no one asked for, and what to send instead: a
    /// step of `until` short of its line, a step or a raise in library code
    /// under `justMyCode`.
    fn carry_on(&self, reason: StopReason, depth: u32) -> anyhow::Result<Option<Request>> {
        let (until, last) = {
            let mut st = self.state()?;
            let until = st.until;
            if reason != StopReason::Step {
                st.until = None;
            }
            (until, st.last_resume)
        };
        if !matches!(reason, StopReason::Step | StopReason::Exception) || (until.is_none() && !self.just_my_code) {
            return Ok(None); // nothing to decide: no stack request
        }
        let (frames, _) = self.device_stack(0, 1)?;
        let Some(top) = frames.first() else { return Ok(None) };
        if let (StopReason::Step, Some(u)) = (reason, until) {
            if depth == u.depth && top.line < u.line {
                return Ok(Some(Request::Next));
            }
            self.state()?.until = None;
        }
        if !self.just_my_code || self.is_user_frame(top) {
            return Ok(None);
        }
        Ok(match reason {
            StopReason::Step if last == Resume::StepIn => Some(Request::StepIn),
            StopReason::Step => Some(Request::StepOut),
            // debugpy does not stop at a raise in library code either.
            _ if depth > 0 && self.exception().is_some_and(|e| !e.uncaught) => Some(Request::Continue),
            _ => None,
        })
    }

    fn on_closed(&self) {
        let local = self.transport.lock().is_ok_and(|t| t.process_id().is_some());
        let process_code = if local {
            reap(Duration::from_secs(3), || {
                self.transport.lock().ok().and_then(|mut t| t.exit_code())
            })
        } else {
            None
        };
        if let Some(notice) = self.transport.lock().ok().and_then(|mut t| t.notice()) {
            self.console(&notice);
        }
        let code = {
            let Ok(mut st) = self.state() else { return };
            let code = st.exit_code.or(process_code);
            st.exit_code = Some(code.unwrap_or(0));
            st.phase = Phase::Ended;
            self.at_stop.store(false, std::sync::atomic::Ordering::SeqCst);
            code
        };
        self.changed.notify_all();
        // An attached program runs on after the link ends: it did not exit.
        if code.is_some() || local {
            self.sink.event(SessionEvent::Exited {
                code: code.unwrap_or(0),
            });
        }
        self.sink.event(SessionEvent::Terminated);
    }
}

/// The process's exit code, polled for up to `within`: its streams end a
/// moment before it can be reaped.
pub(super) fn reap(within: Duration, mut exit_code: impl FnMut() -> Option<i32>) -> Option<i32> {
    let deadline = Instant::now() + within;
    loop {
        let code = exit_code();
        if code.is_some() || Instant::now() >= deadline {
            return code;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traceback_becomes_frames_and_exception() {
        let text = "Traceback (most recent call last):\n  File \"/p/a.py\", line 9, in <module>\n  File \"/p/a.py\", line 3, in f\nValueError: bad thing\n";
        let frames = traceback_frames(text);
        assert_eq!(frames.len(), 2);
        assert_eq!((frames[0].name.as_str(), frames[0].line), ("f", 3));
        let e = exception_view(text, true);
        assert_eq!((e.type_name.as_str(), e.message.as_str()), ("ValueError", "bad thing"));
    }

    #[test]
    fn tracebacks_show_host_paths() {
        let text = "Traceback (most recent call last):\n  File \"/main.py\", line 3, in <module>\n  File \"/lib/x.py\", line 1, in f\nValueError: v\n";
        let mapped = host_paths(text, |f| {
            (f == "/main.py").then(|| std::path::PathBuf::from("/w/main.py"))
        });
        assert_eq!(
            mapped,
            "Traceback (most recent call last):\n  File \"/w/main.py\", line 3, in <module>\n  File \"/lib/x.py\", line 1, in f\nValueError: v\n"
        );
    }

    #[test]
    fn a_raised_stop_names_its_exception() {
        let e = exception_view("KeyError: 'k': missing", false);
        assert_eq!(
            (e.type_name.as_str(), e.message.as_str(), e.uncaught),
            ("KeyError", "'k': missing", false)
        );
        let e = exception_view("StopIteration", false);
        assert_eq!((e.type_name.as_str(), e.message.as_str()), ("StopIteration", ""));
        assert_eq!(e.summary(), "StopIteration");
        let e = exception_view("Traceback...\nValueError: \n", true);
        assert_eq!(
            (e.type_name.as_str(), e.summary().as_str()),
            ("ValueError", "ValueError")
        );
    }

    #[test]
    fn running_out_of_stack_or_heap_is_explained() {
        let m = agent_message("agent error RuntimeError('maximum recursion depth exceeded',)");
        assert!(m.contains("no stack left") && m.contains("skipped"), "{m}");
        let m = agent_message("agent error MemoryError('memory allocation failed, allocating 29288 bytes',)");
        assert!(m.contains("no memory left") && m.contains("29288"), "{m}");
        assert_eq!(
            agent_message("agent error KeyError(1,)"),
            "mpdbg agent: agent error KeyError(1,)"
        );
    }
}
