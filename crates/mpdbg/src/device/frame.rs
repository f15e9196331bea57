//! Frames on the device link (docs/protocol.md) and the demultiplexer that
//! separates them from the program's own output, byte-exactly.

pub const MAGIC: [u8; 2] = [0xFE, 0xFD];
pub const MAX_PAYLOAD: usize = 65_535;
const HEADER: usize = 5;
const TRAILER: usize = 2;

fn header_check(lo: u8, hi: u8) -> u8 {
    lo.wrapping_add(hi).wrapping_add(0x5A)
}

fn payload_check(payload: &[u8]) -> u16 {
    let sum = payload
        .iter()
        .fold(payload.len() as u32, |acc, b| acc.wrapping_add(u32::from(*b)));
    (sum & 0xFFFF) as u16
}

/// Encodes one frame; payloads longer than [`MAX_PAYLOAD`] are an error.
pub fn encode(payload: &[u8]) -> Result<Vec<u8>, String> {
    if payload.len() > MAX_PAYLOAD {
        return Err(format!(
            "device message of {} bytes exceeds {MAX_PAYLOAD}",
            payload.len()
        ));
    }
    let n = payload.len() as u16;
    let [lo, hi] = n.to_le_bytes();
    let mut out = Vec::with_capacity(payload.len() + HEADER + TRAILER);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&[lo, hi, header_check(lo, hi)]);
    out.extend_from_slice(payload);
    out.extend_from_slice(&payload_check(payload).to_le_bytes());
    Ok(out)
}

/// What the demultiplexer found in the device stream.
#[derive(Debug, PartialEq, Eq)]
pub enum Piece {
    /// Program output, exactly as the device sent it.
    Output(Vec<u8>),
    /// The payload of a valid frame.
    Frame(Vec<u8>),
}

/// Splits the device stream into program output and frames.
#[derive(Default)]
pub struct Demux {
    buf: Vec<u8>,
}

enum Scan {
    Frame(usize),
    NotFrame,
    Incomplete,
}

impl Demux {
    /// Adds bytes and returns every piece that is now certain. A possible
    /// frame start is held back until it completes or [`Demux::flush`].
    pub fn push(&mut self, data: &[u8]) -> Vec<Piece> {
        self.buf.extend_from_slice(data);
        let mut pieces = Vec::new();
        let mut out_start = 0;
        let mut i = 0;
        while i < self.buf.len() {
            if self.buf[i] != MAGIC[0] {
                i += 1;
                continue;
            }
            match self.scan(i) {
                Scan::NotFrame => i += 1,
                Scan::Incomplete => break,
                Scan::Frame(len) => {
                    if out_start < i {
                        pieces.push(Piece::Output(self.buf[out_start..i].to_vec()));
                    }
                    pieces.push(Piece::Frame(self.buf[i + HEADER..i + len - TRAILER].to_vec()));
                    i += len;
                    out_start = i;
                }
            }
        }
        if out_start < i {
            pieces.push(Piece::Output(self.buf[out_start..i].to_vec()));
        }
        self.buf.drain(..i);
        pieces
    }

    /// Gives up waiting for a held-back frame start (the stream went idle or
    /// ended): its first byte is output, and the rest is scanned again, since
    /// a real frame may start inside it.
    pub fn flush(&mut self) -> Vec<Piece> {
        if self.buf.is_empty() {
            return Vec::new();
        }
        let held = std::mem::take(&mut self.buf);
        let mut pieces = vec![Piece::Output(vec![held[0]])];
        pieces.extend(self.push(&held[1..]));
        pieces
    }

    /// True when bytes are held back waiting for the rest of a frame.
    pub fn holding(&self) -> bool {
        !self.buf.is_empty()
    }

    fn scan(&self, i: usize) -> Scan {
        let b = &self.buf[i..];
        if b.len() < 2 {
            return Scan::Incomplete;
        }
        if b[1] != MAGIC[1] {
            return Scan::NotFrame;
        }
        if b.len() < HEADER {
            return Scan::Incomplete;
        }
        if header_check(b[2], b[3]) != b[4] {
            return Scan::NotFrame;
        }
        let n = usize::from(u16::from_le_bytes([b[2], b[3]]));
        let total = HEADER + n + TRAILER;
        if b.len() < total {
            return Scan::Incomplete;
        }
        let payload = &b[HEADER..HEADER + n];
        let check = u16::from_le_bytes([b[HEADER + n], b[HEADER + n + 1]]);
        if check == payload_check(payload) {
            Scan::Frame(total)
        } else {
            Scan::NotFrame
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(d: &mut Demux, data: &[u8]) -> (Vec<u8>, Vec<Vec<u8>>) {
        let mut out = Vec::new();
        let mut frames = Vec::new();
        for p in d.push(data) {
            match p {
                Piece::Output(b) => out.extend(b),
                Piece::Frame(f) => frames.push(f),
            }
        }
        (out, frames)
    }

    /// Flushes until nothing is held, as the client does when the link ends.
    fn drain(d: &mut Demux) -> (Vec<u8>, Vec<Vec<u8>>) {
        let (mut out, mut frames) = (Vec::new(), Vec::new());
        while d.holding() {
            for p in d.flush() {
                match p {
                    Piece::Output(b) => out.extend(b),
                    Piece::Frame(f) => frames.push(f),
                }
            }
        }
        (out, frames)
    }

    #[test]
    fn a_frame_behind_a_bogus_long_prefix_is_found_after_flush() {
        // FE FD with a valid header check and a length that never completes.
        let mut stream = vec![0xFE, 0xFD, 0xFF, 0x00, 0xFFu8.wrapping_add(0x5A)];
        stream.extend(b"junk");
        stream.extend(encode(b"Sreal").unwrap());
        let mut d = Demux::default();
        let (out, frames) = collect(&mut d, &stream);
        assert!(out.is_empty() && frames.is_empty() && d.holding());
        let (out, frames) = drain(&mut d);
        assert_eq!(frames, vec![b"Sreal".to_vec()]);
        assert_eq!(out, [&stream[..5], b"junk"].concat());
    }

    #[test]
    fn frames_and_output_separate_exactly() {
        let mut stream = b"hello \xfe world\n".to_vec();
        stream.extend(encode(b"Sabc").unwrap());
        stream.extend(b"\x00\xff\xfe\xfd\x01binary");
        stream.extend(encode(b"").unwrap());
        stream.extend(b"tail");
        let mut d = Demux::default();
        let (mut out, frames) = collect(&mut d, &stream);
        out.extend(drain(&mut d).0);
        assert_eq!(frames, vec![b"Sabc".to_vec(), b"".to_vec()]);
        assert_eq!(out, b"hello \xfe world\n\x00\xff\xfe\xfd\x01binarytail".to_vec());
    }

    #[test]
    fn byte_by_byte_gives_the_same_result() {
        let mut stream = Vec::new();
        for i in 0..50u8 {
            stream.extend(std::iter::repeat_n(i, usize::from(i)));
            stream.extend(encode(&[b'K', i, 0xFE, 0xFD]).unwrap());
        }
        let mut d = Demux::default();
        let mut out = Vec::new();
        let mut frames = Vec::new();
        for b in &stream {
            let (o, f) = collect(&mut d, std::slice::from_ref(b));
            out.extend(o);
            frames.extend(f);
        }
        assert!(!d.holding());
        assert_eq!(frames.len(), 50);
        let expected: Vec<u8> = (0..50u8).flat_map(|i| std::iter::repeat_n(i, usize::from(i))).collect();
        assert_eq!(out, expected);
    }

    #[test]
    fn a_corrupt_frame_is_output_and_the_next_frame_is_found() {
        let mut bad = encode(b"Sxyz").unwrap();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        let mut stream = bad.clone();
        stream.extend(encode(b"Sok").unwrap());
        let mut d = Demux::default();
        let (out, frames) = collect(&mut d, &stream);
        assert_eq!(frames, vec![b"Sok".to_vec()]);
        assert_eq!(out, bad);
    }

    #[test]
    fn held_prefix_is_released_by_flush() {
        let mut d = Demux::default();
        let (out, frames) = collect(&mut d, b"abc\xfe\xfd\x10\x00");
        assert_eq!(out, b"abc");
        assert!(frames.is_empty() && d.holding());
        assert_eq!(drain(&mut d), (b"\xfe\xfd\x10\x00".to_vec(), vec![]));
        assert!(!d.holding());
    }

    #[test]
    fn random_junk_never_loses_bytes() {
        // xorshift: deterministic pseudo-random junk with many magic bytes.
        let mut x: u32 = 0x1234_5678;
        let mut junk = Vec::new();
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let b = (x & 0xFF) as u8;
            junk.push(if b < 16 {
                0xFE
            } else if b < 32 {
                0xFD
            } else {
                b
            });
        }
        let mut d = Demux::default();
        let (mut out, frames) = collect(&mut d, &junk);
        out.extend(drain(&mut d).0);
        assert!(frames.is_empty());
        assert_eq!(out, junk);
    }
}
