//! The program's stdin while it runs: what is typed at the terminal goes to
//! the program (the device's own stdin is the debugger's link, so it travels
//! in input messages). While the program is stopped the prompt reads the
//! terminal, so input is taken only while it runs, and only what is there:
//! nothing waits on the terminal that the prompt would then miss. Piped
//! stdin holds the debugger's commands and is not forwarded.
use crate::session::Session;
use std::io::IsTerminal;

pub struct TerminalInput {
    on: bool,
}

impl TerminalInput {
    pub fn new() -> TerminalInput {
        TerminalInput {
            on: std::io::stdin().is_terminal(),
        }
    }

    /// Forwards what the terminal has for the program now; never blocks.
    /// Ctrl-D at the start of a line ends the program's input.
    pub fn forward(&self, session: &Session) {
        if !self.on {
            return;
        }
        loop {
            let mut fd = libc::pollfd {
                fd: libc::STDIN_FILENO,
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one valid pollfd, no timeout.
            let ready = unsafe { libc::poll(&mut fd, 1, 0) };
            if ready <= 0 || fd.revents & libc::POLLIN == 0 {
                return;
            }
            let mut buf = [0u8; 4096];
            // SAFETY: reads at most buf.len() bytes into buf; stdin is ready.
            let n = unsafe { libc::read(libc::STDIN_FILENO, buf.as_mut_ptr().cast(), buf.len()) };
            let Ok(n) = usize::try_from(n) else { return };
            if session.send_input(&buf[..n]).is_err() || n == 0 {
                return;
            }
        }
    }
}
