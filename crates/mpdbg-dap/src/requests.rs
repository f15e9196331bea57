//! Typed requests: [`Request::parse`] turns a [`Request`] into a [`Command`].
//!
//! Parsing is lenient: unknown fields are ignored (editors add many, e.g.
//! VS Code's `justMyCode`, `pathMappings`, `__sessionId`), missing optional
//! fields default, and absent or `null` arguments count as `{}`. Arguments of
//! the wrong type or missing required fields give a [`RequestError`] that
//! still carries the request's `seq` and `command`, so the adapter can answer
//! with an error response. An unknown command is not an error:
//! it parses to [`Command::Unknown`].

use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::messages::{Request, Response};
use crate::types::{
    string_enum, ExceptionFilterOptions, ExceptionOptions, FunctionBreakpoint, Source, SourceBreakpoint,
    StackFrameFormat, ValueFormat,
};

/// A request with typed arguments.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)] // variants are named after the DAP commands
pub enum Command {
    Initialize(InitializeArguments),
    Launch(LaunchArguments),
    Attach(AttachArguments),
    SetBreakpoints(SetBreakpointsArguments),
    SetFunctionBreakpoints(SetFunctionBreakpointsArguments),
    SetExceptionBreakpoints(SetExceptionBreakpointsArguments),
    /// Arguments, if any, are ignored.
    ConfigurationDone,
    /// Arguments, if any, are ignored.
    Threads,
    StackTrace(StackTraceArguments),
    Scopes(ScopesArguments),
    Variables(VariablesArguments),
    Continue(ContinueArguments),
    Next(NextArguments),
    StepIn(StepInArguments),
    StepOut(StepOutArguments),
    Pause(PauseArguments),
    Evaluate(EvaluateArguments),
    SetVariable(SetVariableArguments),
    SetExpression(SetExpressionArguments),
    Source(SourceArguments),
    Disconnect(DisconnectArguments),
    Terminate(TerminateArguments),
    Restart(RestartArguments),
    ExceptionInfo(ExceptionInfoArguments),
    Completions(CompletionsArguments),
    Modules(ModulesArguments),
    /// Arguments, if any, are ignored.
    LoadedSources,
    Cancel(CancelArguments),
    /// A command this crate does not know; answer it with an error response.
    Unknown {
        /// The command as sent.
        command: String,
    },
}

/// The arguments of a known request could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestError {
    /// `seq` of the offending request.
    pub seq: i64,
    /// Its command.
    pub command: String,
    /// What is wrong, e.g. "missing field `source`".
    pub message: String,
}

impl RequestError {
    /// The error response to send back (`success: false`).
    pub fn response(&self) -> Response {
        Response::error_for(self.seq, &self.command, self.to_string())
    }
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid arguments for '{}' request: {}", self.command, self.message)
    }
}

impl std::error::Error for RequestError {}

impl Request {
    /// Parses the arguments according to the command (see the module docs
    /// for how lenient this is).
    pub fn parse(&self) -> Result<Command, RequestError> {
        Ok(match self.command.as_str() {
            "initialize" => Command::Initialize(self.args()?),
            "launch" => Command::Launch(LaunchArguments::from_request(self)?),
            "attach" => Command::Attach(LaunchArguments::from_request(self)?),
            "setBreakpoints" => Command::SetBreakpoints(self.args()?),
            "setFunctionBreakpoints" => Command::SetFunctionBreakpoints(self.args()?),
            "setExceptionBreakpoints" => Command::SetExceptionBreakpoints(self.args()?),
            "configurationDone" => Command::ConfigurationDone,
            "threads" => Command::Threads,
            "stackTrace" => Command::StackTrace(self.args()?),
            "scopes" => Command::Scopes(self.args()?),
            "variables" => Command::Variables(self.args()?),
            "continue" => Command::Continue(self.args()?),
            "next" => Command::Next(self.args()?),
            "stepIn" => Command::StepIn(self.args()?),
            "stepOut" => Command::StepOut(self.args()?),
            "pause" => Command::Pause(self.args()?),
            "evaluate" => Command::Evaluate(self.args()?),
            "setVariable" => Command::SetVariable(self.args()?),
            "setExpression" => Command::SetExpression(self.args()?),
            "source" => Command::Source(self.args()?),
            "disconnect" => Command::Disconnect(self.args()?),
            "terminate" => Command::Terminate(self.args()?),
            "restart" => Command::Restart(self.args()?),
            "exceptionInfo" => Command::ExceptionInfo(self.args()?),
            "completions" => Command::Completions(self.args()?),
            "modules" => Command::Modules(self.args()?),
            "loadedSources" => Command::LoadedSources,
            "cancel" => Command::Cancel(self.args()?),
            other => Command::Unknown {
                command: other.to_owned(),
            },
        })
    }

    fn error(&self, message: impl Into<String>) -> RequestError {
        RequestError {
            seq: self.seq,
            command: self.command.clone(),
            message: message.into(),
        }
    }

    fn args<T: DeserializeOwned>(&self) -> Result<T, RequestError> {
        let empty = Value::Object(Map::new());
        let value = match &self.arguments {
            Value::Null => &empty,
            v @ Value::Object(_) => v,
            other => {
                return Err(self.error(format!("arguments must be an object, got {other}")));
            }
        };
        T::deserialize(value).map_err(|e| self.error(e.to_string()))
    }
}

/// Deserialises `null` as the default value (for lenient list fields).
fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// `initialize` arguments: what the client supports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)] // field names are the DAP names
pub struct InitializeArguments {
    /// Client id (`clientID`; nvim-dap spells it `clientId`).
    #[serde(rename = "clientID", alias = "clientId", default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_name: Option<String>,
    /// Adapter id (`adapterID`). Required by DAP; optional here.
    #[serde(rename = "adapterID", alias = "adapterId", default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adapter_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Default `true`; see [`InitializeArguments::lines_start_at_1`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines_start_at1: Option<bool>,
    /// Default `true`; see [`InitializeArguments::columns_start_at_1`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns_start_at1: Option<bool>,
    /// `"path"` or `"uri"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_format: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_variable_type: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_variable_paging: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_run_in_terminal_request: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_memory_references: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_progress_reporting: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_invalidated_event: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_memory_event: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_args_can_be_interpreted_by_shell: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_start_debugging_request: Option<bool>,
    #[serde(default, rename = "supportsANSIStyling", skip_serializing_if = "Option::is_none")]
    pub supports_ansi_styling: Option<bool>,
}

impl InitializeArguments {
    /// Whether line numbers are 1-based (the default).
    pub fn lines_start_at_1(&self) -> bool {
        self.lines_start_at1.unwrap_or(true)
    }

    /// Whether column numbers are 1-based (the default).
    pub fn columns_start_at_1(&self) -> bool {
        self.columns_start_at1.unwrap_or(true)
    }
}

/// `launch` / `attach` arguments: free-form, defined by the adapter's debug
/// configuration. The whole object is kept in `raw`; read fields with the
/// accessors.
#[derive(Debug, Clone, PartialEq)]
pub struct LaunchArguments {
    /// `noDebug`: run without debugging.
    pub no_debug: bool,
    /// `__restart`: data from a previous `terminated` event, when restarting.
    pub restart: Option<Value>,
    /// The arguments as sent (always a JSON object).
    pub raw: Value,
}

/// `attach` arguments have the same free-form shape as `launch` ones.
pub type AttachArguments = LaunchArguments;

impl LaunchArguments {
    fn from_request(req: &Request) -> Result<Self, RequestError> {
        let raw = match &req.arguments {
            Value::Null => Value::Object(Map::new()),
            v @ Value::Object(_) => v.clone(),
            other => {
                return Err(req.error(format!("arguments must be an object, got {other}")));
            }
        };
        let no_debug = match raw.get("noDebug") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                return Err(req.error(format!("`noDebug` must be a boolean, got {other}")));
            }
        };
        let restart = raw.get("__restart").filter(|v| !v.is_null()).cloned();
        Ok(LaunchArguments { no_debug, restart, raw })
    }

    /// A field of the configuration, if present and not `null`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.raw.get(key).filter(|v| !v.is_null())
    }

    /// A string field; `None` if absent or not a string.
    pub fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Value::as_str)
    }

    /// A boolean field; `None` if absent or not a boolean.
    pub fn get_bool(&self, key: &str) -> Option<bool> {
        self.get(key).and_then(Value::as_bool)
    }

    /// A field deserialised as `T`: `Ok(None)` if absent or `null`, an error
    /// message naming the field if it has the wrong type.
    pub fn field<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => T::deserialize(v).map(Some).map_err(|e| format!("invalid `{key}`: {e}")),
        }
    }

    /// `program`: the script to run.
    pub fn program(&self) -> Option<&str> {
        self.get_str("program")
    }

    /// `cwd`: the working directory.
    pub fn cwd(&self) -> Option<&str> {
        self.get_str("cwd")
    }

    /// `stopOnEntry`, default `false`.
    pub fn stop_on_entry(&self) -> bool {
        self.get_bool("stopOnEntry").unwrap_or(false)
    }
}

/// `setBreakpoints` arguments.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetBreakpointsArguments {
    /// The source; all its previous breakpoints are replaced.
    pub source: Source,
    /// The breakpoints (empty: clear all in this source).
    #[serde(default, deserialize_with = "null_default")]
    pub breakpoints: Vec<SourceBreakpoint>,
    /// Deprecated: lines only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<i64>>,
    /// The source was modified since the breakpoints were set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_modified: Option<bool>,
}

impl SetBreakpointsArguments {
    /// The requested breakpoints, falling back to the deprecated `lines`
    /// when `breakpoints` is empty.
    pub fn requested(&self) -> Vec<SourceBreakpoint> {
        if !self.breakpoints.is_empty() {
            return self.breakpoints.clone();
        }
        let lines = self.lines.as_deref().unwrap_or_default();
        lines
            .iter()
            .map(|&line| SourceBreakpoint {
                line,
                ..SourceBreakpoint::default()
            })
            .collect()
    }
}

/// `setFunctionBreakpoints` arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetFunctionBreakpointsArguments {
    /// All function breakpoints (replacing the previous set).
    #[serde(default, deserialize_with = "null_default")]
    pub breakpoints: Vec<FunctionBreakpoint>,
}

/// `setExceptionBreakpoints` arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetExceptionBreakpointsArguments {
    /// Ids of the enabled filters.
    #[serde(default, deserialize_with = "null_default")]
    pub filters: Vec<String>,
    /// Enabled filters with conditions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter_options: Option<Vec<ExceptionFilterOptions>>,
    /// Exception options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exception_options: Option<Vec<ExceptionOptions>>,
}

/// `stackTrace` arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StackTraceArguments {
    /// The thread.
    pub thread_id: i64,
    /// Index of the first frame to return (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_frame: Option<i64>,
    /// Maximum number of frames (absent or 0: all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levels: Option<i64>,
    /// Formatting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<StackFrameFormat>,
}

/// `scopes` arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScopesArguments {
    /// The frame.
    pub frame_id: i64,
}

string_enum! {
    /// Which children a `variables` request wants.
    VariablesFilter {
        /// Indexed children only.
        Indexed = "indexed",
        /// Named children only.
        Named = "named",
    }
}

/// `variables` arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VariablesArguments {
    /// Handle from a scope or variable.
    pub variables_reference: i64,
    /// Indexed or named children only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<VariablesFilter>,
    /// Index of the first child (paging).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<i64>,
    /// Number of children (absent or 0: all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
    /// Value formatting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<ValueFormat>,
}

/// `continue` arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContinueArguments {
    /// The thread.
    pub thread_id: i64,
    /// Resume only this thread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub single_thread: Option<bool>,
}

string_enum! {
    /// Granularity of a step.
    SteppingGranularity {
        /// A statement.
        Statement = "statement",
        /// A source line.
        Line = "line",
        /// An instruction (bytecode).
        Instruction = "instruction",
    }
}

/// `next` (step over) arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NextArguments {
    /// The thread.
    pub thread_id: i64,
    /// Step only this thread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub single_thread: Option<bool>,
    /// Step granularity (default statement).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub granularity: Option<SteppingGranularity>,
}

/// `stepIn` arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StepInArguments {
    /// The thread.
    pub thread_id: i64,
    /// Step only this thread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub single_thread: Option<bool>,
    /// Target from `stepInTargets`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_id: Option<i64>,
    /// Step granularity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub granularity: Option<SteppingGranularity>,
}

/// `stepOut` arguments.
pub type StepOutArguments = NextArguments;

/// `pause` arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PauseArguments {
    /// The thread.
    pub thread_id: i64,
}

string_enum! {
    /// Where an `evaluate` request comes from.
    EvaluateContext {
        /// Watch view.
        Watch = "watch",
        /// Debug console.
        Repl = "repl",
        /// Mouse hover.
        Hover = "hover",
        /// "Copy value".
        Clipboard = "clipboard",
        /// Variables view (evaluating a variable's `evaluateName`).
        Variables = "variables",
    }
}

/// `evaluate` arguments.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EvaluateArguments {
    /// The expression.
    pub expression: String,
    /// Frame for scoping (absent: global scope).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame_id: Option<i64>,
    /// Line of the expression in `source` (hover).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<i64>,
    /// Column of the expression in `source` (hover).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<i64>,
    /// Source containing the expression (hover).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// Where the request comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<EvaluateContext>,
    /// Value formatting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<ValueFormat>,
}

/// `setVariable` arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetVariableArguments {
    /// Container of the variable.
    pub variables_reference: i64,
    /// Variable name in the container.
    pub name: String,
    /// New value (an expression).
    pub value: String,
    /// Value formatting of the response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<ValueFormat>,
}

/// `setExpression` arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetExpressionArguments {
    /// The assignable expression.
    pub expression: String,
    /// New value (an expression).
    pub value: String,
    /// Frame for scoping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame_id: Option<i64>,
    /// Value formatting of the response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<ValueFormat>,
}

/// `source` arguments.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceArguments {
    /// The source (preferred over `source_reference` when present).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// Reference of the source (legacy; use `source.sourceReference`).
    #[serde(default)]
    pub source_reference: i64,
}

impl SourceArguments {
    /// The effective reference: `source.sourceReference` if set, else the
    /// top-level one.
    pub fn reference(&self) -> i64 {
        self.source
            .as_ref()
            .and_then(|s| s.source_reference)
            .filter(|&r| r > 0)
            .unwrap_or(self.source_reference)
    }
}

/// `disconnect` arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DisconnectArguments {
    /// Part of a restart sequence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart: Option<bool>,
    /// Terminate the debuggee (default: launch → yes, attach → no).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminate_debuggee: Option<bool>,
    /// Leave the debuggee suspended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspend_debuggee: Option<bool>,
}

/// `terminate` arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TerminateArguments {
    /// Part of a restart sequence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart: Option<bool>,
}

/// `restart` arguments.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RestartArguments {
    /// The latest launch/attach arguments (possibly edited by the user).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arguments: Option<Value>,
}

/// `exceptionInfo` arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExceptionInfoArguments {
    /// The thread stopped on an exception.
    pub thread_id: i64,
}

/// `completions` arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompletionsArguments {
    /// Frame for scoping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame_id: Option<i64>,
    /// The text typed so far.
    pub text: String,
    /// Cursor position in `text` (in UTF-16 code units, start per
    /// `columnsStartAt1`).
    pub column: i64,
    /// Line of the cursor in multi-line text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<i64>,
}

/// `modules` arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModulesArguments {
    /// Index of the first module.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_module: Option<i64>,
    /// Number of modules (absent or 0: all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module_count: Option<i64>,
}

/// `cancel` arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CancelArguments {
    /// `seq` of the request to cancel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<i64>,
    /// Progress to cancel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn request(command: &str, arguments: Value) -> Request {
        Request {
            seq: 7,
            command: command.into(),
            arguments,
        }
    }

    #[test]
    fn absent_arguments_count_as_empty() {
        assert_eq!(
            request("disconnect", Value::Null).parse().unwrap(),
            Command::Disconnect(DisconnectArguments::default())
        );
        assert_eq!(request("threads", json!([1, 2])).parse().unwrap(), Command::Threads);
        match request("launch", Value::Null).parse().unwrap() {
            Command::Launch(a) => assert_eq!(a.raw, json!({})),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unknown_command() {
        assert_eq!(
            request("readMemory", json!({"memoryReference": "0x0"}))
                .parse()
                .unwrap(),
            Command::Unknown {
                command: "readMemory".into()
            }
        );
    }

    #[test]
    fn wrong_types_are_errors_with_seq_and_command() {
        let e = request("stackTrace", json!({"threadId": "one"})).parse().unwrap_err();
        assert_eq!((e.seq, e.command.as_str()), (7, "stackTrace"));
        assert!(e.message.contains("invalid type"), "{e}");
        let r = e.response();
        assert_eq!((r.request_seq, r.success), (7, false));
        assert_eq!(r.command, "stackTrace");

        let e = request("setBreakpoints", json!({})).parse().unwrap_err();
        assert!(e.message.contains("missing field `source`"), "{e}");
        let e = request("next", json!("x")).parse().unwrap_err();
        assert!(e.message.contains("must be an object"), "{e}");
        let e = request("launch", json!({"noDebug": "yes"})).parse().unwrap_err();
        assert!(e.message.contains("noDebug"), "{e}");
        let e = request("evaluate", json!({"expression": 3})).parse().unwrap_err();
        assert!(e.to_string().starts_with("invalid arguments for 'evaluate'"));
    }

    #[test]
    fn launch_fields() {
        let Command::Launch(a) = request(
            "launch",
            json!({"program": "main.py", "stopOnEntry": true, "args": ["-v"], "port": "/dev/ttyUSB0",
                   "noDebug": false, "__restart": {"n": 1}, "cwd": null}),
        )
        .parse()
        .unwrap() else {
            panic!()
        };
        assert_eq!(a.program(), Some("main.py"));
        assert!(a.stop_on_entry());
        assert_eq!(a.cwd(), None);
        assert_eq!(a.restart, Some(json!({"n": 1})));
        assert_eq!(a.field::<Vec<String>>("args").unwrap(), Some(vec!["-v".into()]));
        assert!(a.field::<u16>("port").unwrap_err().contains("invalid `port`"));
        assert_eq!(a.field::<u16>("missing").unwrap(), None);
    }

    #[test]
    fn set_breakpoints_lines_fallback_and_null_list() {
        let Command::SetBreakpoints(a) = request(
            "setBreakpoints",
            json!({"source": {"path": "/x.py"}, "lines": [3, 4], "breakpoints": null}),
        )
        .parse()
        .unwrap() else {
            panic!()
        };
        let lines: Vec<i64> = a.requested().iter().map(|b| b.line).collect();
        assert_eq!(lines, vec![3, 4]);
    }

    #[test]
    fn source_reference_precedence() {
        let a = SourceArguments {
            source: Some(Source {
                source_reference: Some(5),
                ..Source::default()
            }),
            source_reference: 2,
        };
        assert_eq!(a.reference(), 5);
        assert_eq!(SourceArguments::default().reference(), 0);
    }
}
