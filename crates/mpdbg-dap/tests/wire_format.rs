//! Wire-format tests: real client payloads, exact output bytes, malformed input.

use std::io::{self, BufReader, Cursor, Read};

use mpdbg_dap::*;
use serde_json::{json, Value};

fn frame(body: &str) -> Vec<u8> {
    encode_frame(body.as_bytes())
}

fn reader(bytes: Vec<u8>) -> DapReader {
    DapReader::new(Cursor::new(bytes))
}

fn request_of(msg: ProtocolMessage) -> Request {
    match msg {
        ProtocolMessage::Request(r) => r,
        other => panic!("expected a request, got {other:?}"),
    }
}

/// Reads everything, rendering each item as Ok(message) or Err(error text).
fn read_all(r: &mut DapReader) -> Vec<Result<ProtocolMessage, String>> {
    let mut out = Vec::new();
    loop {
        match r.read_message() {
            Ok(Some(m)) => out.push(Ok(m)),
            Ok(None) => return out,
            Err(e) => {
                let fatal = !e.is_recoverable();
                out.push(Err(e.to_string()));
                if fatal {
                    assert!(matches!(r.read_message(), Ok(None)), "EOF expected after {e}");
                    return out;
                }
            }
        }
    }
}

// Captured from VS Code 1.9x (the `type` field comes last).
const VSCODE_INITIALIZE: &str = r#"{"command":"initialize","arguments":{"clientID":"vscode","clientName":"Visual Studio Code","adapterID":"mpdbg","pathFormat":"path","linesStartAt1":true,"columnsStartAt1":true,"supportsVariableType":true,"supportsVariablePaging":true,"supportsRunInTerminalRequest":true,"locale":"en","supportsProgressReporting":true,"supportsInvalidatedEvent":true,"supportsMemoryReferences":true,"supportsArgsCanBeInterpretedByShell":true,"supportsMemoryEvent":true,"supportsStartDebuggingRequest":true,"supportsANSIStyling":true},"type":"request","seq":1}"#;

const NVIM_INITIALIZE: &str = r#"{"seq":1,"type":"request","command":"initialize","arguments":{"clientId":"neovim","clientName":"neovim","adapterID":"mpdbg","pathFormat":"path","linesStartAt1":true,"columnsStartAt1":true,"supportsRunInTerminalRequest":true,"supportsVariableType":true,"supportsProgressReporting":true,"supportsStartDebuggingRequest":true,"locale":"en_US.UTF-8"}}"#;

// A VS Code Python-style attach configuration, with VS Code's own additions.
const VSCODE_ATTACH: &str = r#"{"command":"attach","arguments":{"name":"MicroPython: Attach","type":"debugpy","request":"attach","connect":{"host":"localhost","port":5678},"pathMappings":[{"localRoot":"/home/me/proj","remoteRoot":"."}],"justMyCode":false,"debugOptions":["RedirectOutput","ShowReturnValue"],"showReturnValue":true,"workspaceFolder":"/home/me/proj","__configurationTarget":6,"__sessionId":"0b3c9f7e-5d5b-4a5e-9a53-7f1e0e1f2b9c"},"type":"request","seq":2}"#;

const VSCODE_LAUNCH: &str = r#"{"command":"launch","arguments":{"type":"mpdbg","request":"launch","name":"Run on board","program":"/home/me/proj/main.py","args":["--fast"],"cwd":"/home/me/proj","stopOnEntry":true,"port":"/dev/ttyACM0","device":"rp2040","micropython":"/usr/bin/micropython","__configurationTarget":6,"__sessionId":"6d2f"},"type":"request","seq":2}"#;

const VSCODE_SET_BREAKPOINTS: &str = r#"{"command":"setBreakpoints","arguments":{"source":{"name":"main.py","path":"/home/me/proj/main.py"},"lines":[3,7,9],"breakpoints":[{"line":3},{"line":7,"condition":"x > 2","hitCondition":">= 3"},{"line":9,"logMessage":"x is {x}"}],"sourceModified":false},"type":"request","seq":3}"#;

#[test]
fn vscode_initialize() {
    let mut r = reader(frame(VSCODE_INITIALIZE));
    let req = request_of(r.read_message().unwrap().unwrap());
    assert_eq!((req.seq, req.command.as_str()), (1, "initialize"));
    let Command::Initialize(args) = req.parse().unwrap() else {
        panic!()
    };
    assert_eq!(args.client_id.as_deref(), Some("vscode"));
    assert_eq!(args.adapter_id.as_deref(), Some("mpdbg"));
    assert!(args.lines_start_at_1() && args.columns_start_at_1());
    assert_eq!(args.supports_ansi_styling, Some(true));
    assert_eq!(args.supports_variable_type, Some(true));
    assert!(r.read_message().unwrap().is_none());
}

#[test]
fn nvim_initialize_with_client_id_spelling() {
    let req = request_of(decode_message(NVIM_INITIALIZE.as_bytes()).unwrap());
    let Command::Initialize(args) = req.parse().unwrap() else {
        panic!()
    };
    assert_eq!(args.client_id.as_deref(), Some("neovim"));
    assert_eq!(args.locale.as_deref(), Some("en_US.UTF-8"));
}

#[test]
fn vscode_attach_with_extra_fields() {
    let req = request_of(decode_message(VSCODE_ATTACH.as_bytes()).unwrap());
    let Command::Attach(args) = req.parse().unwrap() else {
        panic!()
    };
    assert!(!args.no_debug);
    assert_eq!(args.get("connect"), Some(&json!({"host": "localhost", "port": 5678})));
    assert_eq!(args.get_bool("justMyCode"), Some(false));
    #[derive(serde::Deserialize, Debug, PartialEq)]
    #[serde(rename_all = "camelCase")]
    struct Mapping {
        local_root: String,
        remote_root: String,
    }
    assert_eq!(
        args.field::<Vec<Mapping>>("pathMappings").unwrap(),
        Some(vec![Mapping {
            local_root: "/home/me/proj".into(),
            remote_root: ".".into()
        }])
    );
}

#[test]
fn vscode_launch_fields() {
    let req = request_of(decode_message(VSCODE_LAUNCH.as_bytes()).unwrap());
    let Command::Launch(args) = req.parse().unwrap() else {
        panic!()
    };
    assert_eq!(args.program(), Some("/home/me/proj/main.py"));
    assert_eq!(args.cwd(), Some("/home/me/proj"));
    assert!(args.stop_on_entry());
    assert_eq!(args.get_str("port"), Some("/dev/ttyACM0"));
    assert_eq!(args.get_str("device"), Some("rp2040"));
    assert_eq!(args.get_str("micropython"), Some("/usr/bin/micropython"));
    assert_eq!(
        args.field::<Vec<String>>("args").unwrap(),
        Some(vec!["--fast".to_string()])
    );
    assert_eq!(args.raw["__sessionId"], "6d2f");
}

#[test]
fn vscode_set_breakpoints_round_trip() {
    let req = request_of(decode_message(VSCODE_SET_BREAKPOINTS.as_bytes()).unwrap());
    let Command::SetBreakpoints(args) = req.parse().unwrap() else {
        panic!()
    };
    assert_eq!(args.source.path.as_deref(), Some("/home/me/proj/main.py"));
    assert_eq!(args.breakpoints.len(), 3);
    assert_eq!(args.breakpoints[1].condition.as_deref(), Some("x > 2"));
    assert_eq!(args.breakpoints[1].hit_condition.as_deref(), Some(">= 3"));
    assert_eq!(args.breakpoints[2].log_message.as_deref(), Some("x is {x}"));
    assert_eq!(args.requested(), args.breakpoints);
    // Re-serialising gives back the same arguments.
    let original: Value = serde_json::from_str(VSCODE_SET_BREAKPOINTS).unwrap();
    assert_eq!(serde_json::to_value(&args).unwrap(), original["arguments"]);
}

#[test]
fn other_real_requests() {
    let cases = [
        (
            r#"{"command":"configurationDone","type":"request","seq":5}"#,
            "configurationDone",
        ),
        (r#"{"command":"threads","type":"request","seq":6}"#, "threads"),
        (
            r#"{"command":"stackTrace","arguments":{"threadId":1,"startFrame":0,"levels":20},"type":"request","seq":7}"#,
            "stackTrace",
        ),
        (
            r#"{"command":"scopes","arguments":{"frameId":1000},"type":"request","seq":8}"#,
            "scopes",
        ),
        (
            r#"{"command":"variables","arguments":{"variablesReference":1001,"filter":"indexed","start":0,"count":100},"type":"request","seq":9}"#,
            "variables",
        ),
        (
            r#"{"command":"evaluate","arguments":{"expression":"x","frameId":1000,"context":"hover","line":3,"column":5,"source":{"name":"main.py","path":"/p/main.py"}},"type":"request","seq":10}"#,
            "evaluate",
        ),
        (
            r#"{"command":"setExceptionBreakpoints","arguments":{"filters":["uncaught"],"filterOptions":[{"filterId":"raised","condition":"ValueError"}]},"type":"request","seq":4}"#,
            "setExceptionBreakpoints",
        ),
        (
            r#"{"command":"setFunctionBreakpoints","arguments":{"breakpoints":[{"name":"main","condition":"n > 1"}]},"type":"request","seq":4}"#,
            "setFunctionBreakpoints",
        ),
        (
            r#"{"command":"next","arguments":{"threadId":1,"granularity":"line"},"type":"request","seq":11}"#,
            "next",
        ),
        (
            r#"{"command":"stepIn","arguments":{"threadId":1},"type":"request","seq":12}"#,
            "stepIn",
        ),
        (
            r#"{"command":"stepOut","arguments":{"threadId":1,"singleThread":true},"type":"request","seq":13}"#,
            "stepOut",
        ),
        (
            r#"{"command":"continue","arguments":{"threadId":1},"type":"request","seq":14}"#,
            "continue",
        ),
        (
            r#"{"command":"pause","arguments":{"threadId":1},"type":"request","seq":15}"#,
            "pause",
        ),
        (
            r#"{"command":"setVariable","arguments":{"variablesReference":1001,"name":"x","value":"3"},"type":"request","seq":16}"#,
            "setVariable",
        ),
        (
            r#"{"command":"setExpression","arguments":{"expression":"a[0]","value":"3","frameId":1000},"type":"request","seq":17}"#,
            "setExpression",
        ),
        (
            r#"{"command":"source","arguments":{"source":{"name":"boot.py","sourceReference":7},"sourceReference":7},"type":"request","seq":18}"#,
            "source",
        ),
        (
            r#"{"command":"exceptionInfo","arguments":{"threadId":1},"type":"request","seq":19}"#,
            "exceptionInfo",
        ),
        (
            r#"{"command":"completions","arguments":{"frameId":1000,"text":"os.li","column":6},"type":"request","seq":20}"#,
            "completions",
        ),
        (
            r#"{"command":"modules","arguments":{"startModule":0,"moduleCount":50},"type":"request","seq":21}"#,
            "modules",
        ),
        (
            r#"{"command":"loadedSources","arguments":{},"type":"request","seq":22}"#,
            "loadedSources",
        ),
        (
            r#"{"command":"cancel","arguments":{"requestId":7},"type":"request","seq":23}"#,
            "cancel",
        ),
        (
            r#"{"command":"restart","arguments":{"arguments":{"program":"main.py"}},"type":"request","seq":24}"#,
            "restart",
        ),
        (
            r#"{"command":"terminate","arguments":{"restart":false},"type":"request","seq":25}"#,
            "terminate",
        ),
        (
            r#"{"command":"disconnect","arguments":{"restart":false,"terminateDebuggee":true,"suspendDebuggee":false},"type":"request","seq":26}"#,
            "disconnect",
        ),
    ];
    for (json, command) in cases {
        let req = request_of(decode_message(json.as_bytes()).unwrap());
        assert_eq!(req.command, command);
        let parsed = req.parse().unwrap_or_else(|e| panic!("{command}: {e}"));
        assert!(!matches!(parsed, Command::Unknown { .. }), "{command}");
    }
    let req = request_of(decode_message(cases[5].0.as_bytes()).unwrap());
    let Ok(Command::Evaluate(e)) = req.parse() else {
        panic!()
    };
    assert_eq!(e.context, Some(EvaluateContext::Hover));
    let req = request_of(decode_message(cases[15].0.as_bytes()).unwrap());
    let Ok(Command::Source(s)) = req.parse() else { panic!() };
    assert_eq!(s.reference(), 7);
}

#[test]
fn exact_bytes_of_a_session_start() {
    let out = SharedVec::default();
    let sender = DapSender::new(out.clone());
    let init = request_of(decode_message(VSCODE_INITIALIZE.as_bytes()).unwrap());
    let caps = Capabilities {
        supports_configuration_done_request: Some(true),
        supports_conditional_breakpoints: Some(true),
        supports_hit_conditional_breakpoints: Some(true),
        supports_log_points: Some(true),
        ..Capabilities::default()
    };
    sender.respond(&init, &caps).unwrap();
    sender.send_event(Event::initialized()).unwrap();
    sender
        .send_event(Event::output(OutputCategory::Console, "Connected to rp2040\n"))
        .unwrap();
    let bad = Request {
        seq: 9,
        command: "stackTrace".into(),
        arguments: json!({"threadId": "1"}),
    };
    sender.send_response(bad.parse().unwrap_err().response()).unwrap();

    let expected: &[&str] = &[
        r#"{"type":"response","seq":1,"request_seq":1,"success":true,"command":"initialize","body":{"supportsConditionalBreakpoints":true,"supportsConfigurationDoneRequest":true,"supportsHitConditionalBreakpoints":true,"supportsLogPoints":true}}"#,
        r#"{"type":"event","seq":2,"event":"initialized"}"#,
        r#"{"type":"event","seq":3,"event":"output","body":{"category":"console","output":"Connected to rp2040\n"}}"#,
        r#"{"type":"response","seq":4,"request_seq":9,"success":false,"command":"stackTrace","message":"invalid arguments for 'stackTrace' request: invalid type: string \"1\", expected i64","body":{"error":{"format":"invalid arguments for 'stackTrace' request: invalid type: string \"1\", expected i64","id":1}}}"#,
    ];
    let mut want = Vec::new();
    for body in expected {
        want.extend_from_slice(format!("Content-Length: {}\r\n\r\n{}", body.len(), body).as_bytes());
    }
    assert_eq!(String::from_utf8(out.take()).unwrap(), String::from_utf8(want).unwrap());
}

#[test]
fn malformed_inputs_are_errors_and_the_stream_continues() {
    let good = |seq: i64| frame(&format!(r#"{{"seq":{seq},"type":"request","command":"threads"}}"#));
    let mut input = Vec::new();
    input.extend(good(1));
    // Bad JSON with a correct length: recoverable, seq/command sniffed.
    input.extend(frame(
        r#"{"seq":2,"type":"request","command":"next","arguments":{"threadId":1"#,
    ));
    input.extend(good(3));
    // Non-numeric length.
    input.extend(b"Content-Length: twelve\r\n\r\n{\"seq\":4}");
    input.extend(good(5));
    // No header at all.
    input.extend(br#"{"seq":6,"type":"request","command":"threads"}"#);
    input.extend(b"\r\n");
    input.extend(good(7));
    // Invalid UTF-8.
    input.extend(encode_frame(
        b"{\"seq\":8,\"type\":\"request\",\"command\":\"evaluate\",\"x\":\"\xff\"}",
    ));
    // Valid JSON, not a message.
    input.extend(frame(r#"{"seq":9,"command":"pause"}"#));
    input.extend(frame("[]"));
    // Unknown command and wrong argument types parse as messages.
    input.extend(frame(
        r#"{"seq":10,"type":"request","command":"gotoTargets","arguments":{}}"#,
    ));
    input.extend(frame(
        r#"{"seq":11,"type":"request","command":"scopes","arguments":{"frameId":[1]}}"#,
    ));
    // Stray CRLF between messages (the `dap` crate writes those).
    input.extend(b"\r\n");
    input.extend(good(12));
    // Truncated body at the end of the stream.
    input.extend(b"Content-Length: 50\r\n\r\n{\"seq\":13");

    let mut r = reader(input);
    let mut errors = Vec::new();
    let mut seqs = Vec::new();
    let mut responses = Vec::new();
    loop {
        match r.read_message() {
            Ok(Some(m)) => {
                let req = request_of(m);
                seqs.push(req.seq);
                match req.parse() {
                    Ok(Command::Unknown { command }) => {
                        responses.push(Response::error(&req, format!("unsupported request '{command}'")))
                    }
                    Ok(_) => {}
                    Err(e) => responses.push(e.response()),
                }
            }
            Ok(None) => break,
            Err(e) => {
                if let Some(resp) = e.error_response() {
                    responses.push(resp);
                }
                let recoverable = e.is_recoverable();
                errors.push(e);
                if !recoverable {
                    assert!(r.read_message().unwrap().is_none());
                    break;
                }
            }
        }
    }
    assert_eq!(seqs, vec![1, 3, 5, 7, 10, 11, 12]);
    let kinds: Vec<String> = errors
        .iter()
        .map(|e| match e {
            DapError::InvalidJson { .. } => "json".into(),
            DapError::Header(m) => format!("header: {m}"),
            DapError::InvalidUtf8 { .. } => "utf8".into(),
            DapError::InvalidMessage { .. } => "message".into(),
            DapError::UnexpectedEof { context, .. } => format!("eof in {context}"),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            "json",
            "header: invalid Content-Length value \"twelve\"",
            "header: discarded 48 bytes of data without a Content-Length header",
            "utf8",
            "message",
            "message",
            "eof in body",
        ]
    );
    let answered: Vec<(i64, &str, bool)> = responses
        .iter()
        .map(|r| (r.request_seq, r.command.as_str(), r.success))
        .collect();
    assert_eq!(
        answered,
        vec![
            (2, "next", false),
            (8, "evaluate", false),
            (9, "pause", false),
            (10, "gotoTargets", false),
            (11, "scopes", false),
        ]
    );
}

#[test]
fn error_kinds_and_recoverability() {
    let mut r = reader(b"Content-Length: 5\r\n\r\n{oops".to_vec());
    let e = r.read_message().unwrap_err();
    assert!(matches!(e, DapError::InvalidJson { .. }) && e.is_recoverable());
    assert!(e.error_response().is_none());
    assert!(r.read_message().unwrap().is_none());

    let mut r = reader(b"Content-Length: 5\r\n".to_vec());
    let e = r.read_message().unwrap_err();
    assert!(!e.is_recoverable(), "{e}");

    let mut r = DapReader::with_max_size(Cursor::new(frame(r#"{"seq":1,"type":"event","event":"x"}"#)), 8);
    assert!(matches!(r.read_message(), Err(DapError::TooLarge { max: 8, .. })));
    assert!(r.read_message().unwrap().is_none());
}

#[test]
fn reads_across_tiny_chunks() {
    let mut bytes = Vec::new();
    for i in 0..20 {
        bytes.extend(frame(&format!(
            r#"{{"seq":{i},"type":"event","event":"output","body":{{"output":"é\r\n\r\nContent-Length: 3 {i}"}}}}"#
        )));
    }
    let chunked = BufReader::with_capacity(3, Dribble { data: bytes, pos: 0 });
    let mut r = DapReader::new(chunked);
    let got = read_all(&mut r);
    assert_eq!(got.len(), 20);
    for (i, m) in got.into_iter().enumerate() {
        let Ok(ProtocolMessage::Event(e)) = m else {
            panic!("{m:?}")
        };
        assert_eq!(e.seq, i as i64);
        assert_eq!(e.body["output"], format!("é\r\n\r\nContent-Length: 3 {i}"));
    }
}

/// A reader returning at most 2 bytes per call.
struct Dribble {
    data: Vec<u8>,
    pos: usize,
}

impl Read for Dribble {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(2).min(self.data.len() - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[derive(Clone, Default)]
struct SharedVec(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl SharedVec {
    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

impl io::Write for SharedVec {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn overlong_length_does_not_swallow_the_next_messages() {
    let good = |seq: i64| frame(&format!(r#"{{"seq":{seq},"type":"request","command":"threads"}}"#));
    let body = r#"{"seq":1,"type":"request","command":"pause","arguments":{"threadId":1}}"#;
    // Announced length 20 bytes too long: the body runs into the next frame.
    let mut input = format!("Content-Length: {}\r\n\r\n{body}", body.len() + 20).into_bytes();
    input.extend(good(2));
    input.extend(good(3));
    let got = read_all(&mut reader(input.clone()));
    let summary: Vec<String> = got
        .iter()
        .map(|m| match m {
            Ok(m) => format!("seq {}", m.seq()),
            Err(e) => e.clone(),
        })
        .collect();
    assert_eq!(summary.len(), 3, "{summary:?}");
    assert!(summary[0].contains("not valid JSON"), "{summary:?}");
    assert_eq!(&summary[1..], ["seq 2", "seq 3"]);

    // The same, when the wrong length reaches past the end of the stream.
    let mut input = format!("Content-Length: {}\r\n\r\n{body}", body.len() + 500).into_bytes();
    input.extend(good(2));
    let got = read_all(&mut reader(input));
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got[0].as_ref().unwrap_err().contains("cut short after 71 of 571 bytes"));
    assert_eq!(got[1].as_ref().unwrap().seq(), 2);
}
