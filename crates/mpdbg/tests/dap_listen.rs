//! `mpdbg dap --listen`: what a web page, a second editor or a client
//! without the token can do (nothing), tested against the real binary.
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

mod common;

use common::{Listener, BIN};

const WAIT: Duration = Duration::from_secs(10);

fn listen(extra: &[&str]) -> Listener {
    Listener::start(extra)
}

fn frame(body: &str) -> Vec<u8> {
    common::frame(body.as_bytes())
}

fn connect(port: u16) -> TcpStream {
    let s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(WAIT)).ok();
    s
}

/// Everything the adapter sends until it closes the connection.
fn until_closed(s: &mut TcpStream) -> String {
    let mut got = Vec::new();
    if let Err(e) = s.read_to_end(&mut got) {
        assert_eq!(
            e.kind(),
            std::io::ErrorKind::ConnectionReset,
            "the adapter did not close the connection within {WAIT:?}: {e}"
        );
    }
    String::from_utf8_lossy(&got).into_owned()
}

/// One message from the adapter.
fn read_message(r: &mut BufReader<TcpStream>) -> serde_json::Value {
    let mut length = 0;
    loop {
        let mut line = String::new();
        r.read_line(&mut line).expect("a header line");
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse().expect("a length");
        }
    }
    let mut body = vec![0; length];
    r.read_exact(&mut body).expect("a body");
    serde_json::from_slice(&body).expect("JSON")
}

/// A stand-in "interpreter" that leaves a file behind if anything runs it.
fn tripwire(dir: &Path) -> (PathBuf, PathBuf) {
    let marker = dir.join("ran");
    let script = dir.join("evil-interpreter");
    std::fs::write(&script, format!("#!/bin/sh\ntouch {}\n", marker.display())).expect("write");
    Command::new("chmod").arg("+x").arg(&script).status().expect("chmod");
    (script, marker)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mpdbg-listen-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

#[test]
fn a_web_pages_post_is_closed_with_nothing_run() {
    let dir = scratch("post");
    let (interpreter, marker) = tripwire(&dir);
    let program = dir.join("p.py");
    std::fs::write(&program, "print(1)\n").expect("write");
    let l = listen(&[]);
    // The bytes Chromium sends for fetch(url, {method: "POST", mode: "no-cors",
    // body}) with a text/plain body: no CORS preflight is needed for it.
    let launch = format!(
        r#"{{"seq":2,"type":"request","command":"launch","arguments":{{"program":"{}","micropython":"{}"}}}}"#,
        program.display(),
        interpreter.display()
    );
    let mut body = b"x\r\n".to_vec();
    body.extend(frame(
        r#"{"seq":1,"type":"request","command":"initialize","arguments":{}}"#,
    ));
    body.extend(frame(&launch));
    let mut post = format!(
        "POST / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: keep-alive\r\nContent-Length: {}\r\n\
         sec-ch-ua-platform: \"Linux\"\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 \
         (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36\r\nContent-Type: text/plain;charset=UTF-8\r\n\
         Accept: */*\r\nOrigin: https://attacker.example\r\nSec-Fetch-Site: cross-site\r\n\
         Sec-Fetch-Mode: no-cors\r\nSec-Fetch-Dest: empty\r\nReferer: https://attacker.example/\r\n\
         Accept-Encoding: gzip, deflate, br, zstd\r\nAccept-Language: en-US,en;q=0.9\r\n\r\n",
        l.port,
        body.len()
    )
    .into_bytes();
    post.extend(body);
    let mut s = connect(l.port);
    s.write_all(&post).expect("send the POST");
    let got = until_closed(&mut s);
    assert!(got.is_empty(), "the adapter answered a web page: {got}");
    // The listener serves a real editor after that, and nothing ran.
    let mut s = connect(l.port);
    s.write_all(&frame(
        r#"{"seq":1,"type":"request","command":"initialize","arguments":{}}"#,
    ))
    .expect("write");
    let r = read_message(&mut BufReader::new(s));
    assert_eq!(r["success"], true, "{r}");
    assert!(!marker.exists(), "the web page's launch ran {}", interpreter.display());
}

#[test]
fn a_second_editor_is_told_and_closed() {
    let l = listen(&[]);
    let mut first = connect(l.port);
    first
        .write_all(&frame(
            r#"{"seq":1,"type":"request","command":"initialize","arguments":{}}"#,
        ))
        .expect("write");
    let mut first = BufReader::new(first);
    assert_eq!(read_message(&mut first)["success"], true);
    let mut second = connect(l.port);
    let got = until_closed(&mut second);
    assert!(got.contains("another editor is already connected"), "{got}");
    // The first is still served.
    first
        .get_mut()
        .write_all(&frame(r#"{"seq":2,"type":"request","command":"threads"}"#))
        .expect("write");
    assert_eq!(read_message(&mut first)["success"], true);
}

#[test]
fn with_a_token_only_initialize_is_answered_before_it() {
    let dir = scratch("token");
    let (interpreter, marker) = tripwire(&dir);
    let l = listen(&["--token", "s3cret-token"]);
    // Anything but initialize first: closed, unanswered.
    let mut s = connect(l.port);
    s.write_all(&frame(
        r#"{"seq":1,"type":"request","command":"initialize","arguments":{}}"#,
    ))
    .expect("write");
    s.write_all(&frame(r#"{"seq":2,"type":"request","command":"threads"}"#))
        .expect("write");
    let got = until_closed(&mut s);
    assert!(got.contains(r#""command":"initialize""#), "{got}");
    assert!(!got.contains(r#""command":"threads""#), "threads was answered: {got}");
    // A launch with a wrong token: closed, nothing run.
    for token in [r#""token":"wrong-token","#, ""] {
        let mut s = connect(l.port);
        let launch = format!(
            r#"{{"seq":1,"type":"request","command":"launch","arguments":{{{token}"program":"/x.py","micropython":"{}"}}}}"#,
            interpreter.display()
        );
        s.write_all(&frame(&launch)).expect("write");
        let got = until_closed(&mut s);
        assert!(
            !got.contains(r#""type":"response""#),
            "a launch with {token:?} was answered: {got}"
        );
        assert!(got.contains("token"), "no word about the token: {got}");
    }
    assert!(!marker.exists());
    // The right token is obeyed (this launch fails: no such program).
    let mut s = connect(l.port);
    s.write_all(&frame(
        r#"{"seq":1,"type":"request","command":"launch","arguments":{"token":"s3cret-token","program":"/no/such.py"}}"#,
    ))
    .expect("write");
    let r = read_message(&mut BufReader::new(s));
    assert_eq!(r["success"], false);
    assert!(r["message"].as_str().unwrap_or("").contains("program not found"), "{r}");
}

#[test]
fn non_loopback_needs_a_flag_and_a_token() {
    let run = |args: &[&str]| {
        Command::new(BIN)
            .arg("dap")
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("run mpdbg dap")
    };
    let out = run(&["--listen", "0.0.0.0:0"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--allow-remote"));
    let out = run(&["--listen", "0.0.0.0:0", "--allow-remote"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--token"));
}
