//! Turns what the device sends into session events, applying the host-side
//! parts of breakpoints (hit counts, log messages) on the way.
use super::breakpoints::log_parts;
use super::utf8::Utf8Stream;
use super::{ExceptionView, OutputKind, Phase, Resume, Session, SessionEvent, StopReason};
use crate::device::{DeviceEvent, DeviceFrame, DeviceMessage};
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
                    self.output(OutputKind::Stderr, text);
                }
                if let Ok(mut st) = self.state() {
                    st.exit_code = Some(code);
                }
            }
            DeviceMessage::AgentMessage(text) => self.console(&format!("mpdbg agent: {text}")),
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
        let reason = {
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
                    if depth == 0 {
                        // Uncaught: the stack is gone; show the traceback's frames.
                        st.frames = traceback_frames(&text);
                        st.depth = st.frames.len() as u32;
                        st.synthetic = true;
                    }
                    st.exception = Some(exception_view(&text, depth == 0));
                    StopReason::Exception
                }
            }
        };
        self.changed.notify_all();
        let mut breakpoint_ids = Vec::new();
        if reason == StopReason::Breakpoint {
            match self.breakpoint_hit() {
                Some((id, true)) => breakpoint_ids.push(id),
                Some((_, false)) => {
                    // Hit count not reached, or a log point: carry on silently.
                    if let Err(e) = self.resume(Resume::Continue) {
                        self.console(&format!("mpdbg: cannot continue: {e}"));
                    }
                    return;
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

    /// The breakpoint at the top frame: (id, whether to stop).
    fn breakpoint_hit(&self) -> Option<(i64, bool)> {
        let (frames, _) = self.stack(0, Some(1)).ok()?;
        let top = frames.first()?;
        let path = top.path.clone()?;
        let (id, stop, log) = {
            let mut st = self.state().ok()?;
            let bp = st.breakpoints.get_mut(&path)?.iter_mut().find(|b| b.line == top.line)?;
            bp.hits += 1;
            let stop = bp.hit_condition.is_none_or(|h| h.stops_at(bp.hits));
            (bp.id, stop, bp.log_message.clone())
        };
        if !stop {
            return Some((id, false));
        }
        let Some(log) = log else {
            return Some((id, true));
        };
        let mut line = String::new();
        for (is_expr, part) in log_parts(&log) {
            if is_expr {
                match self.evaluate(0, &part, false) {
                    Ok(v) => line.push_str(v.value.trim_matches('\'')),
                    Err(e) => line.push_str(&format!("<{e}>")),
                }
            } else {
                line.push_str(&part);
            }
        }
        line.push('\n');
        self.sink.event(SessionEvent::Output {
            kind: OutputKind::Console,
            text: line,
        });
        Some((id, false))
    }

    fn on_closed(&self) {
        // The stream ends before the process is reaped; give it a moment.
        let deadline = Instant::now() + Duration::from_secs(3);
        let mut process_code = None;
        while Instant::now() < deadline {
            process_code = self.transport.lock().ok().and_then(|mut t| t.exit_code());
            if process_code.is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let code = {
            let Ok(mut st) = self.state() else { return };
            let code = st.exit_code.or(process_code).unwrap_or(0);
            st.exit_code = Some(code);
            st.phase = Phase::Ended;
            self.at_stop.store(false, std::sync::atomic::Ordering::SeqCst);
            code
        };
        self.changed.notify_all();
        self.sink.event(SessionEvent::Exited { code });
        self.sink.event(SessionEvent::Terminated);
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
}
