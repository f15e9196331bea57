//! A board's serial port (USB CDC, a UART bridge, a pty): opening it, and
//! the link to a program started from its raw REPL. The stream ends when the
//! REPL says the run is over, when the board resets (its start-up text
//! arrives) or when the port goes away (unplugged).
use super::run_end::{Piece, RunEnd};
use super::{LinkStreams, Transport};
use crate::repl::Link;
use anyhow::{anyhow, Result};
use serialport::SerialPort;
use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// How often the reader looks up from a quiet port (to notice a session end).
const READ_SLICE: Duration = Duration::from_millis(100);
/// How long `terminate` waits for the program to end before it says so.
const STOP_WAIT: Duration = Duration::from_secs(2);

/// An open serial port.
pub struct SerialLink {
    port: Box<dyn SerialPort>,
}

/// Opens `path` at `baud` for this process alone.
pub fn open(path: &str, baud: u32) -> Result<SerialLink> {
    let port = serialport::new(path, baud)
        .timeout(READ_SLICE)
        .open()
        .map_err(|e| open_error(path, &e))?;
    Ok(SerialLink { port })
}

fn open_error(path: &str, e: &serialport::Error) -> anyhow::Error {
    use serialport::ErrorKind as K;
    match e.kind() {
        K::NoDevice => anyhow!(
            "{path} is in use by another program (a serial monitor, mpremote, another debugger?): close it and try again"
        ),
        K::Io(io::ErrorKind::NotFound) => {
            anyhow!("there is no serial port {path}: `mpdbg devices` lists the ports there are")
        }
        K::Io(io::ErrorKind::PermissionDenied) => anyhow!(
            "no permission to open {path}: add yourself to its group (on Linux usually `dialout`: \
             sudo usermod -aG dialout $USER, then log in again)"
        ),
        _ => anyhow!("cannot open {path}: {e}"),
    }
}

impl SerialLink {
    fn try_clone(&self) -> Result<Box<dyn SerialPort>> {
        self.port
            .try_clone()
            .map_err(|e| anyhow!("cannot share the serial port: {e}"))
    }
}

impl Read for SerialLink {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.port.read(buf)
    }
}

impl Write for SerialLink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.port.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.port.flush()
    }
}

impl Link for SerialLink {
    fn set_read_timeout(&mut self, timeout: Duration) -> io::Result<()> {
        self.port.set_timeout(timeout).map_err(io::Error::other)
    }
    fn bytes_waiting(&mut self) -> io::Result<usize> {
        self.port.bytes_to_read().map(|n| n as usize).map_err(io::Error::other)
    }
    fn discard_input(&mut self) -> io::Result<()> {
        self.port
            .clear(serialport::ClearBuffer::Input)
            .map_err(io::Error::other)
    }
}

/// How the program's run on the board ended.
#[derive(Clone, Debug, PartialEq, Eq)]
enum End {
    /// The REPL said the run is over.
    Finished,
    /// The board printed its start-up text.
    Reset,
    /// The port failed (unplugged).
    Gone(String),
    /// The session let go of the port.
    Released,
}

struct Shared {
    end: Mutex<Option<End>>,
    ended: Condvar,
    /// The port's writing side (requests, Ctrl-B, Ctrl-C). Closed at the end
    /// of the run, with the reader's, so that the next tool can open the port.
    port: Mutex<Option<Box<dyn SerialPort>>>,
    /// The reader has closed its side of the port.
    reader_closed: Mutex<bool>,
}

impl Shared {
    fn finish(&self, end: End) {
        if let Ok(mut e) = self.end.lock() {
            e.get_or_insert(end);
        }
        self.ended.notify_all();
    }

    fn write(&self, bytes: &[u8]) -> io::Result<()> {
        let mut port = self
            .port
            .lock()
            .map_err(|_| io::Error::other("serial port lock poisoned"))?;
        match port.as_mut() {
            Some(p) => p.write_all(bytes).and_then(|_| p.flush()),
            None => Err(io::Error::new(
                io::ErrorKind::NotConnected,
                "the session's link to the board is closed",
            )),
        }
    }

    fn close(&self) {
        if let Ok(mut p) = self.port.lock() {
            p.take();
        }
    }

    fn reader_let_go(&self) {
        if let Ok(mut closed) = self.reader_closed.lock() {
            *closed = true;
        }
        self.ended.notify_all();
    }

    /// Waits (bounded) until the reader closed its side: the port is free.
    fn wait_reader_closed(&self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        let Ok(mut closed) = self.reader_closed.lock() else {
            return;
        };
        while !*closed {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            closed = match self.ended.wait_timeout(closed, left) {
                Ok(c) => c.0,
                Err(_) => return,
            };
        }
    }

    fn get(&self) -> Option<End> {
        self.end.lock().ok().and_then(|e| e.clone())
    }
}

/// The link to a program running under the agent on a board.
pub struct SerialTransport {
    name: String,
    streams: Option<LinkStreams>,
    shared: Arc<Shared>,
    notice: Option<String>,
    /// The session ended the program: a restart that follows is no news.
    terminating: bool,
    /// Attached to a program that runs on after the session (no exit code).
    attached: bool,
    /// Kept alive for the session (an emulator process, for example).
    _keep: Option<Box<dyn Send>>,
}

impl SerialTransport {
    /// Takes over `link` once the board runs the agent.
    /// `first` is what the board sent past the start that the REPL driver read.
    pub fn new(link: SerialLink, first: Vec<u8>, name: &str, keep: Option<Box<dyn Send>>) -> Result<SerialTransport> {
        let shared = Arc::new(Shared {
            end: Mutex::new(None),
            ended: Condvar::new(),
            port: Mutex::new(Some(link.try_clone()?)),
            reader_closed: Mutex::new(false),
        });
        let (err_tx, err_rx) = channel();
        let mut reader = RunReader {
            port: Some(link.port),
            end: RunEnd::default(),
            pending: VecDeque::new(),
            shared: shared.clone(),
            stderr: Some(err_tx),
            name: name.to_string(),
        };
        for piece in reader.end.push(&first) {
            reader.on_piece(piece);
        }
        Ok(SerialTransport {
            name: name.to_string(),
            streams: Some(LinkStreams {
                reader: Box::new(reader),
                writer: Box::new(SharedWriter(shared.clone())),
                stderr: Some(Box::new(ChannelReader {
                    rx: err_rx,
                    rest: Vec::new(),
                })),
            }),
            shared,
            notice: None,
            terminating: false,
            attached: false,
            _keep: keep,
        })
    }

    /// The link to a program that was started without the debugger, which
    /// an agent on the board is attaching to now.
    pub fn attached(link: SerialLink, name: &str) -> Result<SerialTransport> {
        let mut t = SerialTransport::new(link, Vec::new(), name, None)?;
        t.attached = true;
        Ok(t)
    }

    fn wait_end(&self, timeout: Duration) -> Option<End> {
        let deadline = Instant::now() + timeout;
        let mut end = self.shared.end.lock().ok()?;
        while end.is_none() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            end = self.shared.ended.wait_timeout(end, left).ok()?.0;
        }
        end.clone()
    }
}

impl Transport for SerialTransport {
    fn take_streams(&mut self) -> Option<LinkStreams> {
        self.streams.take()
    }

    fn shutdown(&mut self) {
        self.terminating = true;
        if self.wait_end(STOP_WAIT).is_some() {
            return;
        }
        // The agent did not end the program: perhaps it detached and the
        // program is in C code. Ctrl-C, unless the program disabled it.
        self.shared.write(b"\x03\x03").ok();
        if self.wait_end(STOP_WAIT).is_none() {
            self.notice = Some(format!(
                "mpdbg: the program on {} did not stop on Ctrl-C (it may call micropython.kbd_intr(-1)); \
                 reset the board to stop it",
                self.name
            ));
            self.shared.finish(End::Released);
        }
    }

    fn exit_code(&mut self) -> Option<i32> {
        if self.attached && self.shared.get() == Some(End::Released) {
            return None; // detached: the program runs on
        }
        match self.shared.get()? {
            End::Finished => Some(0),
            _ => Some(1),
        }
    }

    fn process_id(&self) -> Option<u32> {
        None
    }

    fn release(&mut self) {
        self.shared.finish(End::Released);
        self.shared.close();
        // The next attach (or tool) opens the port at once: it must be free.
        self.shared.wait_reader_closed(READ_SLICE * 5);
    }

    fn notice(&mut self) -> Option<String> {
        if let Some(n) = self.notice.take() {
            return Some(n);
        }
        match self.shared.get()? {
            End::Reset if !self.terminating => Some(format!(
                "mpdbg: the board on {} reset during the session (its start-up text arrived); the program is gone",
                self.name
            )),
            End::Gone(e) => Some(format!(
                "mpdbg: the board on {} went away during the session ({e}): was it unplugged?",
                self.name
            )),
            _ => None,
        }
    }
}

impl Drop for SerialTransport {
    fn drop(&mut self) {
        self.shared.finish(End::Released);
        self.shared.close();
    }
}

/// Host-to-board bytes of the session (the agent's requests).
struct SharedWriter(Arc<Shared>);

impl Write for SharedWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf).map(|_| buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The board's output while the program runs, up to the end of the run.
struct RunReader {
    /// Dropped when the run ends, closing the reader's side of the port.
    port: Option<Box<dyn SerialPort>>,
    end: RunEnd,
    pending: VecDeque<u8>,
    shared: Arc<Shared>,
    stderr: Option<Sender<Vec<u8>>>,
    name: String,
}

impl RunReader {
    fn on_piece(&mut self, piece: Piece) {
        match piece {
            Piece::Output(bytes) => self.pending.extend(bytes),
            Piece::End(err) => {
                if let Some(tx) = self.stderr.take() {
                    if !err.is_empty() {
                        tx.send(err).ok();
                    }
                }
                // Back to the friendly REPL, as after mpremote; the port is free.
                self.shared.write(b"\r\x02").ok();
                self.shared.close();
                self.shared.finish(End::Finished);
            }
            Piece::Reset => self.shared.finish(End::Reset),
        }
    }
}

impl Read for RunReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut chunk = [0u8; 4096];
        loop {
            if !self.pending.is_empty() {
                let n = buf.len().min(self.pending.len());
                for (slot, b) in buf.iter_mut().zip(self.pending.drain(..n)) {
                    *slot = b;
                }
                return Ok(n);
            }
            if self.shared.get().is_some() {
                self.stderr = None;
                self.port = None;
                self.shared.close();
                self.shared.reader_let_go();
                return Ok(0);
            }
            let Some(port) = self.port.as_mut() else { return Ok(0) };
            match port.read(&mut chunk) {
                Ok(0) => self.shared.finish(End::Gone(format!("{} closed", self.name))),
                Ok(n) => {
                    for piece in self.end.push(&chunk[..n]) {
                        self.on_piece(piece);
                    }
                }
                Err(e) if matches!(e.kind(), io::ErrorKind::TimedOut | io::ErrorKind::Interrupted) => {}
                Err(e) => self.shared.finish(End::Gone(e.to_string())),
            }
        }
    }
}

impl Drop for RunReader {
    fn drop(&mut self) {
        self.port = None;
        self.shared.reader_let_go();
    }
}

/// The REPL's error text after a run, as a stream.
struct ChannelReader {
    rx: Receiver<Vec<u8>>,
    rest: Vec<u8>,
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.rest.is_empty() {
            match self.rx.recv() {
                Ok(b) => self.rest = b,
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.rest.len());
        buf[..n].copy_from_slice(&self.rest[..n]);
        self.rest.drain(..n);
        Ok(n)
    }
}
