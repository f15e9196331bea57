//! DAP data types shared by requests, responses and events.
//!
//! All structs use camelCase on the wire, skip `None` fields when
//! serialising, ignore unknown fields and default missing optional fields
//! when deserialising.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Defines an "open" string enum: known values as variants, anything else
/// kept verbatim in `Other`, so parsing never fails on a new value.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),* $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this crate does not know about, kept verbatim.
            Other(String),
        }

        impl $name {
            /// The wire spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $text, )*
                    $name::Other(s) => s,
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $( $text => $name::$variant, )*
                    other => $name::Other(other.to_owned()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Ok($name::from(&*s))
            }
        }
    };
}
pub(crate) use string_enum;

/// A source file, either on disk (`path`) or retrievable from the adapter
/// with a `source` request (`source_reference > 0`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    /// Short name shown in the UI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Path on the client's file system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// If > 0, the content must be fetched with a `source` request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_reference: Option<i64>,
    /// `"normal"`, `"emphasize"` or `"deemphasize"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presentation_hint: Option<String>,
    /// Where the source comes from, e.g. "frozen module", shown in the UI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// Related sources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sources: Option<Vec<Source>>,
    /// Opaque data the client round-trips.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adapter_data: Option<Value>,
    /// Checksums, passed through untouched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksums: Option<Vec<Value>>,
}

impl Source {
    /// A source on disk, named after the last path component.
    pub fn from_path(path: impl Into<String>) -> Self {
        let path = path.into();
        let name = path
            .rsplit(['/', '\\'])
            .next()
            .filter(|n| !n.is_empty())
            .map(str::to_owned);
        Source {
            name,
            path: Some(path),
            ..Source::default()
        }
    }
}

/// A breakpoint requested in `setBreakpoints`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceBreakpoint {
    /// Line (1-based unless the client said otherwise).
    pub line: i64,
    /// Optional column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<i64>,
    /// Expression; break only when true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// Hit count condition, e.g. `"3"`, `">= 5"`, `"%2"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hit_condition: Option<String>,
    /// Log point: log this (with `{expr}` interpolation) instead of stopping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_message: Option<String>,
    /// Breakpoint mode (from `Capabilities::breakpoint_modes`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
}

/// A breakpoint requested in `setFunctionBreakpoints`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FunctionBreakpoint {
    /// Function name.
    pub name: String,
    /// Expression; break only when true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// Hit count condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hit_condition: Option<String>,
}

/// A breakpoint as reported by the adapter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Breakpoint {
    /// Adapter-chosen id (needed for `breakpoint` events and
    /// `hitBreakpointIds`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// Whether the breakpoint could be set.
    pub verified: bool,
    /// Why it is not verified, or other info shown to the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// Actual line (may differ from the requested one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<i64>,
    /// Actual column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<i64>,
    /// End line of the range covered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_line: Option<i64>,
    /// End column of the range covered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_column: Option<i64>,
    /// Memory reference of an instruction breakpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instruction_reference: Option<String>,
    /// Offset from `instruction_reference`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<i64>,
    /// Why unverified: `"pending"` or `"failed"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One frame in a `stackTrace` response.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StackFrame {
    /// Frame id, unique across threads, used in `scopes`/`evaluate`.
    pub id: i64,
    /// Name shown (usually the function name).
    pub name: String,
    /// Source of the frame.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// Line (0 if there is no source).
    pub line: i64,
    /// Column (0 if there is no source).
    pub column: i64,
    /// End line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_line: Option<i64>,
    /// End column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_column: Option<i64>,
    /// Whether `restartFrame` works on this frame.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_restart: Option<bool>,
    /// Memory reference of the current instruction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instruction_pointer_reference: Option<String>,
    /// Module id (number or string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module_id: Option<Value>,
    /// `"normal"`, `"label"` or `"subtle"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presentation_hint: Option<String>,
}

/// A scope (e.g. locals, globals) of a frame.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Scope {
    /// Name shown, e.g. "Locals".
    pub name: String,
    /// `"arguments"`, `"locals"`, `"registers"`, `"returnValue"` or other.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presentation_hint: Option<String>,
    /// Handle for a `variables` request.
    pub variables_reference: i64,
    /// Number of named variables (for paging).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub named_variables: Option<i64>,
    /// Number of indexed variables (for paging).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indexed_variables: Option<i64>,
    /// Fetching the variables is expensive: the client fetches them lazily.
    pub expensive: bool,
    /// Source of the scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// Start line of the scope's range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<i64>,
    /// Start column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<i64>,
    /// End line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_line: Option<i64>,
    /// End column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_column: Option<i64>,
}

/// A variable (or a child of one).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Variable {
    /// Name shown.
    pub name: String,
    /// Value shown (may be empty).
    pub value: String,
    /// Type shown on hover, if the client supports it.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// Rendering hints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presentation_hint: Option<VariablePresentationHint>,
    /// Expression that evaluates to this variable (for "copy as expression",
    /// "add to watch").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluate_name: Option<String>,
    /// If > 0, the variable has children: fetch them with `variables`.
    pub variables_reference: i64,
    /// Number of named children (for paging).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub named_variables: Option<i64>,
    /// Number of indexed children (for paging).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indexed_variables: Option<i64>,
    /// Memory reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_reference: Option<String>,
}

/// How the client should render a variable.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VariablePresentationHint {
    /// `"property"`, `"method"`, `"class"`, `"data"`, `"event"`, `"baseClass"`,
    /// `"innerClass"`, `"interface"`, `"mostDerivedClass"`, `"virtual"`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `"static"`, `"constant"`, `"readOnly"`, `"rawString"`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Vec<String>>,
    /// `"public"`, `"private"`, `"protected"`, `"internal"`, `"final"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<String>,
    /// The value is fetched only when the user asks for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lazy: Option<bool>,
}

/// A thread.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thread {
    /// Thread id.
    pub id: i64,
    /// Name shown.
    pub name: String,
}

/// A module (for the `modules` request and `module` event).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Module {
    /// Module id: a number or a string.
    pub id: Value,
    /// Module name.
    pub name: String,
    /// Path or URL of the module.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Whether the module is optimised (e.g. frozen bytecode).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_optimized: Option<bool>,
    /// Whether the module is user code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_user_code: Option<bool>,
    /// Version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Symbol status, e.g. "Symbols loaded".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symbol_status: Option<String>,
    /// Symbol file path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symbol_file_path: Option<String>,
    /// Build timestamp.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_time_stamp: Option<String>,
    /// Address range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_range: Option<String>,
}

/// Formatting of values (`hex`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValueFormat {
    /// Display numbers in hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hex: Option<bool>,
}

/// Formatting of stack frames in `stackTrace`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StackFrameFormat {
    /// Display numbers in hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hex: Option<bool>,
    /// Show parameters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<bool>,
    /// Show parameter types.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter_types: Option<bool>,
    /// Show parameter names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter_names: Option<bool>,
    /// Show parameter values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter_values: Option<bool>,
    /// Show the line number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<bool>,
    /// Show the module.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<bool>,
    /// Include all frames, even hidden ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_all: Option<bool>,
}

/// An exception filter offered in `Capabilities::exception_breakpoint_filters`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExceptionBreakpointsFilter {
    /// Id sent back in `setExceptionBreakpoints`.
    pub filter: String,
    /// Label shown in the UI.
    pub label: String,
    /// Tooltip.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Initially enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<bool>,
    /// The filter accepts a condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_condition: Option<bool>,
    /// Help text for the condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition_description: Option<String>,
}

/// An enabled exception filter with an optional condition.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExceptionFilterOptions {
    /// A `filter` id from the capabilities.
    pub filter_id: String,
    /// Condition, e.g. exception class names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// Breakpoint mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
}

string_enum! {
    /// When to break on an exception.
    ExceptionBreakMode {
        /// Never break.
        Never = "never",
        /// Always break.
        Always = "always",
        /// Break when not handled.
        Unhandled = "unhandled",
        /// Break when not handled by user code.
        UserUnhandled = "userUnhandled",
    }
}

/// Exception options (`setExceptionBreakpoints.exceptionOptions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExceptionOptions {
    /// Path selecting exceptions in a tree of categories.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<Vec<ExceptionPathSegment>>,
    /// When to break.
    pub break_mode: ExceptionBreakMode,
}

/// One segment of an [`ExceptionOptions`] path.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExceptionPathSegment {
    /// Match everything except `names`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negate: Option<bool>,
    /// Names matched.
    #[serde(default)]
    pub names: Vec<String>,
}

/// Details of an exception (`exceptionInfo` response).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExceptionDetails {
    /// Message of the exception.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Short type name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_name: Option<String>,
    /// Fully qualified type name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_type_name: Option<String>,
    /// Expression that evaluates to the exception.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluate_name: Option<String>,
    /// Stack trace as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stack_trace: Option<String>,
    /// Chained exceptions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inner_exception: Option<Vec<ExceptionDetails>>,
}

/// An entry of a `completions` response.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompletionItem {
    /// Label shown (inserted if `text` is absent).
    pub label: String,
    /// Text inserted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Sort key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_text: Option<String>,
    /// Detail shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Item type: `"method"`, `"function"`, `"variable"`, `"class"`,
    /// `"module"`, `"property"`, `"keyword"`, ...
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// Start of the replaced text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<i64>,
    /// Length of the replaced text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length: Option<i64>,
    /// Selection start after insertion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selection_start: Option<i64>,
    /// Selection length after insertion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selection_length: Option<i64>,
}

/// A structured, user-visible message (the `body.error` of an error
/// response). `format` may contain `{name}` placeholders for `variables`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// Unique id of the message kind.
    pub id: i64,
    /// Format string; `{name}` is replaced by `variables["name"]`.
    pub format: String,
    /// Values for the placeholders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variables: Option<BTreeMap<String, String>>,
    /// Send to telemetry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_telemetry: Option<bool>,
    /// Show to the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_user: Option<bool>,
    /// A URL with more information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Label for `url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_label: Option<String>,
}

/// What the adapter supports: the body of the `initialize` response (and of
/// the `capabilities` event). Unset fields are omitted (= not supported).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)] // field names are the DAP capability names
pub struct Capabilities {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_configuration_done_request: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_function_breakpoints: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_conditional_breakpoints: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_hit_conditional_breakpoints: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_evaluate_for_hovers: Option<bool>,
    /// Exception filters shown in the Breakpoints view.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exception_breakpoint_filters: Option<Vec<ExceptionBreakpointsFilter>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_step_back: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_set_variable: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_restart_frame: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_goto_targets_request: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_step_in_targets_request: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_completions_request: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion_trigger_characters: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_modules_request: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_module_columns: Option<Vec<Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supported_checksum_algorithms: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_restart_request: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_exception_options: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_value_formatting_options: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_exception_info_request: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_terminate_debuggee: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_suspend_debuggee: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_delayed_stack_trace_loading: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_loaded_sources_request: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_log_points: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_terminate_threads_request: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_set_expression: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_terminate_request: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_data_breakpoints: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_read_memory_request: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_write_memory_request: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_disassemble_request: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_cancel_request: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_breakpoint_locations_request: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_clipboard_context: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_stepping_granularity: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_instruction_breakpoints: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_exception_filter_options: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_single_thread_execution_requests: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_data_breakpoint_bytes: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breakpoint_modes: Option<Vec<Value>>,
    #[serde(default, rename = "supportsANSIStyling", skip_serializing_if = "Option::is_none")]
    pub supports_ansi_styling: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn source_spelling_and_skipping() {
        let s = Source {
            name: Some("main.py".into()),
            source_reference: Some(3),
            ..Source::default()
        };
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"{"name":"main.py","sourceReference":3}"#
        );
        assert_eq!(Source::from_path("/a/b/c.py").name.as_deref(), Some("c.py"));
        assert_eq!(Source::from_path("C:\\x\\y.py").name.as_deref(), Some("y.py"));
    }

    #[test]
    fn source_breakpoint_round_trips() {
        let v = json!({"line": 7, "column": 2, "condition": "x > 2",
                       "hitCondition": ">= 3", "logMessage": "x={x}", "mode": "hw"});
        let bp: SourceBreakpoint = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(bp.hit_condition.as_deref(), Some(">= 3"));
        assert_eq!(bp.log_message.as_deref(), Some("x={x}"));
        assert_eq!(serde_json::to_value(&bp).unwrap(), v);
        let minimal: SourceBreakpoint = serde_json::from_value(json!({"line": 1})).unwrap();
        assert_eq!(serde_json::to_string(&minimal).unwrap(), r#"{"line":1}"#);
    }

    #[test]
    fn variable_wire_names() {
        let v = Variable {
            name: "x".into(),
            value: "1".into(),
            type_: Some("int".into()),
            evaluate_name: Some("x".into()),
            variables_reference: 0,
            presentation_hint: Some(VariablePresentationHint {
                attributes: Some(vec!["readOnly".into()]),
                ..Default::default()
            }),
            indexed_variables: Some(2),
            ..Variable::default()
        };
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"name":"x","value":"1","type":"int","presentationHint":{"attributes":["readOnly"]},"evaluateName":"x","variablesReference":0,"indexedVariables":2}"#
        );
    }

    #[test]
    fn capabilities_names() {
        let c = Capabilities {
            supports_configuration_done_request: Some(true),
            support_terminate_debuggee: Some(true),
            supports_ansi_styling: Some(false),
            exception_breakpoint_filters: Some(vec![ExceptionBreakpointsFilter {
                filter: "uncaught".into(),
                label: "Uncaught Exceptions".into(),
                default: Some(true),
                ..Default::default()
            }]),
            ..Capabilities::default()
        };
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            r#"{"supportsConfigurationDoneRequest":true,"exceptionBreakpointFilters":[{"filter":"uncaught","label":"Uncaught Exceptions","default":true}],"supportTerminateDebuggee":true,"supportsANSIStyling":false}"#
        );
        assert_eq!(serde_json::to_string(&Capabilities::default()).unwrap(), "{}");
    }

    #[test]
    fn open_enum_keeps_unknown_values() {
        let m: ExceptionBreakMode = serde_json::from_str(r#""userUnhandled""#).unwrap();
        assert_eq!(m, ExceptionBreakMode::UserUnhandled);
        let m: ExceptionBreakMode = serde_json::from_str(r#""sometimes""#).unwrap();
        assert_eq!(m, ExceptionBreakMode::Other("sometimes".into()));
        assert_eq!(serde_json::to_string(&m).unwrap(), r#""sometimes""#);
        assert!(serde_json::from_str::<ExceptionBreakMode>("3").is_err());
    }
}
