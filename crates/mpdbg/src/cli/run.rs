//! `mpdbg run PROGRAM [ARGS] -b FILE:LINE...`: runs a program on the built-in
//! debug MicroPython and, at each breakpoint, prints where it stopped, the
//! stack and the locals, then continues. The program's output passes through.
use crate::session::{
    BreakpointRequest, EventSink, LaunchConfig, OutputKind, Resume, Session, SessionEvent, StopReason,
};
use anyhow::{anyhow, bail, Result};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Sender};
use std::sync::{Arc, Mutex};

struct TerminalSink {
    stops: Mutex<Sender<Option<(StopReason, String)>>>,
}

impl EventSink for TerminalSink {
    fn event(&self, event: SessionEvent) {
        match event {
            SessionEvent::Output {
                kind: OutputKind::Stdout,
                text,
            } => {
                let mut out = std::io::stdout().lock();
                out.write_all(text.as_bytes()).and_then(|_| out.flush()).ok();
            }
            SessionEvent::Output { text, .. } => {
                let mut err = std::io::stderr().lock();
                err.write_all(text.as_bytes()).ok();
            }
            SessionEvent::Stopped {
                reason, description, ..
            } => {
                if let Ok(tx) = self.stops.lock() {
                    tx.send(Some((reason, description))).ok();
                }
            }
            SessionEvent::Progress { step, .. } => {
                if let Some(line) = super::progress_line(step) {
                    eprintln!("{line}");
                }
            }
            SessionEvent::Exited { .. } => {}
            SessionEvent::Terminated => {
                if let Ok(tx) = self.stops.lock() {
                    tx.send(None).ok();
                }
            }
        }
    }
}

/// Parses `FILE:LINE`; a relative file is taken from the current directory.
fn parse_breakpoint(spec: &str) -> Result<(PathBuf, u32)> {
    let (file, line) = spec
        .rsplit_once(':')
        .ok_or_else(|| anyhow!("breakpoint {spec:?} is not FILE:LINE"))?;
    let line = line
        .parse()
        .map_err(|_| anyhow!("breakpoint {spec:?}: {line:?} is not a line number"))?;
    let path = std::path::absolute(file).map_err(|e| anyhow!("breakpoint {spec:?}: {e}"))?;
    Ok((path, line))
}

fn report(session: &Session, reason: StopReason, description: &str) -> Result<()> {
    let (frames, total) = session.stack(0, None)?;
    let mut err = std::io::stderr().lock();
    let top = frames.first();
    let place = top
        .map(|f| {
            format!(
                "{}:{} in {}",
                f.path
                    .as_deref()
                    .map_or(f.device_file.clone(), |p| p.display().to_string()),
                f.line,
                f.name
            )
        })
        .unwrap_or_default();
    writeln!(err, "\n── stopped ({}) at {place}", reason.as_str())?;
    if reason == StopReason::Exception {
        writeln!(err, "   {description}")?;
    }
    writeln!(err, "   stack ({total} frames):")?;
    for f in &frames {
        writeln!(
            err,
            "     {}:{} {}",
            f.path
                .as_deref()
                .map_or(f.device_file.clone(), |p| p.display().to_string()),
            f.line,
            f.name
        )?;
    }
    if top.is_some() && reason != StopReason::Exception {
        let scopes = session.scopes(0)?;
        if let Some(locals) = scopes.first() {
            writeln!(err, "   locals:")?;
            for v in session.variables(locals.reference, 0, None)? {
                writeln!(err, "     {} = {}", v.name, v.value)?;
            }
        }
    }
    writeln!(err, "──")?;
    Ok(())
}

pub fn run(
    program: &Path,
    args: Vec<String>,
    breakpoints: &[String],
    micropython: Option<PathBuf>,
    device: &super::device_args::DeviceArgs,
) -> Result<i32> {
    let mut by_file: BTreeMap<PathBuf, Vec<BreakpointRequest>> = BTreeMap::new();
    for spec in breakpoints {
        let (file, line) = parse_breakpoint(spec)?;
        by_file.entry(file).or_default().push(BreakpointRequest {
            line,
            ..Default::default()
        });
    }
    let (tx, rx) = channel();
    let sink = Arc::new(TerminalSink { stops: Mutex::new(tx) });
    let mut cfg = LaunchConfig {
        program: program.to_path_buf(),
        args,
        micropython,
        just_my_code: true,
        ..Default::default()
    };
    device.apply(&mut cfg);
    let session = Session::launch(cfg, sink)?;
    for (file, reqs) in &by_file {
        for r in session.set_breakpoints(file, reqs) {
            if !r.verified {
                bail!(
                    "breakpoint {}:{}: {}",
                    file.display(),
                    r.line,
                    r.message.unwrap_or_default()
                );
            }
        }
    }
    session.configuration_done()?;
    forward_stdin(session.clone());
    while let Ok(Some((reason, description))) = rx.recv() {
        if let Err(e) = report(&session, reason, &description) {
            eprintln!("mpdbg: {e:#}");
        }
        session.resume(Resume::Continue).ok();
    }
    Ok(session.wait())
}

/// Our stdin (a pipe or the terminal) is the program's: the device's own
/// stdin is the debugger's link, so it travels in input messages.
fn forward_stdin(session: Arc<Session>) {
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        let mut buf = [0u8; 4096];
        loop {
            match std::io::Read::read(&mut stdin, &mut buf) {
                Ok(0) | Err(_) => {
                    session.send_input(&[]).ok();
                    return;
                }
                Ok(n) => {
                    if session.send_input(&buf[..n]).is_err() {
                        return;
                    }
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breakpoint_specs() {
        let (p, l) = parse_breakpoint("/a/b.py:12").unwrap();
        assert_eq!((p, l), (PathBuf::from("/a/b.py"), 12));
        assert!(parse_breakpoint("b.py").is_err());
        assert!(parse_breakpoint("b.py:x").is_err());
    }
}
