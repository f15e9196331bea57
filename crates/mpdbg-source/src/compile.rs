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
use crate::scope::{
    check_to_close_over, compute_things, Emit, IdKind, Scope, ScopeKind, FLAG_DBL_STAR_PARAM, FLAG_PARAM,
    FLAG_STAR_PARAM, SF_DEFKWARGS, SF_GENERATOR, SF_VARARGS, SF_VARKEYWORDS,
};

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

    // ----- identifiers ---------------------------------------------------

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

    // ----- scopes --------------------------------------------------------

    fn compile_scope(&mut self, root: &'a Node) -> CResult {
        let kind = self.scope().kind;
        let pn = self.scope().pn;
        if self.scope().emit == Emit::Asm {
            // Inline assembler: no identifiers, no nested scopes, no line table.
            return Ok(());
        }
        match kind {
            ScopeKind::Module => {
                self.compile_node(root)?;
                self.lt.op();
                self.lt.jump();
            }
            ScopeKind::Function => {
                self.have_star = false;
                let params = pn.nodes.get(1).unwrap_or(&Node::Null);
                for p in params.list(R::Typedargslist) {
                    self.compile_scope_param(p, true)?;
                }
                self.compile_node(pn.nodes.get(3).unwrap_or(&Node::Null))?;
                self.lt.op();
                self.lt.jump();
            }
            ScopeKind::Lambda => {
                self.lt.set_line(pn.line);
                self.have_star = false;
                let params = pn.nodes.first().unwrap_or(&Node::Null);
                for p in params.list(R::Varargslist) {
                    self.compile_scope_param(p, false)?;
                }
                self.compile_node(pn.nodes.get(1).unwrap_or(&Node::Null))?;
                if self.scope().scope_flags & SF_GENERATOR != 0 {
                    self.lt.op();
                    self.lt.op();
                }
                self.lt.jump();
            }
            ScopeKind::ListComp | ScopeKind::DictComp | ScopeKind::SetComp | ScopeKind::GenExpr => {
                let empty = self.sy.empty;
                self.scope_mut().find_or_add(empty, IdKind::Local);
                self.scope_mut().num_pos_args = 1;
                self.lt.set_line(pn.line);
                if kind == ScopeKind::GenExpr {
                    self.lt.op();
                    self.load_id(empty);
                    self.lt.op();
                    self.lt.op();
                } else {
                    self.lt.op(); // build the list/dict/set
                    self.load_id(empty);
                    self.lt.op(); // get_iter
                }
                let comp_for = pn
                    .nodes
                    .get(1)
                    .and_then(|n| n.struct_of(R::CompFor))
                    .ok_or_else(|| self.err_at(pn, "internal: comprehension without for"))?;
                let inner = pn.nodes.first().unwrap_or(&Node::Null);
                self.compile_scope_comp_iter(comp_for, inner)?;
                if kind == ScopeKind::GenExpr {
                    self.lt.op();
                }
                self.lt.jump();
            }
            ScopeKind::Class => {
                let class = self.sy.class;
                self.scope_mut().find_or_add(class, IdKind::Local);
                self.lt.set_line(pn.line);
                let (n, m, q) = (self.sy.name, self.sy.module, self.sy.qualname);
                self.load_id(n);
                self.store_id(m);
                self.lt.op();
                self.store_id(q);
                self.compile_node(pn.nodes.get(2).unwrap_or(&Node::Null))?;
                self.lt.op();
                self.lt.jump();
            }
        }
        Ok(())
    }

    /// `compile_scope_func_lambda_param`.
    fn compile_scope_param(&mut self, pn: &'a Node, typed: bool) -> CResult {
        if self.scope().scope_flags & SF_VARKEYWORDS != 0 {
            return Err(self.err("invalid syntax"));
        }
        let (k_name, k_star, k_dbl) = if typed {
            (R::TypedargslistName, R::TypedargslistStar, R::TypedargslistDblStar)
        } else {
            (R::VarargslistName, R::VarargslistStar, R::VarargslistDblStar)
        };
        let mut flag = FLAG_PARAM;
        let name: Option<Sym>;
        match pn {
            Node::Id(s) => {
                name = Some(*s);
                self.count_param();
            }
            Node::Struct(st) if st.kind == k_name => {
                name = st.nodes.first().and_then(Node::id);
                self.count_param();
            }
            Node::Struct(st) if st.kind == k_star => {
                if self.have_star {
                    return Err(self.err_at(st, "invalid syntax"));
                }
                self.have_star = true;
                flag = FLAG_PARAM | FLAG_STAR_PARAM;
                match st.nodes.first() {
                    None | Some(Node::Null) => name = None,
                    Some(Node::Id(s)) => {
                        self.scope_mut().scope_flags |= SF_VARARGS;
                        name = Some(*s);
                    }
                    Some(Node::Struct(tf)) => {
                        self.scope_mut().scope_flags |= SF_VARARGS;
                        name = tf.nodes.first().and_then(Node::id);
                    }
                    Some(_) => name = None,
                }
            }
            Node::Struct(st) if st.kind == k_dbl => {
                name = st.nodes.first().and_then(Node::id);
                flag = FLAG_PARAM | FLAG_DBL_STAR_PARAM;
                self.scope_mut().scope_flags |= SF_VARKEYWORDS;
            }
            _ => return Err(self.err("invalid syntax")),
        }
        if let Some(name) = name {
            let i = self.scope_mut().find_or_add(name, IdKind::Undecided);
            if self.scope().ids[i].kind != IdKind::Undecided {
                return Err(self.err("argument name reused"));
            }
            let id = &mut self.scope_mut().ids[i];
            id.kind = IdKind::Local;
            id.flags = flag;
        }
        Ok(())
    }

    fn count_param(&mut self) {
        if self.have_star {
            self.scope_mut().num_kwonly_args += 1;
        } else {
            self.scope_mut().num_pos_args += 1;
        }
    }

    fn compile_scope_comp_iter(&mut self, comp_for: &'a Struct, inner: &'a Node) -> CResult {
        self.lt.label(); // l_top
        self.lt.op(); // for_iter
        self.c_assign(comp_for.nodes.first().unwrap_or(&Node::Null), Assign::Store)?;
        let mut pn_iter = comp_for.nodes.get(2).unwrap_or(&Node::Null);
        loop {
            match pn_iter {
                Node::Null => {
                    self.compile_node(inner)?;
                    if self.scope().kind == ScopeKind::GenExpr {
                        self.yield_op();
                        self.lt.op();
                    } else {
                        self.lt.op(); // store_comp
                    }
                    break;
                }
                Node::Struct(s) if s.kind == R::CompIf => {
                    self.c_if_cond(s.nodes.first().unwrap_or(&Node::Null), false)?;
                    pn_iter = s.nodes.get(1).unwrap_or(&Node::Null);
                }
                Node::Struct(s) if s.kind == R::CompFor => {
                    self.compile_node(s.nodes.get(1).unwrap_or(&Node::Null))?;
                    self.lt.op(); // get_iter
                    self.compile_scope_comp_iter(s, inner)?;
                    break;
                }
                _ => return Err(self.err("internal: bad comprehension")),
            }
        }
        self.lt.jump(); // jump l_top
        self.lt.label(); // l_end
        Ok(())
    }

    fn yield_op(&mut self) {
        self.lt.op();
        self.scope_mut().scope_flags |= SF_GENERATOR;
    }

    // ----- node dispatch -------------------------------------------------

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

    // ----- assignment ----------------------------------------------------

    fn c_assign(&mut self, pn: &'a Node, kind: Assign) -> CResult {
        match pn {
            Node::Id(s) => {
                match kind {
                    Assign::Store | Assign::AugStore => self.store_id(*s),
                    Assign::AugLoad => self.load_id(*s),
                }
                Ok(())
            }
            Node::Struct(s) => match s.kind {
                R::AtomExprNormal => self.c_assign_atom_expr(s, kind),
                R::TestlistStarExpr | R::Exprlist => {
                    if kind != Assign::Store {
                        return Err(self.err_at(s, "can't assign to expression"));
                    }
                    self.c_assign_tuple(&s.nodes)
                }
                R::AtomParen => match s.nodes.first() {
                    Some(Node::Struct(tc)) if tc.kind == R::TestlistComp && kind == Assign::Store => {
                        if has_comp_for(tc) {
                            return Err(self.err_at(s, "can't assign to expression"));
                        }
                        self.c_assign_tuple(&tc.nodes)
                    }
                    _ => Err(self.err_at(s, "can't assign to expression")),
                },
                R::AtomBracket => {
                    if kind != Assign::Store {
                        return Err(self.err_at(s, "can't assign to expression"));
                    }
                    match s.nodes.first() {
                        None | Some(Node::Null) => self.c_assign_tuple(&[]),
                        Some(Node::Struct(tc)) if tc.kind == R::TestlistComp => {
                            if has_comp_for(tc) {
                                return Err(self.err_at(s, "can't assign to expression"));
                            }
                            self.c_assign_tuple(&tc.nodes)
                        }
                        Some(_) => self.c_assign_tuple(&s.nodes[..1]),
                    }
                }
                _ => Err(self.err_at(s, "can't assign to expression")),
            },
            _ => Err(self.err("can't assign to expression")),
        }
    }

    fn c_assign_tuple(&mut self, items: &'a [Node]) -> CResult {
        let mut star: Option<usize> = None;
        for (i, n) in items.iter().enumerate() {
            if n.is_kind(R::StarExpr) {
                if star.is_none() {
                    self.lt.op(); // unpack_ex
                    star = Some(i);
                } else {
                    return Err(self.err("multiple *x in assignment"));
                }
            }
        }
        if star.is_none() {
            self.lt.op(); // unpack_sequence
        }
        for (i, n) in items.iter().enumerate() {
            if Some(i) == star {
                let inner = n.as_struct().and_then(|s| s.nodes.first()).unwrap_or(&Node::Null);
                self.c_assign(inner, Assign::Store)?;
            } else {
                self.c_assign(n, Assign::Store)?;
            }
        }
        Ok(())
    }

    fn c_assign_atom_expr(&mut self, s: &'a Struct, kind: Assign) -> CResult {
        if kind != Assign::AugStore {
            self.compile_node(s.nodes.first().unwrap_or(&Node::Null))?;
        }
        if let Some(Node::Struct(t)) = s.nodes.get(1) {
            let mut last: &'a Struct = t;
            if t.kind == R::AtomExprTrailers {
                let n = t.nodes.len();
                if kind != Assign::AugStore {
                    for x in t.nodes.iter().take(n.saturating_sub(1)) {
                        self.compile_node(x)?;
                    }
                }
                match t.nodes.last() {
                    Some(Node::Struct(l)) => last = l,
                    _ => return Err(self.err_at(s, "can't assign to expression")),
                }
            }
            if last.kind == R::TrailerBracket {
                if kind == Assign::AugStore {
                    self.lt.op();
                    self.lt.op();
                } else {
                    self.compile_node(last.nodes.first().unwrap_or(&Node::Null))?;
                    if kind == Assign::AugLoad {
                        self.lt.op();
                        self.lt.op();
                    } else {
                        self.lt.op();
                    }
                }
                return Ok(());
            } else if last.kind == R::TrailerPeriod {
                if kind == Assign::AugLoad {
                    self.lt.op();
                    self.lt.op();
                } else {
                    if kind == Assign::AugStore {
                        self.lt.op();
                    }
                    self.lt.op();
                }
                return Ok(());
            }
        }
        Err(self.err_at(s, "can't assign to expression"))
    }

    fn c_del_stmt(&mut self, pn: &'a Node) -> CResult {
        match pn {
            Node::Id(s) => {
                self.delete_id(*s);
                Ok(())
            }
            Node::Struct(s) if s.kind == R::AtomExprNormal => {
                self.compile_node(s.nodes.first().unwrap_or(&Node::Null))?;
                if let Some(Node::Struct(t)) = s.nodes.get(1) {
                    let mut last: &'a Struct = t;
                    if t.kind == R::AtomExprTrailers {
                        let n = t.nodes.len();
                        for x in t.nodes.iter().take(n.saturating_sub(1)) {
                            self.compile_node(x)?;
                        }
                        match t.nodes.last() {
                            Some(Node::Struct(l)) => last = l,
                            _ => return Err(self.err_at(s, "can't delete expression")),
                        }
                    }
                    if last.kind == R::TrailerBracket {
                        self.compile_node(last.nodes.first().unwrap_or(&Node::Null))?;
                        self.lt.op();
                        return Ok(());
                    } else if last.kind == R::TrailerPeriod {
                        self.lt.op();
                        return Ok(());
                    }
                }
                Err(self.err_at(s, "can't delete expression"))
            }
            Node::Struct(s) if s.kind == R::AtomParen => match s.nodes.first() {
                Some(Node::Struct(tc)) if tc.kind == R::TestlistComp && !has_comp_for(tc) => {
                    for n in &tc.nodes {
                        self.c_del_stmt(n)?;
                    }
                    Ok(())
                }
                _ => Err(self.err_at(s, "can't delete expression")),
            },
            _ => Err(self.err("can't delete expression")),
        }
    }

    // ----- functions and classes -----------------------------------------

    /// `close_over_variables_etc` followed by `make_function`/`make_closure`.
    fn close_over_and_make(&mut self, child: usize, n_pos_defaults: u32, n_kw_defaults: u32) {
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

    fn compile_funcdef_lambdef(&mut self, sc: usize, params: &'a Node, list_kind: R) -> CResult {
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

    fn compile_funcdef_lambdef_param(&mut self, pn: &'a Node) -> CResult {
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

    fn compile_funcdef_helper(&mut self, s: &'a Struct, emit: Emit) -> CResult<(Sym, usize)> {
        let name = s
            .nodes
            .first()
            .and_then(Node::id)
            .ok_or_else(|| self.err_at(s, "invalid syntax"))?;
        let sc = self.new_scope(ScopeKind::Function, s, name, emit);
        self.compile_funcdef_lambdef(sc, s.nodes.get(1).unwrap_or(&Node::Null), R::Typedargslist)?;
        Ok((name, sc))
    }

    fn compile_classdef_helper(&mut self, s: &'a Struct, emit: Emit) -> CResult<Sym> {
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
    fn built_in_decorator(&self, names: &[Node], at: &Struct) -> CResult<Option<Emit>> {
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

    fn compile_decorated(&mut self, s: &'a Struct) -> CResult {
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

    fn compile_async_stmt(&mut self, s: &'a Struct) -> CResult {
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

    // ----- statements ----------------------------------------------------

    fn compile_return_stmt(&mut self, s: &'a Struct) -> CResult {
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
    fn do_import_name(&mut self, pn: &'a Node) -> CResult<Option<Sym>> {
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

    fn compile_import_from(&mut self, s: &'a Struct) -> CResult {
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

    fn compile_global_nonlocal_stmt(&mut self, s: &'a Struct) -> CResult {
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

    fn declare_global_or_nonlocal(&mut self, i: usize, is_global: bool, at: &Struct) -> CResult {
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

    fn c_if_cond(&mut self, pn: &'a Node, jump_if: bool) -> CResult {
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

    fn compile_if_stmt(&mut self, s: &'a Struct) -> CResult {
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

    fn compile_while_stmt(&mut self, s: &'a Struct) -> CResult {
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
    fn range_args(&self, s: &'a Struct) -> Option<(Option<&'a Node>, &'a Node, Option<&'a Node>)> {
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

    fn compile_opt(&mut self, n: Option<&'a Node>) -> CResult {
        match n {
            Some(n) => self.compile_node(n),
            None => {
                self.lt.op();
                Ok(())
            }
        }
    }

    fn compile_for_stmt(&mut self, s: &'a Struct) -> CResult {
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

    fn compile_try_except(&mut self, body: &'a Node, excepts: &'a [Node], els: &'a Node) -> CResult {
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

    fn compile_try_finally(&mut self, body: &'a Node, excepts: &'a [Node], els: &'a Node, fin: &'a Node) -> CResult {
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

    fn compile_try_stmt(&mut self, s: &'a Struct) -> CResult {
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

    fn compile_with_stmt_helper(&mut self, items: &'a [Node], body: &'a Node) -> CResult {
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

    fn yield_from(&mut self) {
        self.lt.op(); // get_iter
        self.lt.op(); // load None
        self.yield_op();
    }

    fn await_object_method(&mut self) {
        self.lt.op();
        self.lt.op();
        self.yield_from();
    }

    fn compile_async_for_stmt(&mut self, s: &'a Struct) -> CResult {
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

    fn compile_async_with_stmt_helper(&mut self, items: &'a [Node], body: &'a Node) -> CResult {
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

    fn compile_expr_stmt(&mut self, s: &'a Struct) -> CResult {
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

    fn compile_namedexpr_helper(&mut self, name: &'a Node, expr: &'a Node) -> CResult {
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

    fn compile_comparison(&mut self, s: &'a Struct) -> CResult {
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

    fn compile_atom_expr_normal(&mut self, s: &'a Struct) -> CResult {
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

    fn compile_trailer_paren_helper(&mut self, arglist: &'a Node, n_positional_extra: u32) -> CResult {
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

    fn compile_comprehension(&mut self, pns: &'a Struct, kind: ScopeKind) -> CResult {
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

    fn compile_atom_brace_helper(&mut self, s: &'a Struct, create_map: bool) -> CResult {
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

    fn compile_subscript(&mut self, s: &'a Struct) -> CResult {
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

    fn compile_yield_expr(&mut self, s: &'a Struct) -> CResult {
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

fn has_comp_for(tc: &Struct) -> bool {
    tc.nodes.len() == 2 && tc.nodes.get(1).is_some_and(|n| n.is_kind(R::CompFor))
}
