//! Errors produced while reading DAP messages from the wire.

use std::fmt;
use std::io;

use crate::messages::Response;

/// An error from reading or decoding one DAP message.
///
/// Most variants are *recoverable*: the reader has consumed the offending
/// frame (or re-synchronised on the next `Content-Length` header) and the next
/// call to `read_message` may well return a good message. Use
/// [`DapError::is_recoverable`] to decide whether to keep reading, and
/// [`DapError::error_response`] to answer a request whose `seq` and `command`
/// could still be recovered.
#[derive(Debug)]
pub enum DapError {
    /// The underlying stream failed. Not recoverable.
    Io(io::Error),
    /// The stream ended in the middle of a message (`context` says where).
    /// The next read reports a clean end of stream.
    UnexpectedEof {
        /// Which part of the message was being read: `"header"` or `"body"`.
        context: &'static str,
        /// How many bytes of the body had arrived (0 while in the header).
        got: usize,
        /// How many bytes the header announced (0 while in the header).
        expected: usize,
    },
    /// A malformed header block: missing or non-numeric `Content-Length`,
    /// conflicting lengths, or bytes that were not framed at all. Recoverable.
    Header(String),
    /// The announced body is larger than the configured maximum. Recoverable
    /// (the reader re-synchronises on the next header).
    TooLarge {
        /// Length announced by the header.
        length: usize,
        /// Configured maximum.
        max: usize,
    },
    /// The body is not valid UTF-8. Recoverable.
    InvalidUtf8 {
        /// Best-effort `seq` of the request, if it could be sniffed.
        seq: Option<i64>,
        /// Best-effort `command` of the request, if it could be sniffed.
        command: Option<String>,
    },
    /// The body is not valid JSON. Recoverable.
    InvalidJson {
        /// The parser's message.
        message: String,
        /// Best-effort `seq` of the request, if it could be sniffed.
        seq: Option<i64>,
        /// Best-effort `command` of the request, if it could be sniffed.
        command: Option<String>,
    },
    /// The body is JSON but not a DAP protocol message (e.g. no `type`, a
    /// request without `command`). Recoverable.
    InvalidMessage {
        /// What is wrong.
        message: String,
        /// The `seq`, if present.
        seq: Option<i64>,
        /// The `command`, if present.
        command: Option<String>,
    },
    /// A strict (socket) reader met bytes that are not a DAP header: an HTTP
    /// request line, a browser's `Origin:` header, junk. Not recoverable: the
    /// connection must be closed with nothing parsed or run.
    NotDap(String),
    /// An outgoing message could not be serialised.
    Encode(serde_json::Error),
}

impl DapError {
    /// `true` if the session can go on reading after this error.
    pub fn is_recoverable(&self) -> bool {
        !matches!(
            self,
            DapError::Io(_) | DapError::UnexpectedEof { .. } | DapError::NotDap(_) | DapError::Encode(_)
        )
    }

    /// The `seq` of the offending request, when it could be recovered.
    pub fn request_seq(&self) -> Option<i64> {
        match self {
            DapError::InvalidUtf8 { seq, .. }
            | DapError::InvalidJson { seq, .. }
            | DapError::InvalidMessage { seq, .. } => *seq,
            _ => None,
        }
    }

    /// The `command` of the offending request, when it could be recovered.
    pub fn command(&self) -> Option<&str> {
        match self {
            DapError::InvalidUtf8 { command, .. }
            | DapError::InvalidJson { command, .. }
            | DapError::InvalidMessage { command, .. } => command.as_deref(),
            _ => None,
        }
    }

    /// An error response for the offending request, if both its `seq` and its
    /// `command` could be recovered. Otherwise the adapter should report the
    /// error some other way (an `output` event, a log line).
    pub fn error_response(&self) -> Option<Response> {
        let seq = self.request_seq()?;
        let command = self.command()?;
        Some(Response::error_for(seq, command, self.to_string()))
    }
}

impl fmt::Display for DapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DapError::Io(e) => write!(f, "DAP transport error: {e}"),
            DapError::UnexpectedEof {
                context: "body",
                got,
                expected,
            } => write!(f, "stream ended inside a DAP message body ({got} of {expected} bytes)"),
            DapError::UnexpectedEof { context, .. } => {
                write!(f, "stream ended inside a DAP message {context}")
            }
            DapError::Header(msg) => write!(f, "malformed DAP header: {msg}"),
            DapError::TooLarge { length, max } => {
                write!(f, "DAP message of {length} bytes exceeds the maximum of {max} bytes")
            }
            DapError::InvalidUtf8 { .. } => write!(f, "DAP message body is not valid UTF-8"),
            DapError::InvalidJson { message, .. } => {
                write!(f, "DAP message body is not valid JSON: {message}")
            }
            DapError::InvalidMessage { message, .. } => {
                write!(f, "invalid DAP message: {message}")
            }
            DapError::NotDap(what) => write!(f, "not the Debug Adapter Protocol: {what}"),
            DapError::Encode(e) => write!(f, "cannot encode DAP message: {e}"),
        }
    }
}

impl std::error::Error for DapError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DapError::Io(e) => Some(e),
            DapError::Encode(e) => Some(e),
            _ => None,
        }
    }
}

impl From<io::Error> for DapError {
    fn from(e: io::Error) -> Self {
        DapError::Io(e)
    }
}
