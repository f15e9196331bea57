//! A launch with `noDebug`: the program runs on the interpreter by itself,
//! with no agent and no tracing; its output and exit code still reach the
//! front end, as in a debug session.
use super::events::{EventSink, OutputKind, SessionEvent};
use super::launch::{LaunchConfig, LocalRun};
use super::utf8::Utf8Stream;
use crate::transport::{ProcessTransport, Transport};
use anyhow::{anyhow, Result};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub struct PlainRun {
    cfg: LaunchConfig,
    run: LocalRun,
    transport: Mutex<Option<ProcessTransport>>,
    /// The program's standard input, fed from the debug console.
    stdin: Mutex<Option<Box<dyn Write + Send>>>,
    sink: Arc<dyn EventSink>,
}

impl PlainRun {
    /// Checks the program and prepares the interpreter (building it if
    /// needed); the program starts with [`PlainRun::start`].
    pub fn launch(cfg: LaunchConfig, sink: Arc<dyn EventSink>) -> Result<Arc<PlainRun>> {
        let run = LocalRun::prepare(&cfg, sink.as_ref())?;
        Ok(Arc::new(PlainRun {
            cfg,
            run,
            transport: Mutex::new(None),
            stdin: Mutex::new(None),
            sink,
        }))
    }

    /// Starts the program (once); its output and end are reported as events.
    pub fn start(self: &Arc<Self>) -> Result<()> {
        let mut slot = self.transport.lock().map_err(|_| anyhow!("run state poisoned"))?;
        if slot.is_some() {
            return Ok(());
        }
        let mut transport = ProcessTransport::spawn(
            &self.run.interpreter,
            &self.run.options,
            None,
            &self.run.program,
            &self.cfg.args,
            &self.run.cwd,
            &self.cfg.env,
        )?;
        let streams = transport
            .take_streams()
            .ok_or_else(|| anyhow!("the interpreter's streams are gone"))?;
        if let Ok(mut stdin) = self.stdin.lock() {
            *stdin = Some(streams.writer);
        }
        *slot = Some(transport);
        drop(slot);
        let stderr = streams.stderr.map(|s| {
            let me = self.clone();
            std::thread::spawn(move || me.forward(s, OutputKind::Stderr))
        });
        let me = self.clone();
        let stdout = streams.reader;
        std::thread::spawn(move || {
            me.forward(stdout, OutputKind::Stdout);
            if let Some(t) = stderr {
                t.join().ok();
            }
            let code = me.reap();
            me.sink.event(SessionEvent::Exited { code });
            me.sink.event(SessionEvent::Terminated);
        });
        Ok(())
    }

    /// Copies one stream to output events until it ends.
    fn forward(&self, mut stream: Box<dyn Read + Send>, kind: OutputKind) {
        let mut text = Utf8Stream::default();
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => self.output(kind, text.push(&buf[..n])),
            }
        }
        self.output(kind, text.finish());
    }

    fn output(&self, kind: OutputKind, text: String) {
        if !text.is_empty() {
            self.sink.event(SessionEvent::Output { kind, text });
        }
    }

    /// The exit code once the streams have closed (the process is ending).
    fn reap(&self) -> i32 {
        super::pump::reap(Duration::from_secs(3), || {
            self.transport
                .lock()
                .ok()
                .and_then(|mut t| t.as_mut().and_then(|t| t.exit_code()))
        })
        .unwrap_or(-1)
    }

    /// Bytes for the program's standard input (lines typed in the debug
    /// console); empty: end of input.
    pub fn send_input(&self, data: &[u8]) -> Result<()> {
        let mut stdin = self.stdin.lock().map_err(|_| anyhow!("run state poisoned"))?;
        if data.is_empty() {
            *stdin = None;
            return Ok(());
        }
        let writer = stdin
            .as_mut()
            .ok_or_else(|| anyhow!("the program is not running, or its input is closed"))?;
        writer
            .write_all(data)
            .and_then(|_| writer.flush())
            .map_err(|e| anyhow!("the program no longer reads its input: {e}"))
    }

    /// Ends the program now (if it started).
    pub fn terminate(&self) {
        if let Ok(mut t) = self.transport.lock() {
            if let Some(t) = t.as_mut() {
                t.shutdown();
            }
        }
    }

    pub fn process_id(&self) -> Option<u32> {
        self.transport
            .lock()
            .ok()
            .and_then(|t| t.as_ref().and_then(|t| t.process_id()))
    }
}
