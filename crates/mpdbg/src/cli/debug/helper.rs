//! Tab completion at the prompt: names from the device, through the
//! session's completions (the debug console's in DAP).
use super::command;
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
        let (prefix, mut names) = self
            .session
            .completions(self.frame.load(Ordering::Relaxed), text)
            .unwrap_or_default();
        // The first word may be a command too.
        if !text.contains(char::is_whitespace) && !text.contains('.') {
            names.extend(command_names(text));
            names.sort();
            names.dedup();
        }
        Ok((pos.saturating_sub(prefix.len()), names))
    }
}

/// pdb's command names (the longest form of each) that start with `prefix`.
fn command_names(prefix: &str) -> impl Iterator<Item = String> + '_ {
    command::HELP
        .iter()
        .filter_map(|(names, ..)| names.iter().max_by_key(|n| n.len()))
        .filter(move |n| n.starts_with(prefix) && n.len() > 1 && **n != "!")
        .map(|n| n.to_string())
}

impl Hinter for Completion {
    type Hint = String;
}

impl Highlighter for Completion {}

impl Validator for Completion {}

impl Helper for Completion {}

#[cfg(test)]
mod tests {
    use super::command_names;

    #[test]
    fn command_names_complete_the_first_word() {
        assert_eq!(command_names("di").collect::<Vec<_>>(), ["disable", "display"]);
        assert_eq!(command_names("wh").collect::<Vec<_>>(), ["where"]);
        assert_eq!(command_names("con").collect::<Vec<_>>(), ["condition", "continue"]);
    }
}
