//! Statements, blocks, definitions and imports.

use super::{err, starts_test, PResult, Parser};
use crate::lexer::T;
use crate::node::{Node, R};

impl Parser<'_> {
    pub(crate) fn parse_file(&mut self) -> PResult<Node> {
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

    pub(super) fn stmt(&mut self) -> PResult<Node> {
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

    pub(super) fn simple_stmt(&mut self) -> PResult<Node> {
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

    pub(super) fn small_stmt(&mut self) -> PResult<Node> {
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

    pub(super) fn import_from(&mut self) -> PResult<Node> {
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

    pub(super) fn import_as_names(&mut self) -> PResult<Node> {
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

    pub(super) fn import_as_name(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        let n = self.name()?;
        let a = if self.eat(T::As) { self.name()? } else { Node::Null };
        Ok(self.mk(R::ImportAsName, line, col, vec![n, a]))
    }

    pub(super) fn dotted_as_names(&mut self) -> PResult<Node> {
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

    pub(super) fn dotted_as_name(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        let d = self.dotted_name()?;
        if self.eat(T::As) {
            let n = self.name()?;
            Ok(self.mk(R::DottedAsName, line, col, vec![d, n]))
        } else {
            Ok(d)
        }
    }

    pub(super) fn dotted_name(&mut self) -> PResult<Node> {
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

    pub(super) fn expr_stmt(&mut self) -> PResult<Node> {
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

    pub(super) fn expr_stmt_6(&mut self) -> PResult<Node> {
        if self.kind() == T::Yield {
            self.yield_expr()
        } else {
            self.testlist_star_expr()
        }
    }

    pub(super) fn suite(&mut self) -> PResult<Node> {
        self.enter()?;
        let r = self.suite_inner();
        self.leave();
        r
    }

    pub(super) fn suite_inner(&mut self) -> PResult<Node> {
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

    pub(super) fn if_stmt(&mut self) -> PResult<Node> {
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

    pub(super) fn else_stmt(&mut self) -> PResult<Node> {
        if self.eat(T::Else) {
            self.expect(T::Colon, "':'")?;
            self.suite()
        } else {
            Ok(Node::Null)
        }
    }

    pub(super) fn while_stmt(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        self.advance();
        let cond = self.namedexpr_test()?;
        self.expect(T::Colon, "':'")?;
        let body = self.suite()?;
        let els = self.else_stmt()?;
        Ok(self.mk(R::WhileStmt, line, col, vec![cond, body, els]))
    }

    pub(super) fn for_stmt(&mut self) -> PResult<Node> {
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

    pub(super) fn try_stmt(&mut self) -> PResult<Node> {
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

    pub(super) fn finally_clause(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        self.advance();
        self.expect(T::Colon, "':'")?;
        let s = self.suite()?;
        Ok(self.mk(R::TryStmtFinally, line, col, vec![s]))
    }

    pub(super) fn with_stmt(&mut self) -> PResult<Node> {
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

    pub(super) fn with_item(&mut self) -> PResult<Node> {
        let (line, col) = (self.line(), self.col());
        let t = self.test()?;
        if self.eat(T::As) {
            let e = self.expr()?;
            Ok(self.mk(R::WithItem, line, col, vec![t, e]))
        } else {
            Ok(t)
        }
    }

    pub(super) fn funcdef(&mut self) -> PResult<Node> {
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
    pub(super) fn arg_list(&mut self, typed: bool) -> PResult<Node> {
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

    pub(super) fn arg_item(&mut self, typed: bool) -> PResult<Node> {
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

    pub(super) fn classdef(&mut self) -> PResult<Node> {
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

    pub(super) fn decorated(&mut self) -> PResult<Node> {
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

    pub(super) fn async_stmt(&mut self) -> PResult<Node> {
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
}
