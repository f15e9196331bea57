//! Emulation of MicroPython's compiler (`py/compile.c`) over the parse tree:
//! it creates the same scopes in the same order, registers identifiers in
//! the same order during the scope pass, and tracks the line table the
//! bytecode emitter would produce. Function names below mirror the C code
//! they follow so the two can be read side by side.

use crate::error::SourceError;
use crate::intern::{Interner, Sym};
use crate::lexer::T;
use crate::lines::LineTable;
use crate::node::{Node, Struct, R};
use crate::scope::{check_to_close_over, compute_things, Emit, IdKind, Scope, ScopeKind};

mod assign;
mod expr;
mod func;
mod scopes;
mod stmt;

type CResult<T = ()> = Result<T, SourceError>;

/// Identifiers the compiler treats specially.
pub(crate) struct Syms {
    pub class: Sym,
    pub name: Sym,
    pub module: Sym,
    pub qualname: Sym,
    pub empty: Sym,
    pub super_: Sym,
    pub range: Sym,
    pub micropython: Sym,
    pub bytecode: Sym,
    pub native: Sym,
    pub viper: Sym,
    pub asm_thumb: Sym,
    pub asm_xtensa: Sym,
    pub asm_rv32: Sym,
    pub ordered_dict: Sym,
    pub s_module: Sym,
    pub s_lambda: Sym,
    pub s_listcomp: Sym,
    pub s_dictcomp: Sym,
    pub s_setcomp: Sym,
    pub s_genexpr: Sym,
}

impl Syms {
    pub fn new(i: &mut Interner) -> Self {
        Syms {
            class: i.intern("__class__"),
            name: i.intern("__name__"),
            module: i.intern("__module__"),
            qualname: i.intern("__qualname__"),
            empty: i.intern(""),
            super_: i.intern("super"),
            range: i.intern("range"),
            micropython: i.intern("micropython"),
            bytecode: i.intern("bytecode"),
            native: i.intern("native"),
            viper: i.intern("viper"),
            asm_thumb: i.intern("asm_thumb"),
            asm_xtensa: i.intern("asm_xtensa"),
            asm_rv32: i.intern("asm_rv32"),
            ordered_dict: i.intern("OrderedDict"),
            s_module: i.intern("<module>"),
            s_lambda: i.intern("<lambda>"),
            s_listcomp: i.intern("<listcomp>"),
            s_dictcomp: i.intern("<dictcomp>"),
            s_setcomp: i.intern("<setcomp>"),
            s_genexpr: i.intern("<genexpr>"),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Assign {
    Store,
    AugLoad,
    AugStore,
}

pub(crate) struct Compiler<'a> {
    pub scopes: Vec<Scope<'a>>,
    sy: Syms,
    cur: usize,
    lt: LineTable,
    have_star: bool,
    num_dict_params: u32,
    num_default_params: u32,
    loop_depth: u32,
    err_pos: (u32, u32),
}

fn cerr(pos: (u32, u32), msg: &str) -> SourceError {
    SourceError::Compile {
        line: pos.0,
        column: pos.1,
        message: msg.to_string(),
    }
}

impl<'a> Compiler<'a> {
    /// Compile a whole module: all scopes, then the identifier numbering.
    pub fn compile_module(root: &'a Node, sy: Syms, module_pn: &'a Struct) -> CResult<Compiler<'a>> {
        let mut c = Compiler {
            scopes: Vec::new(),
            sy,
            cur: 0,
            lt: LineTable::default(),
            have_star: false,
            num_dict_params: 0,
            num_default_params: 0,
            loop_depth: 0,
            err_pos: (1, 1),
        };
        let name = c.sy.s_module;
        c.scopes
            .push(Scope::new(ScopeKind::Module, None, module_pn, name, Emit::Bytecode));
        let mut i = 0;
        while i < c.scopes.len() {
            c.cur = i;
            c.lt = LineTable::default();
            c.loop_depth = 0;
            c.compile_scope(root)?;
            let lt = std::mem::take(&mut c.lt);
            c.scopes[i].lines = lt.finish();
            // Check if any implicitly declared variables should be closed over.
            for j in 0..c.scopes[i].ids.len() {
                if c.scopes[i].ids[j].kind == IdKind::GlobalImplicit {
                    check_to_close_over(&mut c.scopes, i, j);
                }
            }
            i += 1;
        }
        for s in 0..c.scopes.len() {
            compute_things(&mut c.scopes, s, c.sy.class);
        }
        Ok(c)
    }

    fn scope(&self) -> &Scope<'a> {
        &self.scopes[self.cur]
    }

    fn scope_mut(&mut self) -> &mut Scope<'a> {
        &mut self.scopes[self.cur]
    }

    fn err(&self, msg: &str) -> SourceError {
        cerr(self.err_pos, msg)
    }

    fn err_at(&self, s: &Struct, msg: &str) -> SourceError {
        cerr((s.line, s.col), msg)
    }

    fn new_scope(&mut self, kind: ScopeKind, pn: &'a Struct, name: Sym, emit: Emit) -> usize {
        let idx = self.scopes.len();
        self.scopes.push(Scope::new(kind, Some(self.cur), pn, name, emit));
        idx
    }

    fn touch(&mut self, name: Sym) {
        if self.lt.live() {
            self.scopes[self.cur].touched.insert(name);
        }
        self.lt.op();
    }

    fn load_id(&mut self, name: Sym) {
        self.scope_mut().find_or_add(name, IdKind::GlobalImplicit);
        self.touch(name);
    }

    fn store_id(&mut self, name: Sym) {
        self.scope_mut().id_for_modification(name);
        self.touch(name);
    }

    fn delete_id(&mut self, name: Sym) {
        self.scope_mut().id_for_modification(name);
        self.touch(name);
    }

    fn compile_node(&mut self, pn: &'a Node) -> CResult {
        match pn {
            Node::Null => Ok(()),
            Node::SmallInt(_) | Node::Str(_) => {
                self.lt.op();
                Ok(())
            }
            Node::Id(s) => {
                self.load_id(*s);
                Ok(())
            }
            Node::Tok(T::Newline) => Ok(()),
            Node::Tok(_) => {
                self.lt.op();
                Ok(())
            }
            Node::Const(c) => {
                self.lt.set_line(c.line);
                self.lt.op();
                Ok(())
            }
            Node::Struct(s) => {
                self.lt.set_line(s.line);
                self.err_pos = (s.line, s.col);
                self.compile_struct(s)
            }
        }
    }

    fn compile_all(&mut self, s: &'a Struct) -> CResult {
        for n in &s.nodes {
            self.compile_node(n)?;
        }
        Ok(())
    }

    fn compile_struct(&mut self, s: &'a Struct) -> CResult {
        match s.kind {
            R::FileInput | R::FileInput2 | R::SimpleStmt2 | R::PassStmt | R::SuiteBlockStmts => self.compile_all(s),
            R::Decorated => self.compile_decorated(s),
            R::Funcdef => {
                let emit = self.scope().emit;
                let (name, _) = self.compile_funcdef_helper(s, emit)?;
                self.store_id(name);
                Ok(())
            }
            R::ExprStmt => self.compile_expr_stmt(s),
            R::TestlistStarExpr | R::Testlist | R::Subscriptlist => {
                self.compile_all(s)?;
                self.lt.op();
                Ok(())
            }
            R::DelStmt => {
                for n in s.nodes.first().unwrap_or(&Node::Null).list(R::Exprlist) {
                    self.c_del_stmt(n)?;
                }
                Ok(())
            }
            R::BreakStmt | R::ContinueStmt => {
                if self.loop_depth == 0 {
                    return Err(self.err_at(s, "'break'/'continue' outside loop"));
                }
                self.lt.jump();
                Ok(())
            }
            R::ReturnStmt => self.compile_return_stmt(s),
            R::YieldStmt => {
                self.compile_node(s.nodes.first().unwrap_or(&Node::Null))?;
                self.lt.op();
                Ok(())
            }
            R::RaiseStmt => {
                match s.nodes.first() {
                    Some(Node::Struct(a)) if a.kind == R::RaiseStmtArg => {
                        self.compile_node(a.nodes.first().unwrap_or(&Node::Null))?;
                        self.compile_node(a.nodes.get(1).unwrap_or(&Node::Null))?;
                    }
                    Some(n) => self.compile_node(n)?,
                    None => {}
                }
                self.lt.jump();
                Ok(())
            }
            R::ImportName => {
                for n in s.nodes.first().unwrap_or(&Node::Null).list(R::DottedAsNames) {
                    self.lt.op();
                    self.lt.op();
                    let base = self.do_import_name(n)?;
                    if let Some(b) = base {
                        self.store_id(b);
                    }
                }
                Ok(())
            }
            R::ImportFrom => self.compile_import_from(s),
            R::GlobalStmt | R::NonlocalStmt => self.compile_global_nonlocal_stmt(s),
            R::AssertStmt => {
                self.c_if_cond(s.nodes.first().unwrap_or(&Node::Null), true)?;
                self.lt.op(); // load_global AssertionError
                if let Some(m) = s.nodes.get(1).filter(|n| !n.is_null()) {
                    self.compile_node(m)?;
                    self.lt.op();
                }
                self.lt.jump(); // raise
                self.lt.label();
                Ok(())
            }
            R::AsyncStmt => self.compile_async_stmt(s),
            R::IfStmt => self.compile_if_stmt(s),
            R::WhileStmt => self.compile_while_stmt(s),
            R::ForStmt => self.compile_for_stmt(s),
            R::TryStmt => self.compile_try_stmt(s),
            R::WithStmt => {
                let items = s.nodes.first().unwrap_or(&Node::Null).list(R::WithStmtList);
                self.compile_with_stmt_helper(items, s.nodes.get(1).unwrap_or(&Node::Null))
            }
            R::Namedexpr => self.compile_namedexpr_helper(
                s.nodes.first().unwrap_or(&Node::Null),
                s.nodes.get(1).unwrap_or(&Node::Null),
            ),
            R::TestIfExpr => {
                let ie = s.nodes.get(1).and_then(Node::as_struct);
                let cond = ie.and_then(|x| x.nodes.first()).unwrap_or(&Node::Null);
                let els = ie.and_then(|x| x.nodes.get(1)).unwrap_or(&Node::Null);
                self.c_if_cond(cond, false)?;
                self.compile_node(s.nodes.first().unwrap_or(&Node::Null))?;
                self.lt.jump();
                self.lt.label();
                self.compile_node(els)?;
                self.lt.label();
                Ok(())
            }
            R::Lambdef => {
                let emit = self.scope().emit;
                let name = self.sy.s_lambda;
                let sc = self.new_scope(ScopeKind::Lambda, s, name, emit);
                self.compile_funcdef_lambdef(sc, s.nodes.first().unwrap_or(&Node::Null), R::Varargslist)
            }
            R::OrTest | R::AndTest => {
                let n = s.nodes.len();
                for (i, x) in s.nodes.iter().enumerate() {
                    self.compile_node(x)?;
                    if i + 1 < n {
                        self.lt.op();
                    }
                }
                self.lt.label();
                Ok(())
            }
            R::NotTest2 | R::Factor2 => {
                let operand = if s.kind == R::NotTest2 {
                    s.nodes.first()
                } else {
                    s.nodes.get(1)
                };
                self.compile_node(operand.unwrap_or(&Node::Null))?;
                self.lt.op();
                Ok(())
            }
            R::Comparison => self.compile_comparison(s),
            R::StarExpr => Err(self.err_at(s, "*x must be assignment target")),
            R::Expr | R::XorExpr | R::AndExpr => {
                self.compile_node(s.nodes.first().unwrap_or(&Node::Null))?;
                for n in s.nodes.iter().skip(1) {
                    self.compile_node(n)?;
                    self.lt.op();
                }
                Ok(())
            }
            R::ShiftExpr | R::ArithExpr | R::Term => {
                self.compile_node(s.nodes.first().unwrap_or(&Node::Null))?;
                let mut i = 1;
                while i + 1 < s.nodes.len() {
                    self.compile_node(&s.nodes[i + 1])?;
                    self.lt.op();
                    i += 2;
                }
                Ok(())
            }
            R::Power => {
                self.compile_all(s)?;
                self.lt.op();
                Ok(())
            }
            R::AtomExprAwait => {
                let k = self.scope().kind;
                if k != ScopeKind::Function && k != ScopeKind::Lambda {
                    return Err(self.err_at(s, "'await' outside function"));
                }
                self.compile_atom_expr_normal(s)?;
                self.yield_from();
                Ok(())
            }
            R::AtomExprNormal => self.compile_atom_expr_normal(s),
            R::AtomParen => match s.nodes.first() {
                Some(Node::Struct(tc)) if tc.kind == R::TestlistComp => {
                    if has_comp_for(tc) {
                        self.compile_comprehension(tc, ScopeKind::GenExpr)
                    } else {
                        self.compile_all(tc)?;
                        self.lt.op();
                        Ok(())
                    }
                }
                _ => {
                    self.lt.op();
                    Ok(())
                }
            },
            R::AtomBracket => match s.nodes.first() {
                None | Some(Node::Null) => {
                    self.lt.op();
                    Ok(())
                }
                Some(Node::Struct(tc)) if tc.kind == R::TestlistComp => {
                    if has_comp_for(tc) {
                        self.compile_comprehension(tc, ScopeKind::ListComp)
                    } else {
                        self.compile_all(tc)?;
                        self.lt.op();
                        Ok(())
                    }
                }
                Some(n) => {
                    self.compile_node(n)?;
                    self.lt.op();
                    Ok(())
                }
            },
            R::AtomBrace => self.compile_atom_brace_helper(s, true),
            R::TrailerParen => self.compile_trailer_paren_helper(s.nodes.first().unwrap_or(&Node::Null), 0),
            R::TrailerBracket => {
                self.compile_node(s.nodes.first().unwrap_or(&Node::Null))?;
                self.lt.op();
                Ok(())
            }
            R::TrailerPeriod => {
                self.lt.op();
                Ok(())
            }
            R::Subscript2 | R::Subscript3 => self.compile_subscript(s),
            R::DictorsetmakerItem => {
                self.compile_node(s.nodes.get(1).unwrap_or(&Node::Null))?;
                self.compile_node(s.nodes.first().unwrap_or(&Node::Null))?;
                Ok(())
            }
            R::Classdef => {
                let emit = self.scope().emit;
                let name = self.compile_classdef_helper(s, emit)?;
                self.store_id(name);
                Ok(())
            }
            R::YieldExpr => self.compile_yield_expr(s),
            _ => Err(self.err_at(s, "invalid syntax")),
        }
    }
}

fn has_comp_for(tc: &Struct) -> bool {
    tc.nodes.len() == 2 && tc.nodes.get(1).is_some_and(|n| n.is_kind(R::CompFor))
}
