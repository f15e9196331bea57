//! A toy debug adapter exercising the wire layer: a fake program with one
//! thread and one frame. Speaks DAP on stdio, or on TCP with `--listen PORT`.
//!
//! ```text
//! cargo run -p mpdbg-dap --example echo_adapter -- --listen 4711
//! ```

use std::thread;
use std::time::Duration;

use mpdbg_dap::*;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let conn = match args.iter().position(|a| a == "--listen") {
        Some(i) => {
            let port = args.get(i + 1).map(String::as_str).unwrap_or("4711");
            let listener = match DapListener::bind(("127.0.0.1", port.parse().unwrap_or(4711))) {
                Ok(l) => l,
                Err(e) => return eprintln!("bind: {e}"),
            };
            eprintln!("listening on {:?}", listener.local_addr());
            match listener.accept() {
                Ok((conn, _)) => conn,
                Err(e) => return eprintln!("accept: {e}"),
            }
        }
        None => Connection::stdio(),
    };
    if let Err(e) = run(conn) {
        eprintln!("session ended: {e}");
    }
}

fn run(conn: Connection) -> Result<(), DapError> {
    let Connection { mut reader, sender } = conn;
    let mut stop_on_entry = false;
    loop {
        let req = match reader.read_message() {
            Ok(Some(ProtocolMessage::Request(req))) => req,
            Ok(Some(_)) => continue,
            Ok(None) => return Ok(()),
            Err(e) if e.is_recoverable() => {
                match e.error_response() {
                    Some(resp) => sender.send_response(resp)?,
                    None => sender.send_event(Event::output(OutputCategory::Important, format!("{e}\n")))?,
                };
                continue;
            }
            Err(e) => return Err(e),
        };
        let command = match req.parse() {
            Ok(c) => c,
            Err(e) => {
                sender.send_response(e.response())?;
                continue;
            }
        };
        match command {
            Command::Initialize(_) => {
                let caps = Capabilities {
                    supports_configuration_done_request: Some(true),
                    supports_conditional_breakpoints: Some(true),
                    supports_hit_conditional_breakpoints: Some(true),
                    supports_log_points: Some(true),
                    supports_evaluate_for_hovers: Some(true),
                    ..Capabilities::default()
                };
                sender.respond(&req, caps)?;
                sender.send_event(Event::initialized())?;
            }
            Command::Launch(a) | Command::Attach(a) => {
                stop_on_entry = a.stop_on_entry();
                sender.ack(&req)?;
                // Program output arrives from another thread.
                let out = sender.clone();
                let program = a.program().unwrap_or("<none>").to_owned();
                thread::spawn(move || {
                    for i in 0..3 {
                        let text = format!("{program}: line {i}\n");
                        if out.send_event(Event::output(OutputCategory::Stdout, text)).is_err() {
                            return;
                        }
                        thread::sleep(Duration::from_millis(5));
                    }
                });
            }
            Command::SetBreakpoints(a) => {
                let breakpoints = a
                    .requested()
                    .iter()
                    .enumerate()
                    .map(|(i, bp)| Breakpoint {
                        id: Some(i as i64 + 1),
                        verified: true,
                        line: Some(bp.line),
                        source: Some(a.source.clone()),
                        ..Breakpoint::default()
                    })
                    .collect();
                sender.respond(&req, SetBreakpointsResponseBody { breakpoints })?;
            }
            Command::ConfigurationDone => {
                sender.ack(&req)?;
                if stop_on_entry {
                    sender.send_event(Event::stopped(StoppedReason::Entry, 1))?;
                } else {
                    sender.send_event(Event::terminated())?;
                }
            }
            Command::Threads => {
                let threads = vec![Thread {
                    id: 1,
                    name: "main".into(),
                }];
                sender.respond(&req, ThreadsResponseBody { threads })?;
            }
            Command::StackTrace(_) => {
                let frame = StackFrame {
                    id: 1000,
                    name: "<module>".into(),
                    source: Some(Source::from_path("/tmp/main.py")),
                    line: 1,
                    column: 1,
                    ..StackFrame::default()
                };
                sender.respond(
                    &req,
                    StackTraceResponseBody {
                        stack_frames: vec![frame],
                        total_frames: Some(1),
                    },
                )?;
            }
            Command::Evaluate(a) => {
                let body = EvaluateResponseBody {
                    result: a.expression,
                    ..EvaluateResponseBody::default()
                };
                sender.respond(&req, body)?;
            }
            Command::Continue(_) => {
                sender.respond(&req, ContinueResponseBody::default())?;
                sender.send_event(Event::exited(0))?;
                sender.send_event(Event::terminated())?;
            }
            Command::Disconnect(_) => {
                sender.ack(&req)?;
                return Ok(());
            }
            _ => {
                sender.respond_error(&req, format!("unsupported request '{}'", req.command))?;
            }
        }
    }
}
