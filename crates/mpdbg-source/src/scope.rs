//! Scopes and identifier bookkeeping as MicroPython's compiler does it
//! (`py/scope.c`, the scope pass of `py/compile.c`, `scope_compute_things`).

use crate::intern::Sym;
use crate::node::Struct;

/// What kind of code object a scope compiles to. The order matters: kinds
/// from `Lambda` on are "function-like" (`SCOPE_IS_FUNC_LIKE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum ScopeKind {
    Module,
    Class,
    Lambda,
    ListComp,
    DictComp,
    SetComp,
    GenExpr,
    Function,
}

impl ScopeKind {
    pub fn is_func_like(self) -> bool {
        self >= ScopeKind::Lambda
    }
    pub fn is_comp_like(self) -> bool {
        matches!(
            self,
            ScopeKind::ListComp | ScopeKind::DictComp | ScopeKind::SetComp | ScopeKind::GenExpr
        )
    }
}

/// How a scope's code is emitted (`emit_options`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Emit {
    Bytecode,
    Native,
    Viper,
    Asm,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IdKind {
    Undecided,
    GlobalImplicit,
    GlobalImplicitAssigned,
    GlobalExplicit,
    Local,
    Cell,
    Free,
}

pub(crate) const FLAG_PARAM: u8 = 0x01;
pub(crate) const FLAG_STAR_PARAM: u8 = 0x02;
pub(crate) const FLAG_DBL_STAR_PARAM: u8 = 0x04;

// scope_flags (py/runtime0.h)
pub(crate) const SF_GENERATOR: u16 = 0x01;
pub(crate) const SF_VARKEYWORDS: u16 = 0x02;
pub(crate) const SF_VARARGS: u16 = 0x04;
pub(crate) const SF_DEFKWARGS: u16 = 0x08;

#[derive(Clone, Debug)]
pub(crate) struct IdInfo {
    pub kind: IdKind,
    pub flags: u8,
    pub local_num: u32,
    pub name: Sym,
}

#[derive(Debug)]
pub(crate) struct Scope<'a> {
    pub kind: ScopeKind,
    pub parent: Option<usize>,
    pub pn: &'a Struct,
    pub simple_name: Sym,
    pub emit: Emit,
    pub scope_flags: u16,
    pub num_pos_args: u32,
    pub num_kwonly_args: u32,
    pub num_def_pos_args: u32,
    pub num_locals: u32,
    pub ids: Vec<IdInfo>,
    /// `rc->line_of_definition`: the enclosing scope's current line when the
    /// function object was made.
    pub line_of_definition: u32,
    /// Lines that own at least one byte of bytecode (what `co_lines()` reports).
    pub lines: Vec<u32>,
    pub children: Vec<usize>,
    pub is_async: bool,
    /// Names that reachable bytecode loads, stores or deletes.
    pub touched: std::collections::HashSet<Sym>,
}

impl<'a> Scope<'a> {
    pub fn new(kind: ScopeKind, parent: Option<usize>, pn: &'a Struct, name: Sym, emit: Emit) -> Self {
        Scope {
            kind,
            parent,
            pn,
            simple_name: name,
            emit,
            scope_flags: 0,
            num_pos_args: 0,
            num_kwonly_args: 0,
            num_def_pos_args: 0,
            num_locals: 0,
            ids: Vec::new(),
            line_of_definition: 0,
            lines: Vec::new(),
            children: Vec::new(),
            is_async: false,
            touched: std::collections::HashSet::new(),
        }
    }

    pub fn find(&self, name: Sym) -> Option<usize> {
        self.ids.iter().position(|i| i.name == name)
    }

    /// `scope_find_or_add_id`: index of the id, adding it with `kind` if new.
    pub fn find_or_add(&mut self, name: Sym, kind: IdKind) -> usize {
        if let Some(i) = self.find(name) {
            return i;
        }
        self.ids.push(IdInfo {
            kind,
            flags: 0,
            local_num: 0,
            name,
        });
        self.ids.len() - 1
    }

    /// `mp_emit_common_get_id_for_modification`.
    pub fn id_for_modification(&mut self, name: Sym) -> usize {
        let i = self.find_or_add(name, IdKind::GlobalImplicit);
        if self.ids[i].kind == IdKind::GlobalImplicit {
            self.ids[i].kind = if self.kind.is_func_like() {
                IdKind::Local
            } else {
                IdKind::GlobalImplicitAssigned
            };
        }
        i
    }
}

/// `scope_close_over_in_parents`.
pub(crate) fn close_over_in_parents(scopes: &mut [Scope], scope: usize, name: Sym) {
    let mut s = scopes[scope].parent;
    while let Some(si) = s {
        if scopes[si].parent.is_none() {
            // never close over in the module scope
            return;
        }
        let i = scopes[si].find_or_add(name, IdKind::Undecided);
        let id = &mut scopes[si].ids[i];
        match id.kind {
            IdKind::Undecided => {
                id.kind = IdKind::Free;
                s = scopes[si].parent;
            }
            IdKind::Local => {
                id.kind = IdKind::Cell;
                return;
            }
            _ => return,
        }
    }
}

/// `scope_check_to_close_over`: turn an implicit global into a free variable
/// when an enclosing function binds the name.
pub(crate) fn check_to_close_over(scopes: &mut [Scope], scope: usize, id: usize) {
    let name = scopes[scope].ids[id].name;
    let mut s = scopes[scope].parent;
    while let Some(si) = s {
        if scopes[si].parent.is_none() {
            break;
        }
        if let Some(j) = scopes[si].find(name) {
            if matches!(scopes[si].ids[j].kind, IdKind::Local | IdKind::Cell | IdKind::Free) {
                scopes[scope].ids[id].kind = IdKind::Free;
                close_over_in_parents(scopes, scope, name);
            }
            break;
        }
        s = scopes[si].parent;
    }
}

/// `scope_compute_things`: the star parameter swap and `local_num` numbering
/// (fast locals, then non-parameter cells, and free variables first of all).
pub(crate) fn compute_things(scopes: &mut [Scope], si: usize, class_sym: Sym) {
    // In MicroPython the *args parameter goes after all other parameters
    // except **kw: it is swapped with the last plain parameter after it.
    if scopes[si].scope_flags & SF_VARARGS != 0 {
        let ids = &mut scopes[si].ids;
        let mut id_param: Option<usize> = None;
        for i in (0..ids.len()).rev() {
            if ids[i].flags & FLAG_STAR_PARAM != 0 {
                if let Some(p) = id_param {
                    ids.swap(i, p);
                }
                break;
            } else if id_param.is_none() && ids[i].flags == FLAG_PARAM {
                id_param = Some(i);
            }
        }
    }

    let kind = scopes[si].kind;
    let mut num_locals = 0u32;
    for id in scopes[si].ids.iter_mut() {
        if kind == ScopeKind::Class && id.name == class_sym {
            continue;
        }
        if kind.is_func_like() && id.kind == IdKind::GlobalImplicit {
            id.kind = IdKind::GlobalExplicit;
        }
        if id.kind == IdKind::Local || id.flags & FLAG_PARAM != 0 {
            id.local_num = num_locals;
            num_locals += 1;
        }
    }
    for id in scopes[si].ids.iter_mut() {
        if id.kind == IdKind::Cell && id.flags & FLAG_PARAM == 0 {
            id.local_num = num_locals;
            num_locals += 1;
        }
    }
    scopes[si].num_locals = num_locals;

    if let Some(pi) = scopes[si].parent {
        let parent_cells: Vec<Sym> = scopes[pi]
            .ids
            .iter()
            .filter(|i| matches!(i.kind, IdKind::Cell | IdKind::Free))
            .map(|i| i.name)
            .collect();
        let mut num_free = 0u32;
        for name in parent_cells {
            for id in scopes[si].ids.iter_mut() {
                if id.kind == IdKind::Free && id.name == name {
                    id.local_num = num_free;
                    num_free += 1;
                }
            }
        }
        if num_free > 0 {
            for id in scopes[si].ids.iter_mut() {
                if id.kind != IdKind::Free || id.flags & FLAG_PARAM != 0 {
                    id.local_num += num_free;
                }
            }
            scopes[si].num_pos_args += num_free;
            scopes[si].num_locals += num_free;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::{Node, R};

    fn dummy() -> Struct {
        match Node::st(R::PassStmt, 1, 1, vec![]) {
            Node::Struct(b) => *b,
            _ => unreachable!(),
        }
    }

    #[test]
    fn star_param_swaps_with_last_plain_param() {
        // def f(a, *args, c, d, **kw): MicroPython numbers a, d, c, args, kw
        let pn = dummy();
        let mut s = Scope::new(ScopeKind::Function, None, &pn, Sym(0), Emit::Bytecode);
        for (n, f) in [
            (1, FLAG_PARAM),
            (2, FLAG_PARAM | FLAG_STAR_PARAM),
            (3, FLAG_PARAM),
            (4, FLAG_PARAM),
            (5, FLAG_PARAM | FLAG_DBL_STAR_PARAM),
        ] {
            s.ids.push(IdInfo {
                kind: IdKind::Local,
                flags: f,
                local_num: 0,
                name: Sym(n),
            });
        }
        s.scope_flags = SF_VARARGS | SF_VARKEYWORDS;
        let mut scopes = vec![s];
        compute_things(&mut scopes, 0, Sym(99));
        let order: Vec<u32> = {
            let mut v: Vec<(u32, u32)> = scopes[0].ids.iter().map(|i| (i.local_num, i.name.0)).collect();
            v.sort();
            v.into_iter().map(|p| p.1).collect()
        };
        assert_eq!(order, vec![1, 4, 3, 2, 5]);
    }
}
