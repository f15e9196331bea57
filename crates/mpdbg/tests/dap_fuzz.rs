//! A bounded fuzzer of `mpdbg dap`: thousands of malformed and hostile DAP
//! messages from fixed seeds, over stdio and TCP. What must hold
//! (docs/reliability.md): the adapter never dies or panics, it keeps
//! answering a well-formed request after any malformed one on stdio, it
//! closes a TCP connection at the first bytes that are not DAP and keeps
//! accepting editors, and a stopped program stays stopped and inspectable.
//!
//! Phase B (requests with fuzzed arguments against a program stopped at a
//! breakpoint) needs the debug MicroPython: `MPDBG_MICROPYTHON`, as
//! `scripts/test` sets it; without it that phase says so and is skipped.
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

mod common;

use common::{frame, Listener, BIN};
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// xorshift64*: reproducible cases from a seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

const COMMANDS: &[&str] = &[
    "initialize",
    "launch",
    "attach",
    "setBreakpoints",
    "setExceptionBreakpoints",
    "setFunctionBreakpoints",
    "configurationDone",
    "threads",
    "stackTrace",
    "scopes",
    "variables",
    "evaluate",
    "setVariable",
    "source",
    "exceptionInfo",
    "pause",
    "cancel",
    "completions",
    "loadedSources",
    "nonsense",
    "",
];

/// Requests that would end or move a stopped program: phase B leaves them out.
const LIFECYCLE: &[&str] = &[
    "launch",
    "attach",
    "continue",
    "next",
    "stepIn",
    "stepOut",
    "disconnect",
    "terminate",
    "restart",
    "pause",
];

fn random_value(rng: &mut Rng, depth: u32) -> Value {
    match rng.below(if depth > 3 { 7 } else { 9 }) {
        0 => Value::Null,
        1 => json!(rng.below(2) == 0),
        2 => json!(rng.next() as i64),
        3 => json!(*rng.pick(&[0i64, -1, 1, 2, 3, i64::MAX, i64::MIN, 1_000_000])),
        4 => json!(*rng.pick(&[
            "",
            "x",
            "/dev/zero",
            "/etc/passwd",
            "while True: pass",
            "1/0",
            "__import__('os')",
            "\u{0}\u{ffff}é",
            "{\"a\":",
        ])),
        5 => {
            let n = rng.below(40) as usize;
            json!(String::from_utf8_lossy(&rng.bytes(n)))
        }
        6 => json!(1.5e300),
        7 => Value::Array((0..rng.below(4)).map(|_| random_value(rng, depth + 1)).collect()),
        _ => {
            let keys = [
                "source",
                "path",
                "line",
                "breakpoints",
                "frameId",
                "variablesReference",
                "expression",
                "context",
                "name",
                "value",
                "threadId",
                "filters",
                "start",
                "count",
                "levels",
                "startFrame",
                "requestId",
                "sourceReference",
            ];
            let mut m = serde_json::Map::new();
            for _ in 0..rng.below(5) {
                m.insert(rng.pick(&keys).to_string(), random_value(rng, depth + 1));
            }
            Value::Object(m)
        }
    }
}

/// One malformed or hostile input that is still self-contained on a stream:
/// every frame's length matches its body, so a tolerant reader can go on.
fn stdio_case(rng: &mut Rng, commands: &[&str]) -> Vec<u8> {
    let command = *rng.pick(commands);
    match rng.below(8) {
        // A request with arguments of random shape.
        0..=2 => {
            let msg = json!({ "seq": rng.below(1000), "type": "request", "command": command,
                "arguments": random_value(rng, 0) });
            frame(msg.to_string().as_bytes())
        }
        // A message with fields of the wrong types.
        3 => {
            let msg = json!({ "seq": random_value(rng, 2), "type": random_value(rng, 2),
                "command": random_value(rng, 2), "arguments": random_value(rng, 1) });
            frame(msg.to_string().as_bytes())
        }
        // A body that is not JSON, or not UTF-8.
        4 => {
            let n = rng.below(64) as usize;
            frame(&rng.bytes(n))
        }
        // Broken JSON: a valid request cut short.
        5 => {
            let msg = json!({ "seq": 1, "type": "request", "command": command, "arguments": {} }).to_string();
            let cut = rng.below(msg.len() as u64) as usize;
            frame(&msg.as_bytes()[..cut])
        }
        // Deep nesting.
        6 => {
            let depth = 200 + rng.below(5000) as usize;
            let body = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            frame(body.as_bytes())
        }
        // Junk lines and bad headers before a frame (no lengths that overrun).
        _ => {
            let mut out = match rng.below(4) {
                0 => b"junk line\r\n".to_vec(),
                1 => b"Content-Length: abc\r\n\r\n".to_vec(),
                2 => b"Content-Length: 99999999999999999999\r\n\r\n".to_vec(),
                _ => b"X-Header: 1\r\n".to_vec(),
            };
            out.extend(frame(br#"{"seq":1,"type":"request","command":"threads"}"#));
            out
        }
    }
}

/// The adapter over stdio, with its messages on a channel.
struct Adapter {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Adapter {
    fn start() -> Adapter {
        let mut child = Command::new(BIN)
            .arg("dap")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start mpdbg dap");
        let stdin = child.stdin.take().expect("stdin");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let (tx, messages) = channel();
        std::thread::spawn(move || loop {
            let mut length = None;
            loop {
                let mut line = String::new();
                if stdout.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(n) = line.strip_prefix("Content-Length: ") {
                    length = n.parse::<usize>().ok();
                }
            }
            let mut body = vec![0; length.expect("the adapter wrote a frame without Content-Length")];
            if stdout.read_exact(&mut body).is_err() {
                return;
            }
            let msg: Value = serde_json::from_slice(&body).expect("the adapter wrote a body that is not JSON");
            if tx.send(msg).is_err() {
                return;
            }
        });
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let mut err = child.stderr.take().expect("stderr");
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Adapter {
            child,
            stdin,
            messages,
            stderr,
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.stdin
            .write_all(bytes)
            .expect("the adapter's stdin closed: it died");
        self.stdin.flush().ok();
    }

    fn request(&mut self, seq: u64, command: &str, arguments: Value) {
        let msg = json!({ "seq": seq, "type": "request", "command": command, "arguments": arguments });
        self.send(&frame(msg.to_string().as_bytes()));
    }

    /// Waits for the response to request `seq` (other messages are skipped).
    fn response(&mut self, seq: u64, what: &str) -> Value {
        let deadline = Instant::now() + PROBE_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(m) if m["type"] == "response" && m["request_seq"] == seq => return m,
                Ok(_) => continue,
                Err(RecvTimeoutError::Timeout) => panic!(
                    "no response to {what} (seq {seq}) within {PROBE_TIMEOUT:?}; adapter stderr: {}",
                    self.stderr.lock().unwrap()
                ),
                Err(RecvTimeoutError::Disconnected) => panic!(
                    "the adapter closed its output waiting for {what}; stderr: {}",
                    self.stderr.lock().unwrap()
                ),
            }
        }
    }

    fn assert_alive(&mut self, case: usize) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!(
                "the adapter died at case {case}: {status}; stderr: {}",
                self.stderr.lock().unwrap()
            );
        }
        let err = self.stderr.lock().unwrap();
        assert!(!err.contains("panicked"), "the adapter panicked at case {case}: {err}");
    }
}

impl Drop for Adapter {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

const PROBE_SEQ: u64 = 1_000_000;

#[test]
fn stdio_survives_thousands_of_malformed_messages() {
    let mut rng = Rng(0x5eed_0001);
    let mut dap = Adapter::start();
    let cases = 3000;
    for case in 0..cases {
        let bytes = stdio_case(&mut rng, COMMANDS);
        // Launches and attaches of random programs are phase B's business.
        if bytes.windows(8).any(|w| w == b"\"launch\"" || w == b"\"attach\"") {
            continue;
        }
        dap.send(&bytes);
        if case % 50 == 49 {
            let seq = PROBE_SEQ + case as u64;
            dap.request(seq, "threads", json!({}));
            let r = dap.response(seq, "a threads probe");
            assert_eq!(r["success"], true, "probe after case {case}: {r}");
            dap.assert_alive(case);
        }
    }
    eprintln!("dap_fuzz: stdio, {cases} cases, 0 crashes, 0 hangs");
}

fn micropython() -> Option<PathBuf> {
    std::env::var_os("MPDBG_MICROPYTHON")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn a_stopped_program_survives_fuzzed_requests() {
    let Some(mp) = micropython() else {
        eprintln!("dap_fuzz: phase B skipped: set MPDBG_MICROPYTHON (scripts/test does)");
        return;
    };
    let program = repo()
        .join("examples/hello.py")
        .canonicalize()
        .expect("examples/hello.py");
    let text = std::fs::read_to_string(&program).expect("read hello.py");
    let line = text
        .lines()
        .position(|l| l.contains("# BP:loop"))
        .map(|i| i + 1)
        .expect("a BP:loop marker in hello.py");
    let mut dap = Adapter::start();
    dap.request(1, "initialize", json!({ "adapterID": "mpdbg" }));
    dap.response(1, "initialize");
    dap.request(2, "launch", json!({ "program": program, "micropython": mp }));
    assert_eq!(dap.response(2, "launch")["success"], true);
    dap.request(
        3,
        "setBreakpoints",
        json!({ "source": { "path": program }, "breakpoints": [{ "line": line }] }),
    );
    dap.response(3, "setBreakpoints");
    dap.request(4, "configurationDone", json!({}));
    dap.response(4, "configurationDone");
    let deadline = Instant::now() + PROBE_TIMEOUT;
    loop {
        match dap
            .messages
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            Ok(m) if m["event"] == "stopped" => break,
            Ok(_) => continue,
            Err(e) => panic!("no stop at hello.py:{line}: {e}"),
        }
    }
    let commands: Vec<&str> = COMMANDS
        .iter()
        .chain(["setExpression", "modules", "stepInTargets"].iter())
        .copied()
        .filter(|c| !LIFECYCLE.contains(c))
        .collect();
    let mut rng = Rng(0x5eed_0002);
    let cases = 1500;
    for case in 0..cases {
        dap.send(&stdio_case(&mut rng, &commands));
        if case % 25 == 24 {
            let seq = PROBE_SEQ + case as u64;
            dap.request(seq, "stackTrace", json!({ "threadId": 1 }));
            let r = dap.response(seq, "a stackTrace probe");
            assert_eq!(
                r["success"], true,
                "the program is no longer stopped after case {case}: {r}"
            );
            assert_eq!(r["body"]["stackFrames"][0]["line"], line, "after case {case}: {r}");
            dap.assert_alive(case);
        }
    }
    eprintln!("dap_fuzz: stopped program, {cases} cases, 0 crashes, 0 hangs");
}

fn connect(port: u16) -> TcpStream {
    let s = TcpStream::connect(("127.0.0.1", port)).expect("connect to the listener");
    s.set_read_timeout(Some(PROBE_TIMEOUT)).ok();
    s
}

/// Reads until the peer closes; panics if it does not within the timeout.
fn read_to_close(s: &mut TcpStream, what: &str) -> Vec<u8> {
    let mut got = Vec::new();
    match s.read_to_end(&mut got) {
        Ok(_) => got,
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => got,
        Err(e) => panic!("{what}: the adapter did not close the connection: {e}"),
    }
}

#[test]
fn tcp_closes_what_is_not_dap_and_keeps_serving() {
    let mut l = Listener::start(&[]);
    let port = l.port;
    let mut rng = Rng(0x5eed_0003);
    let cases = 500;
    for case in 0..cases {
        let mut s = connect(port);
        let bytes = match rng.below(3) {
            0 => {
                let n = 1 + rng.below(300) as usize;
                rng.bytes(n)
            }
            1 => format!(
                "{} / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n",
                rng.pick(&["GET", "POST", "OPTIONS"])
            )
            .into_bytes(),
            _ => {
                let mut b = b"Origin: http://example.invalid\r\n".to_vec();
                b.extend(frame(br#"{"seq":1,"type":"request","command":"initialize"}"#));
                b
            }
        };
        s.write_all(&bytes).ok();
        let got = read_to_close(&mut s, &format!("case {case}"));
        // Nothing was answered: no DAP response went out.
        assert!(
            !String::from_utf8_lossy(&got).contains("\"type\":\"response\""),
            "case {case} was answered: {}",
            String::from_utf8_lossy(&got)
        );
        if let Ok(Some(status)) = l.child.try_wait() {
            panic!("the listener died at case {case}: {status}");
        }
    }
    // And an editor is still served.
    let mut s = connect(port);
    s.write_all(&frame(
        br#"{"seq":1,"type":"request","command":"initialize","arguments":{}}"#,
    ))
    .expect("write");
    let mut reader = BufReader::new(s);
    let mut line = String::new();
    reader.read_line(&mut line).expect("a response");
    assert!(line.starts_with("Content-Length:"), "{line:?}");
    eprintln!("dap_fuzz: tcp, {cases} hostile connections closed unanswered, 0 crashes");
}
