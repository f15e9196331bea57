//! Decoding program output to text without losing a character split across
//! reads; bytes that are not UTF-8 become U+FFFD, one per bad sequence.

#[derive(Default)]
pub struct Utf8Stream {
    carry: Vec<u8>,
}

impl Utf8Stream {
    pub fn push(&mut self, bytes: &[u8]) -> String {
        self.carry.extend_from_slice(bytes);
        let mut out = String::new();
        let mut rest: &[u8] = &self.carry;
        loop {
            match std::str::from_utf8(rest) {
                Ok(s) => {
                    out.push_str(s);
                    rest = &[];
                    break;
                }
                Err(e) => {
                    let (good, bad) = rest.split_at(e.valid_up_to());
                    out.push_str(std::str::from_utf8(good).unwrap_or_default());
                    match e.error_len() {
                        Some(n) => {
                            out.push('\u{FFFD}');
                            rest = &bad[n..];
                        }
                        None => {
                            rest = bad; // an incomplete character: wait for more
                            break;
                        }
                    }
                }
            }
        }
        self.carry = rest.to_vec();
        out
    }

    /// Whatever is left when the stream ends.
    pub fn finish(&mut self) -> String {
        let rest = std::mem::take(&mut self.carry);
        String::from_utf8_lossy(&rest).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_characters_and_bad_bytes() {
        let mut d = Utf8Stream::default();
        let text = "aé€😀";
        let bytes = text.as_bytes();
        let mut out = String::new();
        for b in bytes {
            out += &d.push(std::slice::from_ref(b));
        }
        assert_eq!(out, text);
        assert_eq!(d.push(b"x\xffy\xe2\x82"), "x\u{FFFD}y");
        assert_eq!(d.finish(), "\u{FFFD}");
    }
}
