//! The three DAP message kinds (request, response, event) and builders for
//! responses.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::error::DapError;
use crate::types::Message;

/// Any DAP message, tagged on the wire by `"type"`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum ProtocolMessage {
    /// A request (from the client, or a reverse request from the adapter).
    Request(Request),
    /// A response to a request.
    Response(Response),
    /// An event (adapter to client).
    Event(Event),
}

impl ProtocolMessage {
    /// The message's sequence number.
    pub fn seq(&self) -> i64 {
        match self {
            ProtocolMessage::Request(r) => r.seq,
            ProtocolMessage::Response(r) => r.seq,
            ProtocolMessage::Event(e) => e.seq,
        }
    }

    /// Interprets a JSON value as a message. Unknown fields are ignored.
    pub fn from_value(value: Value) -> Result<Self, DapError> {
        let seq = value.get("seq").and_then(Value::as_i64);
        let command = value.get("command").and_then(Value::as_str).map(str::to_owned);
        let invalid = |message: String| DapError::InvalidMessage {
            message,
            seq,
            command: command.clone(),
        };
        let kind = match value.get("type") {
            Some(Value::String(s)) => s.clone(),
            Some(other) => return Err(invalid(format!("`type` must be a string, got {other}"))),
            None if value.is_object() => return Err(invalid("missing field `type`".into())),
            None => return Err(invalid(format!("expected a JSON object, got {value}"))),
        };
        let parsed = match kind.as_str() {
            "request" => serde_json::from_value(value).map(ProtocolMessage::Request),
            "response" => serde_json::from_value(value).map(ProtocolMessage::Response),
            "event" => serde_json::from_value(value).map(ProtocolMessage::Event),
            other => return Err(invalid(format!("unknown message type {other:?}"))),
        };
        parsed.map_err(|e| invalid(format!("bad {kind}: {e}")))
    }
}

impl From<Request> for ProtocolMessage {
    fn from(r: Request) -> Self {
        ProtocolMessage::Request(r)
    }
}

impl From<Response> for ProtocolMessage {
    fn from(r: Response) -> Self {
        ProtocolMessage::Response(r)
    }
}

impl From<Event> for ProtocolMessage {
    fn from(e: Event) -> Self {
        ProtocolMessage::Event(e)
    }
}

/// A request: `command` plus free-form `arguments` (JSON `null` when absent).
///
/// Use [`Request::parse`] to get a typed [`Command`](crate::Command).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// Sequence number chosen by the sender.
    pub seq: i64,
    /// The command, e.g. `"setBreakpoints"`.
    pub command: String,
    /// The arguments, as sent.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub arguments: Value,
}

impl Request {
    /// A request with the given command and arguments (`seq` is assigned
    /// when sent through a [`DapSender`](crate::DapSender)).
    pub fn new(command: impl Into<String>, arguments: Value) -> Self {
        Request {
            seq: 0,
            command: command.into(),
            arguments,
        }
    }
}

/// A response to the request with sequence number `request_seq`.
///
/// Builders leave `seq` at 0; [`DapSender`](crate::DapSender) assigns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// Sequence number of this message.
    pub seq: i64,
    /// Sequence number of the request answered (spelled `request_seq` on the
    /// wire, as DAP requires).
    pub request_seq: i64,
    /// Whether the request succeeded.
    pub success: bool,
    /// The command of the request answered.
    pub command: String,
    /// Short raw error text when `success` is false (or `"cancelled"`,
    /// `"notStopped"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The response body (omitted when `null`).
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub body: Value,
}

impl Response {
    /// A successful response without a body.
    pub fn ack(request: &Request) -> Self {
        Self::raw(request.seq, &request.command, true, None, Value::Null)
    }

    /// A successful response with `body` (any serialisable body type from
    /// this crate, or a `serde_json::Value`). Should serialisation fail, an
    /// error response is produced instead.
    pub fn success<B: Serialize>(request: &Request, body: B) -> Self {
        match serde_json::to_value(body) {
            Ok(body) => Self::raw(request.seq, &request.command, true, None, body),
            Err(e) => Self::error(request, format!("internal error: cannot encode body: {e}")),
        }
    }

    /// A failed response: `message` is both the raw short message and the
    /// user-visible `body.error` (id 1). Editors show `body.error.format`.
    pub fn error(request: &Request, message: impl Into<String>) -> Self {
        Self::error_for(request.seq, &request.command, message)
    }

    /// Like [`Response::error`], for when only the `seq` and `command` of the
    /// request are known (e.g. its arguments failed to parse).
    pub fn error_for(request_seq: i64, command: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let error = Message {
            id: 1,
            format: message.clone(),
            ..Message::default()
        };
        Self::error_message(request_seq, command, message, error)
    }

    /// A failed response with a short raw `message` and a full DAP
    /// [`Message`] object as `body.error`.
    pub fn error_message(request_seq: i64, command: &str, message: impl Into<String>, error: Message) -> Self {
        let body = json!({ "error": error });
        Self::raw(request_seq, command, false, Some(message.into()), body)
    }

    /// A failed response with `message: "cancelled"`, the DAP convention for
    /// a request aborted by a `cancel` request.
    pub fn cancelled(request: &Request) -> Self {
        Self::raw(
            request.seq,
            &request.command,
            false,
            Some("cancelled".into()),
            Value::Null,
        )
    }

    fn raw(request_seq: i64, command: &str, success: bool, message: Option<String>, body: Value) -> Self {
        Response {
            seq: 0,
            request_seq,
            success,
            command: command.to_owned(),
            message,
            body,
        }
    }
}

/// An event, e.g. `stopped`. Build typed ones with the constructors in
/// [`events`](crate::events).
///
/// `seq` is assigned by [`DapSender`](crate::DapSender). Bodies are held as
/// `serde_json::Value`, so their keys go out in alphabetical order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Sequence number of this message.
    pub seq: i64,
    /// The event name, e.g. `"stopped"`.
    pub event: String,
    /// The event body (omitted when `null`).
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub body: Value,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(seq: i64, command: &str) -> Request {
        Request {
            seq,
            command: command.into(),
            arguments: Value::Null,
        }
    }

    #[test]
    fn response_builders_exact_json() {
        let r = Response::ack(&req(4, "configurationDone"));
        assert_eq!(
            serde_json::to_string(&ProtocolMessage::from(r)).unwrap(),
            r#"{"type":"response","seq":0,"request_seq":4,"success":true,"command":"configurationDone"}"#
        );
        let r = Response::error(&req(5, "evaluate"), "name 'x' isn't defined");
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"seq":0,"request_seq":5,"success":false,"command":"evaluate","message":"name 'x' isn't defined","body":{"error":{"format":"name 'x' isn't defined","id":1}}}"#
        );
        let r = Response::success(&req(6, "threads"), json!({"threads": []}));
        assert_eq!(r.body, json!({"threads": []}));
        let r = Response::cancelled(&req(7, "stackTrace"));
        assert_eq!(r.message.as_deref(), Some("cancelled"));
        assert!(!r.success);
    }

    #[test]
    fn success_with_unserialisable_body_becomes_error() {
        let mut map = std::collections::HashMap::new();
        map.insert(vec![1u8], 1);
        let r = Response::success(&req(1, "x"), map);
        assert!(!r.success);
    }

    #[test]
    fn from_value_errors_keep_seq_and_command() {
        let e = ProtocolMessage::from_value(json!({"seq": 3, "command": "next"})).unwrap_err();
        assert_eq!(e.request_seq(), Some(3));
        assert_eq!(e.command(), Some("next"));
        assert!(e.to_string().contains("missing field `type`"));
        let e = ProtocolMessage::from_value(json!({"type": "request", "seq": "x", "command": "a"})).unwrap_err();
        assert!(matches!(e, DapError::InvalidMessage { .. }), "{e}");
        assert!(e.error_response().is_none());
        let e = ProtocolMessage::from_value(json!([1])).unwrap_err();
        assert!(e.to_string().contains("expected a JSON object"));
        let e = ProtocolMessage::from_value(json!({"type": "notify", "seq": 1})).unwrap_err();
        assert!(e.to_string().contains("unknown message type"));
        let e = ProtocolMessage::from_value(json!({"type": "request", "seq": 9})).unwrap_err();
        assert!(e.to_string().contains("missing field `command`"), "{e}");
    }

    #[test]
    fn arguments_default_to_null() {
        let m = ProtocolMessage::from_value(json!({"type":"request","seq":1,"command":"threads"})).unwrap();
        assert_eq!(m, ProtocolMessage::Request(req(1, "threads")));
        assert_eq!(m.seq(), 1);
    }
}
