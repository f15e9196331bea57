//! Expressions, from `test` down to atoms, trailers and comprehensions.

use super::{
    err,
    fold::{parse_float, parse_int},
    starts_expr, starts_star_or_test, starts_test, PResult, Parser,
};
use crate::lexer::{Payload, T};
use crate::node::{ConstObj, Node, R};
use crate::value::{binary, unary, BinOp, UnOp, Value};
use std::rc::Rc;

impl Parser<'_> {
    pub(super) fn star_or_test(&mut self) -> PResult<Node> {
        if self.kind() == T::Star {
            self.star_expr()
        } else {
            self.test()
        }
    }

    pub(super) fn star_expr(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        self.expect(T::Star, "'*'")?;
        let e = self.expr()?;
        Ok(self.mk(R::StarExpr, line, col, vec![e]))
    }

    /// A comma list of items; `item` parses one element, `can_start` tells
    /// whether another element follows a comma. Returns the MicroPython node
    /// for the list rule `kind` (with constant tuples built when `tuple`).
    pub(super) fn comma_list(
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

    pub(super) fn testlist_star_expr(&mut self) -> PResult<Node> {
        self.comma_list(R::TestlistStarExpr, true, starts_star_or_test, Self::star_or_test)
    }

    pub(super) fn testlist(&mut self) -> PResult<Node> {
        self.comma_list(R::Testlist, true, starts_test, Self::test)
    }

    pub(super) fn exprlist(&mut self) -> PResult<Node> {
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

    pub(super) fn namedexpr_test(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        let t = self.test()?;
        if self.eat(T::Walrus) {
            let v = self.test()?;
            Ok(self.mk(R::Namedexpr, line, col, vec![t, v]))
        } else {
            Ok(t)
        }
    }

    pub(super) fn test(&mut self) -> PResult<Node> {
        self.enter()?;
        let r = self.test_inner();
        self.leave();
        r
    }

    pub(super) fn test_inner(&mut self) -> PResult<Node> {
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

    pub(super) fn test_nocond(&mut self) -> PResult<Node> {
        if self.kind() == T::Lambda {
            self.enter()?;
            let r = self.lambdef(true);
            self.leave();
            r
        } else {
            self.or_test()
        }
    }

    pub(super) fn lambdef(&mut self, nocond: bool) -> PResult<Node> {
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

    pub(super) fn or_test(&mut self) -> PResult<Node> {
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

    pub(super) fn and_test(&mut self) -> PResult<Node> {
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

    pub(super) fn not_test(&mut self) -> PResult<Node> {
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

    pub(super) fn comparison(&mut self) -> PResult<Node> {
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

    pub(super) fn expr(&mut self) -> PResult<Node> {
        self.binary_list(R::Expr, &[T::Pipe], Self::xor_expr)
    }

    pub(super) fn xor_expr(&mut self) -> PResult<Node> {
        self.binary_list(R::XorExpr, &[T::Caret], Self::and_expr)
    }

    pub(super) fn and_expr(&mut self) -> PResult<Node> {
        self.binary_list(R::AndExpr, &[T::Amp], Self::shift_expr)
    }

    pub(super) fn shift_expr(&mut self) -> PResult<Node> {
        self.binary_list(R::ShiftExpr, &[T::DblLess, T::DblMore], Self::arith_expr)
    }

    pub(super) fn arith_expr(&mut self) -> PResult<Node> {
        self.binary_list(R::ArithExpr, &[T::Plus, T::Minus], Self::term)
    }

    pub(super) fn term(&mut self) -> PResult<Node> {
        self.binary_list(
            R::Term,
            &[T::Star, T::At, T::Slash, T::Percent, T::DblSlash],
            Self::factor,
        )
    }

    /// Operator lists. For `|`, `^`, `&` the operator tokens are not kept
    /// (MicroPython's separator tokens); for shift/arith/term they are.
    pub(super) fn binary_list(&mut self, kind: R, ops: &[T], item: fn(&mut Self) -> PResult<Node>) -> PResult<Node> {
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

    pub(super) fn factor(&mut self) -> PResult<Node> {
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

    pub(super) fn power(&mut self) -> PResult<Node> {
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

    pub(super) fn atom_expr(&mut self) -> PResult<Node> {
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

    pub(super) fn trailers(&mut self) -> PResult<Node> {
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

    pub(super) fn atom(&mut self) -> PResult<Node> {
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

    pub(super) fn atom_paren(&mut self) -> PResult<Node> {
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

    pub(super) fn atom_bracket(&mut self) -> PResult<Node> {
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

    pub(super) fn testlist_comp_item(&mut self) -> PResult<Node> {
        if self.kind() == T::Star {
            self.star_expr()
        } else {
            self.namedexpr_test()
        }
    }

    pub(super) fn testlist_comp(&mut self, in_paren: bool) -> PResult<Node> {
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

    pub(super) fn atom_brace(&mut self) -> PResult<Node> {
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

    pub(super) fn dict_item(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        let k = self.test()?;
        if self.eat(T::Colon) {
            let v = self.test()?;
            Ok(self.mk(R::DictorsetmakerItem, line, col, vec![k, v]))
        } else {
            Ok(k)
        }
    }

    pub(super) fn subscriptlist(&mut self) -> PResult<Node> {
        fn can(t: T) -> bool {
            starts_test(t) || t == T::Colon
        }
        self.comma_list(R::Subscriptlist, true, can, Self::subscript)
    }

    pub(super) fn subscript(&mut self) -> PResult<Node> {
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

    pub(super) fn subscript_3(&mut self) -> PResult<Node> {
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

    pub(super) fn arglist(&mut self) -> PResult<Node> {
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

    pub(super) fn argument(&mut self) -> PResult<Node> {
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

    pub(super) fn comp_for(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        self.expect(T::For, "'for'")?;
        let target = self.exprlist()?;
        self.expect(T::In, "'in'")?;
        let iter = self.or_test()?;
        let next = self.comp_iter()?;
        Ok(self.mk(R::CompFor, line, col, vec![target, iter, next, Node::Null]))
    }

    pub(super) fn comp_iter(&mut self) -> PResult<Node> {
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

    pub(super) fn yield_expr(&mut self) -> PResult<Node> {
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
