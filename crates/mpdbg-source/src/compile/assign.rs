//! Assignment and deletion targets (`c_assign`, `c_del_stmt`).

use super::{has_comp_for, Assign, CResult, Compiler};
use crate::node::{Node, Struct, R};

impl<'a> Compiler<'a> {
    pub(super) fn c_assign(&mut self, pn: &'a Node, kind: Assign) -> CResult {
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

    pub(super) fn c_assign_tuple(&mut self, items: &'a [Node]) -> CResult {
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

    pub(super) fn c_assign_atom_expr(&mut self, s: &'a Struct, kind: Assign) -> CResult {
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

    pub(super) fn c_del_stmt(&mut self, pn: &'a Node) -> CResult {
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
}
