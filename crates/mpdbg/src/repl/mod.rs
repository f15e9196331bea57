//! MicroPython's REPL over a byte link, as a board's USB/UART REPL offers it:
//! interrupting what runs, the raw REPL, raw-paste (with its flow control,
//! falling back to plain raw mode), soft reset, running code and reading its
//! output. The deployer and the session share it; file transfer is in
//! [`files`].
pub mod files;

use anyhow::{anyhow, bail, Result};
use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

/// The raw REPL's prompt after Ctrl-A (or after a soft reset in raw mode).
const RAW_PROMPT: &[u8] = b"raw REPL; CTRL-B to exit\r\n>";
/// How long a REPL may take to answer Ctrl-C / Ctrl-A.
const ANSWER_TIMEOUT: Duration = Duration::from_millis(1500);
/// How long a board may take to grant more raw-paste data, or to
/// acknowledge its end: it compiles what it has first (seconds for a large
/// piece on a slow or emulated board).
const GRANT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a soft reset may take (boards run boot.py).
const RESET_TIMEOUT: Duration = Duration::from_secs(10);

/// A bidirectional byte link with bounded reads (a serial port, a pty).
pub trait Link: Read + Write + Send {
    /// Bounds each `read`: it returns `TimedOut` (or `WouldBlock`) when nothing came.
    fn set_read_timeout(&mut self, timeout: Duration) -> io::Result<()>;
    /// Bytes that can be read now without waiting.
    fn bytes_waiting(&mut self) -> io::Result<usize>;
    /// Drops whatever the device sent that nobody read yet.
    fn discard_input(&mut self) -> io::Result<()>;
}

/// What the REPL printed for one piece of code run in raw mode.
#[derive(Debug, Default)]
pub struct Output {
    pub stdout: Vec<u8>,
    /// The traceback, when the code raised.
    pub stderr: Vec<u8>,
}

impl Output {
    /// The code's stdout as text, or its error as an error.
    pub fn ok(self) -> Result<String> {
        if !self.stderr.is_empty() {
            bail!("{}", String::from_utf8_lossy(&self.stderr).trim());
        }
        Ok(String::from_utf8_lossy(&self.stdout).into_owned())
    }
}

/// Drives one board's REPL. `name` and `baud` appear in error messages.
pub struct Repl<L: Link> {
    link: L,
    name: String,
    baud: u32,
    buf: Vec<u8>,
    raw_paste: Option<bool>,
    /// How long the REPL may take to answer Ctrl-C, Ctrl-A and raw-paste.
    answer_timeout: Duration,
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock)
}

impl<L: Link> Repl<L> {
    pub fn new(link: L, name: &str, baud: u32) -> Repl<L> {
        Repl {
            link,
            name: name.to_string(),
            baud,
            buf: Vec::new(),
            raw_paste: None,
            answer_timeout: ANSWER_TIMEOUT,
        }
    }

    /// The link back, for the session once the program runs, with what the
    /// board already sent past the start (the program's first bytes).
    pub fn into_link(self) -> (L, Vec<u8>) {
        (self.link, self.buf)
    }

    fn gone(&self, e: &io::Error) -> anyhow::Error {
        anyhow!("the board on {} went away ({e}): is it still plugged in?", self.name)
    }

    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        let r = self.link.write_all(bytes).and_then(|_| self.link.flush());
        r.map_err(|e| self.gone(&e))
    }

    /// Reads into the buffer once; false when nothing came in `timeout`.
    fn fill(&mut self, timeout: Duration) -> Result<bool> {
        self.link
            .set_read_timeout(timeout.max(Duration::from_millis(1)))
            .map_err(|e| self.gone(&e))?;
        let mut chunk = [0u8; 4096];
        match self.link.read(&mut chunk) {
            Ok(0) => Err(anyhow!(
                "the board on {} closed the link: is it still plugged in?",
                self.name
            )),
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                Ok(true)
            }
            Err(e) if is_timeout(&e) || e.kind() == io::ErrorKind::Interrupted => Ok(false),
            Err(e) => Err(self.gone(&e)),
        }
    }

    /// Reads until `pattern`; returns what came before it (the pattern is consumed).
    /// `None` when it did not come within `timeout`; what came stays buffered.
    fn read_until(&mut self, pattern: &[u8], timeout: Duration) -> Result<Option<Vec<u8>>> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(i) = find(&self.buf, pattern) {
                let before = self.buf[..i].to_vec();
                self.buf.drain(..i + pattern.len());
                return Ok(Some(before));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(None);
            }
            self.fill(left)?;
        }
    }

    fn expect(&mut self, pattern: &[u8], timeout: Duration, what: &str) -> Result<Vec<u8>> {
        match self.read_until(pattern, timeout)? {
            Some(b) => Ok(b),
            None => Err(self.stopped_answering(what, timeout)),
        }
    }

    /// Interrupts whatever runs and enters the raw REPL.
    pub fn enter_raw(&mut self) -> Result<()> {
        self.link.discard_input().ok();
        self.buf.clear();
        // Ctrl-C twice stops a program (unless it disabled Ctrl-C); Ctrl-A asks for raw mode.
        for attempt in 0..2 {
            self.write(b"\r\x03\x03")?;
            self.write(b"\r\x01")?;
            if self.read_until(RAW_PROMPT, self.answer_timeout)?.is_some() {
                // A second Ctrl-A may have queued another prompt: take it now.
                self.read_until(RAW_PROMPT, Duration::from_millis(1))?;
                return Ok(());
            }
            if attempt == 0 {
                self.buf.clear();
            }
        }
        Err(self.no_answer())
    }

    /// Why no REPL answered, judged by what came instead.
    fn no_answer(&self) -> anyhow::Error {
        let head = format!("no MicroPython REPL answered on {} at {} baud", self.name, self.baud);
        let text = std::str::from_utf8(&self.buf).ok().filter(|t| {
            t.chars()
                .all(|c| !c.is_control() || c.is_whitespace() || c == '\x04' || c == '\x1b')
        });
        if self.buf.is_empty() {
            anyhow!(
                "{head}: nothing came back. Is it a MicroPython board? A program running there may ignore \
                 Ctrl-C (micropython.kbd_intr(-1)): reset the board (its reset button, or unplug it) and try again"
            )
        } else if text.is_some() {
            anyhow!(
                "{head}: a program is running there and does not stop on Ctrl-C (it may call \
                 micropython.kbd_intr(-1)); reset the board (its reset button, or unplug it) and try again"
            )
        } else {
            anyhow!(
                "{head}: only unreadable bytes came back: check the baud rate (\"baud\" in the launch \
                 configuration, --baud on the command line) and that this is the board's REPL port"
            )
        }
    }

    /// Soft-resets the board from the raw REPL (a fresh interpreter; stays raw).
    pub fn soft_reset(&mut self) -> Result<()> {
        self.write(b"\x04")?;
        self.expect(b"soft reboot\r\n", RESET_TIMEOUT, "a soft reset")?;
        self.expect(RAW_PROMPT, RESET_TIMEOUT, "a soft reset")?;
        Ok(())
    }

    /// Leaves the raw REPL for the friendly one (the `>>>` prompt).
    pub fn exit_raw(&mut self) -> Result<()> {
        self.write(b"\r\x02")
    }

    /// Sends `code` to the raw REPL and returns once the board runs it;
    /// its output then follows on the link, ending with `\x04 stderr \x04>`.
    pub fn start(&mut self, code: &[u8]) -> Result<()> {
        if self.raw_paste != Some(false) {
            self.write(b"\x05A\x01")?;
            let answer = self
                .read_exact_timeout(2, self.answer_timeout)?
                .ok_or_else(|| self.no_answer())?;
            match answer.as_slice() {
                b"R\x01" => {
                    self.raw_paste = Some(true);
                    return self.paste(code);
                }
                b"R\x00" => self.raw_paste = Some(false),
                _ => {
                    // An older REPL took the bytes as code: wait for its prompt again.
                    self.raw_paste = Some(false);
                    self.buf.splice(0..0, answer);
                    self.expect(b">", self.answer_timeout, "the raw REPL")?;
                }
            }
        }
        for chunk in code.chunks(256) {
            self.write(chunk)?;
        }
        self.write(b"\x04")?;
        let ok = self.expect(b"OK", self.answer_timeout, "the raw REPL")?;
        if !ok.is_empty() {
            bail!(
                "the board on {} answered the raw REPL with {:?}",
                self.name,
                String::from_utf8_lossy(&ok)
            );
        }
        Ok(())
    }

    /// `n` bytes within `timeout`; `None` when they did not come.
    fn read_exact_timeout(&mut self, n: usize, timeout: Duration) -> Result<Option<Vec<u8>>> {
        let deadline = Instant::now() + timeout;
        while self.buf.len() < n {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(None);
            }
            self.fill(left)?;
        }
        Ok(Some(self.buf.drain(..n).collect()))
    }

    /// Raw-paste: the board grants a window of bytes and adds to it with
    /// `\x01`; `\x04` from it means it stopped accepting (a compile error follows).
    fn paste(&mut self, code: &[u8]) -> Result<()> {
        let w = self
            .read_exact_timeout(2, self.answer_timeout)?
            .ok_or_else(|| self.stopped_answering("raw-paste", self.answer_timeout))?;
        let window = usize::from(u16::from_le_bytes([w[0], w[1]]));
        if window == 0 {
            bail!("the board on {} offered a raw-paste window of 0 bytes", self.name);
        }
        let mut credit = window;
        let mut sent = 0;
        while sent < code.len() {
            while credit == 0 || !self.buf.is_empty() || self.link.bytes_waiting().unwrap_or(0) > 0 {
                if self.buf.is_empty() && !self.fill(GRANT_TIMEOUT)? {
                    bail!(
                        "the board on {} stopped granting raw-paste data (none for {} s)",
                        self.name,
                        GRANT_TIMEOUT.as_secs()
                    );
                }
                match self.buf.remove(0) {
                    b'\x01' => credit += window,
                    b'\x04' => {
                        self.write(b"\x04")?;
                        return Ok(());
                    }
                    other => bail!("the board on {} sent {other:#04x} during raw-paste", self.name),
                }
            }
            let n = credit.min(code.len() - sent);
            let piece = code[sent..sent + n].to_vec();
            self.write(&piece)?;
            sent += n;
            credit -= n;
        }
        self.write(b"\x04")?;
        // The board acknowledges the end of the data with \x04 once it has
        // compiled what came before (then runs it).
        loop {
            if self.buf.is_empty() && !self.fill(GRANT_TIMEOUT)? {
                bail!(
                    "the board on {} did not acknowledge the end of the code (for {} s)",
                    self.name,
                    GRANT_TIMEOUT.as_secs()
                );
            }
            match self.buf.remove(0) {
                b'\x04' => return Ok(()),
                b'\x01' => {} // a late window grant
                other => bail!("the board on {} sent {other:#04x} after raw-paste", self.name),
            }
        }
    }

    /// Runs `code` to its end and returns its output.
    pub fn exec(&mut self, code: &str, timeout: Duration) -> Result<Output> {
        self.start(compact(code).as_bytes())?;
        self.finish(timeout)
    }

    /// Reads a started piece of code's output up to the raw prompt.
    pub fn finish(&mut self, timeout: Duration) -> Result<Output> {
        let stdout = self.expect(b"\x04", timeout, "running code")?;
        let stderr = self.expect(b"\x04", timeout, "running code")?;
        self.expect(b">", timeout, "running code")?;
        Ok(Output { stdout, stderr })
    }

    /// Reads one byte of a running piece of code's output.
    pub fn read_byte(&mut self, timeout: Duration) -> Result<u8> {
        match self.read_exact_timeout(1, timeout)? {
            Some(b) => Ok(b[0]),
            None => Err(self.stopped_answering("running code", timeout)),
        }
    }

    fn stopped_answering(&self, what: &str, timeout: Duration) -> anyhow::Error {
        anyhow!(
            "the board on {} stopped answering {what} (after {:.1} s); reset it and try again",
            self.name,
            timeout.as_secs_f32()
        )
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

/// `code` with fewer bytes to send: indentation of four spaces a level
/// becomes one space a level, and blank lines go. Only for our own helper
/// code, which has no multi-line strings.
pub fn compact(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    for line in code.lines() {
        let body = line.trim_start_matches(' ');
        if body.is_empty() {
            continue;
        }
        let indent = line.len() - body.len();
        out.extend(std::iter::repeat_n(' ', indent / 4 + indent % 4));
        out.push_str(body);
        out.push('\n');
    }
    out
}

pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A Python string literal for `s` (for code sent to the board).
pub fn py_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use std::collections::VecDeque;
    use std::sync::{Arc, Mutex};

    /// (bytes a write contains, what the board answers to it).
    type Rules = Vec<(Vec<u8>, Vec<u8>)>;

    /// A scripted board: each write may trigger canned answers.
    #[derive(Clone, Default)]
    pub struct FakeLink {
        pub rx: Arc<Mutex<VecDeque<u8>>>,
        pub tx: Arc<Mutex<Vec<u8>>>,
        pub on_write: Arc<Mutex<Rules>>,
    }

    impl FakeLink {
        pub fn answer(&self, trigger: &[u8], reply: &[u8]) {
            self.on_write.lock().unwrap().push((trigger.to_vec(), reply.to_vec()));
        }
    }

    impl Read for FakeLink {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let mut rx = self.rx.lock().unwrap();
            if rx.is_empty() {
                return Err(io::Error::new(io::ErrorKind::TimedOut, "timeout"));
            }
            let n = buf.len().min(rx.len());
            for b in buf.iter_mut().take(n) {
                *b = rx.pop_front().unwrap();
            }
            Ok(n)
        }
    }

    impl Write for FakeLink {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.tx.lock().unwrap().extend_from_slice(buf);
            let mut rules = self.on_write.lock().unwrap();
            if let Some(i) = rules.iter().position(|(t, _)| find(buf, t).is_some()) {
                let (_, reply) = rules.remove(i);
                self.rx.lock().unwrap().extend(reply);
            }
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Link for FakeLink {
        fn set_read_timeout(&mut self, _: Duration) -> io::Result<()> {
            Ok(())
        }
        fn bytes_waiting(&mut self) -> io::Result<usize> {
            Ok(self.rx.lock().unwrap().len())
        }
        fn discard_input(&mut self) -> io::Result<()> {
            self.rx.lock().unwrap().clear();
            Ok(())
        }
    }

    fn quick(link: FakeLink, name: &str, baud: u32) -> Repl<FakeLink> {
        let mut r = Repl::new(link, name, baud);
        r.answer_timeout = Duration::from_millis(30);
        r
    }

    #[test]
    fn raw_paste_honours_the_window() {
        let link = FakeLink::default();
        link.answer(b"\x01", b"raw REPL; CTRL-B to exit\r\n>");
        link.answer(b"\x05A\x01", b"R\x01\x04\x00");
        // After the first 4-byte window the board grants another.
        link.answer(b"abcd", b"\x01");
        link.answer(b"\x04", b"\x04hi\x04\x04>");
        let mut repl = quick(link.clone(), "/dev/x", 115200);
        repl.enter_raw().unwrap();
        let out = repl.exec("abcdef", Duration::from_millis(50)).unwrap();
        assert_eq!(out.ok().unwrap(), "hi");
        let tx = link.tx.lock().unwrap().clone();
        assert!(find(&tx, b"\x05A\x01abcdef\n\x04").is_some(), "{tx:?}");
    }

    #[test]
    fn falls_back_to_raw_mode() {
        let link = FakeLink::default();
        link.answer(b"\x01", b"raw REPL; CTRL-B to exit\r\n>");
        link.answer(b"\x05A\x01", b"R\x00");
        link.answer(b"\x04", b"OK\x04Traceback\r\nNameError: x\r\n\x04>");
        let mut repl = quick(link, "/dev/x", 115200);
        repl.enter_raw().unwrap();
        let err = repl.exec("x", Duration::from_millis(50)).unwrap().ok().unwrap_err();
        assert!(err.to_string().contains("NameError"), "{err}");
    }

    #[test]
    fn silence_and_garbage_are_explained() {
        let mut repl = quick(FakeLink::default(), "/dev/ttyUSB0", 9600);
        let err = repl.enter_raw().unwrap_err().to_string();
        assert!(
            err.contains("no MicroPython REPL answered on /dev/ttyUSB0 at 9600 baud"),
            "{err}"
        );
        assert!(err.contains("kbd_intr(-1)"), "{err}");
        let link = FakeLink::default();
        link.answer(b"\x01", &[0xf0, 0x80, 0x13, 0xfe]);
        link.answer(b"\x01", &[0xf0, 0x80, 0x13, 0xfe]);
        let err = quick(link, "COM3", 9600).enter_raw().unwrap_err().to_string();
        assert!(err.contains("check the baud rate"), "{err}");
    }

    #[test]
    fn compact_keeps_the_blocks() {
        assert_eq!(
            compact("if a:\n    b\n\n    if c:\n        d\ne\n"),
            "if a:\n b\n if c:\n  d\ne\n"
        );
    }

    #[test]
    fn python_literals_escape() {
        assert_eq!(py_str("a'b\\c\n"), "'a\\'b\\\\c\\n'");
    }
}
