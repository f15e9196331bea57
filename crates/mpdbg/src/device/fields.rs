//! Payload fields: a type byte, then `<decimal length>:<bytes>` per field.

/// Builds a payload.
pub struct Payload(Vec<u8>);

impl Payload {
    pub fn new(kind: u8) -> Payload {
        Payload(vec![kind])
    }

    pub fn field(mut self, bytes: impl AsRef<[u8]>) -> Payload {
        let b = bytes.as_ref();
        self.0.extend_from_slice(b.len().to_string().as_bytes());
        self.0.push(b':');
        self.0.extend_from_slice(b);
        self
    }

    #[cfg(test)]
    pub fn fields<I, B>(self, items: I) -> Payload
    where
        I: IntoIterator<Item = B>,
        B: AsRef<[u8]>,
    {
        items.into_iter().fold(self, Payload::field)
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }
}

/// Splits a payload into its type byte and fields.
pub fn parse(payload: &[u8]) -> Result<(u8, Vec<Vec<u8>>), String> {
    let (&kind, mut rest) = payload.split_first().ok_or("empty device message")?;
    let mut fields = Vec::new();
    while !rest.is_empty() {
        let colon = rest
            .iter()
            .position(|&b| b == b':')
            .ok_or("device message field without length")?;
        let len: usize = std::str::from_utf8(&rest[..colon])
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or("device message field with a bad length")?;
        let body = rest
            .get(colon + 1..colon + 1 + len)
            .ok_or("device message field runs past the end")?;
        fields.push(body.to_vec());
        rest = &rest[colon + 1 + len..];
    }
    Ok((kind, fields))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_awkward_bytes() {
        let items: Vec<Vec<u8>> = vec![
            b"".to_vec(),
            b"12:34".to_vec(),
            vec![0, 255, b':'],
            "é".as_bytes().to_vec(),
        ];
        let p = Payload::new(b'V').fields(&items).into_bytes();
        assert_eq!(parse(&p).unwrap(), (b'V', items));
    }

    #[test]
    fn malformed_payloads_are_errors() {
        for bad in [&b""[..], b"V3:ab", b"Vx:a", b"V5"] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
