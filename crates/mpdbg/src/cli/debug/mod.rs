//! `mpdbg debug PROGRAM [ARGS]`: a debugger at the terminal with pdb's
//! commands, a front end of the same session engine as `mpdbg dap`. The
//! program stops before its first line; Ctrl-C pauses it while it runs (a
//! second one within a second quits), Ctrl-D at the prompt quits.
mod breaks;
mod command;
mod helper;
mod input;
mod listing;
mod python;
mod show;
mod stopped;

use crate::session::{AttachConfig, EventSink, LaunchConfig, Session, SessionEvent};
use anyhow::Result;
use show::Style;
use std::path::PathBuf;
use std::sync::mpsc::{channel, RecvTimeoutError, Sender};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use stopped::{Debugger, Flow};

/// A second Ctrl-C this soon after the first quits.
const QUIT_INTERRUPT: Duration = Duration::from_secs(1);
/// How often the terminal is looked at for the running program's input.
const INPUT_POLL: Duration = Duration::from_millis(20);

pub struct DebugOptions {
    pub program: PathBuf,
    pub args: Vec<String>,
    pub device: String,
    pub micropython: Option<PathBuf>,
}

/// What reaches the terminal front end: the session's events and Ctrl-C.
enum Note {
    Event(SessionEvent),
    Interrupt,
}

struct Sink(Mutex<Sender<Note>>);

impl EventSink for Sink {
    fn event(&self, event: SessionEvent) {
        // Shown at once: it comes while the program is being launched.
        if let SessionEvent::Progress { step, .. } = event {
            if let Some(line) = super::progress_line(step) {
                eprintln!("{line}");
            }
            return;
        }
        if let Ok(tx) = self.0.lock() {
            tx.send(Note::Event(event)).ok();
        }
    }
}

pub fn run(opts: DebugOptions) -> Result<i32> {
    let device: crate::target::DeviceSpec = opts.device.parse()?;
    let (tx, rx) = channel();
    let interrupts = tx.clone();
    ctrlc::set_handler(move || {
        interrupts.send(Note::Interrupt).ok();
    })?;
    let cfg = LaunchConfig {
        program: opts.program,
        args: opts.args,
        stop_on_entry: true,
        micropython: opts.micropython,
        just_my_code: true,
        device,
        ..Default::default()
    };
    let session = Session::launch(cfg, std::sync::Arc::new(Sink(Mutex::new(tx))))?;
    drive(session, rx)
}

/// `mpdbg attach HOST:PORT`: the same debugger for a program that waits in
/// `mpdbg.listen()`; quitting detaches, and the program runs on.
pub fn attach(cfg: AttachConfig) -> Result<i32> {
    let (tx, rx) = channel();
    let interrupts = tx.clone();
    ctrlc::set_handler(move || {
        interrupts.send(Note::Interrupt).ok();
    })?;
    let session = Session::attach(cfg, std::sync::Arc::new(Sink(Mutex::new(tx))))?;
    drive(session, rx)
}

/// The prompt and the running program, until the session ends.
fn drive(session: std::sync::Arc<Session>, rx: std::sync::mpsc::Receiver<Note>) -> Result<i32> {
    session.configuration_done()?;
    // Quitting ends a launched program, and lets an attached one run on.
    let quit = |s: &Session| s.disconnect(!s.is_attached());
    let mut dbg = Debugger::new(session.clone(), Style::detect())?;
    let mut last_interrupt: Option<Instant> = None;
    let mut quitting = false;
    let ended = std::cell::Cell::new(false);
    // While stopped, the prompt prints what arrives between commands.
    let mut pending = |dbg: &mut Debugger| -> bool {
        while let Ok(note) = rx.try_recv() {
            match note {
                Note::Event(SessionEvent::Output { kind, text }) => dbg.output(kind, &text),
                Note::Event(SessionEvent::Terminated) => {
                    ended.set(true);
                    return false;
                }
                _ => {}
            }
        }
        true
    };
    let input = input::TerminalInput::new();
    loop {
        let note = match rx.recv_timeout(INPUT_POLL) {
            Ok(note) => note,
            Err(RecvTimeoutError::Timeout) => {
                input.forward(&session);
                continue;
            }
            Err(RecvTimeoutError::Disconnected) => break,
        };
        match note {
            Note::Event(SessionEvent::Output { kind, text }) => dbg.output(kind, &text),
            Note::Event(SessionEvent::Stopped {
                reason,
                description,
                breakpoint_ids,
                ..
            }) => {
                if let Flow::Quit = dbg.stopped(reason, &description, &breakpoint_ids, &mut pending) {
                    quitting = true;
                    quit(&session);
                }
                if ended.get() {
                    break;
                }
            }
            Note::Event(SessionEvent::Exited { .. }) if quitting => {}
            Note::Event(SessionEvent::Exited { code }) => {
                dbg.say(&dbg.style.dim(&format!("The program exited with code {code}.")));
            }
            Note::Event(SessionEvent::Terminated) => break,
            Note::Event(SessionEvent::Progress { .. }) => {} // printed by the sink
            Note::Interrupt => {
                let now = Instant::now();
                if last_interrupt.is_some_and(|t| now.duration_since(t) < QUIT_INTERRUPT) {
                    dbg.say("Quitting.");
                    quitting = true;
                    quit(&session);
                } else {
                    last_interrupt = Some(now);
                    dbg.say("\nProgram interrupted. (Use 'cont' to resume.)");
                    if let Err(e) = session.pause() {
                        dbg.say(&format!("*** cannot pause: {e:#}"));
                    }
                }
            }
        }
    }
    let code = session.wait();
    // Quitting ends the program on purpose: that is no failure of mpdbg's.
    Ok(if quitting { 0 } else { code })
}
