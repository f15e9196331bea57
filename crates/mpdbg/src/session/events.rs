//! What a session reports to its front end (the DAP adapter or the CLI).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputKind {
    Stdout,
    Stderr,
    /// mpdbg's own messages to the user.
    Console,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    Entry,
    Breakpoint,
    /// At a function breakpoint only.
    FunctionBreakpoint,
    Step,
    Pause,
    Exception,
}

impl StopReason {
    pub fn as_str(self) -> &'static str {
        match self {
            StopReason::Entry => "entry",
            StopReason::Breakpoint => "breakpoint",
            StopReason::FunctionBreakpoint => "function breakpoint",
            StopReason::Step => "step",
            StopReason::Pause => "pause",
            StopReason::Exception => "exception",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum SessionEvent {
    Output {
        kind: OutputKind,
        text: String,
    },
    Stopped {
        reason: StopReason,
        description: String,
        text: Option<String>,
        breakpoint_ids: Vec<i64>,
    },
    /// A wait the user should see (the first build, a slow start); one
    /// `Start`, any `Update`s and one `End` share an id.
    Progress {
        id: String,
        step: ProgressStep,
    },
    Exited {
        code: i32,
    },
    Terminated,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ProgressStep {
    Start { title: String },
    Update { message: String },
    End { message: Option<String> },
}

/// Receives session events, from the session's own threads.
pub trait EventSink: Send + Sync {
    fn event(&self, event: SessionEvent);
}
