//! Recursive-descent parser for MicroPython's grammar (`py/grammar.h`),
//! producing the tree shape MicroPython's own parser produces (see
//! [`crate::node`]). Tree shape matters because MicroPython emits a
//! line-number entry for every struct node it compiles.

use crate::error::SourceError;
use crate::intern::{Interner, Sym};
use crate::lexer::{Payload, Token, T};
use crate::node::{Node, R};
use crate::value::Value;
use std::collections::HashMap;

/// Target configuration that changes how MicroPython compiles a file (it
/// follows the firmware's build options). The defaults match the mpdbg host
/// port (64-bit, `MICROPY_CONFIG_ROM_LEVEL_EXTRA_FEATURES`).
#[derive(Clone, Debug)]
pub struct Options {
    /// Bits in a machine word of the target (64 for the host port, 32 for most
    /// boards). Integers that fit a small int become leaves.
    pub word_bits: u32,
    /// `MICROPY_COMP_MODULE_CONST`: `math.pi`, `errno.EINVAL` folded at compile time.
    pub module_consts: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            word_bits: 64,
            module_consts: true,
        }
    }
}

mod expr;
mod fold;
mod stmt;

type PResult<T> = Result<T, SourceError>;

const MAX_DEPTH: u32 = 150;

pub(crate) struct Parser<'t> {
    toks: &'t [Token],
    pos: usize,
    interner: &'t mut Interner,
    opts: Options,
    consts: HashMap<Sym, Value>,
    /// Token index of the first occurrence of each name (for string interning).
    first_name_pos: HashMap<Sym, usize>,
    depth: u32,
    /// Treat long string literals of unknown status as qstrs.
    pub assume_interned: bool,
    /// Set when a long string literal's qstr status was unknown.
    pub uncertain_strings: bool,
    sym_const: Sym,
    sym_math: Sym,
    sym_errno: Sym,
}

fn err(line: u32, col: u32, msg: impl Into<String>) -> SourceError {
    SourceError::Syntax {
        line,
        column: col,
        message: msg.into(),
    }
}

fn starts_atom(t: T) -> bool {
    matches!(
        t,
        T::Name
            | T::Integer
            | T::FloatOrImag
            | T::Str
            | T::Bytes
            | T::Ellipsis
            | T::None
            | T::True
            | T::False
            | T::LParen
            | T::LBracket
            | T::LBrace
    )
}

fn starts_expr(t: T) -> bool {
    starts_atom(t) || matches!(t, T::Minus | T::Plus | T::Tilde | T::Await)
}

fn starts_test(t: T) -> bool {
    starts_expr(t) || matches!(t, T::Not | T::Lambda)
}

fn starts_star_or_test(t: T) -> bool {
    starts_test(t) || t == T::Star
}

impl<'t> Parser<'t> {
    pub fn new(toks: &'t [Token], interner: &'t mut Interner, opts: Options) -> Self {
        let mut first_name_pos = HashMap::new();
        for (i, t) in toks.iter().enumerate() {
            if let Payload::Name(s) = t.payload {
                first_name_pos.entry(s).or_insert(i);
            }
        }
        let sym_const = interner.intern("const");
        let sym_math = interner.intern("math");
        let sym_errno = interner.intern("errno");
        Parser {
            toks,
            pos: 0,
            interner,
            opts,
            consts: HashMap::new(),
            first_name_pos,
            depth: 0,
            assume_interned: false,
            uncertain_strings: false,
            sym_const,
            sym_math,
            sym_errno,
        }
    }

    fn tok(&self) -> &Token {
        // The token list always ends with End or an error token; never index past it.
        let i = self.pos.min(self.toks.len().saturating_sub(1));
        &self.toks[i]
    }

    fn kind(&self) -> T {
        if self.toks.is_empty() {
            T::End
        } else {
            self.tok().kind
        }
    }

    fn line(&self) -> u32 {
        if self.toks.is_empty() {
            1
        } else {
            self.tok().line
        }
    }

    fn col(&self) -> u32 {
        if self.toks.is_empty() {
            1
        } else {
            self.tok().col
        }
    }

    fn advance(&mut self) {
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
    }

    fn error_here(&self, expected: &str) -> SourceError {
        let (line, col) = (self.line(), self.col());
        let msg = match self.kind() {
            T::Indent => "unexpected indent".to_string(),
            T::DedentMismatch => "unindent doesn't match any outer indent level".to_string(),
            T::MalformedFString => "malformed f-string".to_string(),
            T::LonelyStringOpen => "unterminated string literal".to_string(),
            T::Invalid => "invalid token".to_string(),
            T::Dedent => format!("invalid syntax: unexpected dedent, expected {expected}"),
            T::End => format!("invalid syntax: unexpected end of file, expected {expected}"),
            T::Newline => format!("invalid syntax: unexpected end of line, expected {expected}"),
            _ => format!("invalid syntax: expected {expected}"),
        };
        err(line, col, msg)
    }

    fn expect(&mut self, t: T, what: &str) -> PResult<()> {
        if self.kind() == t {
            self.advance();
            Ok(())
        } else {
            Err(self.error_here(what))
        }
    }

    fn eat(&mut self, t: T) -> bool {
        if self.kind() == t {
            self.advance();
            true
        } else {
            false
        }
    }

    fn name(&mut self) -> PResult<Node> {
        if let (T::Name, Payload::Name(s)) = (self.kind(), &self.tok().payload) {
            let s = *s;
            self.advance();
            Ok(Node::Id(s))
        } else {
            Err(self.error_here("a name"))
        }
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            Err(err(self.line(), self.col(), "too deeply nested expression"))
        } else {
            Ok(())
        }
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Make a struct node ending at the last consumed token.
    fn mk(&self, kind: R, line: u32, col: u32, nodes: Vec<Node>) -> Node {
        let mut end = 0;
        let mut i = self.pos;
        while i > 0 {
            i -= 1;
            let t = &self.toks[i];
            if !matches!(t.kind, T::Newline | T::Indent | T::Dedent) {
                end = t.end_line;
                break;
            }
        }
        let mut n = Node::st(kind, line, col, nodes);
        if let Node::Struct(s) = &mut n {
            s.end_line = end.max(line);
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexer::tokenize;

    fn parse(src: &str) -> Result<Node, SourceError> {
        let mut i = Interner::default();
        let toks = tokenize(src, &mut i);
        let mut p = Parser::new(&toks, &mut i, Options::default());
        p.parse_file()
    }

    fn kind(n: &Node) -> Option<R> {
        n.as_struct().map(|s| s.kind)
    }

    #[test]
    fn single_statement_collapses() {
        let n = parse("x = 1\n").ok();
        assert_eq!(n.as_ref().and_then(kind), Some(R::ExprStmt));
    }

    #[test]
    fn docstrings_become_pass() {
        let n = parse("'a long docstring here'\n").ok();
        assert_eq!(n.as_ref().and_then(kind), Some(R::PassStmt));
    }

    #[test]
    fn constants_fold() {
        let n = parse("x = 2 * 3 + 1\n").ok();
        let s = n.as_ref().and_then(Node::as_struct).map(|s| s.nodes[1].clone());
        assert!(matches!(s, Some(Node::SmallInt(7))));
        let n = parse("x = 1 / 0\n").ok();
        let s = n.as_ref().and_then(Node::as_struct).map(|s| s.nodes[1].clone());
        assert!(matches!(s, Some(Node::Struct(_))));
    }

    #[test]
    fn const_names_substituted() {
        let n = parse("X = const(5)\ny = X\n").ok();
        let items = n
            .as_ref()
            .and_then(Node::as_struct)
            .map(|s| s.nodes.clone())
            .unwrap_or_default();
        let second = items.get(1).and_then(Node::as_struct).map(|s| s.nodes[1].clone());
        assert!(matches!(second, Some(Node::SmallInt(5))));
        let n = parse("_X = const(5)\n").ok();
        assert_eq!(n.as_ref().and_then(kind), Some(R::PassStmt));
    }

    #[test]
    fn parens_removed_and_tuples_built() {
        let n = parse("x = (a)\n").ok();
        let s = n.as_ref().and_then(Node::as_struct).map(|s| s.nodes[1].clone());
        assert!(matches!(s, Some(Node::Id(_))));
        let n = parse("x = (1, 2)\n").ok();
        let s = n.as_ref().and_then(Node::as_struct).map(|s| s.nodes[1].clone());
        assert!(matches!(s, Some(Node::Const(_))));
        let n = parse("x = (a, b)\n").ok();
        let s = n.as_ref().and_then(Node::as_struct).map(|s| s.nodes[1].clone());
        assert_eq!(s.as_ref().and_then(kind), Some(R::AtomParen));
    }

    #[test]
    fn syntax_errors_have_positions() {
        match parse("def f(:\n    pass\n") {
            Err(SourceError::Syntax { line, column, .. }) => {
                assert_eq!((line, column), (1, 7));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(parse("if x:\npass\n").is_err());
        assert!(parse("x = (\n").is_err());
        assert!(parse("  x = 1\n").is_err());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let src = format!("x = {}1{}\n", "(".repeat(1000), ")".repeat(1000));
        assert!(parse(&src).is_err());
    }

    #[test]
    fn micropython_rejects_what_it_rejects() {
        // positional-only parameters and arbitrary decorator expressions are
        // not MicroPython syntax
        assert!(parse("def f(a, /, b):\n    pass\n").is_err());
        assert!(parse("@x[0]\ndef f():\n    pass\n").is_err());
    }
}
