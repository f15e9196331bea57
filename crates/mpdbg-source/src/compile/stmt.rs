//! Statements: control flow, exceptions, `with`, imports, `global`/`nonlocal`,
//! expression statements.

use super::{Assign, CResult, Compiler};
use crate::intern::Sym;
use crate::lexer::T;
use crate::node::{Node, Struct, R};
use crate::scope::{check_to_close_over, IdKind, ScopeKind};

impl<'a> Compiler<'a> {
    pub(super) fn compile_return_stmt(&mut self, s: &'a Struct) -> CResult {
        if self.scope().kind != ScopeKind::Function {
            return Err(self.err_at(s, "'return' outside function"));
        }
        match s.nodes.first() {
            None | Some(Node::Null) => self.lt.op(),
            Some(Node::Struct(ie)) if ie.kind == R::TestIfExpr => {
                let te = ie.nodes.get(1).and_then(Node::as_struct);
                self.c_if_cond(te.and_then(|t| t.nodes.first()).unwrap_or(&Node::Null), false)?;
                self.compile_node(ie.nodes.first().unwrap_or(&Node::Null))?;
                self.lt.jump(); // return_value
                self.lt.label();
                self.compile_node(te.and_then(|t| t.nodes.get(1)).unwrap_or(&Node::Null))?;
            }
            Some(n) => self.compile_node(n)?,
        }
        self.lt.jump(); // return_value
        Ok(())
    }

    /// `do_import_name`: returns the name an `import` statement binds.
    pub(super) fn do_import_name(&mut self, pn: &'a Node) -> CResult<Option<Sym>> {
        let (pn, as_name) = match pn {
            Node::Struct(s) if s.kind == R::DottedAsName => (
                s.nodes.first().unwrap_or(&Node::Null),
                s.nodes.get(1).and_then(Node::id),
            ),
            other => (other, None),
        };
        match pn {
            Node::Null => {
                self.lt.op();
                Ok(as_name)
            }
            Node::Id(s) => {
                self.lt.op();
                Ok(as_name.or(Some(*s)))
            }
            Node::Struct(s) if s.kind == R::DottedName => {
                self.lt.op();
                if as_name.is_some() {
                    for _ in 1..s.nodes.len() {
                        self.lt.op();
                    }
                }
                Ok(as_name.or_else(|| s.nodes.first().and_then(Node::id)))
            }
            _ => Err(self.err("invalid syntax")),
        }
    }

    pub(super) fn compile_import_from(&mut self, s: &'a Struct) -> CResult {
        let src = s.nodes.first().unwrap_or(&Node::Null);
        let src = match src {
            Node::Tok(_) => &Node::Null,
            Node::Struct(x) if x.kind == R::OneOrMorePeriodOrEllipsis => &Node::Null,
            Node::Struct(x) if x.kind == R::ImportFrom2b => x.nodes.get(1).unwrap_or(&Node::Null),
            other => other,
        };
        let what = s.nodes.get(1).unwrap_or(&Node::Null);
        if matches!(what, Node::Tok(T::Star)) {
            if self.scope().kind != ScopeKind::Module {
                return Err(self.err_at(s, "import * not at module level"));
            }
            self.lt.op();
            self.lt.op();
            self.lt.op();
            self.do_import_name(src)?;
            self.lt.op();
            return Ok(());
        }
        self.lt.op(); // level
        let names = what.list(R::ImportAsNames);
        for _ in names {
            self.lt.op();
        }
        self.lt.op(); // build tuple
        self.do_import_name(src)?;
        for n in names {
            let ns = n.as_struct().ok_or_else(|| self.err_at(s, "invalid syntax"))?;
            self.lt.op(); // import_from
            let bind = ns
                .nodes
                .get(1)
                .and_then(Node::id)
                .or_else(|| ns.nodes.first().and_then(Node::id))
                .ok_or_else(|| self.err_at(ns, "invalid syntax"))?;
            self.store_id(bind);
        }
        self.lt.op(); // pop_top
        Ok(())
    }

    pub(super) fn compile_global_nonlocal_stmt(&mut self, s: &'a Struct) -> CResult {
        let is_global = s.kind == R::GlobalStmt;
        if !is_global && self.scope().kind == ScopeKind::Module {
            return Err(self.err_at(s, "can't declare nonlocal in outer code"));
        }
        for n in s.nodes.first().unwrap_or(&Node::Null).list(R::NameList) {
            let name = n.id().ok_or_else(|| self.err_at(s, "invalid syntax"))?;
            let i = self.scope_mut().find_or_add(name, IdKind::Undecided);
            self.declare_global_or_nonlocal(i, is_global, s)?;
        }
        Ok(())
    }

    pub(super) fn declare_global_or_nonlocal(&mut self, i: usize, is_global: bool, at: &Struct) -> CResult {
        let cur = self.cur;
        if is_global {
            let kind = self.scopes[cur].ids[i].kind;
            if kind != IdKind::Undecided && kind != IdKind::GlobalExplicit {
                return Err(self.err_at(at, "identifier redefined as global"));
            }
            self.scopes[cur].ids[i].kind = IdKind::GlobalExplicit;
            let name = self.scopes[cur].ids[i].name;
            if let Some(j) = self.scopes[0].find(name) {
                self.scopes[0].ids[j].kind = IdKind::GlobalExplicit;
            }
        } else {
            let kind = self.scopes[cur].ids[i].kind;
            if kind == IdKind::Undecided {
                self.scopes[cur].ids[i].kind = IdKind::GlobalImplicit;
                check_to_close_over(&mut self.scopes, cur, i);
                if self.scopes[cur].ids[i].kind == IdKind::GlobalImplicit {
                    return Err(self.err_at(at, "no binding for nonlocal found"));
                }
            } else if kind != IdKind::Free {
                return Err(self.err_at(at, "identifier redefined as nonlocal"));
            }
        }
        Ok(())
    }

    pub(super) fn compile_if_stmt(&mut self, s: &'a Struct) -> CResult {
        let cond = s.nodes.first().unwrap_or(&Node::Null);
        let body = s.nodes.get(1).unwrap_or(&Node::Null);
        let elifs = s.nodes.get(2).unwrap_or(&Node::Null);
        let els = s.nodes.get(3).unwrap_or(&Node::Null);
        if !cond.is_const_false() {
            self.c_if_cond(cond, false)?;
            self.compile_node(body)?;
            if cond.is_const_true() {
                self.lt.label();
                return Ok(());
            }
            if !(elifs.is_null() && els.is_null()) {
                self.lt.jump();
            }
            self.lt.label();
        }
        for e in elifs.list(R::IfStmtElifList) {
            let e = e.as_struct().ok_or_else(|| self.err_at(s, "invalid syntax"))?;
            let c = e.nodes.first().unwrap_or(&Node::Null);
            if !c.is_const_false() {
                self.c_if_cond(c, false)?;
                self.compile_node(e.nodes.get(1).unwrap_or(&Node::Null))?;
                if c.is_const_true() {
                    self.lt.label();
                    return Ok(());
                }
                self.lt.jump();
                self.lt.label();
            }
        }
        self.compile_node(els)?;
        self.lt.label();
        Ok(())
    }

    pub(super) fn compile_while_stmt(&mut self, s: &'a Struct) -> CResult {
        let cond = s.nodes.first().unwrap_or(&Node::Null);
        self.loop_depth += 1;
        if !cond.is_const_false() {
            if !cond.is_const_true() {
                self.lt.jump(); // to the condition
            }
            self.lt.label(); // top
            self.compile_node(s.nodes.get(1).unwrap_or(&Node::Null))?;
            self.lt.label(); // continue
            self.c_if_cond(cond, true)?;
        }
        self.loop_depth -= 1;
        self.compile_node(s.nodes.get(2).unwrap_or(&Node::Null))?;
        self.lt.label(); // break
        Ok(())
    }

    /// The `for x in range(...)` special case; returns the (start, end, step)
    /// nodes when MicroPython applies it (`None` stands for an implicit
    /// small-int start of 0 or step of 1).
    #[allow(clippy::type_complexity)]
    pub(super) fn range_args(&self, s: &'a Struct) -> Option<(Option<&'a Node>, &'a Node, Option<&'a Node>)> {
        s.nodes.first()?.id()?;
        let it = s.nodes.get(1)?.struct_of(R::AtomExprNormal)?;
        if it.nodes.first()?.id()? != self.sy.range {
            return None;
        }
        let paren = it.nodes.get(1)?.struct_of(R::TrailerParen)?;
        let args = paren.nodes.first().unwrap_or(&Node::Null).list(R::Arglist);
        let (start, end, step) = match args.len() {
            1 => (None, &args[0], None),
            2 => (Some(&args[0]), &args[1], None),
            3 => {
                match args[2] {
                    Node::SmallInt(v) if v != 0 => {}
                    _ => return None,
                }
                (Some(&args[0]), &args[1], Some(&args[2]))
            }
            _ => return None,
        };
        let bad = |n: &Node| n.is_kind(R::ArglistStar) || n.is_kind(R::ArglistDblStar) || n.is_kind(R::Argument);
        if start.is_some_and(bad) || bad(end) {
            return None;
        }
        Some((start, end, step))
    }

    pub(super) fn compile_opt(&mut self, n: Option<&'a Node>) -> CResult {
        match n {
            Some(n) => self.compile_node(n),
            None => {
                self.lt.op();
                Ok(())
            }
        }
    }

    pub(super) fn compile_for_stmt(&mut self, s: &'a Struct) -> CResult {
        let var = s.nodes.first().unwrap_or(&Node::Null);
        let body = s.nodes.get(2).unwrap_or(&Node::Null);
        let els = s.nodes.get(3).unwrap_or(&Node::Null);
        if let Some((start, end, step)) = self.range_args(s) {
            self.loop_depth += 1;
            let end_on_stack = !matches!(end, Node::SmallInt(_));
            if end_on_stack {
                self.compile_node(end)?;
            }
            self.compile_opt(start)?;
            self.lt.jump(); // to entry
            self.lt.label(); // top
            self.lt.op(); // dup_top
            self.c_assign(var, Assign::Store)?;
            self.compile_node(body)?;
            self.lt.label(); // continue
            self.compile_opt(step)?;
            self.lt.op(); // inplace add
            self.lt.label(); // entry
            if end_on_stack {
                self.lt.op();
                self.lt.op();
            } else {
                self.lt.op();
                self.compile_node(end)?;
            }
            self.lt.op(); // compare
            self.lt.op(); // pop_jump_if_true top
            self.loop_depth -= 1;
            if !els.is_null() {
                self.lt.op();
                if end_on_stack {
                    self.lt.op();
                }
                self.compile_node(els)?;
                self.lt.jump();
            }
            self.lt.label(); // break
            self.lt.op(); // pop_top
            if end_on_stack {
                self.lt.op();
            }
            if !els.is_null() {
                self.lt.label();
            }
            return Ok(());
        }
        self.loop_depth += 1;
        self.compile_node(s.nodes.get(1).unwrap_or(&Node::Null))?;
        self.lt.op(); // get_iter
        self.lt.label(); // continue
        self.lt.op(); // for_iter
        self.c_assign(var, Assign::Store)?;
        self.compile_node(body)?;
        self.lt.jump(); // to continue
        self.lt.label(); // pop label
        self.loop_depth -= 1;
        self.compile_node(els)?;
        self.lt.label(); // break
        Ok(())
    }

    pub(super) fn compile_try_except(&mut self, body: &'a Node, excepts: &'a [Node], els: &'a Node) -> CResult {
        self.lt.op(); // setup_except
        self.compile_node(body)?;
        self.lt.jump(); // pop_except_jump
        self.lt.label(); // handler
        let n = excepts.len();
        for (i, e) in excepts.iter().enumerate() {
            let e = e.as_struct().ok_or_else(|| self.err("invalid syntax"))?;
            self.lt.set_line(e.line);
            let mut name = None;
            match e.nodes.first() {
                None | Some(Node::Null) => {
                    if i + 1 != n {
                        return Err(self.err_at(e, "default 'except' must be last"));
                    }
                }
                Some(x) => {
                    let mut exc = x;
                    if let Node::Struct(a) = x {
                        if a.kind == R::TryStmtAsName {
                            exc = a.nodes.first().unwrap_or(&Node::Null);
                            name = a.nodes.get(1).and_then(Node::id);
                        }
                    }
                    self.lt.op(); // dup_top
                    self.compile_node(exc)?;
                    self.lt.op(); // exception match
                    self.lt.op(); // pop_jump_if_false
                }
            }
            match name {
                None => self.lt.op(),
                Some(nm) => {
                    self.store_id(nm);
                    self.lt.op(); // setup_finally
                }
            }
            self.compile_node(e.nodes.get(1).unwrap_or(&Node::Null))?;
            if let Some(nm) = name {
                self.lt.op(); // load None
                self.lt.label();
                self.lt.op(); // load None
                self.store_id(nm);
                self.delete_id(nm);
                self.lt.op(); // end_finally
            }
            self.lt.jump(); // pop_except_jump
            self.lt.label(); // end_finally_label
        }
        self.lt.op(); // end_finally
        self.lt.label(); // success
        self.compile_node(els)?;
        self.lt.label();
        Ok(())
    }

    pub(super) fn compile_try_finally(
        &mut self,
        body: &'a Node,
        excepts: &'a [Node],
        els: &'a Node,
        fin: &'a Node,
    ) -> CResult {
        self.lt.op(); // setup_finally
        if excepts.is_empty() {
            self.compile_node(body)?;
        } else {
            self.compile_try_except(body, excepts, els)?;
        }
        self.lt.op(); // load None
        self.lt.label();
        self.compile_node(fin)?;
        self.lt.op(); // end_finally
        Ok(())
    }

    pub(super) fn compile_try_stmt(&mut self, s: &'a Struct) -> CResult {
        let body = s.nodes.first().unwrap_or(&Node::Null);
        let rest = s.nodes.get(1).unwrap_or(&Node::Null);
        match rest {
            Node::Struct(r) if r.kind == R::TryStmtFinally => {
                self.compile_try_finally(body, &[], &Node::Null, r.nodes.first().unwrap_or(&Node::Null))
            }
            Node::Struct(r) if r.kind == R::TryStmtExceptAndMore => {
                let excepts = r.nodes.first().unwrap_or(&Node::Null).list(R::TryStmtExceptList);
                let els = r.nodes.get(1).unwrap_or(&Node::Null);
                match r.nodes.get(2) {
                    Some(Node::Struct(f)) => {
                        self.compile_try_finally(body, excepts, els, f.nodes.first().unwrap_or(&Node::Null))
                    }
                    _ => self.compile_try_except(body, excepts, els),
                }
            }
            other => self.compile_try_except(body, other.list(R::TryStmtExceptList), &Node::Null),
        }
    }

    pub(super) fn compile_with_stmt_helper(&mut self, items: &'a [Node], body: &'a Node) -> CResult {
        let Some((first, rest)) = items.split_first() else {
            return self.compile_node(body);
        };
        match first {
            Node::Struct(w) if w.kind == R::WithItem => {
                self.compile_node(w.nodes.first().unwrap_or(&Node::Null))?;
                self.lt.op(); // setup_with
                self.c_assign(w.nodes.get(1).unwrap_or(&Node::Null), Assign::Store)?;
            }
            other => {
                self.compile_node(other)?;
                self.lt.op();
                self.lt.op();
            }
        }
        self.compile_with_stmt_helper(rest, body)?;
        self.lt.op(); // load None
        self.lt.label();
        self.lt.op(); // with_cleanup
        self.lt.op(); // end_finally
        Ok(())
    }

    pub(super) fn compile_async_for_stmt(&mut self, s: &'a Struct) -> CResult {
        self.compile_node(s.nodes.get(1).unwrap_or(&Node::Null))?;
        self.lt.op();
        self.lt.op();
        self.loop_depth += 1;
        self.lt.label(); // continue
        self.lt.op(); // setup_except
        self.lt.op(); // dup_top
        self.await_object_method();
        self.c_assign(s.nodes.first().unwrap_or(&Node::Null), Assign::Store)?;
        self.lt.jump(); // pop_except_jump try_else
        self.lt.label(); // try_exception
        for _ in 0..5 {
            self.lt.op();
        }
        self.lt.jump(); // pop_except_jump while_else
        self.lt.label(); // try_finally
        self.lt.op(); // end_finally
        self.lt.label(); // try_else
        self.compile_node(s.nodes.get(2).unwrap_or(&Node::Null))?;
        self.lt.jump(); // continue
        self.loop_depth -= 1;
        self.lt.label(); // while_else
        self.compile_node(s.nodes.get(3).unwrap_or(&Node::Null))?;
        self.lt.label(); // break
        self.lt.op(); // pop_top
        Ok(())
    }

    pub(super) fn compile_async_with_stmt_helper(&mut self, items: &'a [Node], body: &'a Node) -> CResult {
        let Some((first, rest)) = items.split_first() else {
            return self.compile_node(body);
        };
        match first {
            Node::Struct(w) if w.kind == R::WithItem => {
                self.compile_node(w.nodes.first().unwrap_or(&Node::Null))?;
                self.lt.op();
                self.await_object_method();
                self.c_assign(w.nodes.get(1).unwrap_or(&Node::Null), Assign::Store)?;
            }
            other => {
                self.compile_node(other)?;
                self.lt.op();
                self.await_object_method();
                self.lt.op();
            }
        }
        self.lt.op(); // setup_finally
        self.compile_async_with_stmt_helper(rest, body)?;
        // async_with_setup_finally
        self.lt.op();
        self.lt.op();
        self.lt.jump();
        self.lt.label();
        for _ in 0..4 {
            self.lt.op();
        }
        // case 2: exception
        for _ in 0..11 {
            self.lt.op();
        }
        self.yield_from();
        self.lt.op();
        self.lt.op();
        self.lt.op();
        self.lt.jump();
        // case 3 and case 1
        self.lt.label();
        self.lt.op();
        self.lt.op();
        self.lt.label();
        for _ in 0..5 {
            self.lt.op();
        }
        self.yield_from();
        self.lt.op();
        self.lt.label(); // l_end
        self.lt.op(); // end_finally
        Ok(())
    }

    pub(super) fn compile_expr_stmt(&mut self, s: &'a Struct) -> CResult {
        let lhs = s.nodes.first().unwrap_or(&Node::Null);
        let mut rhs = s.nodes.get(1).unwrap_or(&Node::Null);
        if rhs.is_null() {
            let lonely = matches!(lhs, Node::SmallInt(_) | Node::Str(_) | Node::Tok(_) | Node::Const(_));
            if !lonely {
                self.compile_node(lhs)?;
                self.lt.op(); // pop_top
            }
            return Ok(());
        }
        if let Node::Struct(r) = rhs {
            match r.kind {
                R::Annassign => {
                    let value = r.nodes.get(1).unwrap_or(&Node::Null);
                    if value.is_null() {
                        if self.scope().kind == ScopeKind::Function {
                            if let Some(name) = lhs.id() {
                                self.scope_mut().find_or_add(name, IdKind::Local);
                            }
                        }
                        return Ok(());
                    }
                    rhs = value;
                }
                R::ExprStmtAugassign => {
                    self.c_assign(lhs, Assign::AugLoad)?;
                    self.compile_node(r.nodes.get(1).unwrap_or(&Node::Null))?;
                    self.lt.op();
                    return self.c_assign(lhs, Assign::AugStore);
                }
                R::ExprStmtAssignList => {
                    let n = r.nodes.len();
                    self.compile_node(r.nodes.last().unwrap_or(&Node::Null))?;
                    if n > 1 {
                        self.lt.op();
                    }
                    self.c_assign(lhs, Assign::Store)?;
                    for i in 0..n.saturating_sub(1) {
                        if i + 2 < n {
                            self.lt.op();
                        }
                        self.c_assign(&r.nodes[i], Assign::Store)?;
                    }
                    return Ok(());
                }
                _ => {}
            }
        }
        // plain assignment, with the a, b = c, d special case
        if let (Some(l), Some(rr)) = (lhs.struct_of(R::TestlistStarExpr), rhs.struct_of(R::TestlistStarExpr)) {
            let n = l.nodes.len();
            if n == rr.nodes.len() && (n == 2 || n == 3) && !l.nodes.iter().any(|x| x.is_kind(R::StarExpr)) {
                for x in &rr.nodes {
                    self.compile_node(x)?;
                }
                if n == 3 {
                    self.lt.op();
                }
                self.lt.op();
                for x in &l.nodes {
                    self.c_assign(x, Assign::Store)?;
                }
                return Ok(());
            }
        }
        self.compile_node(rhs)?;
        self.c_assign(lhs, Assign::Store)
    }
}
