//! DAP wire layer for mpdbg: the Debug Adapter Protocol's framing, messages,
//! typed requests, response and event bodies, and transports.
//!
//! # A session loop
//!
//! ```no_run
//! use mpdbg_dap::{Capabilities, Command, Connection, Event, ProtocolMessage};
//!
//! let Connection { mut reader, sender } = Connection::stdio();
//! loop {
//!     let req = match reader.read_message() {
//!         Ok(Some(ProtocolMessage::Request(req))) => req,
//!         Ok(Some(_)) => continue, // responses to reverse requests, events
//!         Ok(None) => break,       // client closed the stream
//!         Err(e) if e.is_recoverable() => {
//!             if let Some(resp) = e.error_response() {
//!                 let _ = sender.send_response(resp);
//!             }
//!             continue;
//!         }
//!         Err(_) => break,
//!     };
//!     let sent = match req.parse() {
//!         Err(e) => sender.send_response(e.response()),
//!         Ok(Command::Initialize(_args)) => {
//!             let caps = Capabilities {
//!                 supports_configuration_done_request: Some(true),
//!                 ..Capabilities::default()
//!             };
//!             sender.respond(&req, caps).and_then(|_| sender.send_event(Event::initialized()))
//!         }
//!         Ok(Command::Disconnect(_)) => {
//!             let _ = sender.ack(&req);
//!             break;
//!         }
//!         Ok(_) => sender.respond_error(&req, format!("unsupported: {}", req.command)),
//!     };
//!     if sent.is_err() {
//!         break;
//!     }
//! }
//! ```
#![warn(missing_docs)]

pub mod codec;
pub mod error;
pub mod events;
pub mod messages;
pub mod requests;
pub mod responses;
pub mod transport;
pub mod types;

pub use codec::{decode_message, encode_frame, encode_message, write_frame, FrameReader, DEFAULT_MAX_MESSAGE_SIZE};
pub use error::DapError;
pub use events::*;
pub use messages::{Event, ProtocolMessage, Request, Response};
pub use requests::*;
pub use responses::*;
pub use transport::{Connection, DapListener, DapReader, DapSender};
pub use types::{
    Breakpoint, Capabilities, CompletionItem, ExceptionBreakMode, ExceptionBreakpointsFilter, ExceptionDetails,
    ExceptionFilterOptions, ExceptionOptions, ExceptionPathSegment, FunctionBreakpoint, Message, Module, Scope, Source,
    SourceBreakpoint, StackFrame, StackFrameFormat, Thread, ValueFormat, Variable, VariablePresentationHint,
};
