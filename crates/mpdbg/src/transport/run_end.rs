//! Where a program started from the raw REPL ends in the board's byte
//! stream: the REPL closes its output with `\x04`, then prints the error
//! text (if any) and `\x04>`. A boot banner or "soft reboot" instead means
//! the board reset under the session.
//!
//! Agent frames pass unexamined (their header says how long they are). A
//! `\x04` the program prints itself is passed on as output: the trailer is
//! held back only until it proves to be one (`\x04 ... \x04>` with no agent
//! frame inside); a frame start, or more than [`MAX_TRAILER`] bytes, releases it.

/// Longest error text the REPL may print after a run.
const MAX_TRAILER: usize = 8192;
/// What a board prints when it starts again.
const RESET_MARKERS: [&[u8]; 2] = [b"soft reboot\r\n", b"Type \"help()\" for more information."];

#[derive(Debug, PartialEq, Eq)]
pub enum Piece {
    Output(Vec<u8>),
    /// The run ended; the error text the REPL printed after it.
    End(Vec<u8>),
    /// The board printed its start-up text: it reset.
    Reset,
}

#[derive(Default)]
pub struct RunEnd {
    /// Bytes after a `\x04` that may be the trailer.
    held: Vec<u8>,
    /// The start of what may be an agent frame (`FE FD LL LL HH`).
    head: Vec<u8>,
    /// Bytes left of a frame whose header checked: passed on unexamined.
    skip: usize,
    /// The last bytes passed on, to find reset markers across chunks.
    tail: Vec<u8>,
    done: bool,
}

impl RunEnd {
    pub fn push(&mut self, data: &[u8]) -> Vec<Piece> {
        let mut out = Vec::new();
        let mut pass = Vec::new();
        for &b in data {
            if self.done {
                break;
            }
            self.byte(b, &mut pass, &mut out);
        }
        if !self.done {
            self.flush_pass(&mut pass, &mut out);
        }
        out
    }

    fn byte(&mut self, b: u8, pass: &mut Vec<u8>, out: &mut Vec<Piece>) {
        if self.skip > 0 {
            self.skip -= 1;
            pass.push(b);
            return;
        }
        if !self.head.is_empty() || b == 0xFE {
            self.frame_head(b, pass, out);
            return;
        }
        if self.held.is_empty() {
            if b == 0x04 {
                self.held.push(b);
            } else {
                pass.push(b);
            }
            return;
        }
        self.held.push(b);
        let n = self.held.len();
        if n > MAX_TRAILER || RESET_MARKERS.iter().any(|m| self.held.ends_with(m)) {
            // Too long for error text, or the board restarting: output.
            pass.append(&mut self.held);
        } else if n >= 3 && self.held[n - 2] == 0x04 && b == b'>' {
            // Only the last two \x04 delimit the error text; earlier ones were output.
            let start = self.held[..n - 2].iter().rposition(|&c| c == 0x04).unwrap_or(0);
            pass.extend_from_slice(&self.held[..start]);
            let err = self.held[start + 1..n - 2].to_vec();
            self.flush_pass(pass, out);
            out.push(Piece::End(err));
            self.done = true;
            self.held.clear();
        }
    }

    /// An agent frame inside what may be the trailer means it was not one.
    fn frame_head(&mut self, b: u8, pass: &mut Vec<u8>, out: &mut Vec<Piece>) {
        if self.head.is_empty() {
            pass.append(&mut self.held);
        }
        self.head.push(b);
        let h = &self.head;
        let valid = match h.len() {
            1 => true,
            2 => h[1] == 0xFD,
            5 => (u16::from(h[2]) + u16::from(h[3]) + 0x5A) & 0xFF == u16::from(h[4]),
            _ => true,
        };
        if !valid {
            // Not a frame: its first byte is output, the rest is looked at again.
            let rest = self.head.split_off(1);
            pass.append(&mut self.head);
            for c in rest {
                self.byte(c, pass, out);
            }
        } else if self.head.len() == 5 {
            self.skip = usize::from(self.head[2]) | usize::from(self.head[3]) << 8;
            self.skip += 2;
            pass.append(&mut self.head);
        }
    }

    fn flush_pass(&mut self, pass: &mut Vec<u8>, out: &mut Vec<Piece>) {
        if pass.is_empty() {
            return;
        }
        let keep = self.tail.len();
        self.tail.extend_from_slice(pass);
        let reset = RESET_MARKERS
            .iter()
            .any(|m| super::super::repl::find(&self.tail, m).is_some_and(|i| i + m.len() > keep));
        out.push(Piece::Output(std::mem::take(pass)));
        if reset {
            out.push(Piece::Reset);
            self.done = true;
        }
        let cut = self.tail.len().saturating_sub(64);
        self.tail.drain(..cut);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(chunks: &[&[u8]]) -> Vec<Piece> {
        let mut e = RunEnd::default();
        chunks.iter().flat_map(|c| e.push(c)).collect()
    }

    #[test]
    fn a_clean_end() {
        assert_eq!(
            all(&[b"hello\r\n\x04", b"\x04>"]),
            [Piece::Output(b"hello\r\n".to_vec()), Piece::End(vec![])]
        );
    }

    #[test]
    fn error_text_and_split_chunks() {
        assert_eq!(
            all(&[b"x\x04Trace", b"back\r\n\x04", b">more"]),
            [Piece::Output(b"x".to_vec()), Piece::End(b"Traceback\r\n".to_vec())]
        );
    }

    #[test]
    fn a_programs_own_ctrl_d_is_output() {
        let pieces = all(&[b"a\x04b\xfe\xfcrest", b"\x04\x04>"]);
        assert_eq!(
            pieces,
            [Piece::Output(b"a\x04b\xfe\xfcrest".to_vec()), Piece::End(vec![])]
        );
        let pieces = all(&[b"\x04\x04\x04>"]);
        assert_eq!(pieces, [Piece::Output(b"\x04".to_vec()), Piece::End(vec![])]);
    }

    #[test]
    fn frames_pass_whole_even_with_ctrl_d_inside() {
        // FE FD, length 3, header check, payload with \x04, check bytes 04 00.
        let frame: &[u8] = &[0xFE, 0xFD, 3, 0, 0x5D, b'S', 0x04, b'>', 0x04, 0x00];
        let pieces = all(&[&frame[..6], &frame[6..], b"\x04\x04>"]);
        let mut bytes = Vec::new();
        for p in &pieces {
            if let Piece::Output(b) = p {
                bytes.extend_from_slice(b);
            }
        }
        assert_eq!(bytes, frame);
        assert_eq!(pieces.last(), Some(&Piece::End(vec![])));
        // A lone FE that starts no frame is output.
        assert_eq!(all(&[b"\xfex\x04\x04>"])[0], Piece::Output(b"\xfex".to_vec()));
    }

    #[test]
    fn a_boot_banner_is_a_reset() {
        let pieces = all(&[b"out\r\nMPY: soft re", b"boot\r\nMicroPython v1"]);
        assert_eq!(pieces.last(), Some(&Piece::Reset));
        // Also right after the REPL closed a run that raised SystemExit.
        let pieces = all(&[b"\x04\x04MPY: soft reboot\r\nraw REPL; CTRL-B to exit\r\n>"]);
        assert_eq!(pieces.last(), Some(&Piece::Reset));
    }
}
