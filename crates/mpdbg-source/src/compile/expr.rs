//! Expressions: conditions, calls and trailers, comprehensions, displays,
//! subscripts, `yield` and `:=`.

use super::{CResult, Compiler};
use crate::node::{Node, Struct, R};
use crate::scope::{IdKind, ScopeKind, FLAG_PARAM};

impl<'a> Compiler<'a> {
    pub(super) fn c_if_cond(&mut self, pn: &'a Node, jump_if: bool) -> CResult {
        if pn.is_const_false() {
            if !jump_if {
                self.lt.jump();
            }
            return Ok(());
        }
        if pn.is_const_true() {
            if jump_if {
                self.lt.jump();
            }
            return Ok(());
        }
        if let Node::Struct(s) = pn {
            let logic1 = |c: &mut Self, jump_if: bool| -> CResult {
                let n = s.nodes.len();
                for x in s.nodes.iter().take(n.saturating_sub(1)) {
                    c.c_if_cond(x, !jump_if)?;
                }
                if let Some(last) = s.nodes.last() {
                    c.c_if_cond(last, jump_if)?;
                }
                c.lt.label();
                Ok(())
            };
            let logic2 = |c: &mut Self, jump_if: bool| -> CResult {
                for x in &s.nodes {
                    c.c_if_cond(x, jump_if)?;
                }
                Ok(())
            };
            match s.kind {
                R::OrTest => {
                    return if !jump_if {
                        logic1(self, jump_if)
                    } else {
                        logic2(self, jump_if)
                    }
                }
                R::AndTest => {
                    return if !jump_if {
                        logic2(self, jump_if)
                    } else {
                        logic1(self, jump_if)
                    }
                }
                R::NotTest2 => return self.c_if_cond(s.nodes.first().unwrap_or(&Node::Null), !jump_if),
                _ => {}
            }
        }
        self.compile_node(pn)?;
        self.lt.op(); // pop_jump_if
        Ok(())
    }

    pub(super) fn compile_namedexpr_helper(&mut self, name: &'a Node, expr: &'a Node) -> CResult {
        let target = name.id().ok_or_else(|| self.err("can't assign to expression"))?;
        self.compile_node(expr)?;
        self.lt.op(); // dup_top
        if self.scope().kind.is_comp_like() {
            let cur = self.cur;
            let parent = self.scopes[cur].parent.unwrap_or(0);
            let pi = self.scopes[parent].id_for_modification(target);
            if self.scopes[parent].ids[pi].kind == IdKind::GlobalExplicit {
                self.scopes[cur].find_or_add(target, IdKind::GlobalExplicit);
            } else {
                let i = self.scopes[cur].find_or_add(target, IdKind::Undecided);
                let is_global = self.scopes[parent].parent.is_none();
                if !is_global && self.scopes[cur].ids[i].kind == IdKind::GlobalImplicit {
                    self.scopes[cur].ids[i].kind = IdKind::Undecided;
                }
                let at = self.scopes[cur].pn;
                self.declare_global_or_nonlocal(i, is_global, at)?;
            }
        }
        self.store_id(target);
        Ok(())
    }

    pub(super) fn compile_comparison(&mut self, s: &'a Struct) -> CResult {
        let n = s.nodes.len();
        self.compile_node(s.nodes.first().unwrap_or(&Node::Null))?;
        let multi = n > 3;
        let mut i = 1;
        while i + 1 < n {
            self.compile_node(&s.nodes[i + 1])?;
            if i + 2 < n {
                self.lt.op();
                self.lt.op();
            }
            self.lt.op(); // binary op
            if i + 2 < n {
                self.lt.op(); // jump_if_or_pop
            }
            i += 2;
        }
        if multi {
            self.lt.jump();
            self.lt.label();
            self.lt.op();
            self.lt.op();
            self.lt.label();
        }
        Ok(())
    }

    pub(super) fn compile_atom_expr_normal(&mut self, s: &'a Struct) -> CResult {
        let subject = s.nodes.first().unwrap_or(&Node::Null);
        self.compile_node(subject)?;
        let tr = match s.nodes.get(1) {
            None | Some(Node::Null) => return Ok(()),
            Some(t) => t,
        };
        let trailers: &'a [Node] = match tr {
            Node::Struct(t) if t.kind == R::AtomExprTrailers => &t.nodes,
            other => std::slice::from_ref(other),
        };
        let first = trailers.first().and_then(Node::as_struct);
        let mut i = 0;
        let first_is_empty_call =
            first.is_some_and(|f| f.kind == R::TrailerParen && f.nodes.first().is_none_or(Node::is_null));
        if self.scope().kind == ScopeKind::Function && subject.id() == Some(self.sy.super_) && first_is_empty_call {
            let class = self.sy.class;
            self.load_id(class);
            let param = self
                .scope()
                .ids
                .iter()
                .find(|id| id.flags & FLAG_PARAM != 0)
                .map(|id| id.name);
            match param {
                Some(p) => self.load_id(p),
                None => return Err(self.err_at(s, "super() can't find self")),
            }
            let t1 = trailers.get(1).and_then(Node::as_struct);
            let t2 = trailers.get(2).and_then(Node::as_struct);
            if let (Some(_p), Some(c)) = (
                t1.filter(|t| t.kind == R::TrailerPeriod),
                t2.filter(|t| t.kind == R::TrailerParen),
            ) {
                self.lt.op(); // load_super_method
                self.compile_trailer_paren_helper(c.nodes.first().unwrap_or(&Node::Null), 0)?;
                i = 3;
            } else {
                self.lt.op(); // call super
                i = 1;
            }
        } else if subject.id() == Some(self.sy.ordered_dict) {
            if let Some(f) = first.filter(|f| f.kind == R::TrailerParen) {
                if let Some(Node::Struct(d)) = f.nodes.first() {
                    if d.kind == R::AtomBrace {
                        self.lt.op();
                        self.compile_atom_brace_helper(d, false)?;
                        i = 1;
                    }
                }
            }
        }
        while i < trailers.len() {
            let a = trailers[i].as_struct();
            let b = trailers.get(i + 1).and_then(Node::as_struct);
            if let (Some(a), Some(b)) = (a, b) {
                if a.kind == R::TrailerPeriod && b.kind == R::TrailerParen {
                    self.lt.op(); // load_method
                    self.compile_trailer_paren_helper(b.nodes.first().unwrap_or(&Node::Null), 0)?;
                    i += 2;
                    continue;
                }
            }
            self.compile_node(&trailers[i])?;
            i += 1;
        }
        Ok(())
    }

    pub(super) fn compile_trailer_paren_helper(&mut self, arglist: &'a Node, n_positional_extra: u32) -> CResult {
        let _ = n_positional_extra;
        let mut n_keyword = 0;
        let mut star_single = false;
        let mut star_double = false;
        for arg in arglist.list(R::Arglist) {
            match arg {
                Node::Struct(a) if a.kind == R::ArglistStar => {
                    if star_double {
                        return Err(self.err_at(a, "* arg after **"));
                    }
                    if n_keyword > 0 {
                        return Err(self.err_at(a, "* arg after kwarg"));
                    }
                    star_single = true;
                    self.compile_node(a.nodes.first().unwrap_or(&Node::Null))?;
                }
                Node::Struct(a) if a.kind == R::ArglistDblStar => {
                    star_double = true;
                    self.lt.op(); // load_null
                    self.compile_node(a.nodes.first().unwrap_or(&Node::Null))?;
                    n_keyword += 1;
                }
                Node::Struct(a) if a.kind == R::Argument => {
                    let second = a.nodes.get(1).unwrap_or(&Node::Null);
                    if let Node::Struct(a3) = second {
                        if a3.kind == R::Argument3 {
                            self.compile_namedexpr_helper(
                                a.nodes.first().unwrap_or(&Node::Null),
                                a3.nodes.first().unwrap_or(&Node::Null),
                            )?;
                            continue;
                        }
                        if a3.kind == R::CompFor {
                            self.compile_comprehension(a, ScopeKind::GenExpr)?;
                            continue;
                        }
                    }
                    if a.nodes.first().and_then(Node::id).is_none() {
                        return Err(self.err_at(a, "LHS of keyword arg must be an id"));
                    }
                    self.lt.op(); // keyword name
                    self.compile_node(second)?;
                    n_keyword += 1;
                }
                other => {
                    if star_double {
                        return Err(self.err("positional arg after **"));
                    }
                    if n_keyword > 0 {
                        return Err(self.err("positional arg after keyword arg"));
                    }
                    self.compile_node(other)?;
                }
            }
        }
        if star_single || star_double {
            self.lt.op();
        }
        self.lt.op(); // call
        Ok(())
    }

    pub(super) fn compile_comprehension(&mut self, pns: &'a Struct, kind: ScopeKind) -> CResult {
        let comp_for = pns
            .nodes
            .get(1)
            .and_then(|n| n.struct_of(R::CompFor))
            .ok_or_else(|| self.err_at(pns, "invalid syntax"))?;
        let name = match kind {
            ScopeKind::ListComp => self.sy.s_listcomp,
            ScopeKind::DictComp => self.sy.s_dictcomp,
            ScopeKind::SetComp => self.sy.s_setcomp,
            _ => self.sy.s_genexpr,
        };
        let emit = self.scope().emit;
        let sc = self.new_scope(kind, pns, name, emit);
        self.close_over_and_make(sc, 0, 0);
        self.compile_node(comp_for.nodes.get(1).unwrap_or(&Node::Null))?;
        if kind == ScopeKind::GenExpr {
            self.lt.op();
        }
        self.lt.op(); // call
        Ok(())
    }

    pub(super) fn compile_atom_brace_helper(&mut self, s: &'a Struct, create_map: bool) -> CResult {
        let pn = s.nodes.first().unwrap_or(&Node::Null);
        match pn {
            Node::Null => {
                if create_map {
                    self.lt.op();
                }
            }
            Node::Struct(p) if p.kind == R::DictorsetmakerItem => {
                if create_map {
                    self.lt.op();
                }
                self.compile_node(pn)?;
                self.lt.op();
            }
            Node::Struct(p) if p.kind == R::Dictorsetmaker => {
                let first = p.nodes.first().unwrap_or(&Node::Null);
                match p.nodes.get(1) {
                    Some(Node::Struct(l)) if l.kind == R::DictorsetmakerList => {
                        let tail = l.nodes.first().unwrap_or(&Node::Null).list(R::DictorsetmakerList2);
                        let is_dict = first.is_kind(R::DictorsetmakerItem);
                        if is_dict {
                            if create_map {
                                self.lt.op();
                            }
                            self.compile_node(first)?;
                            self.lt.op();
                        } else {
                            self.compile_node(first)?;
                        }
                        for item in tail {
                            let kv = item.is_kind(R::DictorsetmakerItem);
                            self.compile_node(item)?;
                            if is_dict {
                                if !kv {
                                    return Err(self.err_at(p, "expecting key:value for dict"));
                                }
                                self.lt.op();
                            } else if kv {
                                return Err(self.err_at(p, "expecting just a value for set"));
                            }
                        }
                        if !is_dict {
                            self.lt.op();
                        }
                    }
                    Some(Node::Struct(c)) if c.kind == R::CompFor => {
                        let kind = if first.is_kind(R::DictorsetmakerItem) {
                            ScopeKind::DictComp
                        } else {
                            ScopeKind::SetComp
                        };
                        self.compile_comprehension(p, kind)?;
                    }
                    _ => return Err(self.err_at(p, "invalid syntax")),
                }
            }
            other => {
                self.compile_node(other)?;
                self.lt.op();
            }
        }
        Ok(())
    }

    pub(super) fn compile_subscript(&mut self, s: &'a Struct) -> CResult {
        let mut s3 = s;
        if s.kind == R::Subscript2 {
            self.compile_node(s.nodes.first().unwrap_or(&Node::Null))?;
            s3 = s
                .nodes
                .get(1)
                .and_then(Node::as_struct)
                .ok_or_else(|| self.err_at(s, "invalid syntax"))?;
        } else {
            self.lt.op(); // None
        }
        match s3.nodes.first().unwrap_or(&Node::Null) {
            Node::Null => {
                self.lt.op();
                self.lt.op();
            }
            Node::Struct(p) if p.kind == R::Subscript3c => {
                self.lt.op();
                let x = p.nodes.first().unwrap_or(&Node::Null);
                if !x.is_null() {
                    self.compile_node(x)?;
                }
                self.lt.op();
            }
            Node::Struct(p) if p.kind == R::Subscript3d => {
                self.compile_node(p.nodes.first().unwrap_or(&Node::Null))?;
                let sl = p.nodes.get(1).and_then(Node::as_struct);
                match sl.and_then(|x| x.nodes.first()) {
                    None | Some(Node::Null) => {}
                    Some(x) => self.compile_node(x)?,
                }
                self.lt.op();
            }
            other => {
                self.compile_node(other)?;
                self.lt.op();
            }
        }
        Ok(())
    }

    pub(super) fn compile_yield_expr(&mut self, s: &'a Struct) -> CResult {
        let k = self.scope().kind;
        if k != ScopeKind::Function && k != ScopeKind::Lambda {
            return Err(self.err_at(s, "'yield' outside function"));
        }
        match s.nodes.first() {
            None | Some(Node::Null) => {
                self.lt.op();
                self.yield_op();
            }
            Some(Node::Struct(y)) if y.kind == R::YieldArgFrom => {
                self.compile_node(y.nodes.first().unwrap_or(&Node::Null))?;
                self.yield_from();
            }
            Some(n) => {
                self.compile_node(n)?;
                self.yield_op();
            }
        }
        Ok(())
    }
}
