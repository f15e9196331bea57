//! `mpdbg dap --listen ADDR`: DAP for editors that connect over TCP.
//!
//! A web page can reach localhost, so the listener trusts no peer: it binds
//! loopback addresses only unless `--allow-remote` is given (and then only
//! with a `--token`), reads sockets with strict framing (an HTTP request is
//! closed at its first line, see `mpdbg_dap::FrameReader::strict`), and
//! serves one editor at a time: a second one gets an `output` event saying
//! why and is closed. An editor that comes back right after its disconnect
//! waits for its last session to end (detaching from a board takes a moment)
//! rather than being refused.
use anyhow::{bail, Context, Result};
use mpdbg_dap::{DapListener, Event};
use serde_json::json;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// How long a new connection waits for the session before it to end.
const SESSION_END_WAIT: Duration = Duration::from_secs(5);

/// Whether a session is being served, and a wake-up when it ends.
#[derive(Default)]
struct Busy {
    serving: Mutex<bool>,
    ended: Condvar,
}

impl Busy {
    /// Takes the adapter for a new session, waiting up to `wait` for the
    /// current one to end; false if it is still busy then.
    fn take(&self, wait: Duration) -> bool {
        let Ok(guard) = self.serving.lock() else {
            return false;
        };
        let Ok((mut serving, _)) = self.ended.wait_timeout_while(guard, wait, |serving| *serving) else {
            return false;
        };
        if *serving {
            return false;
        }
        *serving = true;
        true
    }

    fn release(&self) {
        if let Ok(mut serving) = self.serving.lock() {
            *serving = false;
        }
        self.ended.notify_all();
    }
}

#[derive(Clone, Debug)]
pub struct ListenOptions {
    pub addr: String,
    /// Clients must present this in their `launch`/`attach` arguments.
    pub token: Option<String>,
    /// Accept a non-loopback address (needs a token).
    pub allow_remote: bool,
}

/// Checks what the user asked to bind before anything listens.
fn check_addresses(options: &ListenOptions) -> Result<Vec<SocketAddr>> {
    let addrs: Vec<SocketAddr> = options
        .addr
        .to_socket_addrs()
        .with_context(|| format!("--listen {}: not a HOST:PORT address", options.addr))?
        .collect();
    let remote: Vec<_> = addrs.iter().filter(|a| !a.ip().is_loopback()).collect();
    if let Some(first) = remote.first() {
        if !options.allow_remote {
            bail!(
                "refusing to listen on {first}: it is not a loopback address, so other machines could \
                 drive this debugger. Use 127.0.0.1:PORT, or pass --allow-remote with --token SECRET"
            );
        }
        if options.token.as_deref().is_none_or(str::is_empty) {
            bail!("--allow-remote needs --token SECRET (or MPDBG_DAP_TOKEN): a remote client must prove it knows it");
        }
        eprintln!(
            "mpdbg dap: WARNING: listening on {first}, reachable from other machines; clients must send the token"
        );
    }
    if let Some(t) = &options.token {
        if t.len() < 8 {
            bail!("--token must be at least 8 characters long");
        }
    }
    Ok(addrs)
}

/// Compares without an early exit, so timing does not reveal a prefix.
pub fn token_matches(expected: &str, presented: &str) -> bool {
    let (a, b) = (expected.as_bytes(), presented.as_bytes());
    let mut diff = a.len() ^ b.len();
    for (i, x) in a.iter().enumerate() {
        diff |= usize::from(x ^ b.get(i).copied().unwrap_or(!x));
    }
    diff == 0
}

pub fn run(options: ListenOptions, attach_device: Option<crate::target::DeviceSpec>) -> Result<()> {
    let addrs = check_addresses(&options)?;
    let listener = DapListener::bind(addrs.as_slice()).with_context(|| format!("cannot listen on {}", options.addr))?;
    // Scripts read the port from this line (port 0 picks a free one).
    eprintln!("mpdbg dap: listening on {}", listener.local_addr()?);
    let busy = Arc::new(Busy::default());
    loop {
        let (conn, peer) = match listener.accept() {
            Ok(c) => c,
            Err(e) => {
                eprintln!("mpdbg dap: a connection failed: {e}");
                continue;
            }
        };
        if !busy.take(SESSION_END_WAIT) {
            eprintln!("mpdbg dap: refused {peer}: another editor is connected");
            let text = "mpdbg: another editor is already connected to this adapter; \
                        start another `mpdbg dap --listen` for a second session\n";
            conn.sender
                .send_event(Event::raw("output", json!({ "category": "important", "output": text })))
                .ok();
            conn.sender.shutdown();
            continue;
        }
        eprintln!("mpdbg dap: editor connected from {peer}");
        let token = options.token.clone();
        let device = attach_device.clone();
        let done = busy.clone();
        let sender = conn.sender.clone();
        std::thread::spawn(move || {
            if let Err(e) = super::serve(conn, token.as_deref(), device.as_ref()) {
                eprintln!("mpdbg dap: session with {peer} ended: {e:#}");
            }
            // Free before the editor sees the close, so it can come back at once.
            done.release();
            sender.shutdown();
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(addr: &str, token: Option<&str>, allow_remote: bool) -> ListenOptions {
        ListenOptions {
            addr: addr.into(),
            token: token.map(str::to_string),
            allow_remote,
        }
    }

    #[test]
    fn a_new_session_waits_for_the_last_to_end_and_is_refused_after_the_wait() {
        let busy = Arc::new(Busy::default());
        assert!(busy.take(Duration::ZERO));
        assert!(!busy.take(Duration::from_millis(20)), "taken twice");
        let ending = busy.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        let waiter = std::thread::spawn(move || {
            tx.send(()).ok();
            ending.take(Duration::from_secs(60))
        });
        rx.recv().ok();
        busy.release();
        assert!(
            waiter.join().unwrap_or(false),
            "the waiting session did not get the adapter"
        );
    }

    #[test]
    fn only_loopback_without_a_flag_and_a_token() {
        assert!(check_addresses(&opts("127.0.0.1:0", None, false)).is_ok());
        assert!(check_addresses(&opts("[::1]:0", None, false)).is_ok());
        let err = check_addresses(&opts("0.0.0.0:0", None, false))
            .unwrap_err()
            .to_string();
        assert!(err.contains("--allow-remote"), "{err}");
        assert!(check_addresses(&opts("[::]:0", None, false)).is_err());
        let err = check_addresses(&opts("0.0.0.0:0", None, true)).unwrap_err().to_string();
        assert!(err.contains("--token"), "{err}");
        assert!(check_addresses(&opts("0.0.0.0:0", Some("s3cret-token"), true)).is_ok());
        assert!(check_addresses(&opts("127.0.0.1:0", Some("short"), false)).is_err());
        assert!(check_addresses(&opts("no-port", None, false)).is_err());
    }

    #[test]
    fn tokens_compare_exactly() {
        assert!(token_matches("s3cret-token", "s3cret-token"));
        for wrong in ["", "s3cret-toke", "s3cret-tokenx", "S3cret-token"] {
            assert!(!token_matches("s3cret-token", wrong), "{wrong}");
        }
    }
}
