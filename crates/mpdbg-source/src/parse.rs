//! Recursive-descent parser for MicroPython's grammar (`py/grammar.h`),
//! producing the tree shape MicroPython's own parser produces (see
//! [`crate::node`]). Tree shape matters because MicroPython emits a
//! line-number entry for every struct node it compiles.

use crate::error::SourceError;
use crate::intern::{Interner, Sym};
use crate::lexer::{Payload, Token, T};
use crate::node::{ConstObj, Node, R};
use crate::value::{binary, unary, BinOp, UnOp, Value};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// Options that change how MicroPython parses (they follow the firmware's
/// configuration).
#[derive(Clone, Debug)]
pub struct ParseOptions {
    /// Bits in a machine word of the target (64 for the host port, 32 for most
    /// boards). Integers that fit a small int become leaves.
    pub word_bits: u32,
    /// `MICROPY_COMP_MODULE_CONST`: `math.pi`, `errno.EINVAL` folded at compile time.
    pub module_consts: bool,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            word_bits: 64,
            module_consts: true,
        }
    }
}

type PResult<T> = Result<T, SourceError>;

/// Strings longer than this are not interned by the parser
/// (`MICROPY_ALLOC_PARSE_INTERN_STRING_LEN`).
const INTERN_STRING_LEN: usize = 10;

/// Qstrs longer than 10 bytes that exist in the host port's firmware (taken
/// from its generated `qstrdefs.generated.h`): a string literal equal to one
/// of them is a leaf, not a constant object. Board firmware differs slightly.
const STATIC_QSTRS: &[&str] = &[
    "ArithmeticError",
    "AssertionError",
    "AttributeError",
    "BaseException",
    "ECONNABORTED",
    "ECONNREFUSED",
    "EHOSTUNREACH",
    "EINPROGRESS",
    "GeneratorExit",
    "IPPROTO_TCP",
    "ImportError",
    "IndentationError",
    "KeyboardInterrupt",
    "LookupError",
    "MemoryError",
    "NotImplemented",
    "NotImplementedError",
    "OrderedDict",
    "OverflowError",
    "RuntimeError",
    "SOCK_STREAM",
    "SO_REUSEADDR",
    "StopAsyncIteration",
    "StopIteration",
    "SyntaxError",
    "TCP_NODELAY",
    "TextIOWrapper",
    "UnicodeError",
    "ZeroDivisionError",
    "__build_class__",
    "__complex__",
    "__contains__",
    "__delattr__",
    "__delitem__",
    "__floordiv__",
    "__getattr__",
    "__getitem__",
    "__globals__",
    "__qualname__",
    "__repl_print__",
    "__reversed__",
    "__rfloordiv__",
    "__rlshift__",
    "__rmatmul__",
    "__rrshift__",
    "__rtruediv__",
    "__set_name__",
    "__setattr__",
    "__setitem__",
    "__traceback__",
    "__truediv__",
    "bound_method",
    "classmethod",
    "co_filename",
    "co_firstlineno",
    "collections",
    "difference_update",
    "getaddrinfo",
    "heap_unlock",
    "implementation",
    "intersection",
    "intersection_update",
    "maximum recursion depth exceeded",
    "mem_current",
    "micropython",
    "print_exception",
    "setblocking",
    "staticmethod",
    "symmetric_difference",
    "symmetric_difference_update",
    "unpack_from",
    "version_info",
];

const MAX_DEPTH: u32 = 150;

pub(crate) struct Parser<'t> {
    toks: &'t [Token],
    pos: usize,
    interner: &'t mut Interner,
    opts: ParseOptions,
    consts: HashMap<Sym, Value>,
    /// Token index of the first occurrence of each name (for string interning).
    first_name_pos: HashMap<Sym, usize>,
    short_strings: HashSet<Rc<[u8]>>,
    depth: u32,
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
    pub fn new(toks: &'t [Token], interner: &'t mut Interner, opts: ParseOptions) -> Self {
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
            short_strings: HashSet::new(),
            depth: 0,
            sym_const,
            sym_math,
            sym_errno,
        }
    }

    // ----- token helpers -------------------------------------------------

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

    fn small_int_fits(&self, v: i128) -> bool {
        let bits = self.opts.word_bits.clamp(16, 64) - 1;
        let lim = 1i128 << (bits - 1);
        (-lim..lim).contains(&v)
    }

    /// `make_node_const_object_optimised`.
    fn const_node(&self, line: u32, v: Value) -> Node {
        if let Value::Int(i) = v {
            if self.small_int_fits(i) {
                return Node::SmallInt(i as i64);
            }
        }
        Node::Const(Box::new(ConstObj { line, value: v }))
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

    // ----- file and statements -------------------------------------------

    pub fn parse_file(&mut self) -> PResult<Node> {
        let line = self.line();
        let col = self.col();
        let mut items = Vec::new();
        loop {
            match self.kind() {
                T::End => break,
                T::Newline => {
                    items.push(Node::Tok(T::Newline));
                    self.advance();
                }
                _ => items.push(self.stmt()?),
            }
        }
        Ok(match items.len() {
            0 => self.mk(R::FileInput, line, col, vec![Node::Null]),
            1 => items.pop().unwrap_or(Node::Null),
            _ => self.mk(R::FileInput2, line, col, items),
        })
    }

    fn stmt(&mut self) -> PResult<Node> {
        match self.kind() {
            T::If => self.if_stmt(),
            T::While => self.while_stmt(),
            T::For => self.for_stmt(),
            T::Try => self.try_stmt(),
            T::With => self.with_stmt(),
            T::Def => self.funcdef(),
            T::Class => self.classdef(),
            T::At => self.decorated(),
            T::Async => self.async_stmt(),
            _ => self.simple_stmt(),
        }
    }

    fn simple_stmt(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        let mut items = vec![self.small_stmt()?];
        let mut trailing = false;
        while self.eat(T::Semicolon) {
            if self.kind() == T::Newline {
                trailing = true;
                break;
            }
            items.push(self.small_stmt()?);
        }
        self.expect(T::Newline, "end of statement")?;
        if items.len() == 1 && !trailing {
            Ok(items.pop().unwrap_or(Node::Null))
        } else {
            Ok(self.mk(R::SimpleStmt2, line, col, items))
        }
    }

    fn small_stmt(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        match self.kind() {
            T::Del => {
                self.advance();
                let e = self.exprlist()?;
                Ok(self.mk(R::DelStmt, line, col, vec![e]))
            }
            T::Pass => {
                self.advance();
                Ok(self.mk(R::PassStmt, line, col, vec![]))
            }
            T::Break => {
                self.advance();
                Ok(self.mk(R::BreakStmt, line, col, vec![]))
            }
            T::Continue => {
                self.advance();
                Ok(self.mk(R::ContinueStmt, line, col, vec![]))
            }
            T::Return => {
                self.advance();
                let v = if starts_test(self.kind()) {
                    self.testlist()?
                } else {
                    Node::Null
                };
                Ok(self.mk(R::ReturnStmt, line, col, vec![v]))
            }
            T::Raise => {
                self.advance();
                let arg = if starts_test(self.kind()) {
                    let (l2, c2) = (self.line(), self.col());
                    let e = self.test()?;
                    if self.eat(T::From) {
                        let f = self.test()?;
                        self.mk(R::RaiseStmtArg, l2, c2, vec![e, f])
                    } else {
                        e
                    }
                } else {
                    Node::Null
                };
                Ok(self.mk(R::RaiseStmt, line, col, vec![arg]))
            }
            T::Yield => {
                let y = self.yield_expr()?;
                Ok(self.mk(R::YieldStmt, line, col, vec![y]))
            }
            T::Import => {
                self.advance();
                let n = self.dotted_as_names()?;
                Ok(self.mk(R::ImportName, line, col, vec![n]))
            }
            T::From => self.import_from(),
            T::Global | T::Nonlocal => {
                let kind = if self.kind() == T::Global {
                    R::GlobalStmt
                } else {
                    R::NonlocalStmt
                };
                self.advance();
                let (l2, c2) = (self.line(), self.col());
                let mut names = vec![self.name()?];
                while self.eat(T::Comma) {
                    names.push(self.name()?);
                }
                let list = if names.len() == 1 {
                    names.pop().unwrap_or(Node::Null)
                } else {
                    self.mk(R::NameList, l2, c2, names)
                };
                Ok(self.mk(kind, line, col, vec![list]))
            }
            T::Assert => {
                self.advance();
                let t = self.test()?;
                let m = if self.eat(T::Comma) { self.test()? } else { Node::Null };
                Ok(self.mk(R::AssertStmt, line, col, vec![t, m]))
            }
            _ => self.expr_stmt(),
        }
    }

    fn import_from(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        self.advance();
        let (l2, c2) = (self.line(), self.col());
        let src = if matches!(self.kind(), T::Period | T::Ellipsis) {
            let mut dots = Vec::new();
            while matches!(self.kind(), T::Period | T::Ellipsis) {
                dots.push(Node::Tok(self.kind()));
                self.advance();
            }
            let dots = if dots.len() == 1 {
                dots.pop().unwrap_or(Node::Null)
            } else {
                self.mk(R::OneOrMorePeriodOrEllipsis, l2, c2, dots)
            };
            if self.kind() == T::Name {
                let d = self.dotted_name()?;
                self.mk(R::ImportFrom2b, l2, c2, vec![dots, d])
            } else {
                dots
            }
        } else {
            self.dotted_name()?
        };
        self.expect(T::Import, "'import'")?;
        let what = if self.eat(T::Star) {
            Node::Tok(T::Star)
        } else if self.eat(T::LParen) {
            let n = self.import_as_names()?;
            self.expect(T::RParen, "')'")?;
            n
        } else {
            self.import_as_names()?
        };
        Ok(self.mk(R::ImportFrom, line, col, vec![src, what]))
    }

    fn import_as_names(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        let mut items = vec![self.import_as_name()?];
        let mut trailing = false;
        while self.eat(T::Comma) {
            if self.kind() != T::Name {
                trailing = true;
                break;
            }
            items.push(self.import_as_name()?);
        }
        if items.len() == 1 && !trailing {
            Ok(items.pop().unwrap_or(Node::Null))
        } else {
            Ok(self.mk(R::ImportAsNames, line, col, items))
        }
    }

    fn import_as_name(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        let n = self.name()?;
        let a = if self.eat(T::As) { self.name()? } else { Node::Null };
        Ok(self.mk(R::ImportAsName, line, col, vec![n, a]))
    }

    fn dotted_as_names(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        let mut items = vec![self.dotted_as_name()?];
        while self.eat(T::Comma) {
            items.push(self.dotted_as_name()?);
        }
        if items.len() == 1 {
            Ok(items.pop().unwrap_or(Node::Null))
        } else {
            Ok(self.mk(R::DottedAsNames, line, col, items))
        }
    }

    fn dotted_as_name(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        let d = self.dotted_name()?;
        if self.eat(T::As) {
            let n = self.name()?;
            Ok(self.mk(R::DottedAsName, line, col, vec![d, n]))
        } else {
            Ok(d)
        }
    }

    fn dotted_name(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        let mut items = vec![self.name()?];
        while self.eat(T::Period) {
            items.push(self.name()?);
        }
        if items.len() == 1 {
            Ok(items.pop().unwrap_or(Node::Null))
        } else {
            Ok(self.mk(R::DottedName, line, col, items))
        }
    }

    fn expr_stmt(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        let lhs = self.testlist_star_expr()?;
        let (l2, c2) = (self.line(), self.col());
        let rhs = match self.kind() {
            T::Colon => {
                self.advance();
                let ann = self.test()?;
                let val = if self.eat(T::Equal) {
                    self.expr_stmt_6()?
                } else {
                    Node::Null
                };
                self.mk(R::Annassign, l2, c2, vec![ann, val])
            }
            T::PlusEqual
            | T::MinusEqual
            | T::StarEqual
            | T::AtEqual
            | T::SlashEqual
            | T::PercentEqual
            | T::AmpEqual
            | T::PipeEqual
            | T::CaretEqual
            | T::DblLessEqual
            | T::DblMoreEqual
            | T::DblStarEqual
            | T::DblSlashEqual => {
                let op = Node::Tok(self.kind());
                self.advance();
                let v = self.expr_stmt_6()?;
                self.mk(R::ExprStmtAugassign, l2, c2, vec![op, v])
            }
            T::Equal => {
                let mut items = Vec::new();
                while self.eat(T::Equal) {
                    items.push(self.expr_stmt_6()?);
                }
                if items.len() == 1 {
                    items.pop().unwrap_or(Node::Null)
                } else {
                    self.mk(R::ExprStmtAssignList, l2, c2, items)
                }
            }
            _ => Node::Null,
        };
        // Lonely constants (doc strings, `...`, numbers) become `pass`.
        if rhs.is_null() && (matches!(lhs, Node::SmallInt(_) | Node::Str(_) | Node::Tok(_) | Node::Const(_))) {
            return Ok(self.mk(R::PassStmt, line, col, vec![]));
        }
        let mut rhs = rhs;
        // `X = const(value)`
        if !rhs.is_null() && !rhs.is_kind(R::ExprStmtAugassign) && !rhs.is_kind(R::ExprStmtAssignList) {
            if let Node::Id(name) = lhs {
                let r = match &rhs {
                    Node::Struct(s) if s.kind == R::Annassign => s.nodes.get(1).unwrap_or(&Node::Null),
                    other => other,
                };
                if let Some(call) = r.struct_of(R::AtomExprNormal) {
                    let is_const_call = call.nodes.first().and_then(Node::id) == Some(self.sym_const)
                        && call.nodes.get(1).is_some_and(|n| n.is_kind(R::TrailerParen));
                    if is_const_call {
                        let value_node = call
                            .nodes
                            .get(1)
                            .and_then(Node::as_struct)
                            .and_then(|p| p.nodes.first())
                            .cloned()
                            .unwrap_or(Node::Null);
                        if !value_node.is_const() {
                            return Err(err(call.line, call.col, "not a constant"));
                        }
                        if let Some(v) = value_node.const_value() {
                            self.consts.insert(name, v);
                        }
                        if self.interner.name(name).starts_with('_') {
                            return Ok(self.mk(R::PassStmt, 0, col, vec![]));
                        }
                        rhs = value_node;
                    }
                }
            }
        }
        Ok(self.mk(R::ExprStmt, line, col, vec![lhs, rhs]))
    }

    fn expr_stmt_6(&mut self) -> PResult<Node> {
        if self.kind() == T::Yield {
            self.yield_expr()
        } else {
            self.testlist_star_expr()
        }
    }

    fn star_or_test(&mut self) -> PResult<Node> {
        if self.kind() == T::Star {
            self.star_expr()
        } else {
            self.test()
        }
    }

    fn star_expr(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        self.expect(T::Star, "'*'")?;
        let e = self.expr()?;
        Ok(self.mk(R::StarExpr, line, col, vec![e]))
    }

    /// A comma list of items; `item` parses one element, `can_start` tells
    /// whether another element follows a comma. Returns the MicroPython node
    /// for the list rule `kind` (with constant tuples built when `tuple`).
    fn comma_list(
        &mut self,
        kind: R,
        tuple: bool,
        can_start: fn(T) -> bool,
        item: fn(&mut Self) -> PResult<Node>,
    ) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        let first = item(self)?;
        if self.kind() != T::Comma {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat(T::Comma) {
            if can_start(self.kind()) {
                items.push(item(self)?);
            } else {
                break;
            }
        }
        if tuple {
            if let Some(t) = self.try_build_tuple(line, &items) {
                return Ok(t);
            }
        }
        Ok(self.mk(kind, line, col, items))
    }

    /// `build_tuple_from_stack`: a constant tuple when every item is constant.
    fn try_build_tuple(&self, line: u32, items: &[Node]) -> Option<Node> {
        if !items.iter().all(Node::is_const) {
            return None;
        }
        let vals: Option<Vec<Value>> = items.iter().map(Node::const_value).collect();
        let vals = vals?;
        Some(Node::Const(Box::new(ConstObj {
            line,
            value: Value::Tuple(Rc::from(vals)),
        })))
    }

    fn testlist_star_expr(&mut self) -> PResult<Node> {
        self.comma_list(R::TestlistStarExpr, true, starts_star_or_test, Self::star_or_test)
    }

    fn testlist(&mut self) -> PResult<Node> {
        self.comma_list(R::Testlist, true, starts_test, Self::test)
    }

    fn exprlist(&mut self) -> PResult<Node> {
        fn item(p: &mut Parser) -> PResult<Node> {
            if p.kind() == T::Star {
                p.star_expr()
            } else {
                p.expr()
            }
        }
        fn can(t: T) -> bool {
            starts_expr(t) || t == T::Star
        }
        self.comma_list(R::Exprlist, false, can, item)
    }

    // ----- compound statements -------------------------------------------

    fn suite(&mut self) -> PResult<Node> {
        self.enter()?;
        let r = self.suite_inner();
        self.leave();
        r
    }

    fn suite_inner(&mut self) -> PResult<Node> {
        if self.kind() != T::Newline {
            return self.simple_stmt();
        }
        self.advance();
        if self.kind() != T::Indent {
            return Err(self.error_here("an indented block"));
        }
        self.advance();
        let (line, col) = (self.line(), self.col());
        let mut stmts = Vec::new();
        while self.kind() != T::Dedent {
            if matches!(self.kind(), T::End) {
                return Err(self.error_here("end of block"));
            }
            stmts.push(self.stmt()?);
        }
        self.advance();
        if stmts.len() == 1 {
            Ok(stmts.pop().unwrap_or(Node::Null))
        } else {
            Ok(self.mk(R::SuiteBlockStmts, line, col, stmts))
        }
    }

    fn if_stmt(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        self.advance();
        let cond = self.namedexpr_test()?;
        self.expect(T::Colon, "':'")?;
        let body = self.suite()?;
        let (l2, c2) = (self.line(), self.col());
        let mut elifs = Vec::new();
        while self.kind() == T::Elif {
            let (l3, c3) = (self.line(), self.col());
            self.advance();
            let c = self.namedexpr_test()?;
            self.expect(T::Colon, "':'")?;
            let s = self.suite()?;
            elifs.push(self.mk(R::IfStmtElif, l3, c3, vec![c, s]));
        }
        let elifs = match elifs.len() {
            0 => Node::Null,
            1 => elifs.pop().unwrap_or(Node::Null),
            _ => self.mk(R::IfStmtElifList, l2, c2, elifs),
        };
        let els = self.else_stmt()?;
        Ok(self.mk(R::IfStmt, line, col, vec![cond, body, elifs, els]))
    }

    fn else_stmt(&mut self) -> PResult<Node> {
        if self.eat(T::Else) {
            self.expect(T::Colon, "':'")?;
            self.suite()
        } else {
            Ok(Node::Null)
        }
    }

    fn while_stmt(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        self.advance();
        let cond = self.namedexpr_test()?;
        self.expect(T::Colon, "':'")?;
        let body = self.suite()?;
        let els = self.else_stmt()?;
        Ok(self.mk(R::WhileStmt, line, col, vec![cond, body, els]))
    }

    fn for_stmt(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        self.advance();
        let target = self.exprlist()?;
        self.expect(T::In, "'in'")?;
        let iter = self.testlist()?;
        self.expect(T::Colon, "':'")?;
        let body = self.suite()?;
        let els = self.else_stmt()?;
        Ok(self.mk(R::ForStmt, line, col, vec![target, iter, body, els]))
    }

    fn try_stmt(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        self.advance();
        self.expect(T::Colon, "':'")?;
        let body = self.suite()?;
        let (l2, c2) = (self.line(), self.col());
        let rest = if self.kind() == T::Finally {
            self.finally_clause()?
        } else if self.kind() == T::Except {
            let mut excepts = Vec::new();
            while self.kind() == T::Except {
                let (l3, c3) = (self.line(), self.col());
                self.advance();
                let exc = if starts_test(self.kind()) {
                    let (l4, c4) = (self.line(), self.col());
                    let t = self.test()?;
                    if self.eat(T::As) {
                        let n = self.name()?;
                        self.mk(R::TryStmtAsName, l4, c4, vec![t, n])
                    } else {
                        t
                    }
                } else {
                    Node::Null
                };
                self.expect(T::Colon, "':'")?;
                let s = self.suite()?;
                excepts.push(self.mk(R::TryStmtExcept, l3, c3, vec![exc, s]));
            }
            let list = if excepts.len() == 1 {
                excepts.pop().unwrap_or(Node::Null)
            } else {
                self.mk(R::TryStmtExceptList, l2, c2, excepts)
            };
            let els = self.else_stmt()?;
            let fin = if self.kind() == T::Finally {
                self.finally_clause()?
            } else {
                Node::Null
            };
            if els.is_null() && fin.is_null() {
                list
            } else {
                self.mk(R::TryStmtExceptAndMore, l2, c2, vec![list, els, fin])
            }
        } else {
            return Err(self.error_here("'except' or 'finally'"));
        };
        Ok(self.mk(R::TryStmt, line, col, vec![body, rest]))
    }

    fn finally_clause(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        self.advance();
        self.expect(T::Colon, "':'")?;
        let s = self.suite()?;
        Ok(self.mk(R::TryStmtFinally, line, col, vec![s]))
    }

    fn with_stmt(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        self.advance();
        let (l2, c2) = (self.line(), self.col());
        let mut items = vec![self.with_item()?];
        while self.eat(T::Comma) {
            items.push(self.with_item()?);
        }
        let list = if items.len() == 1 {
            items.pop().unwrap_or(Node::Null)
        } else {
            self.mk(R::WithStmtList, l2, c2, items)
        };
        self.expect(T::Colon, "':'")?;
        let body = self.suite()?;
        Ok(self.mk(R::WithStmt, line, col, vec![list, body]))
    }

    fn with_item(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        let t = self.test()?;
        if self.eat(T::As) {
            let e = self.expr()?;
            Ok(self.mk(R::WithItem, line, col, vec![t, e]))
        } else {
            Ok(t)
        }
    }

    fn funcdef(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        self.expect(T::Def, "'def'")?;
        let name = self.name()?;
        self.expect(T::LParen, "'('")?;
        let params = if self.kind() == T::RParen {
            Node::Null
        } else {
            self.arg_list(true)?
        };
        self.expect(T::RParen, "')'")?;
        let ret = if self.eat(T::Arrow) { self.test()? } else { Node::Null };
        self.expect(T::Colon, "':'")?;
        let body = self.suite()?;
        Ok(self.mk(R::Funcdef, line, col, vec![name, params, ret, body, Node::Null]))
    }

    /// `typedargslist` (for `def`, `typed` = true) or `varargslist` (lambda).
    fn arg_list(&mut self, typed: bool) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        let mut items = vec![self.arg_item(typed)?];
        let mut trailing = false;
        while self.eat(T::Comma) {
            if matches!(self.kind(), T::Name | T::Star | T::DblStar) {
                items.push(self.arg_item(typed)?);
            } else {
                trailing = true;
                break;
            }
        }
        if items.len() == 1 && !trailing {
            Ok(items.pop().unwrap_or(Node::Null))
        } else {
            let k = if typed { R::Typedargslist } else { R::Varargslist };
            Ok(self.mk(k, line, col, items))
        }
    }

    fn arg_item(&mut self, typed: bool) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        match self.kind() {
            T::Star => {
                self.advance();
                if self.kind() == T::Name {
                    if typed {
                        let (l2, c2) = (self.line(), self.col());
                        let n = self.name()?;
                        let ann = if self.eat(T::Colon) { self.test()? } else { Node::Null };
                        let tf = self.mk(R::Tfpdef, l2, c2, vec![n, ann]);
                        Ok(self.mk(R::TypedargslistStar, line, col, vec![tf]))
                    } else {
                        let n = self.name()?;
                        Ok(self.mk(R::VarargslistStar, line, col, vec![n]))
                    }
                } else {
                    let k = if typed {
                        R::TypedargslistStar
                    } else {
                        R::VarargslistStar
                    };
                    Ok(self.mk(k, line, col, vec![Node::Null]))
                }
            }
            T::DblStar => {
                self.advance();
                let n = self.name()?;
                if typed {
                    let ann = if self.eat(T::Colon) { self.test()? } else { Node::Null };
                    Ok(self.mk(R::TypedargslistDblStar, line, col, vec![n, ann]))
                } else {
                    Ok(self.mk(R::VarargslistDblStar, line, col, vec![n]))
                }
            }
            _ => {
                let n = self.name()?;
                if typed {
                    let ann = if self.eat(T::Colon) { self.test()? } else { Node::Null };
                    let def = if self.eat(T::Equal) { self.test()? } else { Node::Null };
                    if ann.is_null() && def.is_null() {
                        Ok(n)
                    } else {
                        Ok(self.mk(R::TypedargslistName, line, col, vec![n, ann, def]))
                    }
                } else if self.eat(T::Equal) {
                    let def = self.test()?;
                    Ok(self.mk(R::VarargslistName, line, col, vec![n, def]))
                } else {
                    Ok(n)
                }
            }
        }
    }

    fn classdef(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        self.expect(T::Class, "'class'")?;
        let name = self.name()?;
        let bases = if self.kind() == T::LParen {
            let (l2, c2) = (self.line(), self.col());
            self.advance();
            if self.eat(T::RParen) {
                self.mk(R::Classdef2, l2, c2, vec![Node::Null])
            } else {
                let a = self.arglist()?;
                self.expect(T::RParen, "')'")?;
                a
            }
        } else {
            Node::Null
        };
        self.expect(T::Colon, "':'")?;
        let body = self.suite()?;
        Ok(self.mk(R::Classdef, line, col, vec![name, bases, body, Node::Null]))
    }

    fn decorated(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        let mut decs = Vec::new();
        while self.kind() == T::At {
            let (l2, c2) = (self.line(), self.col());
            self.advance();
            let d = self.dotted_name()?;
            let args = if self.kind() == T::LParen {
                let (l3, c3) = (self.line(), self.col());
                self.advance();
                let a = if self.kind() == T::RParen {
                    Node::Null
                } else {
                    self.arglist()?
                };
                self.expect(T::RParen, "')'")?;
                self.mk(R::TrailerParen, l3, c3, vec![a])
            } else {
                Node::Null
            };
            self.expect(T::Newline, "end of line after decorator")?;
            decs.push(self.mk(R::Decorator, l2, c2, vec![d, args]));
        }
        let decs = if decs.len() == 1 {
            decs.pop().unwrap_or(Node::Null)
        } else {
            self.mk(R::Decorators, line, col, decs)
        };
        let body = match self.kind() {
            T::Class => self.classdef()?,
            T::Def => self.funcdef()?,
            T::Async => {
                let (l2, c2) = (self.line(), self.col());
                self.advance();
                let f = self.funcdef()?;
                self.mk(R::AsyncFuncdef, l2, c2, vec![f])
            }
            _ => return Err(self.error_here("'def' or 'class' after decorator")),
        };
        Ok(self.mk(R::Decorated, line, col, vec![decs, body]))
    }

    fn async_stmt(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        self.advance();
        let inner = match self.kind() {
            T::Def => self.funcdef()?,
            T::With => self.with_stmt()?,
            T::For => self.for_stmt()?,
            _ => return Err(self.error_here("'def', 'with' or 'for' after 'async'")),
        };
        Ok(self.mk(R::AsyncStmt, line, col, vec![inner]))
    }

    // ----- expressions ---------------------------------------------------

    fn namedexpr_test(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        let t = self.test()?;
        if self.eat(T::Walrus) {
            let v = self.test()?;
            Ok(self.mk(R::Namedexpr, line, col, vec![t, v]))
        } else {
            Ok(t)
        }
    }

    pub(crate) fn test(&mut self) -> PResult<Node> {
        self.enter()?;
        let r = self.test_inner();
        self.leave();
        r
    }

    fn test_inner(&mut self) -> PResult<Node> {
        if self.kind() == T::Lambda {
            return self.lambdef(false);
        }
        let (line, col) = (self.line(), self.col());
        let o = self.or_test()?;
        if self.kind() == T::If {
            let (l2, c2) = (self.line(), self.col());
            self.advance();
            let cond = self.or_test()?;
            self.expect(T::Else, "'else'")?;
            let e = self.test()?;
            let ie = self.mk(R::TestIfElse, l2, c2, vec![cond, e]);
            Ok(self.mk(R::TestIfExpr, line, col, vec![o, ie]))
        } else {
            Ok(o)
        }
    }

    fn test_nocond(&mut self) -> PResult<Node> {
        if self.kind() == T::Lambda {
            self.enter()?;
            let r = self.lambdef(true);
            self.leave();
            r
        } else {
            self.or_test()
        }
    }

    fn lambdef(&mut self, nocond: bool) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        self.advance();
        let params = if self.kind() == T::Colon {
            Node::Null
        } else {
            self.arg_list(false)?
        };
        self.expect(T::Colon, "':'")?;
        let body = if nocond { self.test_nocond()? } else { self.test()? };
        Ok(self.mk(R::Lambdef, line, col, vec![params, body, Node::Null]))
    }

    /// `fold_logical_constants` for `or`/`and` lists.
    fn logical_list(&mut self, kind: R, items: Vec<Node>, line: u32, col: u32) -> Node {
        let n = items.len();
        let mut kept = Vec::with_capacity(n);
        for (i, pn) in items.into_iter().enumerate() {
            if i + 1 == n {
                kept.push(pn);
                break;
            }
            let stop = if kind == R::OrTest {
                pn.is_const_true()
            } else {
                pn.is_const_false()
            };
            let drop = if kind == R::OrTest {
                pn.is_const_false()
            } else {
                pn.is_const_true()
            };
            if stop {
                kept.push(pn);
                break;
            }
            if !drop {
                kept.push(pn);
            }
        }
        if kept.len() == 1 {
            kept.pop().unwrap_or(Node::Null)
        } else {
            self.mk(kind, line, col, kept)
        }
    }

    fn or_test(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        let first = self.and_test()?;
        if self.kind() != T::Or {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat(T::Or) {
            items.push(self.and_test()?);
        }
        Ok(self.logical_list(R::OrTest, items, line, col))
    }

    fn and_test(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        let first = self.not_test()?;
        if self.kind() != T::And {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat(T::And) {
            items.push(self.not_test()?);
        }
        Ok(self.logical_list(R::AndTest, items, line, col))
    }

    fn not_test(&mut self) -> PResult<Node> {
        if self.kind() == T::Not {
            let (line, col) = (self.line(), self.col());
            self.advance();
            self.enter()?;
            let o = self.not_test();
            self.leave();
            let o = o?;
            if o.is_const_false() {
                return Ok(Node::Tok(T::True));
            }
            if o.is_const_true() {
                return Ok(Node::Tok(T::False));
            }
            return Ok(self.mk(R::NotTest2, line, col, vec![o]));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        let first = self.expr()?;
        let mut items = vec![first];
        loop {
            let (l2, c2) = (self.line(), self.col());
            let op = match self.kind() {
                T::Less | T::More | T::DblEqual | T::LessEqual | T::MoreEqual | T::NotEqual | T::In => {
                    let t = self.kind();
                    self.advance();
                    Node::Tok(t)
                }
                T::Not => {
                    self.advance();
                    self.expect(T::In, "'in'")?;
                    self.mk(R::CompOpNotIn, l2, c2, vec![])
                }
                T::Is => {
                    self.advance();
                    let (l3, c3) = (self.line(), self.col());
                    let inner = if self.eat(T::Not) {
                        self.mk(R::CompOpIsNot, l3, c3, vec![])
                    } else {
                        Node::Null
                    };
                    self.mk(R::CompOpIs, l2, c2, vec![inner])
                }
                _ => break,
            };
            items.push(op);
            items.push(self.expr()?);
        }
        if items.len() == 1 {
            Ok(items.pop().unwrap_or(Node::Null))
        } else {
            Ok(self.mk(R::Comparison, line, col, items))
        }
    }

    pub(crate) fn expr(&mut self) -> PResult<Node> {
        self.binary_list(R::Expr, &[T::Pipe], Self::xor_expr)
    }

    fn xor_expr(&mut self) -> PResult<Node> {
        self.binary_list(R::XorExpr, &[T::Caret], Self::and_expr)
    }

    fn and_expr(&mut self) -> PResult<Node> {
        self.binary_list(R::AndExpr, &[T::Amp], Self::shift_expr)
    }

    fn shift_expr(&mut self) -> PResult<Node> {
        self.binary_list(R::ShiftExpr, &[T::DblLess, T::DblMore], Self::arith_expr)
    }

    fn arith_expr(&mut self) -> PResult<Node> {
        self.binary_list(R::ArithExpr, &[T::Plus, T::Minus], Self::term)
    }

    fn term(&mut self) -> PResult<Node> {
        self.binary_list(
            R::Term,
            &[T::Star, T::At, T::Slash, T::Percent, T::DblSlash],
            Self::factor,
        )
    }

    /// Operator lists. For `|`, `^`, `&` the operator tokens are not kept
    /// (MicroPython's separator tokens); for shift/arith/term they are.
    fn binary_list(&mut self, kind: R, ops: &[T], item: fn(&mut Self) -> PResult<Node>) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        let first = item(self)?;
        if !ops.contains(&self.kind()) {
            return Ok(first);
        }
        let keep_ops = matches!(kind, R::ShiftExpr | R::ArithExpr | R::Term);
        let mut items = vec![first];
        while ops.contains(&self.kind()) {
            if keep_ops {
                items.push(Node::Tok(self.kind()));
            }
            self.advance();
            items.push(item(self)?);
        }
        if let Some(folded) = self.fold_binary(kind, &items) {
            return Ok(folded);
        }
        Ok(self.mk(kind, line, col, items))
    }

    fn fold_binary(&self, kind: R, items: &[Node]) -> Option<Node> {
        let mut acc = items.first()?.number()?;
        match kind {
            R::Expr | R::XorExpr | R::AndExpr => {
                let op = match kind {
                    R::Expr => BinOp::Or,
                    R::XorExpr => BinOp::Xor,
                    _ => BinOp::And,
                };
                for n in &items[1..] {
                    acc = binary(op, &acc, &n.number()?)?;
                }
            }
            _ => {
                let mut i = 1;
                while i + 1 < items.len() {
                    let op = match items[i] {
                        Node::Tok(T::DblLess) => BinOp::LShift,
                        Node::Tok(T::DblMore) => BinOp::RShift,
                        Node::Tok(T::Plus) => BinOp::Add,
                        Node::Tok(T::Minus) => BinOp::Sub,
                        Node::Tok(T::Star) => BinOp::Mul,
                        Node::Tok(T::At) => BinOp::MatMul,
                        Node::Tok(T::Slash) => BinOp::TrueDiv,
                        Node::Tok(T::Percent) => BinOp::Mod,
                        Node::Tok(T::DblSlash) => BinOp::FloorDiv,
                        _ => return None,
                    };
                    acc = binary(op, &acc, &items[i + 1].number()?)?;
                    i += 2;
                }
            }
        }
        Some(self.const_node(0, acc))
    }

    fn factor(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        let op = match self.kind() {
            T::Plus => UnOp::Pos,
            T::Minus => UnOp::Neg,
            T::Tilde => UnOp::Invert,
            _ => return self.power(),
        };
        let tok = self.kind();
        self.advance();
        self.enter()?;
        let operand = self.factor();
        self.leave();
        let operand = operand?;
        if let Some(v) = operand.number() {
            if let Some(r) = unary(op, &v) {
                return Ok(self.const_node(0, r));
            }
        }
        Ok(self.mk(R::Factor2, line, col, vec![Node::Tok(tok), operand]))
    }

    fn power(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        let base = self.atom_expr()?;
        if self.eat(T::DblStar) {
            self.enter()?;
            let e = self.factor();
            self.leave();
            let e = e?;
            if let (Some(a), Some(b)) = (base.number(), e.number()) {
                if let Some(r) = binary(BinOp::Pow, &a, &b) {
                    return Ok(self.const_node(0, r));
                }
            }
            return Ok(self.mk(R::Power, line, col, vec![base, e]));
        }
        Ok(base)
    }

    fn atom_expr(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        if self.eat(T::Await) {
            let a = self.atom()?;
            let tr = self.trailers()?;
            return Ok(self.mk(R::AtomExprAwait, line, col, vec![a, tr]));
        }
        let a = self.atom()?;
        let tr = self.trailers()?;
        if tr.is_null() {
            return Ok(a);
        }
        if self.opts.module_consts {
            if let (Node::Id(base), Some(p)) = (&a, tr.struct_of(R::TrailerPeriod)) {
                if let Some(attr) = p.nodes.first().and_then(Node::id) {
                    if let Some(v) = self.module_const(*base, attr) {
                        return Ok(self.const_node(0, v));
                    }
                }
            }
        }
        Ok(self.mk(R::AtomExprNormal, line, col, vec![a, tr]))
    }

    fn module_const(&self, base: Sym, attr: Sym) -> Option<Value> {
        let a = self.interner.name(attr);
        if base == self.sym_math {
            return Some(Value::Float(match a {
                "e" => std::f64::consts::E,
                "pi" => std::f64::consts::PI,
                "tau" => std::f64::consts::TAU,
                "inf" => f64::INFINITY,
                "nan" => f64::NAN,
                _ => return None,
            }));
        }
        if base == self.sym_errno {
            return Some(Value::Int(match a {
                "EPERM" => 1,
                "ENOENT" => 2,
                "EIO" => 5,
                "EBADF" => 9,
                "EAGAIN" => 11,
                "ENOMEM" => 12,
                "EACCES" => 13,
                "EEXIST" => 17,
                "ENODEV" => 19,
                "EISDIR" => 21,
                "EINVAL" => 22,
                "EOPNOTSUPP" => 95,
                "EADDRINUSE" => 98,
                "ECONNABORTED" => 103,
                "ECONNRESET" => 104,
                "ENOBUFS" => 105,
                "ENOTCONN" => 107,
                "ETIMEDOUT" => 110,
                "ECONNREFUSED" => 111,
                "EHOSTUNREACH" => 113,
                "EALREADY" => 114,
                "EINPROGRESS" => 115,
                _ => return None,
            }));
        }
        None
    }

    fn trailers(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        let mut items = Vec::new();
        loop {
            let (l2, c2) = (self.line(), self.col());
            match self.kind() {
                T::LParen => {
                    self.advance();
                    let a = if self.kind() == T::RParen {
                        Node::Null
                    } else {
                        self.enter()?;
                        let a = self.arglist();
                        self.leave();
                        a?
                    };
                    self.expect(T::RParen, "')'")?;
                    items.push(self.mk(R::TrailerParen, l2, c2, vec![a]));
                }
                T::LBracket => {
                    self.advance();
                    self.enter()?;
                    let s = self.subscriptlist();
                    self.leave();
                    let s = s?;
                    self.expect(T::RBracket, "']'")?;
                    items.push(self.mk(R::TrailerBracket, l2, c2, vec![s]));
                }
                T::Period => {
                    self.advance();
                    let n = self.name()?;
                    items.push(self.mk(R::TrailerPeriod, l2, c2, vec![n]));
                }
                _ => break,
            }
        }
        Ok(match items.len() {
            0 => Node::Null,
            1 => items.pop().unwrap_or(Node::Null),
            _ => self.mk(R::AtomExprTrailers, line, col, items),
        })
    }

    fn is_interned(&self, s: &[u8]) -> bool {
        if s.len() <= INTERN_STRING_LEN {
            return true;
        }
        if self.short_strings.contains(s) {
            return true;
        }
        if let Ok(text) = std::str::from_utf8(s) {
            if STATIC_QSTRS.contains(&text) {
                return true;
            }
            if let Some(sym) = self.interner.lookup(text) {
                if let Some(&p) = self.first_name_pos.get(&sym) {
                    // Only names lexed before this string are qstrs already.
                    return p < self.pos;
                }
            }
        }
        false
    }

    fn atom(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        let t = self.tok().clone();
        match t.kind {
            T::Name => {
                self.advance();
                if let Payload::Name(s) = t.payload {
                    if let Some(v) = self.consts.get(&s) {
                        return Ok(self.const_node(line, v.clone()));
                    }
                    Ok(Node::Id(s))
                } else {
                    Err(err(line, col, "invalid name"))
                }
            }
            T::Integer => {
                self.advance();
                let text = match &t.payload {
                    Payload::Number(s) => s.to_string(),
                    _ => String::new(),
                };
                let v =
                    parse_int(&text).ok_or_else(|| err(line, col, format!("invalid syntax for integer: {text}")))?;
                Ok(self.const_node(line, v))
            }
            T::FloatOrImag => {
                self.advance();
                let text = match &t.payload {
                    Payload::Number(s) => s.to_string(),
                    _ => String::new(),
                };
                let v =
                    parse_float(&text).ok_or_else(|| err(line, col, format!("invalid syntax for number: {text}")))?;
                Ok(Node::Const(Box::new(ConstObj { line, value: v })))
            }
            T::Str => {
                let bytes: Rc<[u8]> = match &t.payload {
                    Payload::Str(b) => Rc::from(&b[..]),
                    _ => Rc::from(&b""[..]),
                };
                let interned = self.is_interned(&bytes);
                self.advance();
                if interned {
                    if bytes.len() <= INTERN_STRING_LEN {
                        self.short_strings.insert(bytes.clone());
                    }
                    Ok(Node::Str(bytes))
                } else {
                    Ok(Node::Const(Box::new(ConstObj {
                        line,
                        value: Value::Str(bytes),
                    })))
                }
            }
            T::Bytes => {
                self.advance();
                let bytes: Rc<[u8]> = match &t.payload {
                    Payload::Bytes(b) => Rc::from(&b[..]),
                    _ => Rc::from(&b""[..]),
                };
                Ok(Node::Const(Box::new(ConstObj {
                    line,
                    value: Value::Bytes(bytes),
                })))
            }
            T::Ellipsis | T::None | T::True | T::False => {
                self.advance();
                Ok(Node::Tok(t.kind))
            }
            T::LParen => {
                self.enter()?;
                let r = self.atom_paren();
                self.leave();
                r
            }
            T::LBracket => {
                self.enter()?;
                let r = self.atom_bracket();
                self.leave();
                r
            }
            T::LBrace => {
                self.enter()?;
                let r = self.atom_brace();
                self.leave();
                r
            }
            _ => Err(self.error_here("an expression")),
        }
    }

    fn atom_paren(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        self.advance();
        if self.eat(T::RParen) {
            return Ok(self.mk(R::AtomParen, line, col, vec![Node::Null]));
        }
        let inner = if self.kind() == T::Yield {
            self.yield_expr()?
        } else {
            self.testlist_comp(true)?
        };
        self.expect(T::RParen, "')'")?;
        if inner.is_kind(R::TestlistComp) {
            Ok(self.mk(R::AtomParen, line, col, vec![inner]))
        } else {
            Ok(inner)
        }
    }

    fn atom_bracket(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        self.advance();
        let inner = if self.kind() == T::RBracket {
            Node::Null
        } else {
            self.testlist_comp(false)?
        };
        self.expect(T::RBracket, "']'")?;
        Ok(self.mk(R::AtomBracket, line, col, vec![inner]))
    }

    fn testlist_comp_item(&mut self) -> PResult<Node> {
        if self.kind() == T::Star {
            self.star_expr()
        } else {
            self.namedexpr_test()
        }
    }

    fn testlist_comp(&mut self, in_paren: bool) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        let first = self.testlist_comp_item()?;
        if self.kind() == T::For {
            let cf = self.comp_for()?;
            return Ok(self.mk(R::TestlistComp, line, col, vec![first, cf]));
        }
        if !self.eat(T::Comma) {
            return Ok(first);
        }
        if !starts_star_or_test(self.kind()) {
            // `(a,)`: a tuple of one item
            if in_paren {
                if let Some(t) = self.try_build_tuple(line, std::slice::from_ref(&first)) {
                    return Ok(t);
                }
            }
            return Ok(self.mk(R::TestlistComp, line, col, vec![first]));
        }
        let (l3, c3) = (self.line(), self.col());
        let mut items = vec![first, self.testlist_comp_item()?];
        let mut trailing = false;
        while self.eat(T::Comma) {
            if starts_star_or_test(self.kind()) {
                items.push(self.testlist_comp_item()?);
            } else {
                trailing = true;
                break;
            }
        }
        // Two items and no trailing comma: MicroPython builds the node from the
        // testlist_comp rule (line of the first item); otherwise from the
        // testlist_comp_3c list rule (line of the second item).
        let (tl, tc) = if items.len() == 2 && !trailing {
            (line, col)
        } else {
            (l3, c3)
        };
        if in_paren {
            if let Some(t) = self.try_build_tuple(tl, &items) {
                return Ok(t);
            }
        }
        Ok(self.mk(R::TestlistComp, tl, tc, items))
    }

    fn atom_brace(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        self.advance();
        if self.eat(T::RBrace) {
            return Ok(self.mk(R::AtomBrace, line, col, vec![Node::Null]));
        }
        let (l2, c2) = (self.line(), self.col());
        let first = self.dict_item()?;
        let inner = if self.kind() == T::For {
            let cf = self.comp_for()?;
            self.mk(R::Dictorsetmaker, l2, c2, vec![first, cf])
        } else if self.kind() == T::Comma {
            let (l3, c3) = (self.line(), self.col());
            self.advance();
            let list2 = if starts_test(self.kind()) {
                let (l4, c4) = (self.line(), self.col());
                let mut items = vec![self.dict_item()?];
                let mut trailing = false;
                while self.eat(T::Comma) {
                    if starts_test(self.kind()) {
                        items.push(self.dict_item()?);
                    } else {
                        trailing = true;
                        break;
                    }
                }
                if items.len() == 1 && !trailing {
                    items.pop().unwrap_or(Node::Null)
                } else {
                    self.mk(R::DictorsetmakerList2, l4, c4, items)
                }
            } else {
                Node::Null
            };
            let list = self.mk(R::DictorsetmakerList, l3, c3, vec![list2]);
            self.mk(R::Dictorsetmaker, l2, c2, vec![first, list])
        } else {
            first
        };
        self.expect(T::RBrace, "'}'")?;
        Ok(self.mk(R::AtomBrace, line, col, vec![inner]))
    }

    fn dict_item(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        let k = self.test()?;
        if self.eat(T::Colon) {
            let v = self.test()?;
            Ok(self.mk(R::DictorsetmakerItem, line, col, vec![k, v]))
        } else {
            Ok(k)
        }
    }

    fn subscriptlist(&mut self) -> PResult<Node> {
        fn can(t: T) -> bool {
            starts_test(t) || t == T::Colon
        }
        self.comma_list(R::Subscriptlist, true, can, Self::subscript)
    }

    fn subscript(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        if self.kind() == T::Colon {
            return self.subscript_3();
        }
        let t = self.test()?;
        if self.kind() == T::Colon {
            let s3 = self.subscript_3()?;
            Ok(self.mk(R::Subscript2, line, col, vec![t, s3]))
        } else {
            Ok(t)
        }
    }

    fn subscript_3(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        self.expect(T::Colon, "':'")?;
        let (l2, c2) = (self.line(), self.col());
        let b = if self.kind() == T::Colon {
            self.advance();
            let t = if starts_test(self.kind()) {
                self.test()?
            } else {
                Node::Null
            };
            self.mk(R::Subscript3c, l2, c2, vec![t])
        } else if starts_test(self.kind()) {
            let t = self.test()?;
            if self.kind() == T::Colon {
                let (l3, c3) = (self.line(), self.col());
                self.advance();
                let s = if starts_test(self.kind()) {
                    self.test()?
                } else {
                    Node::Null
                };
                let sl = self.mk(R::Sliceop, l3, c3, vec![s]);
                self.mk(R::Subscript3d, l2, c2, vec![t, sl])
            } else {
                t
            }
        } else {
            Node::Null
        };
        Ok(self.mk(R::Subscript3, line, col, vec![b]))
    }

    fn arglist(&mut self) -> PResult<Node> {
        fn can(t: T) -> bool {
            starts_test(t) || t == T::Star || t == T::DblStar
        }
        let (line, col) = (self.line(), self.col());
        let first = self.argument()?;
        if self.kind() != T::Comma {
            return Ok(first);
        }
        let mut items = vec![first];
        let mut trailing = false;
        while self.eat(T::Comma) {
            if can(self.kind()) {
                items.push(self.argument()?);
            } else {
                trailing = true;
                break;
            }
        }
        if items.len() == 1 && !trailing {
            Ok(items.pop().unwrap_or(Node::Null))
        } else {
            Ok(self.mk(R::Arglist, line, col, items))
        }
    }

    fn argument(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        match self.kind() {
            T::Star => {
                self.advance();
                let t = self.test()?;
                Ok(self.mk(R::ArglistStar, line, col, vec![t]))
            }
            T::DblStar => {
                self.advance();
                let t = self.test()?;
                Ok(self.mk(R::ArglistDblStar, line, col, vec![t]))
            }
            _ => {
                let t = self.test()?;
                match self.kind() {
                    T::For => {
                        let cf = self.comp_for()?;
                        Ok(self.mk(R::Argument, line, col, vec![t, cf]))
                    }
                    T::Equal => {
                        self.advance();
                        let v = self.test()?;
                        Ok(self.mk(R::Argument, line, col, vec![t, v]))
                    }
                    T::Walrus => {
                        let (l2, c2) = (self.line(), self.col());
                        self.advance();
                        let v = self.test()?;
                        let a3 = self.mk(R::Argument3, l2, c2, vec![v]);
                        Ok(self.mk(R::Argument, line, col, vec![t, a3]))
                    }
                    _ => Ok(t),
                }
            }
        }
    }

    fn comp_for(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        self.expect(T::For, "'for'")?;
        let target = self.exprlist()?;
        self.expect(T::In, "'in'")?;
        let iter = self.or_test()?;
        let next = self.comp_iter()?;
        Ok(self.mk(R::CompFor, line, col, vec![target, iter, next, Node::Null]))
    }

    fn comp_iter(&mut self) -> PResult<Node> {
        match self.kind() {
            T::For => self.comp_for(),
            T::If => {
                let (line, col) = (self.line(), self.col());
                self.advance();
                let c = self.test_nocond()?;
                let next = self.comp_iter()?;
                Ok(self.mk(R::CompIf, line, col, vec![c, next]))
            }
            _ => Ok(Node::Null),
        }
    }

    fn yield_expr(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        self.expect(T::Yield, "'yield'")?;
        let arg = if self.kind() == T::From {
            let (l2, c2) = (self.line(), self.col());
            self.advance();
            let t = self.test()?;
            self.mk(R::YieldArgFrom, l2, c2, vec![t])
        } else if starts_test(self.kind()) {
            self.testlist()?
        } else {
            Node::Null
        };
        Ok(self.mk(R::YieldExpr, line, col, vec![arg]))
    }
}

/// Parse an integer literal the way `mp_parse_num_integer` does with base 0.
fn parse_int(text: &str) -> Option<Value> {
    let lower = text.to_ascii_lowercase();
    let (digits, radix) = if let Some(r) = lower.strip_prefix("0x") {
        (r, 16)
    } else if let Some(r) = lower.strip_prefix("0o") {
        (r, 8)
    } else if let Some(r) = lower.strip_prefix("0b") {
        (r, 2)
    } else {
        (lower.as_str(), 10)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    // A decimal literal with a leading zero must be all zeros.
    if radix == 10 && digits.len() > 1 && digits.starts_with('0') && !digits.chars().all(|c| c == '0') {
        return None;
    }
    Some(match i128::from_str_radix(digits, radix) {
        Ok(v) => Value::Int(v),
        Err(_) => Value::BigInt,
    })
}

fn parse_float(text: &str) -> Option<Value> {
    let t = text.to_ascii_lowercase();
    if let Some(body) = t.strip_suffix('j') {
        body.parse::<f64>().ok()?;
        return Some(Value::Complex);
    }
    t.parse::<f64>().ok().map(Value::Float)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexer::tokenize;

    fn parse(src: &str) -> Result<Node, SourceError> {
        let mut i = Interner::default();
        let toks = tokenize(src, &mut i);
        let mut p = Parser::new(&toks, &mut i, ParseOptions::default());
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
