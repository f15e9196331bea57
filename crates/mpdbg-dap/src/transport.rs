//! Connections to the editor: a [`DapReader`] for incoming messages and a
//! cloneable, thread-safe [`DapSender`] for outgoing ones, over stdio, TCP or
//! any byte streams.
//!
//! The sender numbers outgoing messages itself: `seq` is assigned and the
//! frame written under one lock, so numbers are strictly increasing on the
//! wire even when several threads send at once.

use std::io::{self, BufRead, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;
use serde_json::Value;

use crate::codec::{self, FrameReader, DEFAULT_MAX_MESSAGE_SIZE};
use crate::error::DapError;
use crate::messages::{Event, ProtocolMessage, Request, Response};

/// The largest message a socket peer may send (an editor's biggest, a
/// `setBreakpoints` of a long file, is a few KB).
pub const SOCKET_MAX_MESSAGE_SIZE: usize = 1024 * 1024;

/// The reading half of a connection.
pub struct DapReader {
    frames: FrameReader<Box<dyn BufRead + Send>>,
    /// An unrecoverable error was reported: the stream is finished.
    done: bool,
}

impl DapReader {
    /// Reads from `reader` with the default message size cap.
    pub fn new(reader: impl BufRead + Send + 'static) -> Self {
        Self::with_max_size(reader, DEFAULT_MAX_MESSAGE_SIZE)
    }

    /// Reads an untrusted peer (a socket): strict framing, and any malformed
    /// message ends the stream instead of being skipped.
    pub fn strict(reader: impl BufRead + Send + 'static) -> Self {
        let boxed: Box<dyn BufRead + Send> = Box::new(reader);
        DapReader {
            frames: FrameReader::strict(boxed, SOCKET_MAX_MESSAGE_SIZE),
            done: false,
        }
    }

    /// Reads from `reader`, rejecting bodies over `max_size` bytes.
    pub fn with_max_size(reader: impl BufRead + Send + 'static, max_size: usize) -> Self {
        let boxed: Box<dyn BufRead + Send> = Box::new(reader);
        DapReader {
            frames: FrameReader::with_max_size(boxed, max_size),
            done: false,
        }
    }

    /// Blocks for the next message. `Ok(None)` means the client closed the
    /// connection. After an error for which [`DapError::is_recoverable`]
    /// holds, keep reading; after any other error, later calls return
    /// `Ok(None)`.
    pub fn read_message(&mut self) -> Result<Option<ProtocolMessage>, DapError> {
        if self.done {
            return Ok(None);
        }
        let body = match self.frames.read_frame() {
            Ok(Some(body)) => body,
            Ok(None) => return Ok(None),
            Err(e) => {
                self.done = !e.is_recoverable();
                return Err(e);
            }
        };
        let decoded = codec::decode_message(&body);
        if let (Err(e), true) = (&decoded, self.frames.is_strict()) {
            // A socket peer that sends a broken message is not our editor.
            self.done = true;
            return Err(DapError::NotDap(e.to_string()));
        }
        if let Err(DapError::InvalidJson { .. } | DapError::InvalidUtf8 { .. }) = decoded {
            // A length that was too long swallows the next frame: recover it.
            self.frames.push_back_embedded_frame(&body);
        }
        decoded.map(Some)
    }
}

impl std::fmt::Debug for DapReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DapReader").finish_non_exhaustive()
    }
}

impl Iterator for DapReader {
    type Item = Result<ProtocolMessage, DapError>;

    /// Yields messages and errors until the stream ends; stops after an
    /// unrecoverable error.
    fn next(&mut self) -> Option<Self::Item> {
        match self.read_message() {
            Ok(m) => m.map(Ok),
            Err(e) => Some(Err(e)),
        }
    }
}

struct WriterState {
    writer: Box<dyn Write + Send>,
    next_seq: i64,
}

struct SenderInner {
    state: Mutex<WriterState>,
    /// Closes the underlying connection (TCP), unblocking the reader.
    shutdown: Option<Box<dyn Fn() + Send + Sync>>,
}

/// The writing half of a connection. Cheap to clone; every clone writes to
/// the same stream and shares the `seq` counter, so it can be handed to
/// threads that emit events (output, stopped) while the session loop is
/// blocked reading a request.
#[derive(Clone)]
pub struct DapSender {
    inner: Arc<SenderInner>,
}

impl std::fmt::Debug for DapSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DapSender").finish_non_exhaustive()
    }
}

impl DapSender {
    /// Writes to `writer`; outgoing `seq` numbers start at 1.
    pub fn new(writer: impl Write + Send + 'static) -> Self {
        Self::build(Box::new(writer), None)
    }

    fn build(writer: Box<dyn Write + Send>, shutdown: Option<Box<dyn Fn() + Send + Sync>>) -> Self {
        DapSender {
            inner: Arc::new(SenderInner {
                state: Mutex::new(WriterState { writer, next_seq: 1 }),
                shutdown,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, WriterState> {
        // A panic elsewhere while holding the lock cannot leave a partial
        // frame behind (frames are written with one `write_all`), so the
        // state is still usable.
        self.inner.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Sends a message, overwriting its `seq` with the next number, and
    /// returns that number. The frame is flushed before returning.
    pub fn send(&self, message: impl Into<ProtocolMessage>) -> Result<i64, DapError> {
        let mut message = message.into();
        let mut state = self.lock();
        let seq = state.next_seq;
        match &mut message {
            ProtocolMessage::Request(r) => r.seq = seq,
            ProtocolMessage::Response(r) => r.seq = seq,
            ProtocolMessage::Event(e) => e.seq = seq,
        }
        let body = codec::encode_message(&message)?;
        codec::write_frame(&mut state.writer, &body)?;
        state.next_seq += 1;
        Ok(seq)
    }

    /// Sends a response.
    pub fn send_response(&self, response: Response) -> Result<i64, DapError> {
        self.send(response)
    }

    /// Sends an event.
    pub fn send_event(&self, event: Event) -> Result<i64, DapError> {
        self.send(event)
    }

    /// Sends a (reverse) request such as `runInTerminal`; returns its `seq`,
    /// which the client's response will carry as `request_seq`.
    pub fn send_request(&self, command: &str, arguments: Value) -> Result<i64, DapError> {
        self.send(Request::new(command, arguments))
    }

    /// Answers `request` successfully with `body`.
    pub fn respond<B: Serialize>(&self, request: &Request, body: B) -> Result<i64, DapError> {
        self.send(Response::success(request, body))
    }

    /// Answers `request` successfully without a body.
    pub fn ack(&self, request: &Request) -> Result<i64, DapError> {
        self.send(Response::ack(request))
    }

    /// Answers `request` with an error.
    pub fn respond_error(&self, request: &Request, message: impl Into<String>) -> Result<i64, DapError> {
        self.send(Response::error(request, message))
    }

    /// Closes the connection where that is possible (TCP: both directions,
    /// which also unblocks a reader waiting in another thread). Stdio and
    /// generic writers are only flushed.
    pub fn shutdown(&self) {
        if let Some(shutdown) = &self.inner.shutdown {
            shutdown();
        } else {
            let _ = self.lock().writer.flush();
        }
    }
}

/// A connection to the editor: reader and sender halves.
#[derive(Debug)]
pub struct Connection {
    /// Incoming messages.
    pub reader: DapReader,
    /// Outgoing messages (clone freely).
    pub sender: DapSender,
}

impl Connection {
    /// A connection over any pair of streams.
    pub fn new(reader: impl BufRead + Send + 'static, writer: impl Write + Send + 'static) -> Self {
        Connection {
            reader: DapReader::new(reader),
            sender: DapSender::new(writer),
        }
    }

    /// The process's stdin and stdout. Once this is in use, nothing else in
    /// the process may write to stdout (log to stderr or a file instead).
    pub fn stdio() -> Self {
        Self::new(BufReader::new(io::stdin()), io::stdout())
    }

    /// A connection over an accepted or connected TCP stream.
    pub fn from_tcp(stream: TcpStream) -> io::Result<Self> {
        // Small request/response messages: do not wait for Nagle.
        stream.set_nodelay(true)?;
        let read_half = stream.try_clone()?;
        let control = stream.try_clone()?;
        let shutdown: Box<dyn Fn() + Send + Sync> = Box::new(move || {
            let _ = control.shutdown(Shutdown::Both);
        });
        Ok(Connection {
            reader: DapReader::strict(BufReader::new(read_half)),
            sender: DapSender::build(Box::new(stream), Some(shutdown)),
        })
    }

    /// Connects out to a client listening at `addr` (e.g. an editor waiting
    /// for the adapter to connect).
    pub fn connect(addr: impl ToSocketAddrs) -> io::Result<Self> {
        Self::from_tcp(TcpStream::connect(addr)?)
    }
}

/// A TCP listener for editors that connect to the adapter (VS Code
/// `debugServer`, Python-style `"connect": {"host", "port"}` attach configs).
#[derive(Debug)]
pub struct DapListener {
    listener: TcpListener,
}

impl DapListener {
    /// Listens on `addr` (port 0 picks a free port; see
    /// [`DapListener::local_addr`]).
    pub fn bind(addr: impl ToSocketAddrs) -> io::Result<Self> {
        Ok(DapListener {
            listener: TcpListener::bind(addr)?,
        })
    }

    /// The address actually listened on.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Waits for one client and returns the connection and its address.
    pub fn accept(&self) -> io::Result<(Connection, SocketAddr)> {
        let (stream, peer) = self.listener.accept()?;
        Ok((Connection::from_tcp(stream)?, peer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    /// A writer that appends into a shared buffer.
    #[derive(Clone, Default)]
    struct SharedBuf(Arc<Mutex<Vec<u8>>>);

    impl Write for SharedBuf {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn sender_assigns_seq_and_writes_exact_frames() {
        let buf = SharedBuf::default();
        let sender = DapSender::new(buf.clone());
        let req = Request {
            seq: 1,
            command: "initialize".into(),
            arguments: Value::Null,
        };
        assert_eq!(sender.ack(&req).unwrap(), 1);
        assert_eq!(sender.send_event(Event::initialized()).unwrap(), 2);
        let expected = concat!(
            "Content-Length: 81\r\n\r\n",
            r#"{"type":"response","seq":1,"request_seq":1,"success":true,"command":"initialize"}"#,
            "Content-Length: 46\r\n\r\n",
            r#"{"type":"event","seq":2,"event":"initialized"}"#,
        );
        assert_eq!(String::from_utf8(buf.0.lock().unwrap().clone()).unwrap(), expected);
    }

    #[test]
    fn concurrent_senders_keep_seq_monotonic_on_the_wire() {
        let buf = SharedBuf::default();
        let sender = DapSender::new(buf.clone());
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let s = sender.clone();
                std::thread::spawn(move || {
                    for i in 0..50 {
                        let text = format!("thread {t} line {i}\n");
                        s.send_event(Event::output(crate::OutputCategory::Stdout, text))
                            .unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let bytes = buf.0.lock().unwrap().clone();
        let mut reader = DapReader::new(io::Cursor::new(bytes));
        let mut seqs = Vec::new();
        while let Some(m) = reader.read_message().unwrap() {
            seqs.push(m.seq());
        }
        assert_eq!(seqs, (1..=400).collect::<Vec<_>>());
    }

    /// Yields some bytes, then fails.
    struct Failing(io::Cursor<Vec<u8>>);

    impl io::Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            match self.0.read(buf)? {
                0 => Err(io::Error::new(io::ErrorKind::ConnectionReset, "reset")),
                n => Ok(n),
            }
        }
    }

    #[test]
    fn io_error_ends_the_stream() {
        let mut bytes = codec::encode_frame(br#"{"seq":1,"type":"event","event":"x"}"#);
        bytes.extend_from_slice(b"Content-Len");
        let mut reader = DapReader::new(BufReader::new(Failing(io::Cursor::new(bytes))));
        let results: Vec<_> = (&mut reader).collect();
        assert_eq!(results.len(), 2);
        assert!(results[0].is_ok());
        assert!(matches!(results[1], Err(DapError::Io(_))));
        assert!(reader.read_message().unwrap().is_none());
    }

    #[test]
    fn tcp_loopback() {
        let listener = DapListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = mpsc::channel();
        let server = std::thread::spawn(move || {
            let (conn, _peer) = listener.accept().unwrap();
            let Connection { mut reader, sender } = conn;
            // Events from another thread while the loop reads.
            let events = sender.clone();
            let emitter = std::thread::spawn(move || {
                events
                    .send_event(Event::output(crate::OutputCategory::Console, "hello\n"))
                    .unwrap();
            });
            while let Some(msg) = reader.read_message().unwrap() {
                let ProtocolMessage::Request(req) = msg else {
                    continue;
                };
                match req.parse() {
                    Ok(crate::Command::Initialize(_)) => {
                        sender.respond(&req, crate::Capabilities::default()).unwrap();
                        sender.send_event(Event::initialized()).unwrap();
                    }
                    Ok(crate::Command::Disconnect(_)) => {
                        sender.ack(&req).unwrap();
                        break;
                    }
                    Ok(_) | Err(_) => {
                        sender.respond_error(&req, "unsupported").unwrap();
                    }
                }
            }
            emitter.join().unwrap();
            tx.send(()).unwrap();
        });

        let Connection {
            reader: mut client_in,
            sender: client_out,
        } = Connection::connect(addr).unwrap();
        client_out
            .send_request("initialize", serde_json::json!({"adapterID": "mpdbg"}))
            .unwrap();
        client_out.send_request("bogus", Value::Null).unwrap();
        client_out.send_request("disconnect", Value::Null).unwrap();
        let mut got = Vec::new();
        while let Some(m) = client_in.read_message().unwrap() {
            got.push(m);
        }
        rx.recv().unwrap();
        server.join().unwrap();

        let responses: Vec<_> = got
            .iter()
            .filter_map(|m| match m {
                ProtocolMessage::Response(r) => Some((r.request_seq, r.command.as_str(), r.success)),
                _ => None,
            })
            .collect();
        assert_eq!(
            responses,
            vec![(1, "initialize", true), (2, "bogus", false), (3, "disconnect", true)]
        );
        let events: Vec<_> = got
            .iter()
            .filter_map(|m| match m {
                ProtocolMessage::Event(e) => Some(e.event.as_str()),
                _ => None,
            })
            .collect();
        assert!(events.contains(&"initialized") && events.contains(&"output"));
        let seqs: Vec<i64> = got.iter().map(ProtocolMessage::seq).collect();
        assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    }

    #[test]
    fn shutdown_unblocks_tcp_reader() {
        let listener = DapListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let client = std::thread::spawn(move || Connection::connect(addr).unwrap());
        let (mut server, _) = listener.accept().unwrap();
        let _client = client.join().unwrap();
        let sender = server.sender.clone();
        let reader = std::thread::spawn(move || server.reader.read_message().map(|m| m.is_none()));
        std::thread::sleep(std::time::Duration::from_millis(50));
        sender.shutdown();
        assert!(reader.join().unwrap().unwrap());
    }
}
