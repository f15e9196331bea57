//! Tokenizer that reproduces MicroPython's lexer (`py/lexer.c`) closely enough
//! for line numbers to agree: the line of every token, NEWLINE tokens carrying
//! the line of the statement they end, adjacent string literals joined into
//! one token, and f-strings rewritten into `'...'.format(...)` token streams
//! the way MicroPython does it.

use crate::intern::{Interner, Sym};

/// Token kinds. Keywords and operators are spelled out; literals carry a
/// payload in [`Token::payload`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum T {
    End,
    Invalid,
    DedentMismatch,
    LonelyStringOpen,
    MalformedFString,
    Newline,
    Indent,
    Dedent,
    Name,
    Integer,
    FloatOrImag,
    Str,
    Bytes,
    Ellipsis,
    // keywords
    False,
    None,
    True,
    And,
    As,
    Assert,
    Async,
    Await,
    Break,
    Class,
    Continue,
    Def,
    Del,
    Elif,
    Else,
    Except,
    Finally,
    For,
    From,
    Global,
    If,
    Import,
    In,
    Is,
    Lambda,
    Nonlocal,
    Not,
    Or,
    Pass,
    Raise,
    Return,
    Try,
    While,
    With,
    Yield,
    // delimiters and operators
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Comma,
    Semicolon,
    Tilde,
    Colon,
    Walrus,
    Less,
    LessEqual,
    DblLess,
    DblLessEqual,
    More,
    MoreEqual,
    DblMore,
    DblMoreEqual,
    Star,
    StarEqual,
    DblStar,
    DblStarEqual,
    Plus,
    PlusEqual,
    Minus,
    MinusEqual,
    Arrow,
    Amp,
    AmpEqual,
    Pipe,
    PipeEqual,
    Slash,
    SlashEqual,
    DblSlash,
    DblSlashEqual,
    Percent,
    PercentEqual,
    Caret,
    CaretEqual,
    At,
    AtEqual,
    Equal,
    DblEqual,
    NotEqual,
    Period,
}

/// Literal payload of a token.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Payload {
    None,
    Name(Sym),
    /// Text of a number token (underscores removed), parsed by the parser.
    Number(Box<str>),
    /// Value of a string literal (UTF-8 bytes, escapes processed).
    Str(Box<[u8]>),
    Bytes(Box<[u8]>),
}

#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub kind: T,
    pub line: u32,
    /// 1-based column, tabs advance to the next multiple of 8 (as MicroPython counts).
    pub col: u32,
    /// Line of the last character of the token (differs for multi-line strings).
    pub end_line: u32,
    pub payload: Payload,
}

const EOF: u32 = 0;
const INVALID_BYTE: u32 = 1;

/// Character source with MicroPython's three-character window and CR/LF handling.
struct Chars<'a> {
    src: &'a [u8],
    pos: usize,
    inject: Vec<u8>,
    inject_idx: usize,
    chr0: u32,
    chr1: u32,
    chr2: u32,
    line: u32,
    col: i64,
}

impl<'a> Chars<'a> {
    fn new(src: &'a [u8]) -> Self {
        let mut c = Chars {
            src,
            pos: 0,
            inject: Vec::new(),
            inject_idx: 0,
            chr0: 0,
            chr1: 0,
            chr2: 0,
            line: 1,
            col: -2,
        };
        c.next();
        c.next();
        c.next();
        c
    }

    fn read_byte(&mut self) -> u32 {
        if self.pos < self.src.len() {
            let b = self.src[self.pos];
            self.pos += 1;
            if b == 0 {
                INVALID_BYTE
            } else {
                u32::from(b)
            }
        } else {
            EOF
        }
    }

    fn next(&mut self) {
        if self.chr0 == u32::from(b'\n') {
            self.line += 1;
            self.col = 1;
        } else if self.chr0 == u32::from(b'\t') {
            self.col = (((self.col - 1 + 8) / 8) * 8) + 1;
        } else {
            self.col += 1;
        }
        self.chr0 = self.chr1;
        self.chr1 = self.chr2;
        let mut c2;
        loop {
            if self.inject_idx > 0 && self.inject_idx < self.inject.len() {
                c2 = u32::from(self.inject[self.inject_idx]);
                self.inject_idx += 1;
                if self.inject_idx >= self.inject.len() {
                    self.inject.clear();
                    self.inject_idx = 0;
                }
            } else {
                c2 = self.read_byte();
            }
            if self.chr1 == u32::from(b'\r') {
                self.chr1 = u32::from(b'\n');
                if c2 == u32::from(b'\n') {
                    continue;
                }
            }
            break;
        }
        if c2 == EOF && self.chr1 != EOF && self.chr1 != u32::from(b'\n') {
            c2 = u32::from(b'\n');
        }
        self.chr2 = c2;
    }

    /// Switch to reading `text` before the rest of the input (f-string
    /// arguments), keeping the three characters already looked ahead after it.
    fn inject_text(&mut self, text: &[u8]) {
        if self.inject_idx >= 3 {
            // Already injecting: the lookahead came from the buffer.
            self.inject_idx -= 3;
        } else {
            self.inject.clear();
            self.inject.push(self.chr0 as u8);
            self.inject.push(self.chr1 as u8);
            self.inject.push(self.chr2 as u8);
            self.inject_idx = 0;
        }
        let at = self.inject_idx.min(self.inject.len());
        self.inject.splice(at..at, text.iter().copied());
        let get = |v: &Vec<u8>, i: usize| v.get(i).copied().map(u32::from).unwrap_or(EOF);
        self.chr0 = get(&self.inject, at);
        self.chr1 = get(&self.inject, at + 1);
        self.chr2 = get(&self.inject, at + 2);
        self.inject_idx = at + 3;
        if self.inject_idx >= self.inject.len() {
            self.inject.clear();
            self.inject_idx = 0;
        }
    }

    fn is_end(&self) -> bool {
        self.chr0 == EOF
    }
    fn is(&self, c: u8) -> bool {
        self.chr0 == u32::from(c)
    }
    fn is1(&self, c: u8) -> bool {
        self.chr1 == u32::from(c)
    }
    fn is2(&self, c: u8) -> bool {
        self.chr2 == u32::from(c)
    }
    fn is_ws(&self) -> bool {
        matches!(self.chr0, 0x20 | 0x09..=0x0d)
    }
    fn is_letter(c: u32) -> bool {
        (u32::from(b'a')..=u32::from(b'z')).contains(&c) || (u32::from(b'A')..=u32::from(b'Z')).contains(&c)
    }
    fn is_digit(c: u32) -> bool {
        (u32::from(b'0')..=u32::from(b'9')).contains(&c)
    }
    fn is_head_ident(&self) -> bool {
        Self::is_letter(self.chr0) || self.is(b'_') || self.chr0 >= 0x80
    }
    fn is_tail_ident(&self) -> bool {
        self.is_head_ident() || Self::is_digit(self.chr0)
    }
}

struct Lexer<'a, 'i> {
    c: Chars<'a>,
    interner: &'i mut Interner,
    emit_dent: i32,
    nested_brackets: i32,
    indents: Vec<u32>,
    fstring_args: Vec<u8>,
    vstr: Vec<u8>,
}

fn keyword(s: &[u8]) -> Option<T> {
    Some(match s {
        b"False" => T::False,
        b"None" => T::None,
        b"True" => T::True,
        b"__debug__" => T::True,
        b"and" => T::And,
        b"as" => T::As,
        b"assert" => T::Assert,
        b"async" => T::Async,
        b"await" => T::Await,
        b"break" => T::Break,
        b"class" => T::Class,
        b"continue" => T::Continue,
        b"def" => T::Def,
        b"del" => T::Del,
        b"elif" => T::Elif,
        b"else" => T::Else,
        b"except" => T::Except,
        b"finally" => T::Finally,
        b"for" => T::For,
        b"from" => T::From,
        b"global" => T::Global,
        b"if" => T::If,
        b"import" => T::Import,
        b"in" => T::In,
        b"is" => T::Is,
        b"lambda" => T::Lambda,
        b"nonlocal" => T::Nonlocal,
        b"not" => T::Not,
        b"or" => T::Or,
        b"pass" => T::Pass,
        b"raise" => T::Raise,
        b"return" => T::Return,
        b"try" => T::Try,
        b"while" => T::While,
        b"with" => T::With,
        b"yield" => T::Yield,
        _ => return None,
    })
}

fn push_utf8(v: &mut Vec<u8>, c: u32) {
    match char::from_u32(c) {
        Some(ch) => {
            let mut buf = [0u8; 4];
            v.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
        }
        None => {
            // Lone surrogates: MicroPython encodes them as 3-byte sequences.
            v.push((0xe0 | (c >> 12)) as u8);
            v.push((0x80 | ((c >> 6) & 0x3f)) as u8);
            v.push((0x80 | (c & 0x3f)) as u8);
        }
    }
}

impl Lexer<'_, '_> {
    /// Skip whitespace and comments; returns true when stopping at a newline
    /// that ends a logical line.
    fn skip_whitespace(&mut self, stop_at_newline: bool) -> bool {
        while !self.c.is_end() {
            if self.c.is(b'\n') {
                if stop_at_newline && self.nested_brackets == 0 {
                    return true;
                }
                self.c.next();
            } else if self.c.is_ws() {
                self.c.next();
            } else if self.c.is(b'#') {
                self.c.next();
                while !self.c.is_end() && !self.c.is(b'\n') {
                    self.c.next();
                }
            } else if self.c.is(b'\\') && self.c.is1(b'\n') {
                self.c.next();
                self.c.next();
            } else {
                break;
            }
        }
        false
    }

    fn is_string_or_bytes(&self) -> bool {
        let q1 = self.c.is1(b'\'') || self.c.is1(b'"');
        let q2 = self.c.is2(b'\'') || self.c.is2(b'"');
        self.c.is(b'\'')
            || self.c.is(b'"')
            || ((self.c.is(b'r') || self.c.is(b'u') || self.c.is(b'b') || self.c.is(b'f')) && q1)
            || (((self.c.is(b'r') && self.c.is1(b'f')) || (self.c.is(b'f') && self.c.is1(b'r'))) && q2)
            || (((self.c.is(b'r') && self.c.is1(b'b')) || (self.c.is(b'b') && self.c.is1(b'r'))) && q2)
    }

    fn get_hex(&mut self, n: usize) -> Option<u32> {
        let mut num: u32 = 0;
        for _ in 0..n {
            self.c.next();
            let ch = self.c.chr0;
            let d = char::from_u32(ch).and_then(|c| c.to_digit(16))?;
            num = num.wrapping_shl(4).wrapping_add(d);
        }
        Some(num)
    }

    /// Parse one string literal body into `self.vstr`. Returns the token kind
    /// override (Invalid / LonelyStringOpen / MalformedFString) if any.
    fn parse_string_literal(&mut self, is_raw: bool, is_fstring: bool, kind: &mut T) {
        let quote = if self.c.is(b'"') { b'"' } else { b'\'' };
        self.c.next();
        let num_quotes = if self.c.is(quote) && self.c.is1(quote) {
            self.c.next();
            self.c.next();
            3
        } else {
            1
        };
        let mut n_closing = 0;
        if is_fstring && self.fstring_args.is_empty() {
            self.fstring_args.extend_from_slice(b".format(");
        }
        'outer: while !self.c.is_end() && (num_quotes > 1 || !self.c.is(b'\n')) && n_closing < num_quotes {
            if self.c.is(quote) {
                n_closing += 1;
                self.vstr.push(quote);
            } else {
                n_closing = 0;
                if is_fstring && self.c.is(b'{') {
                    self.c.next();
                    if self.c.is(b'{') {
                        self.vstr.push(b'{');
                        self.c.next();
                    } else {
                        self.fstring_args.push(b'(');
                        let start = self.fstring_args.len();
                        let mut level: i32 = 0;
                        while !self.c.is_end()
                            && (level != 0
                                || !(self.c.is(b':')
                                    || self.c.is(b'}')
                                    || (self.c.is(b'!')
                                        && (self.c.is1(b'r') || self.c.is1(b's'))
                                        && (self.c.is2(b':') || self.c.is2(b'}')))))
                        {
                            let ch = self.c.chr0;
                            if ch == u32::from(b'[') || ch == u32::from(b'{') {
                                level += 1;
                            } else if ch == u32::from(b']') || ch == u32::from(b'}') {
                                level -= 1;
                            }
                            self.fstring_args.push(ch as u8);
                            self.c.next();
                        }
                        if self.fstring_args.last() == Some(&b'=') {
                            let arg = self.fstring_args[start..].to_vec();
                            self.vstr.extend_from_slice(&arg);
                            self.fstring_args.pop();
                        }
                        if self.fstring_args.len() == start {
                            *kind = T::MalformedFString;
                        }
                        self.fstring_args.push(b')');
                        self.fstring_args.push(b',');
                    }
                    self.vstr.push(b'{');
                    continue 'outer;
                }
                if self.c.is(b'\\') {
                    self.c.next();
                    let mut ch = self.c.chr0;
                    if is_raw {
                        self.vstr.push(b'\\');
                    } else {
                        match ch {
                            0x0a => {
                                self.c.next();
                                continue 'outer;
                            }
                            0x5c | 0x27 | 0x22 => {}
                            0x61 => ch = 0x07,
                            0x62 => ch = 0x08,
                            0x74 => ch = 0x09,
                            0x6e => ch = 0x0a,
                            0x76 => ch = 0x0b,
                            0x66 => ch = 0x0c,
                            0x72 => ch = 0x0d,
                            0x75 | 0x55 | 0x78 => {
                                if *kind == T::Bytes && ch != 0x78 {
                                    self.vstr.push(b'\\');
                                } else {
                                    let n = if ch == 0x78 {
                                        2
                                    } else if ch == 0x75 {
                                        4
                                    } else {
                                        8
                                    };
                                    match self.get_hex(n) {
                                        Some(v) => ch = v,
                                        None => {
                                            *kind = T::Invalid;
                                            ch = 0;
                                        }
                                    }
                                }
                            }
                            0x4e => {
                                // \N{...} is not supported by MicroPython.
                                *kind = T::Invalid;
                            }
                            _ => {
                                if (0x30..=0x37).contains(&ch) {
                                    let mut digits = 3;
                                    let mut num = ch - 0x30;
                                    while (0x30..=0x37).contains(&self.c.chr1) {
                                        digits -= 1;
                                        if digits == 0 {
                                            break;
                                        }
                                        self.c.next();
                                        num = num * 8 + (self.c.chr0 - 0x30);
                                    }
                                    ch = num;
                                } else {
                                    self.vstr.push(b'\\');
                                }
                            }
                        }
                    }
                    if *kind == T::Str && ch < 0x110000 {
                        push_utf8(&mut self.vstr, ch);
                    } else if *kind == T::Bytes && ch < 0x100 {
                        self.vstr.push(ch as u8);
                    } else if *kind != T::Str && *kind != T::Bytes {
                        // already invalid
                    } else {
                        *kind = T::Invalid;
                    }
                } else {
                    self.vstr.push(self.c.chr0 as u8);
                }
            }
            self.c.next();
        }
        if n_closing < num_quotes {
            *kind = T::LonelyStringOpen;
        }
        let keep = self.vstr.len().saturating_sub(n_closing);
        self.vstr.truncate(keep);
    }

    fn next_token(&mut self) -> Token {
        self.vstr.clear();
        let had_newline = self.skip_whitespace(true);
        let line = self.c.line;
        let col = self.c.col.max(1) as u32;
        let mut payload = Payload::None;
        let kind;
        if self.emit_dent < 0 {
            kind = T::Dedent;
            self.emit_dent += 1;
        } else if self.emit_dent > 0 {
            kind = T::Indent;
            self.emit_dent -= 1;
        } else if had_newline {
            self.skip_whitespace(false);
            let mut k = T::Newline;
            let spaces = (self.c.col - 1).max(0) as u32;
            let top = self.indents.last().copied().unwrap_or(0);
            if spaces > top {
                self.indents.push(spaces);
                self.emit_dent += 1;
            } else if spaces < top {
                while let Some(&t) = self.indents.last() {
                    if spaces < t {
                        self.indents.pop();
                        self.emit_dent -= 1;
                    } else {
                        break;
                    }
                }
                if self.indents.last().copied().unwrap_or(0) != spaces {
                    k = T::DedentMismatch;
                }
            }
            kind = k;
        } else if self.c.is_end() {
            kind = T::End;
        } else if self.is_string_or_bytes() {
            let mut k = T::End;
            loop {
                let mut is_raw = false;
                let mut is_f = false;
                let mut this = T::Str;
                let mut n_char = 0;
                if self.c.is(b'u') {
                    n_char = 1;
                } else if self.c.is(b'b') {
                    this = T::Bytes;
                    n_char = 1;
                    if self.c.is1(b'r') {
                        is_raw = true;
                        n_char = 2;
                    }
                } else if self.c.is(b'r') {
                    is_raw = true;
                    n_char = 1;
                    if self.c.is1(b'b') {
                        this = T::Bytes;
                        n_char = 2;
                    } else if self.c.is1(b'f') {
                        is_f = true;
                        n_char = 2;
                    }
                } else if self.c.is(b'f') {
                    is_f = true;
                    n_char = 1;
                    if self.c.is1(b'r') {
                        is_raw = true;
                        n_char = 2;
                    }
                }
                if k == T::End {
                    k = this;
                } else if k != this {
                    break;
                }
                for _ in 0..n_char {
                    self.c.next();
                }
                let mut kk = k;
                self.parse_string_literal(is_raw, is_f, &mut kk);
                if kk != T::Str && kk != T::Bytes {
                    k = kk;
                }
                self.skip_whitespace(true);
                if !(k == T::Str || k == T::Bytes) || !self.is_string_or_bytes() {
                    break;
                }
            }
            if !self.fstring_args.is_empty() {
                self.fstring_args.push(b')');
                let args = std::mem::take(&mut self.fstring_args);
                self.c.inject_text(&args);
            }
            payload = match k {
                T::Bytes => Payload::Bytes(self.vstr.clone().into_boxed_slice()),
                _ => Payload::Str(self.vstr.clone().into_boxed_slice()),
            };
            kind = k;
        } else if self.c.is_head_ident() {
            self.vstr.push(self.c.chr0 as u8);
            self.c.next();
            while !self.c.is_end() && self.c.is_tail_ident() {
                self.vstr.push(self.c.chr0 as u8);
                self.c.next();
            }
            if let Some(kw) = keyword(&self.vstr) {
                kind = kw;
            } else {
                let s = String::from_utf8_lossy(&self.vstr);
                payload = Payload::Name(self.interner.intern(&s));
                kind = T::Name;
            }
        } else if Chars::is_digit(self.c.chr0) || (self.c.is(b'.') && Chars::is_digit(self.c.chr1)) {
            let mut k;
            let mut forced_int = false;
            if self.c.is(b'.') {
                k = T::FloatOrImag;
            } else {
                k = T::Integer;
                let c1 = self.c.chr1 | 0x20;
                if self.c.is(b'0') && (c1 == u32::from(b'b') || c1 == u32::from(b'o') || c1 == u32::from(b'x')) {
                    forced_int = true;
                }
            }
            self.vstr.push(self.c.chr0 as u8);
            self.c.next();
            while !self.c.is_end() {
                if !forced_int && (self.c.is(b'e') || self.c.is(b'E')) {
                    k = T::FloatOrImag;
                    self.vstr.push(b'e');
                    self.c.next();
                    if self.c.is(b'+') || self.c.is(b'-') {
                        self.vstr.push(self.c.chr0 as u8);
                        self.c.next();
                    }
                } else if Chars::is_letter(self.c.chr0) || Chars::is_digit(self.c.chr0) || self.c.is(b'.') {
                    if self.c.is(b'.') || self.c.is(b'j') || self.c.is(b'J') {
                        k = T::FloatOrImag;
                    }
                    self.vstr.push(self.c.chr0 as u8);
                    self.c.next();
                } else if self.c.is(b'_') {
                    self.c.next();
                } else {
                    break;
                }
            }
            payload = Payload::Number(String::from_utf8_lossy(&self.vstr).into());
            kind = k;
        } else {
            kind = self.operator();
        }
        Token {
            kind,
            line,
            col,
            end_line: self.c.line,
            payload,
        }
    }

    fn operator(&mut self) -> T {
        let c = self.c.chr0;
        self.c.next();
        let eq = |s: &mut Self| {
            if s.c.is(b'=') {
                s.c.next();
                true
            } else {
                false
            }
        };
        let b = if c < 0x80 { c as u8 } else { 0 };
        match b {
            b'(' => {
                self.nested_brackets += 1;
                T::LParen
            }
            b'[' => {
                self.nested_brackets += 1;
                T::LBracket
            }
            b'{' => {
                self.nested_brackets += 1;
                T::LBrace
            }
            b')' => {
                self.nested_brackets -= 1;
                T::RParen
            }
            b']' => {
                self.nested_brackets -= 1;
                T::RBracket
            }
            b'}' => {
                self.nested_brackets -= 1;
                T::RBrace
            }
            b',' => T::Comma,
            b';' => T::Semicolon,
            b'~' => T::Tilde,
            b':' => {
                if eq(self) {
                    T::Walrus
                } else {
                    T::Colon
                }
            }
            b'<' | b'>' | b'*' | b'/' => {
                let (single, single_eq, dbl, dbl_eq) = match b {
                    b'<' => (T::Less, T::LessEqual, T::DblLess, T::DblLessEqual),
                    b'>' => (T::More, T::MoreEqual, T::DblMore, T::DblMoreEqual),
                    b'*' => (T::Star, T::StarEqual, T::DblStar, T::DblStarEqual),
                    _ => (T::Slash, T::SlashEqual, T::DblSlash, T::DblSlashEqual),
                };
                if eq(self) {
                    single_eq
                } else if self.c.is(b) {
                    self.c.next();
                    if eq(self) {
                        dbl_eq
                    } else {
                        dbl
                    }
                } else {
                    single
                }
            }
            b'+' => {
                if eq(self) {
                    T::PlusEqual
                } else {
                    T::Plus
                }
            }
            b'-' => {
                if eq(self) {
                    T::MinusEqual
                } else if self.c.is(b'>') {
                    self.c.next();
                    T::Arrow
                } else {
                    T::Minus
                }
            }
            b'&' => {
                if eq(self) {
                    T::AmpEqual
                } else {
                    T::Amp
                }
            }
            b'|' => {
                if eq(self) {
                    T::PipeEqual
                } else {
                    T::Pipe
                }
            }
            b'%' => {
                if eq(self) {
                    T::PercentEqual
                } else {
                    T::Percent
                }
            }
            b'^' => {
                if eq(self) {
                    T::CaretEqual
                } else {
                    T::Caret
                }
            }
            b'@' => {
                if eq(self) {
                    T::AtEqual
                } else {
                    T::At
                }
            }
            b'=' => {
                if eq(self) {
                    T::DblEqual
                } else {
                    T::Equal
                }
            }
            b'!' => {
                if eq(self) {
                    T::NotEqual
                } else {
                    T::Invalid
                }
            }
            b'.' => {
                if self.c.is(b'.') && self.c.is1(b'.') {
                    self.c.next();
                    self.c.next();
                    T::Ellipsis
                } else {
                    T::Period
                }
            }
            _ => T::Invalid,
        }
    }
}

/// Tokenize `src` the way MicroPython does. The last token is always `End`
/// (or an error token at which the parser stops).
pub(crate) fn tokenize(src: &str, interner: &mut Interner) -> Vec<Token> {
    let mut lx = Lexer {
        c: Chars::new(src.as_bytes()),
        interner,
        emit_dent: 0,
        nested_brackets: 0,
        indents: vec![0],
        fstring_args: Vec::new(),
        vstr: Vec::new(),
    };
    let mut out = Vec::with_capacity(src.len() / 3 + 8);
    let mut first = lx.next_token();
    if first.col != 1 && first.kind != T::Newline {
        first.kind = T::Indent;
    }
    out.push(first);
    loop {
        let last = out.last().map(|t| t.kind).unwrap_or(T::End);
        if matches!(
            last,
            T::End | T::Invalid | T::DedentMismatch | T::LonelyStringOpen | T::MalformedFString
        ) {
            break;
        }
        let t = lx.next_token();
        out.push(t);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(T, u32)> {
        let mut i = Interner::default();
        tokenize(src, &mut i).iter().map(|t| (t.kind, t.line)).collect()
    }

    #[test]
    fn newline_token_has_line_of_statement() {
        let k = kinds("x = 1\n\n# c\ny = 2\n");
        assert_eq!(
            k,
            vec![
                (T::Name, 1),
                (T::Equal, 1),
                (T::Integer, 1),
                (T::Newline, 1),
                (T::Name, 4),
                (T::Equal, 4),
                (T::Integer, 4),
                (T::Newline, 4),
                (T::End, 5)
            ]
        );
    }

    #[test]
    fn indent_dedent() {
        let k = kinds("if x:\n    y\nz\n");
        let ks: Vec<T> = k.iter().map(|p| p.0).collect();
        assert_eq!(
            ks,
            vec![
                T::If,
                T::Name,
                T::Colon,
                T::Newline,
                T::Indent,
                T::Name,
                T::Newline,
                T::Dedent,
                T::Name,
                T::Newline,
                T::End
            ]
        );
        assert_eq!(k[7].1, 3);
    }

    #[test]
    fn adjacent_strings_join_and_fstring_injects_format() {
        let mut i = Interner::default();
        let t = tokenize("s = 'ab' \"cd\"\nf'{x}!'\n", &mut i);
        assert_eq!(t[2].payload, Payload::Str(b"abcd".to_vec().into_boxed_slice()));
        let ks: Vec<T> = t.iter().map(|t| t.kind).collect();
        assert_eq!(
            &ks[4..],
            &[
                T::Str,
                T::Period,
                T::Name,
                T::LParen,
                T::LParen,
                T::Name,
                T::RParen,
                T::Comma,
                T::RParen,
                T::Newline,
                T::End
            ]
        );
        assert_eq!(t[4].payload, Payload::Str(b"{}!".to_vec().into_boxed_slice()));
    }

    #[test]
    fn unterminated_string_is_reported() {
        let k = kinds("x = 'abc\n");
        assert_eq!(k.last().map(|p| p.0), Some(T::LonelyStringOpen));
    }

    #[test]
    fn operators() {
        let k: Vec<T> = kinds("a //= b ** c -> d := e != f ...\n").iter().map(|p| p.0).collect();
        assert_eq!(
            k,
            vec![
                T::Name,
                T::DblSlashEqual,
                T::Name,
                T::DblStar,
                T::Name,
                T::Arrow,
                T::Name,
                T::Walrus,
                T::Name,
                T::NotEqual,
                T::Name,
                T::Ellipsis,
                T::Newline,
                T::End
            ]
        );
    }
}
