//! The DAP base protocol: `Content-Length: N\r\n\r\n` framing.
//!
//! [`FrameReader`] reads frames from any [`BufRead`]; [`write_frame`] writes
//! one to any [`Write`]. [`decode_message`] and [`encode_message`] convert
//! between a frame body and a [`ProtocolMessage`].
//!
//! The reader is tolerant: header names are matched case-insensitively,
//! unknown headers (e.g. `Content-Type`) are ignored, lines may end in `\n`
//! alone, and blank lines between messages are skipped. When a header block is
//! broken it reports a [`DapError`] and then re-synchronises on the next
//! `Content-Length` header it sees, so one bad message does not end a session.
//!
//! On a socket that tolerance is a hole: a web page can make a browser send
//! an HTTP request whose body carries DAP frames after a junk line. A strict
//! reader ([`FrameReader::strict`]) accepts only `Content-Length` and
//! `Content-Type` header lines from the first byte and never
//! re-synchronises: anything else is [`DapError::NotDap`], which ends the
//! stream.

use std::io::{self, BufRead, Read, Write};

use serde_json::Value;

use crate::error::DapError;
use crate::messages::ProtocolMessage;

/// Default cap on a message body: 64 MiB.
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 64 * 1024 * 1024;

/// Header lines longer than this are truncated (only their tail is kept, which
/// is where a following `Content-Length` would be when re-synchronising).
const MAX_HEADER_LINE: usize = 8 * 1024;

const CONTENT_LENGTH: &[u8] = b"content-length";
const CONTENT_TYPE: &[u8] = b"content-type";

/// The longest header line a strict reader accepts (a real one is ~25 bytes).
const STRICT_MAX_HEADER_LINE: usize = 256;

/// Reads `Content-Length`-framed message bodies from a byte stream.
#[derive(Debug)]
pub struct FrameReader<R> {
    inner: Pushback<R>,
    max_size: usize,
    /// A header line found while skipping garbage; it starts the next block.
    pending: Option<Vec<u8>>,
    /// The previous frame had a broken header, so the bytes that follow are
    /// its body: skip them silently while re-synchronising.
    resyncing: bool,
    /// End of stream reached: always report a clean EOF from now on.
    eof: bool,
    /// Socket mode: only DAP headers, no re-synchronisation.
    strict: bool,
}

/// One line read by [`read_line_tail`].
struct Line {
    /// Bytes consumed from the stream, including the line end.
    consumed: usize,
    /// Whether the line ended in `\n` (false: the stream ended first).
    terminated: bool,
}

impl<R: BufRead> FrameReader<R> {
    /// Wraps `inner` with the default size cap ([`DEFAULT_MAX_MESSAGE_SIZE`]).
    pub fn new(inner: R) -> Self {
        Self::with_max_size(inner, DEFAULT_MAX_MESSAGE_SIZE)
    }

    /// Wraps `inner`, rejecting bodies longer than `max_size` bytes.
    pub fn with_max_size(inner: R, max_size: usize) -> Self {
        FrameReader {
            inner: Pushback {
                front: Vec::new(),
                pos: 0,
                inner,
            },
            max_size,
            pending: None,
            resyncing: false,
            eof: false,
            strict: false,
        }
    }

    /// A reader for untrusted peers (sockets): only `Content-Length` and
    /// `Content-Type` header lines, from the first byte on; any other byte
    /// sequence is [`DapError::NotDap`] and ends the stream.
    pub fn strict(inner: R, max_size: usize) -> Self {
        FrameReader {
            strict: true,
            ..Self::with_max_size(inner, max_size)
        }
    }

    /// Whether this reader is strict (see [`FrameReader::strict`]).
    pub fn is_strict(&self) -> bool {
        self.strict
    }

    /// The wrapped reader.
    pub fn get_ref(&self) -> &R {
        &self.inner.inner
    }

    /// Unwraps the reader. Bytes of a partially-read or pushed-back frame are
    /// lost.
    pub fn into_inner(self) -> R {
        self.inner.inner
    }

    /// Recovers from a body that turned out not to be a message (bad JSON or
    /// UTF-8) because its announced length was too long: if a complete
    /// `Content-Length: N` header line occurs inside `body` (after its first
    /// byte), everything from there is pushed back to be read again as the
    /// next frame. Returns the offset of that header, if any.
    pub fn push_back_embedded_frame(&mut self, body: &[u8]) -> Option<usize> {
        let at = find_embedded_header(body)?;
        self.inner.push_front(&body[at..]);
        self.eof = false;
        Some(at)
    }

    /// Reads the next frame body.
    ///
    /// Returns `Ok(None)` at a clean end of stream (EOF between messages,
    /// possibly after blank lines). Errors other than [`DapError::Io`] and
    /// [`DapError::UnexpectedEof`] leave the reader ready for the next frame.
    pub fn read_frame(&mut self) -> Result<Option<Vec<u8>>, DapError> {
        if self.eof {
            return Ok(None);
        }
        let header = if self.strict {
            self.read_header_strict()
        } else {
            self.read_header()
        };
        let length = match header? {
            Some(n) => n,
            None => return Ok(None),
        };
        let mut body = Vec::with_capacity(length.min(64 * 1024));
        let got = (&mut self.inner).take(length as u64).read_to_end(&mut body)?;
        if got < length {
            if let Some(at) = self.push_back_embedded_frame(&body) {
                // The stream ended early, but another frame started inside
                // this one: the announced length was wrong.
                self.resyncing = false;
                return Err(DapError::Header(format!(
                    "message cut short after {at} of {length} bytes by the next Content-Length header"
                )));
            }
            self.eof = true;
            return Err(DapError::UnexpectedEof {
                context: "body",
                got,
                expected: length,
            });
        }
        Ok(Some(body))
    }

    /// Reads one header block of a strict reader: `Content-Length` and
    /// `Content-Type` lines ending in CRLF, then a blank line.
    fn read_header_strict(&mut self) -> Result<Option<usize>, DapError> {
        let mut length = None;
        let mut first = true;
        loop {
            let Some(line) = self.read_strict_line(first)? else {
                return Ok(None);
            };
            first = false;
            if line.is_empty() {
                return match length {
                    Some(n) if n > self.max_size => Err(self.not_dap(&format!(
                        "a message of {n} bytes, over the maximum of {}",
                        self.max_size
                    ))),
                    Some(n) => Ok(Some(n)),
                    None => Err(self.not_dap("a header block without Content-Length")),
                };
            }
            let Some((name, value)) = parse_header_line(&line) else {
                return Err(self.not_dap(&format!("{:?}", String::from_utf8_lossy(&line))));
            };
            if name.eq_ignore_ascii_case(CONTENT_LENGTH) && length.is_none() {
                length = Some(parse_length(value).map_err(|e| self.not_dap(&e))?);
            } else if !name.eq_ignore_ascii_case(CONTENT_TYPE) {
                return Err(self.not_dap(&format!("the header {:?}", String::from_utf8_lossy(name))));
            }
        }
    }

    /// One header line of a strict reader, without its CRLF. Judged byte by
    /// byte as it arrives, so that a peer sending something else (or
    /// nothing useful, slowly) is turned away at once: the name must be
    /// `Content-Length` or `Content-Type`, the line short. `None` at a clean
    /// end of stream before a message.
    fn read_strict_line(&mut self, first: bool) -> Result<Option<Vec<u8>>, DapError> {
        let mut line = Vec::new();
        loop {
            let byte = match self.inner.fill_buf() {
                Ok([]) => {
                    self.eof = true;
                    if first && line.is_empty() {
                        return Ok(None);
                    }
                    return Err(DapError::NotDap("the stream ended inside a header".into()));
                }
                Ok(b) => b[0],
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            };
            self.inner.consume(1);
            if byte == b'\n' {
                return match line.pop() {
                    Some(b'\r') => Ok(Some(line)),
                    _ => Err(self.not_dap("a header line that does not end in CRLF")),
                };
            }
            line.push(byte);
            let name_end = line.iter().position(|&b| b == b':').unwrap_or(line.len());
            let name = &line[..name_end.min(line.len())];
            let plausible = [CONTENT_LENGTH, CONTENT_TYPE]
                .iter()
                .any(|h| name.len() <= h.len() && h[..name.len()].eq_ignore_ascii_case(name))
                || (line.len() == 1 && byte == b'\r');
            if !plausible || line.len() > STRICT_MAX_HEADER_LINE {
                return Err(self.not_dap(&format!("{:?}", String::from_utf8_lossy(&line))));
            }
        }
    }

    /// Ends a strict stream at bytes that are not DAP.
    fn not_dap(&mut self, what: &str) -> DapError {
        self.eof = true;
        DapError::NotDap(what.chars().take(120).collect())
    }

    /// Reads one header block; returns the announced body length.
    fn read_header(&mut self) -> Result<Option<usize>, DapError> {
        let mut line = Vec::new();
        // Valid `Name: value` lines seen in this block; the block ends at the
        // first blank line after one of them.
        let mut headers_seen = false;
        let mut length: Option<Result<usize, String>> = None;
        // Bytes in this block that were not part of any header.
        let mut garbage = 0usize;
        loop {
            let consumed = if let Some(p) = self.pending.take() {
                line = p;
                line.len() + 1
            } else {
                let l = read_line_tail(&mut self.inner, &mut line)?;
                if !l.terminated {
                    // End of stream, possibly after a partial line.
                    self.eof = true;
                    let partial = !line.trim_ascii().is_empty();
                    let quiet = self.resyncing && find_content_length(&line).is_none();
                    if !headers_seen && (quiet || (!partial && garbage == 0)) {
                        return Ok(None);
                    }
                    return Err(DapError::UnexpectedEof {
                        context: "header",
                        got: 0,
                        expected: 0,
                    });
                }
                l.consumed
            };
            // Bytes of an over-long line that `read_line_tail` did not keep.
            let dropped = consumed.saturating_sub(line.len() + 1);
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            if line.is_empty() {
                if headers_seen {
                    break;
                }
                continue;
            }
            let header_at = match find_content_length(&line) {
                Some(0) => Some(0),
                _ => find_header_line_tail(&line),
            };
            if let Some(pos) = header_at {
                if pos > 0 || garbage > 0 {
                    // A new message starts here; what came before was not
                    // framed. Report it, unless it is the body of a frame
                    // whose header was already reported as broken.
                    let discarded = garbage + dropped + pos;
                    if !self.resyncing {
                        self.pending = Some(line[pos..].to_vec());
                        return Err(DapError::Header(format!(
                            "discarded {discarded} bytes of data without a Content-Length header"
                        )));
                    }
                    line.drain(..pos);
                    garbage = 0;
                    length = None;
                    headers_seen = false;
                }
            }
            match parse_header_line(&line) {
                Some((name, value)) => {
                    headers_seen = true;
                    if name.eq_ignore_ascii_case(CONTENT_LENGTH) {
                        length = Some(match (length, parse_length(value)) {
                            (Some(Ok(a)), Ok(b)) if a != b => {
                                Err(format!("conflicting Content-Length values {a} and {b}"))
                            }
                            (Some(Err(e)), _) => Err(e),
                            (_, parsed) => parsed,
                        });
                    }
                    // Other headers (Content-Type...) are ignored.
                }
                None => garbage += consumed,
            }
        }
        let result = match length {
            Some(Ok(n)) if n > self.max_size => Err(DapError::TooLarge {
                length: n,
                max: self.max_size,
            }),
            Some(Ok(n)) => Ok(Some(n)),
            Some(Err(msg)) => Err(DapError::Header(msg)),
            None => Err(DapError::Header("missing Content-Length header".into())),
        };
        self.resyncing = result.is_err();
        result
    }
}

/// A reader with bytes pushed back in front of it.
#[derive(Debug)]
struct Pushback<R> {
    front: Vec<u8>,
    pos: usize,
    inner: R,
}

impl<R> Pushback<R> {
    fn push_front(&mut self, bytes: &[u8]) {
        let mut front = bytes.to_vec();
        front.extend_from_slice(&self.front[self.pos..]);
        self.front = front;
        self.pos = 0;
    }
}

impl<R: Read> Read for Pushback<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos < self.front.len() {
            let n = buf.len().min(self.front.len() - self.pos);
            buf[..n].copy_from_slice(&self.front[self.pos..self.pos + n]);
            self.consume_front(n);
            return Ok(n);
        }
        self.inner.read(buf)
    }
}

impl<R: BufRead> BufRead for Pushback<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos < self.front.len() {
            return Ok(&self.front[self.pos..]);
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        if self.pos < self.front.len() {
            self.consume_front(n);
        } else {
            self.inner.consume(n);
        }
    }
}

impl<R> Pushback<R> {
    fn consume_front(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.front.len());
        if self.pos == self.front.len() {
            self.front = Vec::new();
            self.pos = 0;
        }
    }
}

/// Offset (> 0) of a complete `Content-Length: N` line inside `data`.
fn find_embedded_header(data: &[u8]) -> Option<usize> {
    let mut from = 1;
    while from < data.len() {
        let at = from + find_content_length(&data[from..])?;
        let rest = &data[at + CONTENT_LENGTH.len()..];
        let rest = rest.trim_ascii_start();
        if let Some(rest) = rest.strip_prefix(b":") {
            let digits = rest.trim_ascii_start();
            let n = digits.iter().take_while(|b| b.is_ascii_digit()).count();
            let blanks = digits[n..].iter().take_while(|&&b| b == b' ' || b == b'\t').count();
            let after = &digits[n + blanks..];
            if n > 0 && (after.starts_with(b"\r\n") || after.starts_with(b"\n")) {
                return Some(at);
            }
        }
        from = at + 1;
    }
    None
}

/// Reads one line into `buf` (without the `\n`), keeping at most about
/// `MAX_HEADER_LINE` bytes: the tail of an over-long line.
fn read_line_tail<R: BufRead + ?Sized>(r: &mut R, buf: &mut Vec<u8>) -> io::Result<Line> {
    buf.clear();
    let mut consumed = 0;
    loop {
        let available = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            trim_front(buf, MAX_HEADER_LINE);
            return Ok(Line {
                consumed,
                terminated: false,
            });
        }
        if let Some(i) = available.iter().position(|&b| b == b'\n') {
            buf.extend_from_slice(&available[..i]);
            r.consume(i + 1);
            trim_front(buf, MAX_HEADER_LINE);
            return Ok(Line {
                consumed: consumed + i + 1,
                terminated: true,
            });
        }
        let n = available.len();
        buf.extend_from_slice(available);
        r.consume(n);
        consumed += n;
        if buf.len() > 2 * MAX_HEADER_LINE {
            trim_front(buf, MAX_HEADER_LINE);
        }
    }
}

fn trim_front(buf: &mut Vec<u8>, keep: usize) {
    if buf.len() > keep {
        buf.drain(..buf.len() - keep);
    }
}

/// Position of a `Content-Length` header name (any case, optional spaces,
/// then `:`) in `line`.
fn find_content_length(line: &[u8]) -> Option<usize> {
    let n = CONTENT_LENGTH.len();
    if line.len() < n {
        return None;
    }
    (0..=line.len() - n).find(|&i| {
        line[i..i + n].eq_ignore_ascii_case(CONTENT_LENGTH)
            && line[i + n..]
                .iter()
                .find(|&&b| b != b' ' && b != b'\t')
                .is_some_and(|&b| b == b':')
    })
}

/// Offset of a `Content-Length: N` header that makes up the rest of `line`
/// (garbage glued in front of a real header line).
fn find_header_line_tail(line: &[u8]) -> Option<usize> {
    let mut from = 0;
    while from < line.len() {
        let at = from + find_content_length(&line[from..])?;
        let rest = &line[at + CONTENT_LENGTH.len()..];
        let value = rest.trim_ascii().strip_prefix(b":").map(<[u8]>::trim_ascii);
        if value.is_some_and(|v| !v.is_empty() && v.iter().all(u8::is_ascii_digit)) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Splits `Name: value`; `None` if the name is not an HTTP-style token.
fn parse_header_line(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let colon = line.iter().position(|&b| b == b':')?;
    let name = line[..colon].trim_ascii();
    let valid = !name.is_empty()
        && name
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    valid.then(|| (name, line[colon + 1..].trim_ascii()))
}

fn parse_length(value: &[u8]) -> Result<usize, String> {
    let text = String::from_utf8_lossy(value);
    if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
        return Err(format!("invalid Content-Length value {text:?}"));
    }
    text.parse::<usize>()
        .map_err(|_| format!("Content-Length value {text} is out of range"))
}

/// Writes one frame: exactly `Content-Length: N\r\n\r\n` followed by `body`,
/// in a single `write_all`, then flushes.
pub fn write_frame<W: Write + ?Sized>(w: &mut W, body: &[u8]) -> io::Result<()> {
    w.write_all(&encode_frame(body))?;
    w.flush()
}

/// The bytes of one frame: header plus body.
pub fn encode_frame(body: &[u8]) -> Vec<u8> {
    let header = format!("Content-Length: {}\r\n\r\n", body.len());
    let mut out = Vec::with_capacity(header.len() + body.len());
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(body);
    out
}

/// Serialises a message to compact JSON (a frame body).
pub fn encode_message(msg: &ProtocolMessage) -> Result<Vec<u8>, DapError> {
    serde_json::to_vec(msg).map_err(DapError::Encode)
}

/// Parses a frame body into a message.
///
/// On failure the error carries the request's `seq` and `command` when they
/// can be recovered (by a best-effort scan if the JSON itself is broken).
pub fn decode_message(body: &[u8]) -> Result<ProtocolMessage, DapError> {
    let text = match std::str::from_utf8(body) {
        Ok(t) => t,
        Err(_) => {
            let lossy = String::from_utf8_lossy(body);
            let (seq, command) = sniff(&lossy);
            return Err(DapError::InvalidUtf8 { seq, command });
        }
    };
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let (seq, command) = sniff(text);
            return Err(DapError::InvalidJson {
                message: e.to_string(),
                seq,
                command,
            });
        }
    };
    ProtocolMessage::from_value(value)
}

/// Best-effort recovery of `"seq": N` and `"command": "..."` from text that
/// is not valid JSON.
fn sniff(text: &str) -> (Option<i64>, Option<String>) {
    let seq = value_after_key(text, "\"seq\"").and_then(|rest| {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    });
    let command = value_after_key(text, "\"command\"").and_then(|rest| {
        let rest = rest.strip_prefix('"')?;
        let end = rest.find(['"', '\\'])?;
        Some(rest[..end].to_string())
    });
    (seq, command)
}

/// The text after `key`, optional whitespace, `:` and optional whitespace.
fn value_after_key<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let mut from = 0;
    while let Some(i) = text[from..].find(key) {
        let rest = text[from + i + key.len()..].trim_start();
        if let Some(rest) = rest.strip_prefix(':') {
            return Some(rest.trim_start());
        }
        from += i + key.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(bytes: &[u8]) -> FrameReader<&[u8]> {
        FrameReader::new(bytes)
    }

    fn frames(bytes: &[u8]) -> Vec<Result<Vec<u8>, String>> {
        let mut r = reader(bytes);
        let mut out = Vec::new();
        for _ in 0..100 {
            match r.read_frame() {
                Ok(Some(b)) => out.push(Ok(b)),
                Ok(None) => return out,
                Err(e) => out.push(Err(e.to_string())),
            }
        }
        panic!("reader did not reach EOF");
    }

    #[test]
    fn encodes_exact_bytes() {
        assert_eq!(encode_frame(b"{}"), b"Content-Length: 2\r\n\r\n{}");
        let mut out = Vec::new();
        write_frame(&mut out, "{\"a\":\"é\"}".as_bytes()).unwrap();
        assert_eq!(out, "Content-Length: 10\r\n\r\n{\"a\":\"é\"}".as_bytes());
    }

    #[test]
    fn reads_simple_frames() {
        let got = frames(b"Content-Length: 2\r\n\r\n{}Content-Length: 3\r\n\r\n[1]");
        assert_eq!(got, vec![Ok(b"{}".to_vec()), Ok(b"[1]".to_vec())]);
    }

    #[test]
    fn tolerant_headers() {
        let input = b"content-length:2\nContent-Type: application/vscode-jsonrpc; charset=utf-8\n\n{}\
            \r\n\r\nCONTENT-LENGTH :  3 \r\n\r\n[1]\r\n";
        assert_eq!(frames(input), vec![Ok(b"{}".to_vec()), Ok(b"[1]".to_vec())]);
    }

    #[test]
    fn empty_stream_and_blank_lines_are_clean_eof() {
        assert!(frames(b"").is_empty());
        assert!(frames(b"\r\n\r\n\n").is_empty());
    }

    #[test]
    fn bad_length_then_recovers() {
        let input = b"Content-Length: abc\r\n\r\n{\"seq\":1}Content-Length: 2\r\n\r\n{}";
        let got = frames(input);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].as_ref().unwrap_err().contains("invalid Content-Length"));
        assert_eq!(got[1], Ok(b"{}".to_vec()));
    }

    #[test]
    fn missing_header_then_recovers() {
        let input = b"{\"seq\":1,\"type\":\"request\"}\r\nContent-Length: 2\r\n\r\n{}";
        let got = frames(input);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].as_ref().unwrap_err().contains("discarded 28 bytes"));
        assert_eq!(got[1], Ok(b"{}".to_vec()));
        // Unterminated garbage glued to the next header.
        let got = frames(b"garbage!Content-Length: 2\r\n\r\n{}");
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].as_ref().unwrap_err().contains("discarded 8 bytes"));
        assert_eq!(got[1], Ok(b"{}".to_vec()));
    }

    #[test]
    fn missing_content_length_header() {
        let got = frames(b"Content-Type: x\r\n\r\n");
        assert_eq!(got.len(), 1);
        assert!(got[0].as_ref().unwrap_err().contains("missing Content-Length"));
    }

    #[test]
    fn conflicting_lengths() {
        let got = frames(b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}");
        assert!(got[0].as_ref().unwrap_err().contains("conflicting"));
    }

    #[test]
    fn truncated_body_then_eof() {
        let mut r = reader(b"Content-Length: 10\r\n\r\n{\"a\"");
        match r.read_frame() {
            Err(DapError::UnexpectedEof {
                context: "body",
                got: 4,
                expected: 10,
            }) => {}
            other => panic!("{other:?}"),
        }
        assert!(matches!(r.read_frame(), Ok(None)));
    }

    #[test]
    fn truncated_header_is_unexpected_eof() {
        let mut r = reader(b"Content-Length: 10\r\n");
        let e = r.read_frame().unwrap_err();
        assert!(matches!(e, DapError::UnexpectedEof { context: "header", .. }));
        assert!(!e.is_recoverable());
        assert!(matches!(r.read_frame(), Ok(None)));
    }

    #[test]
    fn too_large_is_reported_and_skipped() {
        let mut r = FrameReader::with_max_size(
            &b"Content-Length: 20\r\n\r\n{\"x\":\"0123456789\"}Content-Length: 2\r\n\r\n{}"[..],
            10,
        );
        let e = r.read_frame().unwrap_err();
        assert!(matches!(e, DapError::TooLarge { length: 20, max: 10 }));
        assert!(e.is_recoverable());
        assert_eq!(r.read_frame().unwrap(), Some(b"{}".to_vec()));
        assert!(r.read_frame().unwrap().is_none());
    }

    #[test]
    fn huge_length_does_not_allocate() {
        let mut r = reader(b"Content-Length: 99999999999999999999999\r\n\r\n");
        assert!(matches!(r.read_frame(), Err(DapError::Header(_))));
        let mut r = reader(b"Content-Length: 60000000\r\n\r\n{}");
        assert!(matches!(r.read_frame(), Err(DapError::UnexpectedEof { got: 2, .. })));
    }

    #[test]
    fn long_garbage_line_keeps_tail() {
        let mut input = vec![b'x'; 100_000];
        input.extend_from_slice(b"Content-Length: 2\r\n\r\n{}");
        let got = frames(&input);
        assert_eq!(got.len(), 2);
        assert!(got[0].as_ref().unwrap_err().contains("discarded 100000 bytes"));
        assert_eq!(got[1], Ok(b"{}".to_vec()));
    }

    #[test]
    fn sniffs_seq_and_command() {
        assert_eq!(
            sniff(r#"{"seq": 12, "type":"request","command" : "threads", oops"#),
            (Some(12), Some("threads".into()))
        );
        assert_eq!(sniff("not json"), (None, None));
    }

    fn strict_frames(bytes: &[u8]) -> Vec<Result<Vec<u8>, String>> {
        let mut r = FrameReader::strict(bytes, 1024);
        let mut out = Vec::new();
        loop {
            match r.read_frame() {
                Ok(Some(b)) => out.push(Ok(b)),
                Ok(None) => return out,
                Err(e) => out.push(Err(e.to_string())),
            }
        }
    }

    #[test]
    fn strict_reads_dap_frames() {
        let got = strict_frames(b"Content-Length: 2\r\n\r\n{}content-length: 3\r\nContent-Type: x\r\n\r\n[1]");
        assert_eq!(got, vec![Ok(b"{}".to_vec()), Ok(b"[1]".to_vec())]);
        assert!(strict_frames(b"").is_empty());
    }

    #[test]
    fn strict_rejects_a_browser_post_at_its_first_line() {
        // What a cross-origin text/plain fetch() sends: an HTTP request whose
        // body hides DAP frames after a junk line.
        let body = b"junk\r\nContent-Length: 2\r\n\r\n{}";
        let mut post = format!(
            "POST / HTTP/1.1\r\nHost: 127.0.0.1:5678\r\nOrigin: http://evil.example\r\n\
             Content-Type: text/plain;charset=UTF-8\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        post.extend_from_slice(body);
        let got = strict_frames(&post);
        assert_eq!(got.len(), 1, "{got:?}");
        let err = got[0].as_ref().unwrap_err();
        // Turned away at the first byte that cannot start a DAP header.
        assert_eq!(err, "not the Debug Adapter Protocol: \"P\"");
    }

    #[test]
    fn strict_rejects_other_headers_bare_newlines_junk_and_oversize() {
        for bad in [
            &b"Origin: http://x\r\nContent-Length: 2\r\n\r\n{}"[..],
            b"Content-Length: 2\r\nHost: x\r\n\r\n{}",
            b"Content-Length: 2\n\n{}",
            b"\r\nContent-Length: 2\r\n\r\n{}",
            b"xContent-Length: 2\r\n\r\n{}",
            b"Content-Length: 2x\r\n\r\n{}",
            b"Content-Type: a\r\n\r\n{}",
            b"Content-Length: 4096\r\n\r\n{}",
            b"Content-Length: 2\r\n",
        ] {
            let got = strict_frames(bad);
            assert!(
                matches!(got.as_slice(), [Err(_)]),
                "{:?} gave {got:?}",
                String::from_utf8_lossy(bad)
            );
        }
        // Nothing after a bad frame is read: no re-synchronisation.
        let got = strict_frames(b"Content-Length: 2x\r\n\r\nContent-Length: 2\r\n\r\n{}");
        assert_eq!(got.len(), 1);
    }
}
