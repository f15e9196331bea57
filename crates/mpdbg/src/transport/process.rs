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
    /// Starts `interpreter options... [agent] program args...` in `cwd` with
    /// `env`'s changes (a value sets a variable, `None` removes it).
    pub fn spawn(
        interpreter: &Path,
        options: &[String],
        agent: Option<&Path>,
        program: &Path,
        args: &[String],
        cwd: &Path,
        env: &[(String, Option<String>)],
    ) -> Result<Self> {
        let mut command = Command::new(interpreter);
        end_with_this_process(&mut command);
        command
            .args(options)
            .args(agent)
            .arg(program)
            .args(args)
            .current_dir(cwd);
        for (name, value) in env {
            match value {
                Some(v) => command.env(name, v),
                None => command.env_remove(name),
            };
        }
        let child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot start the interpreter {}", interpreter.display()))?;
        Ok(ProcessTransport { child, status: None })
    }
}

/// A local interpreter must not outlive the adapter that launched it (an
/// editor's kill -9 of the adapter would leave it running, maybe at 100 %
/// CPU): on Linux the kernel kills it when its parent goes. Its own process
/// group keeps the terminal's Ctrl-C for mpdbg, which decides what it means.
fn end_with_this_process(command: &mut Command) {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        #[cfg(target_os = "linux")]
        // SAFETY: only async-signal-safe calls between fork and exec.
        let parent = unsafe { libc::getpid() };
        // SAFETY: prctl, getppid, kill and setpgid are async-signal-safe.
        unsafe {
            command.pre_exec(move || {
                #[cfg(target_os = "linux")]
                {
                    if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    // The parent may have died before the prctl took effect.
                    if libc::getppid() != parent {
                        libc::kill(libc::getpid(), libc::SIGKILL);
                    }
                }
                libc::setpgid(0, 0);
                Ok(())
            });
        }
    }
    #[cfg(not(unix))]
    let _ = command;
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
