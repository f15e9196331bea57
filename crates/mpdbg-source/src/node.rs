//! Parse tree in the shape MicroPython's parser builds it (`py/parse.c`):
//! leaves for names, small integers, short strings and keyword constants;
//! struct nodes (with the line of their first token) for everything else;
//! rules with a single child collapsed into the child; constants folded.

use crate::intern::Sym;
use crate::lexer::T;
use crate::value::Value;
use std::rc::Rc;

/// Rule kinds that can appear as struct nodes. Names follow MicroPython's
/// grammar so the compiler emulation reads like the rules it mirrors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum R {
    FileInput,
    FileInput2,
    Decorated,
    Decorator,
    Decorators,
    AsyncFuncdef,
    Funcdef,
    Typedargslist,
    TypedargslistName,
    TypedargslistStar,
    TypedargslistDblStar,
    Tfpdef,
    Varargslist,
    VarargslistName,
    VarargslistStar,
    VarargslistDblStar,
    SimpleStmt2,
    ExprStmt,
    ExprStmtAugassign,
    ExprStmtAssignList,
    TestlistStarExpr,
    Annassign,
    DelStmt,
    PassStmt,
    BreakStmt,
    ContinueStmt,
    ReturnStmt,
    YieldStmt,
    RaiseStmt,
    RaiseStmtArg,
    ImportName,
    ImportFrom,
    ImportFrom2b,
    OneOrMorePeriodOrEllipsis,
    ImportAsName,
    ImportAsNames,
    DottedAsName,
    DottedAsNames,
    DottedName,
    GlobalStmt,
    NonlocalStmt,
    NameList,
    AssertStmt,
    AsyncStmt,
    IfStmt,
    IfStmtElifList,
    IfStmtElif,
    WhileStmt,
    ForStmt,
    TryStmt,
    TryStmtExceptAndMore,
    TryStmtExcept,
    TryStmtAsName,
    TryStmtExceptList,
    TryStmtFinally,
    WithStmt,
    WithStmtList,
    WithItem,
    SuiteBlockStmts,
    Namedexpr,
    TestIfExpr,
    TestIfElse,
    Lambdef,
    OrTest,
    AndTest,
    NotTest2,
    Comparison,
    CompOpNotIn,
    CompOpIs,
    CompOpIsNot,
    StarExpr,
    Expr,
    XorExpr,
    AndExpr,
    ShiftExpr,
    ArithExpr,
    Term,
    Factor2,
    Power,
    AtomExprAwait,
    AtomExprNormal,
    AtomExprTrailers,
    AtomParen,
    AtomBracket,
    AtomBrace,
    TestlistComp,
    TrailerParen,
    TrailerBracket,
    TrailerPeriod,
    Subscriptlist,
    Subscript2,
    Subscript3,
    Subscript3c,
    Subscript3d,
    Sliceop,
    Exprlist,
    Testlist,
    Dictorsetmaker,
    DictorsetmakerItem,
    DictorsetmakerList,
    DictorsetmakerList2,
    Classdef,
    Classdef2,
    Arglist,
    ArglistStar,
    ArglistDblStar,
    Argument,
    Argument3,
    CompFor,
    CompIf,
    YieldExpr,
    YieldArgFrom,
}

/// A parse node.
#[derive(Clone, Debug)]
pub(crate) enum Node {
    Null,
    Id(Sym),
    SmallInt(i64),
    /// Interned (short) string literal.
    Str(Rc<[u8]>),
    /// Keyword constant or NEWLINE token leaf (`T::None`, `T::True`, `T::False`,
    /// `T::Ellipsis`, `T::Newline`) or an operator token inside operator lists.
    Tok(T),
    Struct(Box<Struct>),
    /// A constant object (MicroPython's `RULE_const_object`): big ints, floats,
    /// long strings, bytes, constant tuples, folded values. It counts as a struct
    /// node for line numbers; folded values have line 0.
    Const(Box<ConstObj>),
}

#[derive(Clone, Debug)]
pub(crate) struct Struct {
    pub kind: R,
    pub line: u32,
    /// Column of the first token (for error messages).
    pub col: u32,
    /// Line of the last token of the rule (0 when unknown).
    pub end_line: u32,
    pub nodes: Vec<Node>,
}

#[derive(Clone, Debug)]
pub(crate) struct ConstObj {
    pub line: u32,
    pub value: Value,
}

impl Node {
    pub fn st(kind: R, line: u32, col: u32, nodes: Vec<Node>) -> Node {
        Node::Struct(Box::new(Struct {
            kind,
            line,
            col,
            end_line: 0,
            nodes,
        }))
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Node::Null)
    }

    pub fn as_struct(&self) -> Option<&Struct> {
        match self {
            Node::Struct(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_kind(&self, k: R) -> bool {
        matches!(self, Node::Struct(s) if s.kind == k)
    }

    pub fn struct_of(&self, k: R) -> Option<&Struct> {
        match self {
            Node::Struct(s) if s.kind == k => Some(s),
            _ => None,
        }
    }

    pub fn id(&self) -> Option<Sym> {
        match self {
            Node::Id(s) => Some(*s),
            _ => None,
        }
    }

    /// MicroPython's `mp_parse_node_is_const`.
    pub fn is_const(&self) -> bool {
        match self {
            Node::SmallInt(_) | Node::Str(_) | Node::Const(_) => true,
            Node::Tok(t) => matches!(t, T::None | T::False | T::True | T::Ellipsis),
            Node::Struct(s) => s.kind == R::AtomParen && s.nodes.first().is_none_or(Node::is_null),
            _ => false,
        }
    }

    /// The constant value of a node for which [`Node::is_const`] holds.
    pub fn const_value(&self) -> Option<Value> {
        Some(match self {
            Node::SmallInt(i) => Value::Int(i128::from(*i)),
            Node::Str(s) => Value::Str(s.clone()),
            Node::Const(c) => c.value.clone(),
            Node::Tok(T::None) => Value::None,
            Node::Tok(T::True) => Value::Bool(true),
            Node::Tok(T::False) => Value::Bool(false),
            Node::Tok(T::Ellipsis) => Value::Ellipsis,
            Node::Struct(s) if s.kind == R::AtomParen => Value::Tuple(Rc::from(Vec::new())),
            _ => return None,
        })
    }

    /// Numeric value for constant folding (`mp_parse_node_get_number_maybe`).
    pub fn number(&self) -> Option<Value> {
        match self {
            Node::SmallInt(i) => Some(Value::Int(i128::from(*i))),
            Node::Const(c) => match c.value {
                Value::Int(_) | Value::Float(_) | Value::BigInt => Some(c.value.clone()),
                _ => None,
            },
            _ => None,
        }
    }

    /// `mp_parse_node_is_const_false` / `_true`.
    pub fn const_truth(&self) -> Option<bool> {
        if !self.is_const() {
            return None;
        }
        self.const_value().and_then(|v| v.truth())
    }

    pub fn is_const_false(&self) -> bool {
        self.const_truth() == Some(false)
    }

    pub fn is_const_true(&self) -> bool {
        self.const_truth() == Some(true)
    }

    /// `mp_parse_node_extract_list`: the items of a list node of kind `k`,
    /// or the node itself as a one-item list, or nothing for NULL.
    pub fn list(&self, k: R) -> &[Node] {
        match self {
            Node::Null => &[],
            Node::Struct(s) if s.kind == k => &s.nodes,
            other => std::slice::from_ref(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_extraction() {
        let n = Node::st(R::Arglist, 1, 1, vec![Node::SmallInt(1), Node::SmallInt(2)]);
        assert_eq!(n.list(R::Arglist).len(), 2);
        assert_eq!(n.list(R::Testlist).len(), 1);
        assert_eq!(Node::Null.list(R::Arglist).len(), 0);
    }

    #[test]
    fn const_truth() {
        assert!(Node::SmallInt(0).is_const_false());
        assert!(Node::Tok(T::None).is_const_false());
        assert!(Node::Tok(T::True).is_const_true());
        assert!(Node::Str(Rc::from(&b""[..])).is_const_false());
        assert!(!Node::Id(Sym(0)).is_const_true());
        assert!(!Node::Id(Sym(0)).is_const_false());
    }
}
