//! Making functions, lambdas and classes: default values, decorators,
//! `@micropython.*` emitters, closures and the line of definition.

use super::{CResult, Compiler};
use crate::intern::Sym;
use crate::node::{Node, Struct, R};
use crate::scope::{Emit, ScopeKind, SF_DEFKWARGS, SF_GENERATOR};

impl<'a> Compiler<'a> {
    /// `close_over_variables_etc` followed by `make_function`/`make_closure`.
    pub(super) fn close_over_and_make(&mut self, child: usize, n_pos_defaults: u32, n_kw_defaults: u32) {
        if n_kw_defaults > 0 {
            self.scopes[child].scope_flags |= SF_DEFKWARGS;
        }
        self.scopes[child].num_def_pos_args = n_pos_defaults;
        self.lt.op();
        self.scopes[child].line_of_definition = self.lt.current_line();
        // Children are listed in the order their function objects are made,
        // which is the order of the parent's `co_consts`.
        let cur = self.cur;
        self.scopes[cur].children.push(child);
    }

    pub(super) fn compile_funcdef_lambdef(&mut self, sc: usize, params: &'a Node, list_kind: R) -> CResult {
        let saved = (self.have_star, self.num_dict_params, self.num_default_params);
        self.have_star = false;
        self.num_dict_params = 0;
        self.num_default_params = 0;
        for p in params.list(list_kind) {
            self.compile_funcdef_lambdef_param(p)?;
        }
        if self.num_default_params > 0 && self.num_dict_params == 0 {
            self.lt.op();
            self.lt.op();
        }
        let (np, nd) = (self.num_default_params, self.num_dict_params);
        self.close_over_and_make(sc, np, nd);
        (self.have_star, self.num_dict_params, self.num_default_params) = saved;
        Ok(())
    }

    pub(super) fn compile_funcdef_lambdef_param(&mut self, pn: &'a Node) -> CResult {
        let default: &'a Node = match pn {
            Node::Id(_) => &Node::Null,
            Node::Struct(s) => match s.kind {
                R::TypedargslistStar | R::VarargslistStar => {
                    self.have_star = true;
                    return Ok(());
                }
                R::TypedargslistDblStar | R::VarargslistDblStar => return Ok(()),
                R::TypedargslistName => s.nodes.get(2).unwrap_or(&Node::Null),
                R::VarargslistName => s.nodes.get(1).unwrap_or(&Node::Null),
                _ => return Err(self.err_at(s, "invalid syntax")),
            },
            _ => return Err(self.err("invalid syntax")),
        };
        if default.is_null() {
            if !self.have_star && self.num_default_params != 0 {
                return Err(self.err("non-default argument follows default argument"));
            }
        } else if self.have_star {
            self.num_dict_params += 1;
            if self.num_dict_params == 1 {
                self.lt.op(); // build tuple or load null
                self.lt.op(); // build map
            }
            self.compile_node(default)?;
            self.lt.op(); // key
            self.lt.op(); // store_map
        } else {
            self.num_default_params += 1;
            self.compile_node(default)?;
        }
        Ok(())
    }

    pub(super) fn compile_funcdef_helper(&mut self, s: &'a Struct, emit: Emit) -> CResult<(Sym, usize)> {
        let name = s
            .nodes
            .first()
            .and_then(Node::id)
            .ok_or_else(|| self.err_at(s, "invalid syntax"))?;
        let sc = self.new_scope(ScopeKind::Function, s, name, emit);
        self.compile_funcdef_lambdef(sc, s.nodes.get(1).unwrap_or(&Node::Null), R::Typedargslist)?;
        Ok((name, sc))
    }

    pub(super) fn compile_classdef_helper(&mut self, s: &'a Struct, emit: Emit) -> CResult<Sym> {
        let name = s
            .nodes
            .first()
            .and_then(Node::id)
            .ok_or_else(|| self.err_at(s, "invalid syntax"))?;
        let sc = self.new_scope(ScopeKind::Class, s, name, emit);
        self.lt.op(); // load_build_class
        self.close_over_and_make(sc, 0, 0);
        self.lt.op(); // class name
        let parents = match s.nodes.get(1) {
            Some(n) if n.is_kind(R::Classdef2) => &Node::Null,
            Some(n) => n,
            None => &Node::Null,
        };
        self.compile_trailer_paren_helper(parents, 2)?;
        Ok(name)
    }

    /// Returns `Some(emit)` for a `@micropython.xxx` decorator.
    pub(super) fn built_in_decorator(&self, names: &[Node], at: &Struct) -> CResult<Option<Emit>> {
        if names.first().and_then(Node::id) != Some(self.sy.micropython) {
            return Ok(None);
        }
        if names.len() != 2 {
            return Err(self.err_at(at, "invalid micropython decorator"));
        }
        let attr = names.get(1).and_then(Node::id);
        let e = match attr {
            Some(a) if a == self.sy.bytecode => Emit::Bytecode,
            Some(a) if a == self.sy.native => Emit::Native,
            Some(a) if a == self.sy.viper => Emit::Viper,
            Some(a) if a == self.sy.asm_thumb || a == self.sy.asm_xtensa || a == self.sy.asm_rv32 => Emit::Asm,
            _ => return Err(self.err_at(at, "invalid micropython decorator")),
        };
        Ok(Some(e))
    }

    pub(super) fn compile_decorated(&mut self, s: &'a Struct) -> CResult {
        let decorators = s.nodes.first().unwrap_or(&Node::Null).list(R::Decorators);
        let mut emit = self.scope().emit;
        let mut n_builtin = 0;
        for d in decorators {
            let d = d.as_struct().ok_or_else(|| self.err_at(s, "invalid syntax"))?;
            let names = d.nodes.first().unwrap_or(&Node::Null).list(R::DottedName);
            if let Some(e) = self.built_in_decorator(names, d)? {
                emit = e;
                n_builtin += 1;
            } else {
                self.compile_node(names.first().unwrap_or(&Node::Null))?;
                for _ in names.iter().skip(1) {
                    self.lt.op();
                }
                if let Some(args) = d.nodes.get(1).filter(|n| !n.is_null()) {
                    self.compile_node(args)?;
                }
            }
        }
        let body = s
            .nodes
            .get(1)
            .and_then(Node::as_struct)
            .ok_or_else(|| self.err_at(s, "invalid syntax"))?;
        let name = match body.kind {
            R::Funcdef => self.compile_funcdef_helper(body, emit)?.0,
            R::AsyncFuncdef => {
                let f = body
                    .nodes
                    .first()
                    .and_then(Node::as_struct)
                    .ok_or_else(|| self.err_at(body, "invalid syntax"))?;
                let (name, sc) = self.compile_funcdef_helper(f, emit)?;
                self.scopes[sc].scope_flags |= SF_GENERATOR;
                self.scopes[sc].is_async = true;
                name
            }
            _ => self.compile_classdef_helper(body, emit)?,
        };
        for _ in 0..(decorators.len() - n_builtin) {
            self.lt.op();
        }
        self.store_id(name);
        Ok(())
    }

    pub(super) fn compile_async_stmt(&mut self, s: &'a Struct) -> CResult {
        let inner = s
            .nodes
            .first()
            .and_then(Node::as_struct)
            .ok_or_else(|| self.err_at(s, "invalid syntax"))?;
        match inner.kind {
            R::Funcdef => {
                let emit = self.scope().emit;
                let (name, sc) = self.compile_funcdef_helper(inner, emit)?;
                self.store_id(name);
                self.scopes[sc].scope_flags |= SF_GENERATOR;
                self.scopes[sc].is_async = true;
                Ok(())
            }
            _ => {
                if self.scope().scope_flags & SF_GENERATOR == 0 {
                    return Err(self.err_at(inner, "async for/with outside async function"));
                }
                if inner.kind == R::ForStmt {
                    self.compile_async_for_stmt(inner)
                } else {
                    let items = inner.nodes.first().unwrap_or(&Node::Null).list(R::WithStmtList);
                    self.compile_async_with_stmt_helper(items, inner.nodes.get(1).unwrap_or(&Node::Null))
                }
            }
        }
    }
}
