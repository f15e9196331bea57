//! Event bodies and [`Event`] constructors.
//!
//! Each body type implements [`EventBody`], which names its event, so
//! `Event::new(&StoppedEventBody { .. })` produces a `stopped` event.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::messages::Event;
use crate::types::{string_enum, Breakpoint, Capabilities, Module, Source};

/// A typed event body; `EVENT` is the event name on the wire.
pub trait EventBody: Serialize {
    /// The event name, e.g. `"stopped"`.
    const EVENT: &'static str;
}

impl Event {
    /// An event with a typed body.
    pub fn new<B: EventBody>(body: &B) -> Self {
        // Serialising the crate's body types cannot fail (no maps with
        // non-string keys); fall back to no body rather than panic.
        let body = serde_json::to_value(body).unwrap_or(Value::Null);
        Self::raw(B::EVENT, body)
    }

    /// An event with any name and body (`Value::Null`: no body).
    pub fn raw(event: impl Into<String>, body: Value) -> Self {
        Event {
            seq: 0,
            event: event.into(),
            body,
        }
    }

    /// `initialized`: the adapter is ready for configuration requests.
    pub fn initialized() -> Self {
        Self::raw("initialized", Value::Null)
    }

    /// `stopped` for one thread, with all threads stopped.
    pub fn stopped(reason: StoppedReason, thread_id: i64) -> Self {
        Self::new(&StoppedEventBody {
            reason,
            thread_id: Some(thread_id),
            all_threads_stopped: Some(true),
            ..StoppedEventBody::default()
        })
    }

    /// `continued` for one thread, with all threads continued.
    pub fn continued(thread_id: i64) -> Self {
        Self::new(&ContinuedEventBody {
            thread_id,
            all_threads_continued: Some(true),
        })
    }

    /// `output` of some text in a category.
    pub fn output(category: OutputCategory, output: impl Into<String>) -> Self {
        Self::new(&OutputEventBody {
            category: Some(category),
            output: output.into(),
            ..OutputEventBody::default()
        })
    }

    /// `exited` with the debuggee's exit code.
    pub fn exited(exit_code: i64) -> Self {
        Self::new(&ExitedEventBody { exit_code })
    }

    /// `terminated`: the debug session is over (no body).
    pub fn terminated() -> Self {
        Self::raw("terminated", Value::Null)
    }

    /// `breakpoint`: a breakpoint changed (e.g. got verified).
    pub fn breakpoint(reason: BreakpointEventReason, breakpoint: Breakpoint) -> Self {
        Self::new(&BreakpointEventBody { reason, breakpoint })
    }

    /// `thread` started or exited.
    pub fn thread(reason: ThreadReason, thread_id: i64) -> Self {
        Self::new(&ThreadEventBody { reason, thread_id })
    }

    /// `invalidated`: the client should refetch (e.g. `["variables"]`).
    pub fn invalidated(areas: Vec<String>) -> Self {
        Self::new(&InvalidatedEventBody {
            areas: Some(areas),
            ..InvalidatedEventBody::default()
        })
    }
}

string_enum! {
    /// Why execution stopped (default: pause).
    #[derive(Default)]
    StoppedReason {
        /// A step finished.
        Step = "step",
        /// A breakpoint was hit.
        Breakpoint = "breakpoint",
        /// An exception was raised.
        Exception = "exception",
        /// A `pause` request.
        #[default]
        Pause = "pause",
        /// Stopped on entry.
        Entry = "entry",
        /// A `goto` request.
        Goto = "goto",
        /// A function breakpoint.
        FunctionBreakpoint = "function breakpoint",
        /// A data breakpoint.
        DataBreakpoint = "data breakpoint",
        /// An instruction breakpoint.
        InstructionBreakpoint = "instruction breakpoint",
    }
}

/// Body of the `stopped` event.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoppedEventBody {
    /// Why.
    pub reason: StoppedReason,
    /// Full reason shown in the UI (e.g. "Paused on exception").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The thread that stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_id: Option<i64>,
    /// Do not move the editor focus.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preserve_focus_hint: Option<bool>,
    /// Extra text shown in the UI (e.g. the exception message).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// All threads stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all_threads_stopped: Option<bool>,
    /// Ids of the breakpoints that were hit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hit_breakpoint_ids: Option<Vec<i64>>,
}

impl EventBody for StoppedEventBody {
    const EVENT: &'static str = "stopped";
}

/// Body of the `continued` event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContinuedEventBody {
    /// The thread that continued.
    pub thread_id: i64,
    /// All threads continued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all_threads_continued: Option<bool>,
}

impl EventBody for ContinuedEventBody {
    const EVENT: &'static str = "continued";
}

string_enum! {
    /// Category of an `output` event.
    OutputCategory {
        /// Debugger messages (the default).
        Console = "console",
        /// Important messages, shown prominently.
        Important = "important",
        /// The debuggee's stdout.
        Stdout = "stdout",
        /// The debuggee's stderr.
        Stderr = "stderr",
        /// Telemetry, not shown.
        Telemetry = "telemetry",
    }
}

/// Body of the `output` event.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutputEventBody {
    /// Category (absent: console).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<OutputCategory>,
    /// The text (include the trailing newline).
    pub output: String,
    /// `"start"`, `"startCollapsed"` or `"end"` of a group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// If > 0, the output has structured children.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variables_reference: Option<i64>,
    /// Source location that produced the output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// Line in `source`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<i64>,
    /// Column in `source`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<i64>,
    /// Extra data (telemetry).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
}

impl EventBody for OutputEventBody {
    const EVENT: &'static str = "output";
}

/// Body of the `exited` event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExitedEventBody {
    /// The debuggee's exit code.
    pub exit_code: i64,
}

impl EventBody for ExitedEventBody {
    const EVENT: &'static str = "exited";
}

/// Body of the `terminated` event (only needed to request a restart).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TerminatedEventBody {
    /// Ask the client to restart; passed back as `__restart` in the next
    /// launch/attach.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart: Option<Value>,
}

impl EventBody for TerminatedEventBody {
    const EVENT: &'static str = "terminated";
}

string_enum! {
    /// Reason of a `breakpoint` event.
    BreakpointEventReason {
        /// Changed (e.g. verified, moved).
        Changed = "changed",
        /// Added by the adapter.
        New = "new",
        /// Removed by the adapter.
        Removed = "removed",
    }
}

/// Body of the `breakpoint` event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreakpointEventBody {
    /// What happened.
    pub reason: BreakpointEventReason,
    /// The breakpoint (its `id` identifies it).
    pub breakpoint: Breakpoint,
}

impl EventBody for BreakpointEventBody {
    const EVENT: &'static str = "breakpoint";
}

string_enum! {
    /// Reason of a `thread` event.
    ThreadReason {
        /// The thread started.
        Started = "started",
        /// The thread exited.
        Exited = "exited",
    }
}

/// Body of the `thread` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadEventBody {
    /// What happened.
    pub reason: ThreadReason,
    /// The thread.
    pub thread_id: i64,
}

impl EventBody for ThreadEventBody {
    const EVENT: &'static str = "thread";
}

string_enum! {
    /// Reason of a `module` or `loadedSource` event.
    ChangeReason {
        /// Added.
        New = "new",
        /// Changed.
        Changed = "changed",
        /// Removed.
        Removed = "removed",
    }
}

/// Body of the `module` event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModuleEventBody {
    /// What happened.
    pub reason: ChangeReason,
    /// The module (for `removed`, only `id` matters).
    pub module: Module,
}

impl EventBody for ModuleEventBody {
    const EVENT: &'static str = "module";
}

/// Body of the `loadedSource` event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadedSourceEventBody {
    /// What happened.
    pub reason: ChangeReason,
    /// The source.
    pub source: Source,
}

impl EventBody for LoadedSourceEventBody {
    const EVENT: &'static str = "loadedSource";
}

/// Body of the `process` event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProcessEventBody {
    /// Name of the debuggee (e.g. the board or the script).
    pub name: String,
    /// Process id, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_process_id: Option<i64>,
    /// Runs on this machine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_local_process: Option<bool>,
    /// `"launch"`, `"attach"` or `"attachForSuspendedLaunch"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_method: Option<String>,
    /// Pointer size in bits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer_size: Option<i64>,
}

impl EventBody for ProcessEventBody {
    const EVENT: &'static str = "process";
}

/// Body of the `invalidated` event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvalidatedEventBody {
    /// `"all"`, `"stacks"`, `"threads"`, `"variables"` (absent: all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub areas: Option<Vec<String>>,
    /// Only this thread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_id: Option<i64>,
    /// Only this frame.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stack_frame_id: Option<i64>,
}

impl EventBody for InvalidatedEventBody {
    const EVENT: &'static str = "invalidated";
}

/// Body of the `capabilities` event (capabilities changed).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CapabilitiesEventBody {
    /// The changed capabilities.
    pub capabilities: Capabilities,
}

impl EventBody for CapabilitiesEventBody {
    const EVENT: &'static str = "capabilities";
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::ProtocolMessage;

    fn wire(e: Event) -> String {
        serde_json::to_string(&ProtocolMessage::Event(e)).unwrap()
    }

    #[test]
    fn event_exact_json() {
        assert_eq!(
            wire(Event::initialized()),
            r#"{"type":"event","seq":0,"event":"initialized"}"#
        );
        assert_eq!(
            wire(Event::stopped(StoppedReason::FunctionBreakpoint, 1)),
            r#"{"type":"event","seq":0,"event":"stopped","body":{"allThreadsStopped":true,"reason":"function breakpoint","threadId":1}}"#
        );
        assert_eq!(
            wire(Event::output(OutputCategory::Stdout, "hi\n")),
            r#"{"type":"event","seq":0,"event":"output","body":{"category":"stdout","output":"hi\n"}}"#
        );
        assert_eq!(
            wire(Event::exited(3)),
            r#"{"type":"event","seq":0,"event":"exited","body":{"exitCode":3}}"#
        );
        assert_eq!(
            wire(Event::breakpoint(
                BreakpointEventReason::Changed,
                Breakpoint {
                    id: Some(2),
                    verified: true,
                    line: Some(5),
                    ..Breakpoint::default()
                }
            )),
            r#"{"type":"event","seq":0,"event":"breakpoint","body":{"breakpoint":{"id":2,"line":5,"verified":true},"reason":"changed"}}"#
        );
    }

    #[test]
    fn stopped_full_body() {
        let e = Event::new(&StoppedEventBody {
            reason: StoppedReason::Breakpoint,
            description: Some("Paused on breakpoint".into()),
            thread_id: Some(1),
            text: Some("x".into()),
            all_threads_stopped: Some(true),
            hit_breakpoint_ids: Some(vec![4]),
            preserve_focus_hint: None,
        });
        assert_eq!(
            e.body,
            serde_json::json!({"reason": "breakpoint", "description": "Paused on breakpoint",
                "threadId": 1, "text": "x", "allThreadsStopped": true, "hitBreakpointIds": [4]})
        );
    }

    #[test]
    fn other_events() {
        assert_eq!(Event::terminated().body, Value::Null);
        assert_eq!(Event::continued(1).event, "continued");
        assert_eq!(Event::thread(ThreadReason::Started, 1).body["reason"], "started");
        assert_eq!(
            Event::invalidated(vec!["variables".into()]).body,
            serde_json::json!({"areas": ["variables"]})
        );
        let p = Event::new(&ProcessEventBody {
            name: "esp32".into(),
            start_method: Some("attach".into()),
            ..Default::default()
        });
        assert_eq!(p.event, "process");
        assert_eq!(p.body["startMethod"], "attach");
        let m = Event::new(&ModuleEventBody {
            reason: ChangeReason::New,
            module: Module {
                id: 1.into(),
                name: "main".into(),
                ..Module::default()
            },
        });
        assert_eq!(
            m.body,
            serde_json::json!({"reason": "new", "module": {"id": 1, "name": "main"}})
        );
        let s: StoppedEventBody = serde_json::from_str(r#"{"reason":"my reason","extra":1}"#).unwrap();
        assert_eq!(s.reason, StoppedReason::Other("my reason".into()));
    }
}
