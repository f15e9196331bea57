//! A local MicroPython process (the built-in debug interpreter): the agent
//! runs as its main script and the link is the process's stdin/stdout, the
//! same byte stream a board's USB REPL gives.
use super::{LinkStreams, Transport};
use anyhow::{Context, Result};
use std::path::Path;
use std::process::{Child, Command, Stdio};

pub struct ProcessTransport {
    child: Child,
    status: Option<i32>,
}

impl ProcessTransport {
    /// Starts `interpreter options... agent program args...` in `cwd`; with
    /// `own_group`, in a process group of its own (no terminal signals).
    pub fn spawn(
        interpreter: &Path,
        options: &[String],
        agent: &Path,
        program: &Path,
        args: &[String],
        cwd: &Path,
        own_group: bool,
    ) -> Result<Self> {
        let mut command = Command::new(interpreter);
        if own_group {
            std::os::unix::process::CommandExt::process_group(&mut command, 0);
        }
        let child = command
            .args(options)
            .arg(agent)
            .arg(program)
            .args(args)
            .current_dir(cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot start the interpreter {}", interpreter.display()))?;
        Ok(ProcessTransport { child, status: None })
    }
}

impl Transport for ProcessTransport {
    fn take_streams(&mut self) -> Option<LinkStreams> {
        let reader = self.child.stdout.take()?;
        let writer = self.child.stdin.take()?;
        let stderr = self.child.stderr.take();
        Some(LinkStreams {
            reader: Box::new(reader),
            writer: Box::new(writer),
            stderr: stderr.map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        })
    }

    fn shutdown(&mut self) {
        if self.exit_code().is_none() {
            self.child.kill().ok();
            if let Ok(status) = self.child.wait() {
                self.status = Some(status.code().unwrap_or(-1));
            }
        }
    }

    fn exit_code(&mut self) -> Option<i32> {
        if self.status.is_none() {
            if let Ok(Some(status)) = self.child.try_wait() {
                // Killed by a signal: report it like a shell does.
                self.status = Some(status.code().unwrap_or(-1));
            }
        }
        self.status
    }

    fn process_id(&self) -> Option<u32> {
        Some(self.child.id())
    }
}

impl Drop for ProcessTransport {
    fn drop(&mut self) {
        self.shutdown();
    }
}
