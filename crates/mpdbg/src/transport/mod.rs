//! Transports: how the host reaches a device's byte stream. Each gives a
//! reader (device to host: program output and agent frames), a writer (host
//! to device) and, where the device has one, a separate error stream. A
//! serial port ([`serial`]) and a TCP socket ([`tcp`]) implement the same trait.
mod process;
mod run_end;
pub mod serial;
mod tcp;

pub use process::ProcessTransport;
pub use serial::SerialTransport;
pub use tcp::TcpTransport;

use std::io::{Read, Write};

/// The byte streams of an open link.
pub struct LinkStreams {
    pub reader: Box<dyn Read + Send>,
    pub writer: Box<dyn Write + Send>,
    /// The program's standard error, where the device keeps it apart.
    pub stderr: Option<Box<dyn Read + Send>>,
}

/// A link to a device running the agent.
pub trait Transport: Send {
    /// Hands out the streams; callable once.
    fn take_streams(&mut self) -> Option<LinkStreams>;
    /// Ends the link (and, for a local process, the process).
    fn shutdown(&mut self);
    /// The exit status of a local process once it has ended.
    fn exit_code(&mut self) -> Option<i32>;
    /// An OS process id to report to the editor, if any.
    fn process_id(&self) -> Option<u32>;
    /// Lets go of the link to a program that runs on (detached): a serial
    /// port is closed, so that the session ends; a socket closes by itself.
    fn release(&mut self) {}
    /// Why the link ended, when the user should hear it (a board that
    /// reset or went away); taken once.
    fn notice(&mut self) -> Option<String> {
        None
    }
}
