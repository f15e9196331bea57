//! The emulated board: our qemu-mps2 firmware running in QEMU's `mps2-an385`
//! machine (a Cortex-M3), its UART0 exposed as a pseudo-terminal that any
//! serial tool (mpremote, pyserial, mpdbg's serial transport) opens like a
//! board's `/dev/ttyACM0`.
//!
//! ```ignore
//! // Builds the firmware if the cache has none, starts QEMU, waits for the pty.
//! let board = EmulatedBoard::start(Flavour::Debug)?;
//! let tty = board.pty_path(); // e.g. /dev/pts/7: open it at any baud rate
//! // ... talk to the board's REPL (raw REPL, raw-paste, the agent) over `tty` ...
//! drop(board); // QEMU is killed, its pty goes away
//! ```
//!
//! Guarantees: QEMU runs in a process group of its own (a Ctrl-C in mpdbg's
//! terminal does not reach it) and dies with the thread that started it
//! (Linux `PR_SET_PDEATHSIG`), so no QEMU is left behind when mpdbg ends, is
//! killed or drops the [`EmulatedBoard`]; start it from a thread that lives
//! as long as the board is used (the main thread, typically). QEMU's own
//! messages go to mpdbg's stderr. With [`EmulatorOptions::gdb_port`], QEMU's
//! gdb stub listens on that loopback port (the board keeps running; `target
//! remote 127.0.0.1:PORT` halts it), for reading the Python stack of a halted
//! board.
mod process;

use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::micropython::{self, Board, Flavour};

/// How long QEMU may take to open its pseudo-terminal.
const PTY_TIMEOUT: Duration = Duration::from_secs(20);

/// How to start the emulated board.
#[derive(Clone, Debug)]
pub struct EmulatorOptions {
    /// The firmware ELF (from `mpdbg micropython build --board qemu`).
    pub firmware: PathBuf,
    /// Open QEMU's gdb stub on 127.0.0.1:PORT.
    pub gdb_port: Option<u16>,
    /// QEMU's `-icount shift=N`: the board's clocks count executed
    /// instructions (2^N ns each) instead of host time, so timings compare
    /// instruction counts, whatever else loads the host.
    pub icount_shift: Option<u8>,
}

/// A running emulated board; dropping it stops QEMU.
pub struct EmulatedBoard {
    child: Child,
    pty: PathBuf,
    firmware: PathBuf,
}

impl EmulatedBoard {
    /// Builds (or takes from the cache) the qemu-mps2 firmware of `flavour`
    /// and starts it. Build progress goes to stderr.
    // The serial-board transport's `qemu` device starts boards this way.
    #[allow(dead_code)]
    pub fn start(flavour: Flavour) -> Result<EmulatedBoard> {
        micropython::check_qemu_board_tools()?;
        let built = micropython::ensure_built_for(Board::Qemu, flavour, &mut std::io::stderr())?;
        EmulatedBoard::start_with(&EmulatorOptions {
            firmware: built.interpreter,
            gdb_port: None,
            icount_shift: None,
        })
    }

    /// Starts QEMU on a firmware of your choice; returns once its UART's
    /// pseudo-terminal exists.
    pub fn start_with(options: &EmulatorOptions) -> Result<EmulatedBoard> {
        micropython::check_qemu_board_tools()?;
        if !options.firmware.is_file() {
            bail!(
                "no firmware at {}: build it with `mpdbg micropython build --board qemu`",
                options.firmware.display()
            );
        }
        let mut command = Command::new("qemu-system-arm");
        command
            .args(["-machine", "mps2-an385", "-display", "none", "-monitor", "none"])
            .args(["-serial", "pty", "-semihosting-config", "enable=on,target=native"])
            .arg("-kernel")
            .arg(&options.firmware);
        // mpdbg binds the gdb stub's loopback socket and hands it to QEMU, so
        // it accepts connections as soon as start_with returns.
        let _gdb_listener = match options.gdb_port {
            Some(port) => Some(process::pass_listener(&mut command, port)?),
            None => None,
        };
        if let Some(shift) = options.icount_shift {
            command.arg("-icount").arg(format!("shift={shift}"));
        }
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        process::own_process_group_and_die_with_parent(&mut command);
        let mut child = command
            .spawn()
            .context("cannot start qemu-system-arm (apt-get install qemu-system-arm)")?;
        let Some(stdout) = child.stdout.take() else {
            bail!("qemu-system-arm started without its stdout");
        };
        let mut board = EmulatedBoard {
            child,
            pty: PathBuf::new(),
            firmware: options.firmware.clone(),
        };
        board.pty = wait_for_pty(stdout).with_context(|| {
            let status = board.child.try_wait().ok().flatten();
            match status {
                Some(status) => format!("QEMU ended ({status}) before opening the board's UART"),
                None => "QEMU did not open the board's UART".to_string(),
            }
        })?;
        Ok(board)
    }

    /// The pseudo-terminal of the board's UART0 (its REPL).
    pub fn pty_path(&self) -> &Path {
        &self.pty
    }

    /// The firmware ELF it runs (with symbols, for gdb).
    pub fn firmware(&self) -> &Path {
        &self.firmware
    }

    /// Waits until QEMU ends (the firmware's semihosting exit, or a signal).
    pub fn wait(&mut self) -> Result<ExitStatus> {
        self.child.wait().context("cannot wait for QEMU")
    }
}

impl Drop for EmulatedBoard {
    fn drop(&mut self) {
        process::kill_group(&mut self.child);
    }
}

/// Reads QEMU's stdout up to the line naming the pty (`char device
/// redirected to /dev/pts/N`); the rest is copied to our stderr (stdout is
/// mpdbg's: the pty's path, or the DAP protocol).
fn wait_for_pty(stdout: ChildStdout) -> Result<PathBuf> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        let mut sent = false;
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            match pty_in(&line) {
                Some(path) if !sent => {
                    sent = true;
                    tx.send(Ok(path)).ok();
                }
                _ => eprint!("qemu: {line}"),
            }
        }
        if !sent {
            tx.send(Err(())).ok();
        }
        // Keep draining, so that QEMU never blocks on a full pipe.
        std::io::copy(&mut reader, &mut std::io::stderr()).ok();
    });
    match rx.recv_timeout(PTY_TIMEOUT) {
        Ok(Ok(path)) => Ok(path),
        Ok(Err(())) => bail!("QEMU's output ended without naming a pseudo-terminal"),
        Err(_) => bail!("no pseudo-terminal from QEMU within {} s", PTY_TIMEOUT.as_secs()),
    }
}

fn pty_in(line: &str) -> Option<PathBuf> {
    let start = line.find("/dev/pts/")?;
    let path: String = line[start..].chars().take_while(|c| !c.is_whitespace()).collect();
    Some(PathBuf::from(path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// Reads the pty until `want` appears (bounded by a deadline).
    fn read_until(tty: &mut std::fs::File, want: &str) -> String {
        use std::io::Read;
        use std::os::fd::AsRawFd;
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        let mut seen = Vec::new();
        while !String::from_utf8_lossy(&seen).contains(want) {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            assert!(
                !left.is_zero(),
                "no {want:?} from the board; got {:?}",
                String::from_utf8_lossy(&seen)
            );
            let mut pfd = libc::pollfd {
                fd: tty.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one valid pollfd for the duration of the call.
            let ready = unsafe { libc::poll(&mut pfd, 1, left.as_millis().min(1000) as i32) };
            if ready > 0 {
                let mut buf = [0u8; 256];
                let n = tty.read(&mut buf).unwrap_or(0);
                seen.extend_from_slice(&buf[..n]);
            }
        }
        String::from_utf8_lossy(&seen).into_owned()
    }

    #[test]
    fn the_board_answers_on_its_pty_and_goes_away_with_its_handle() {
        // As the device tests: the board is part of the suite unless asked not to be.
        if std::env::var_os("MPDBG_NO_BOARD").is_some_and(|v| !v.is_empty()) {
            return;
        }
        let board = EmulatedBoard::start(Flavour::Debug).expect("the board starts");
        let pid = board.child.id() as i32;
        let mut tty = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(board.pty_path())
            .expect("the pty opens");
        // Ctrl-C twice: whatever ran stops, a fresh prompt.
        tty.write_all(b"\x03\x03").expect("write");
        read_until(&mut tty, ">>> ");
        tty.write_all(b"print(6 * 7, sys.platform if 'sys' in dir() else __import__('sys').platform)\r")
            .expect("write");
        assert!(read_until(&mut tty, "42 qemu-mps2").contains("42 qemu-mps2"));
        drop(board);
        // SAFETY: signal 0 only asks whether the process exists.
        assert_ne!(unsafe { libc::kill(pid, 0) }, 0, "QEMU outlived its EmulatedBoard");
    }

    #[test]
    fn the_pty_is_read_from_qemus_message() {
        assert_eq!(
            pty_in("char device redirected to /dev/pts/17 (label serial0)\n"),
            Some(PathBuf::from("/dev/pts/17"))
        );
        assert_eq!(pty_in("qemu-system-arm: warning: something\n"), None);
    }
}
