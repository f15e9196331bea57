//! Runs the device protocol over a transport: a reader thread separates
//! program output from agent frames; requests wait for their replies with a
//! bound; everything else becomes a [`DeviceEvent`].
use super::frame::{self, Demux, Piece};
use super::message::{decode, DeviceMessage, Request};
use crate::transport::LinkStreams;
use anyhow::{anyhow, Result};
use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

/// How long a possible frame start is held back before it counts as output.
/// A frame's bytes can pause mid-way: an emulated board descheduled on a busy
/// host paused 58 ms inside one, which 50 ms turned into program output. Only
/// output that forges a frame's start (never UTF-8 text) waits this long.
const HOLD_BACK: Duration = Duration::from_millis(1000);

/// What arrives from the device unasked.
#[derive(Debug)]
pub enum DeviceEvent {
    /// Program output, byte-exact; `stderr` when it came on the error stream.
    Output {
        stderr: bool,
        bytes: Vec<u8>,
    },
    Message(DeviceMessage),
    /// A frame that did not decode (a bug or a version mismatch), kept for the log.
    BadMessage(String),
    /// The device's stream ended.
    Closed,
}

pub struct DeviceClient {
    writer: Mutex<Box<dyn Write + Send>>,
    replies: Mutex<Receiver<DeviceMessage>>,
    next_id: AtomicU32,
    /// A request waits for its reply.
    in_flight: AtomicBool,
    /// The front end's request was interrupted: its device requests fail
    /// until [`DeviceClient::interrupt_done`].
    interrupted: AtomicBool,
}

impl DeviceClient {
    /// Starts the reader threads; events go to `events`.
    pub fn start(streams: LinkStreams, events: Sender<DeviceEvent>) -> DeviceClient {
        let (reply_tx, reply_rx) = channel();
        let (chunk_tx, chunk_rx) = channel::<Option<Vec<u8>>>();
        spawn_reader(streams.reader, chunk_tx);
        // `Closed` must come after the last of the error stream too (a
        // SyntaxError's message arrives there just before the end).
        let (stderr_done_tx, stderr_done) = channel::<()>();
        let ev = events.clone();
        thread::spawn(move || demux_loop(chunk_rx, reply_tx, ev, stderr_done));
        if let Some(mut err) = streams.stderr {
            thread::spawn(move || {
                let _done = stderr_done_tx;
                let mut buf = [0u8; 4096];
                while let Ok(n) = err.read(&mut buf) {
                    if n == 0
                        || events
                            .send(DeviceEvent::Output {
                                stderr: true,
                                bytes: buf[..n].to_vec(),
                            })
                            .is_err()
                    {
                        break;
                    }
                }
            });
        }
        DeviceClient {
            writer: Mutex::new(streams.writer),
            replies: Mutex::new(reply_rx),
            next_id: AtomicU32::new(1),
            in_flight: AtomicBool::new(false),
            interrupted: AtomicBool::new(false),
        }
    }

    fn write(&self, req: &Request, id: u32) -> Result<()> {
        let mut w = self.writer.lock().map_err(|_| anyhow!("device writer poisoned"))?;
        write_to(&mut **w, req, id)
    }

    /// Sends a request that has no reply (continue, step, detach...).
    pub fn send(&self, req: &Request) -> Result<()> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.write(req, id)
    }

    /// Sends a request and waits up to `timeout` for its reply.
    pub fn request(&self, req: &Request, timeout: Duration) -> Result<DeviceMessage> {
        let replies = self
            .replies
            .lock()
            .map_err(|_| anyhow!("device reply queue poisoned"))?;
        // Replies to requests that timed out earlier are stale: drop them.
        while replies.try_recv().is_ok() {}
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        {
            // Under the writer's lock, as in interrupt(): a cancel is
            // either seen here or written after this request.
            let mut w = self.writer.lock().map_err(|_| anyhow!("device writer poisoned"))?;
            if self.interrupted.load(Ordering::SeqCst) {
                return Err(anyhow!("interrupted"));
            }
            write_to(&mut **w, req, id)?;
            self.in_flight.store(true, Ordering::SeqCst);
        }
        let reply = wait_reply(&replies, id, timeout);
        let reply = match reply {
            Err(ReplyError::Timeout) => {
                // Whatever the agent runs for us (a loop in an evaluation, a
                // slow repr) must not wedge the session: interrupt it, so
                // that the next request is served and answered in turn.
                self.write(&Request::Cancel, 0).ok();
                match wait_reply(&replies, id, INTERRUPT_GRACE) {
                    Ok(_) | Err(ReplyError::Timeout) => Err(anyhow!(
                        "interrupted: the device did not answer within {:.1} s",
                        timeout.as_secs_f32()
                    )),
                    Err(ReplyError::Closed) => Err(anyhow!("the device link is closed")),
                }
            }
            Err(ReplyError::Closed) => Err(anyhow!("the device link is closed")),
            Ok(msg) => Ok(msg),
        };
        self.in_flight.store(false, Ordering::SeqCst);
        reply
    }

    /// Interrupts the request in flight, if any (DAP `cancel`, a `pause`
    /// during an evaluation); its reply then says "interrupted".
    pub fn interrupt(&self) -> Result<bool> {
        let mut w = self.writer.lock().map_err(|_| anyhow!("device writer poisoned"))?;
        self.interrupted.store(true, Ordering::SeqCst);
        if !self.in_flight.load(Ordering::SeqCst) {
            return Ok(false);
        }
        write_to(&mut **w, &Request::Cancel, 0).map(|_| true)
    }

    /// The front end's request is over: later requests run again.
    pub fn interrupt_done(&self) {
        self.interrupted.store(false, Ordering::SeqCst);
    }
}

fn write_to(w: &mut (dyn Write + Send), req: &Request, id: u32) -> Result<()> {
    let bytes = frame::encode(&req.encode(id)).map_err(|e| anyhow!(e))?;
    w.write_all(&bytes)
        .and_then(|_| w.flush())
        .map_err(|e| anyhow!("cannot write to the device: {e}"))
}

/// How long an interrupted request may take to answer.
const INTERRUPT_GRACE: Duration = Duration::from_millis(1500);

enum ReplyError {
    Timeout,
    Closed,
}

/// The reply to request `id`; replies to earlier requests are skipped.
fn wait_reply(replies: &Receiver<DeviceMessage>, id: u32, timeout: Duration) -> Result<DeviceMessage, ReplyError> {
    let deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match replies.recv_timeout(left) {
            Ok(msg) if msg.reply_id() == Some(id) => return Ok(msg),
            Ok(_) => continue,
            Err(RecvTimeoutError::Timeout) => return Err(ReplyError::Timeout),
            Err(RecvTimeoutError::Disconnected) => return Err(ReplyError::Closed),
        }
    }
}

fn spawn_reader(mut reader: Box<dyn Read + Send>, tx: Sender<Option<Vec<u8>>>) {
    thread::spawn(move || {
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            match reader.read(&mut buf) {
                Ok(0) | Err(_) => {
                    tx.send(None).ok();
                    break;
                }
                Ok(n) => {
                    if tx.send(Some(buf[..n].to_vec())).is_err() {
                        break;
                    }
                }
            }
        }
    });
}

/// How long the end of the link waits for the error stream to end too.
const STDERR_DRAIN: Duration = Duration::from_secs(2);

fn demux_loop(
    chunks: Receiver<Option<Vec<u8>>>,
    replies: Sender<DeviceMessage>,
    events: Sender<DeviceEvent>,
    stderr_done: Receiver<()>,
) {
    let mut demux = Demux::default();
    let emit = |piece: Piece| match piece {
        Piece::Output(bytes) => {
            events.send(DeviceEvent::Output { stderr: false, bytes }).ok();
        }
        Piece::Frame(payload) => match decode(&payload) {
            Ok(msg) if msg.reply_id().is_some() => {
                replies.send(msg).ok();
            }
            Ok(msg) => {
                events.send(DeviceEvent::Message(msg)).ok();
            }
            Err(e) => {
                events.send(DeviceEvent::BadMessage(e)).ok();
            }
        },
    };
    loop {
        let wait = if demux.holding() {
            HOLD_BACK
        } else {
            Duration::from_secs(3600)
        };
        match chunks.recv_timeout(wait) {
            Ok(Some(data)) => demux.push(&data).into_iter().for_each(emit),
            Err(RecvTimeoutError::Timeout) => demux.flush().into_iter().for_each(emit),
            Ok(None) | Err(RecvTimeoutError::Disconnected) => {
                while demux.holding() {
                    demux.flush().into_iter().for_each(emit);
                }
                // Disconnected (not a message) is the error stream's end.
                stderr_done.recv_timeout(STDERR_DRAIN).ok();
                events.send(DeviceEvent::Closed).ok();
                break;
            }
        }
    }
}
