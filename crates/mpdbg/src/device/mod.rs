//! The device side of a session: the protocol to the agent and the client
//! that runs it over a transport.
pub mod client;
pub mod fields;
pub mod frame;
pub mod message;

pub use client::{DeviceClient, DeviceEvent};
pub use message::{DeviceFrame, DeviceMessage, DeviceValue, Locals, Request, SetTarget, INPUT_CHUNK};

/// The agent protocol's major version this host speaks (docs/protocol.md);
/// 2 added program input (`U`) and interrupting a request (`J`).
pub const PROTOCOL: &str = "2";
