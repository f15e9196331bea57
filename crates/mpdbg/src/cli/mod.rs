//! Terminal front ends.
pub mod debug;
pub mod run;

use crate::session::ProgressStep;

/// A long wait (the first build) as a line for the terminal, if it needs one.
pub fn progress_line(step: ProgressStep) -> Option<String> {
    match step {
        ProgressStep::Start { title } => Some(format!("mpdbg: {title}...")),
        ProgressStep::Update { message } => Some(format!("mpdbg: {message}")),
        ProgressStep::End { message } => message.map(|m| format!("mpdbg: {m}")),
    }
}
