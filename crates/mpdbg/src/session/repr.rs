//! MicroPython escapes every non-ASCII character in a `str` repr
//! (`'h\xe9llo'`); CPython, and so debugpy's users, see `'héllo'`. This turns
//! such escapes back into characters, inside string literals only: a bytes
//! literal's escapes are bytes and stay as they are.

fn printable(c: char) -> bool {
    u32::from(c) >= 0xA0 && !c.is_control() && !c.is_whitespace() && c != '\u{AD}'
}

/// The value of `\xNN`, `\uNNNN` or `\UNNNNNNNN` at the start of `rest` (after
/// the backslash), and how many bytes it spans.
fn escape(rest: &str) -> Option<(char, usize)> {
    let (digits, len) = match rest.as_bytes().first()? {
        b'x' => (2, 3),
        b'u' => (4, 5),
        b'U' => (8, 9),
        _ => return None,
    };
    let hex = rest.get(1..1 + digits)?;
    let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
    Some((c, len))
}

pub fn readable(repr: &str) -> String {
    if !repr.contains('\\') {
        return repr.to_string();
    }
    let mut out = String::with_capacity(repr.len());
    let mut quote: Option<(char, bool)> = None; // (quote char, is bytes)
    let mut prev: Option<char> = None;
    let mut i = 0;
    while let Some(c) = repr[i..].chars().next() {
        match quote {
            None => {
                if c == '\'' || c == '"' {
                    quote = Some((c, prev == Some('b')));
                }
                out.push(c);
                i += c.len_utf8();
            }
            Some((q, bytes)) => {
                if c == '\\' {
                    let rest = &repr[i + 1..];
                    match escape(rest) {
                        Some((ch, len)) if !bytes && printable(ch) => {
                            out.push(ch);
                            i += 1 + len;
                        }
                        _ => {
                            // Copy the backslash and the escaped character as they are.
                            out.push('\\');
                            i += 1;
                            if let Some(n) = repr[i..].chars().next() {
                                out.push(n);
                                i += n.len_utf8();
                            }
                        }
                    }
                    prev = None;
                    continue;
                }
                if c == q {
                    quote = None;
                }
                out.push(c);
                i += c.len_utf8();
            }
        }
        prev = Some(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::readable;

    #[test]
    fn strings_get_their_characters_back() {
        assert_eq!(readable(r"'h\xe9llo \u20ac'"), "'héllo €'");
        assert_eq!(readable(r"['\xe9', b'\xe9', '\\xe9']"), r"['é', b'\xe9', '\\xe9']");
        assert_eq!(readable(r"'\x85\xa0\xad'"), r"'\x85\xa0\xad'");
        assert_eq!(readable(r#"{'k': "it's \xe9"}"#), r#"{'k': "it's é"}"#);
        assert_eq!(readable(r"'\U0001f600'"), "'😀'");
        assert_eq!(readable(r"'cut \x"), r"'cut \x");
    }
}
