//! What MicroPython's parser does beyond parsing: constant folding, constant
//! tuples, `or`/`and`/`not` of constants, module constants (`math.pi`), and
//! the choice between interned strings (leaves) and constant objects.

use super::Parser;
use crate::intern::Sym;
use crate::lexer::T;
use crate::node::{ConstObj, Node, R};
use crate::value::{binary, BinOp, Value};
use std::rc::Rc;

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

/// Parse an integer literal the way `mp_parse_num_integer` does with base 0.
pub(super) fn parse_int(text: &str) -> Option<Value> {
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

pub(super) fn parse_float(text: &str) -> Option<Value> {
    let t = text.to_ascii_lowercase();
    if let Some(body) = t.strip_suffix('j') {
        body.parse::<f64>().ok()?;
        return Some(Value::Complex);
    }
    t.parse::<f64>().ok().map(Value::Float)
}

impl Parser<'_> {
    pub(super) fn small_int_fits(&self, v: i128) -> bool {
        let bits = self.opts.word_bits.clamp(16, 64) - 1;
        let lim = 1i128 << (bits - 1);
        (-lim..lim).contains(&v)
    }

    /// `make_node_const_object_optimised`.
    pub(super) fn const_node(&self, line: u32, v: Value) -> Node {
        if let Value::Int(i) = v {
            if self.small_int_fits(i) {
                return Node::SmallInt(i as i64);
            }
        }
        Node::Const(Box::new(ConstObj { line, value: v }))
    }

    /// `build_tuple_from_stack`: a constant tuple when every item is constant.
    pub(super) fn try_build_tuple(&self, line: u32, items: &[Node]) -> Option<Node> {
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

    /// `fold_logical_constants` for `or`/`and` lists.
    pub(super) fn logical_list(&mut self, kind: R, items: Vec<Node>, line: u32, col: u32) -> Node {
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

    pub(super) fn fold_binary(&self, kind: R, items: &[Node]) -> Option<Node> {
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

    pub(super) fn module_const(&self, base: Sym, attr: Sym) -> Option<Value> {
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

    pub(super) fn is_interned(&mut self, s: &[u8]) -> bool {
        if s.len() <= INTERN_STRING_LEN {
            return true;
        }
        if let Ok(text) = std::str::from_utf8(s) {
            if STATIC_QSTRS.contains(&text) {
                return true;
            }
            if let Some(sym) = self.interner.lookup(text) {
                if let Some(&p) = self.first_name_pos.get(&sym) {
                    // Only names lexed before this string are qstrs already.
                    if p < self.pos {
                        return true;
                    }
                }
            }
        }
        // Whether the device already has this string as a qstr depends on
        // what it ran before; the model assumes it does not (unless asked to
        // assume the opposite, to find the lines that depend on it).
        self.uncertain_strings = true;
        self.assume_interned
    }
}
