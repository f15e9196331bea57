//! What the tests that drive the `mpdbg` binary share.
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_mpdbg");

/// `mpdbg dap --listen 127.0.0.1:0 EXTRA...`, killed when dropped.
pub struct Listener {
    pub child: Child,
    pub port: u16,
}

impl Listener {
    pub fn start(extra: &[&str]) -> Listener {
        let mut child = Command::new(BIN)
            .args(["dap", "--listen", "127.0.0.1:0"])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start mpdbg dap --listen");
        let mut err = BufReader::new(child.stderr.take().expect("stderr"));
        let mut line = String::new();
        err.read_line(&mut line).expect("the listener's first line");
        // "mpdbg dap: listening on 127.0.0.1:PORT"
        let port = line
            .trim()
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {line:?}"));
        std::thread::spawn(move || std::io::copy(&mut err, &mut std::io::sink()));
        Listener { child, port }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// One DAP frame around `body`.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}
