//! Tab completion at the prompt: names from the device, through the
//! session's completions (the debug console's in DAP).
use crate::session::Session;
use rustyline::completion::Completer;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Helper};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

pub struct Completion {
    pub session: Arc<Session>,
    /// The device index of the current frame.
    pub frame: Arc<AtomicUsize>,
}

impl Completer for Completion {
    type Candidate = String;

    fn complete(&self, line: &str, pos: usize, _: &Context<'_>) -> rustyline::Result<(usize, Vec<String>)> {
        let text = line.get(..pos).unwrap_or(line);
        match self.session.completions(self.frame.load(Ordering::Relaxed), text) {
            Ok((prefix, names)) => Ok((pos.saturating_sub(prefix.len()), names)),
            Err(_) => Ok((pos, Vec::new())),
        }
    }
}

impl Hinter for Completion {
    type Hint = String;
}

impl Highlighter for Completion {}

impl Validator for Completion {}

impl Helper for Completion {}
