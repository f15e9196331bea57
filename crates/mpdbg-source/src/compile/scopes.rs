//! The body of each kind of scope (`compile_scope` in `py/compile.c`):
//! module, function and lambda parameters, comprehensions, class bodies.

use super::{Assign, CResult, Compiler};
use crate::intern::Sym;
use crate::node::{Node, Struct, R};
use crate::scope::{
    Emit, IdKind, ScopeKind, FLAG_DBL_STAR_PARAM, FLAG_PARAM, FLAG_STAR_PARAM, SF_GENERATOR, SF_VARARGS, SF_VARKEYWORDS,
};

impl<'a> Compiler<'a> {
    pub(super) fn compile_scope(&mut self, root: &'a Node) -> CResult {
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
    pub(super) fn compile_scope_param(&mut self, pn: &'a Node, typed: bool) -> CResult {
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

    pub(super) fn count_param(&mut self) {
        if self.have_star {
            self.scope_mut().num_kwonly_args += 1;
        } else {
            self.scope_mut().num_pos_args += 1;
        }
    }

    pub(super) fn compile_scope_comp_iter(&mut self, comp_for: &'a Struct, inner: &'a Node) -> CResult {
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

    pub(super) fn yield_op(&mut self) {
        self.lt.op();
        self.scope_mut().scope_flags |= SF_GENERATOR;
    }

    pub(super) fn yield_from(&mut self) {
        self.lt.op(); // get_iter
        self.lt.op(); // load None
        self.yield_op();
    }

    pub(super) fn await_object_method(&mut self) {
        self.lt.op();
        self.lt.op();
        self.yield_from();
    }
}
