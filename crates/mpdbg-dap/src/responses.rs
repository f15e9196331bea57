//! Response bodies. Pass them to [`Response::success`](crate::Response::success)
//! (the `initialize` response body is [`Capabilities`](crate::Capabilities)).

use serde::{Deserialize, Serialize};

use crate::types::{
    Breakpoint, CompletionItem, ExceptionBreakMode, ExceptionDetails, Module, Scope, Source, StackFrame, Thread,
    VariablePresentationHint,
};

/// Body of `setBreakpoints`, `setFunctionBreakpoints` and
/// `setExceptionBreakpoints` responses: one entry per requested breakpoint,
/// in order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SetBreakpointsResponseBody {
    /// The breakpoints.
    #[serde(default)]
    pub breakpoints: Vec<Breakpoint>,
}

/// Body of the `threads` response.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ThreadsResponseBody {
    /// All threads.
    #[serde(default)]
    pub threads: Vec<Thread>,
}

/// Body of the `stackTrace` response.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StackTraceResponseBody {
    /// The frames requested.
    #[serde(default)]
    pub stack_frames: Vec<StackFrame>,
    /// Total number of frames available.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_frames: Option<i64>,
}

/// Body of the `scopes` response.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScopesResponseBody {
    /// The scopes of the frame.
    #[serde(default)]
    pub scopes: Vec<Scope>,
}

/// Body of the `variables` response.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VariablesResponseBody {
    /// The children.
    #[serde(default)]
    pub variables: Vec<crate::types::Variable>,
}

/// Body of the `continue` response.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContinueResponseBody {
    /// All threads were resumed (default `true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all_threads_continued: Option<bool>,
}

/// Body of the `evaluate` response.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EvaluateResponseBody {
    /// The value as text.
    pub result: String,
    /// Its type.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// Rendering hints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presentation_hint: Option<VariablePresentationHint>,
    /// If > 0, the result has children.
    pub variables_reference: i64,
    /// Number of named children.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub named_variables: Option<i64>,
    /// Number of indexed children.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indexed_variables: Option<i64>,
    /// Memory reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_reference: Option<String>,
}

/// Body of the `setVariable` response.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetVariableResponseBody {
    /// The new value.
    pub value: String,
    /// Its type.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// If > 0, the new value has children.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variables_reference: Option<i64>,
    /// Number of named children.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub named_variables: Option<i64>,
    /// Number of indexed children.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indexed_variables: Option<i64>,
}

/// Body of the `setExpression` response.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetExpressionResponseBody {
    /// The new value.
    pub value: String,
    /// Its type.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// Rendering hints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presentation_hint: Option<VariablePresentationHint>,
    /// If > 0, the new value has children.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variables_reference: Option<i64>,
    /// Number of named children.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub named_variables: Option<i64>,
    /// Number of indexed children.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indexed_variables: Option<i64>,
}

/// Body of the `source` response.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceResponseBody {
    /// The source text.
    pub content: String,
    /// Its MIME type, e.g. `text/x-python`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
}

/// Body of the `exceptionInfo` response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExceptionInfoResponseBody {
    /// Exception id, e.g. `ValueError`.
    pub exception_id: String,
    /// Description, e.g. the exception message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Why the debugger broke.
    pub break_mode: ExceptionBreakMode,
    /// Details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<ExceptionDetails>,
}

/// Body of the `completions` response.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CompletionsResponseBody {
    /// The completions.
    #[serde(default)]
    pub targets: Vec<CompletionItem>,
}

/// Body of the `modules` response.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModulesResponseBody {
    /// The modules.
    #[serde(default)]
    pub modules: Vec<Module>,
    /// Total number of modules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_modules: Option<i64>,
}

/// Body of the `loadedSources` response.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LoadedSourcesResponseBody {
    /// The sources.
    #[serde(default)]
    pub sources: Vec<Source>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::{Request, Response};
    use serde_json::{json, Value};

    #[test]
    fn stack_trace_body_json() {
        let body = StackTraceResponseBody {
            stack_frames: vec![StackFrame {
                id: 1000,
                name: "<module>".into(),
                source: Some(Source::from_path("/p/main.py")),
                line: 3,
                column: 1,
                ..StackFrame::default()
            }],
            total_frames: Some(1),
        };
        let req = Request {
            seq: 9,
            command: "stackTrace".into(),
            arguments: Value::Null,
        };
        let r = Response::success(&req, &body);
        assert_eq!(
            r.body,
            json!({"stackFrames": [{"id": 1000, "name": "<module>",
                "source": {"name": "main.py", "path": "/p/main.py"}, "line": 3, "column": 1}],
                "totalFrames": 1})
        );
    }

    #[test]
    fn exception_info_body_json() {
        let body = ExceptionInfoResponseBody {
            exception_id: "ValueError".into(),
            description: Some("bad".into()),
            break_mode: ExceptionBreakMode::Unhandled,
            details: None,
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"exceptionId":"ValueError","description":"bad","breakMode":"unhandled"}"#
        );
        let e = EvaluateResponseBody {
            result: "3".into(),
            type_: Some("int".into()),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"result":"3","type":"int","variablesReference":0}"#
        );
    }
}
