//! Scopes, variables, evaluation and assignment for a stopped program. The
//! device sends raw slot values and reprs; names and display are made here.
use super::{Session, State};
use crate::device::{DeviceMessage, DeviceValue, Request, SetTarget};
use anyhow::{anyhow, bail, Result};

/// Longest repr the agent sends; a value this long was cut.
const REPR_LIMIT: usize = 256;

/// What a variables reference stands for (valid during one stop).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Handle {
    Locals(usize),
    Globals(usize),
    /// A device reference, with the frame it came from (for assignments).
    Child {
        frame: usize,
        reference: u32,
    },
}

#[derive(Default)]
pub struct Handles(Vec<Handle>);

impl Handles {
    fn add(&mut self, h: Handle) -> i64 {
        if let Some(i) = self.0.iter().position(|x| *x == h) {
            return i as i64 + 1;
        }
        self.0.push(h);
        self.0.len() as i64
    }

    fn get(&self, reference: i64) -> Option<&Handle> {
        usize::try_from(reference)
            .ok()
            .and_then(|r| r.checked_sub(1))
            .and_then(|i| self.0.get(i))
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScopeView {
    pub name: String,
    pub reference: i64,
    pub expensive: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VarView {
    pub name: String,
    pub value: String,
    pub type_name: String,
    /// 0 when the value has no children.
    pub reference: i64,
    /// Number of indexed children (lists, tuples), for paging.
    pub indexed: Option<i64>,
    pub named: Option<i64>,
}

impl VarView {
    fn note(name: &str, text: &str) -> VarView {
        VarView {
            name: name.into(),
            value: text.into(),
            type_name: String::new(),
            reference: 0,
            indexed: None,
            named: None,
        }
    }
}

/// The value text an editor shows: the repr, marked when it was cut.
pub fn display(v: &DeviceValue) -> String {
    let cut = v.repr.len() >= REPR_LIMIT;
    let repr = super::repr::readable(&v.repr);
    match (cut, v.type_name.as_str(), v.length) {
        (false, _, _) => repr,
        (true, "str" | "bytes" | "bytearray", n) if n >= 0 => format!("{repr}… ({n} characters)"),
        (true, _, n) if n >= 0 => format!("{repr}… ({n} items)"),
        (true, _, _) => format!("{repr}…"),
    }
}

/// The type name an editor shows. MicroPython names a generator function's
/// type `generator`, as it names the generators it makes; its repr is the
/// bare `<generator>`, a generator's is `<generator object ...>`.
fn type_shown(v: &DeviceValue) -> String {
    if v.type_name == "generator" && v.repr == "<generator>" {
        return "generator_function".into();
    }
    v.type_name.clone()
}

fn is_indexed(v: &DeviceValue) -> bool {
    matches!(v.type_name.as_str(), "list" | "tuple")
}

impl Session {
    fn view(&self, st: &mut State, frame: usize, name: String, v: &DeviceValue) -> VarView {
        let reference = if v.reference > 0 {
            st.handles.add(Handle::Child {
                frame,
                reference: v.reference,
            })
        } else {
            0
        };
        let len = (v.length >= 0).then_some(v.length);
        VarView {
            name,
            value: display(v),
            type_name: type_shown(v),
            reference,
            indexed: if is_indexed(v) { len } else { None },
            named: if v.reference > 0 && !is_indexed(v) { len } else { None },
        }
    }

    pub fn scopes(&self, frame: usize) -> Result<Vec<ScopeView>> {
        let mut st = self.require_stopped()?;
        self.frame(&mut st, frame)?;
        let locals = st.handles.add(Handle::Locals(frame));
        let globals = st.handles.add(Handle::Globals(frame));
        Ok(vec![
            ScopeView {
                name: "Locals".into(),
                reference: locals,
                expensive: false,
            },
            ScopeView {
                name: "Globals".into(),
                reference: globals,
                expensive: true,
            },
        ])
    }

    /// Names of a frame's slots (None hides a slot), plus a warning to show.
    fn names(&self, st: &mut State, frame: usize) -> Result<(Vec<Option<String>>, Option<String>, DeviceMessage)> {
        let f = self.frame(st, frame)?;
        let msg = self.request(&Request::Locals { frame: frame as u32 })?;
        let DeviceMessage::Locals { locals, .. } = &msg else {
            bail!("unexpected reply to a locals request")
        };
        let host = self.root.to_host(&f.file);
        let names = self
            .sources
            .lock()
            .map_err(|_| anyhow!("sources poisoned"))?
            .slot_names(host.as_deref(), &f, locals);
        Ok((names.names, names.warning, msg))
    }

    /// The names a frame's slots have (for evaluation); empty at module level.
    fn slot_names_for_eval(&self, st: &mut State, frame: usize) -> Result<Vec<String>> {
        let (names, _, _) = self.names(st, frame)?;
        Ok(names
            .into_iter()
            .enumerate()
            .map(|(k, n)| n.unwrap_or_else(|| format!("_slot{k}")))
            .collect())
    }

    pub fn variables(&self, reference: i64, start: usize, count: Option<usize>) -> Result<Vec<VarView>> {
        let mut st = self.require_stopped()?;
        let handle = st
            .handles
            .get(reference)
            .cloned()
            .ok_or_else(|| anyhow!("no such variables reference"))?;
        if st.synthetic {
            return Ok(vec![VarView::note(
                "(mpdbg)",
                "the exception unwound this frame: no variables to show (firmware with mpdbg's core patch 0009 keeps them)",
            )]);
        }
        match handle {
            Handle::Locals(frame) => {
                let f = self.frame(&mut st, frame)?;
                if f.name == "<module>" {
                    return self.named(&mut st, frame, Request::Globals { frame: frame as u32 });
                }
                let (names, warning, msg) = self.names(&mut st, frame)?;
                let DeviceMessage::Locals { locals, .. } = msg else {
                    bail!("unexpected reply")
                };
                let mut out: Vec<VarView> = warning.iter().map(|w| VarView::note("(mpdbg)", w)).collect();
                for (name, v) in names.into_iter().zip(&locals.slots) {
                    if let (Some(name), false) = (name, v.is_unbound()) {
                        out.push(self.view(&mut st, frame, name, v));
                    }
                }
                Ok(out)
            }
            Handle::Globals(frame) => self.named(&mut st, frame, Request::Globals { frame: frame as u32 }),
            Handle::Child { frame, reference } => {
                let count = count.unwrap_or(1000) as u32;
                self.named(
                    &mut st,
                    frame,
                    Request::Children {
                        reference,
                        start: start as u32,
                        count,
                    },
                )
            }
        }
    }

    fn named(&self, st: &mut State, frame: usize, req: Request) -> Result<Vec<VarView>> {
        match self.request(&req)? {
            DeviceMessage::Named { items, .. } => Ok(items
                .into_iter()
                .map(|(name, v)| self.view(st, frame, name, &v))
                .collect()),
            _ => bail!("unexpected reply to a variables request"),
        }
    }

    /// Evaluates an expression (or, with `statement`, runs a statement) in a frame.
    pub fn evaluate(&self, frame: usize, text: &str, statement: bool) -> Result<VarView> {
        let mut st = self.require_stopped()?;
        if st.synthetic {
            bail!("the exception has unwound the program's frames: there is nothing left to evaluate in");
        }
        let names = self.slot_names_for_eval(&mut st, frame)?;
        let req = Request::Evaluate {
            frame: frame as u32,
            statement,
            text: text.to_string(),
            names,
        };
        match self.request(&req)? {
            DeviceMessage::Evaluated { result: Ok(v), .. } => Ok(self.view(&mut st, frame, String::new(), &v)),
            _ => bail!("unexpected reply to evaluate"),
        }
    }

    /// Assigns `value` to an assignable expression (`x`, `a[0]`, `p.y`) in a
    /// frame and returns the expression's new value (DAP's `setExpression`).
    pub fn set_expression(&self, frame: usize, expression: &str, value: &str) -> Result<VarView> {
        self.evaluate(frame, &format!("{expression} = ({value})"), true)?;
        self.evaluate(frame, expression, false)
    }

    /// A function frame's arguments, in order (pdb's `args`).
    pub fn arguments(&self, frame: usize) -> Result<Vec<VarView>> {
        let mut st = self.require_stopped()?;
        if st.synthetic {
            bail!("the exception has unwound the program's frames: there are no arguments to show");
        }
        if self.frame(&mut st, frame)?.name == "<module>" {
            return Ok(Vec::new());
        }
        let (names, _, msg) = self.names(&mut st, frame)?;
        let DeviceMessage::Locals { locals, .. } = msg else {
            bail!("unexpected reply to a locals request")
        };
        // Slots in order: positional and keyword-only parameters (free
        // variables, named "*", among them), then *args and **kwargs.
        let star = u32::from(locals.scope_flags & 0x04 != 0) + u32::from(locals.scope_flags & 0x02 != 0);
        let count = (locals.n_pos_args + locals.n_kwonly_args + star) as usize;
        let mut out = Vec::new();
        for k in 0..count.min(locals.slots.len()) {
            let free = locals.arg_names.get(k).is_some_and(|a| a == "*");
            if let (Some(Some(name)), false) = (names.get(k), free) {
                out.push(self.view(&mut st, frame, name.clone(), &locals.slots[k]));
            }
        }
        Ok(out)
    }

    /// Assigns the value of expression `value` to a variable shown under `reference`.
    pub fn set_variable(&self, reference: i64, name: &str, value: &str) -> Result<VarView> {
        let mut st = self.require_stopped()?;
        let handle = st
            .handles
            .get(reference)
            .cloned()
            .ok_or_else(|| anyhow!("no such variables reference"))?;
        let (frame, target) = match handle {
            Handle::Locals(frame) => {
                let f = self.frame(&mut st, frame)?;
                if f.name == "<module>" {
                    (frame, SetTarget::Global(name.to_string()))
                } else {
                    let (names, _, _) = self.names(&mut st, frame)?;
                    let k = names
                        .iter()
                        .position(|n| n.as_deref() == Some(name))
                        .ok_or_else(|| anyhow!("{name} is not a local of this frame"))?;
                    (frame, SetTarget::Slot(k as u32))
                }
            }
            Handle::Globals(frame) => (frame, SetTarget::Global(name.to_string())),
            Handle::Child { frame, reference } => (
                frame,
                SetTarget::Child {
                    reference,
                    key: name.to_string(),
                },
            ),
        };
        let names = self.slot_names_for_eval(&mut st, frame)?;
        let req = Request::Set {
            frame: frame as u32,
            target,
            text: value.to_string(),
            names,
        };
        match self.request(&req)? {
            DeviceMessage::Evaluated { result: Ok(v), .. } => Ok(self.view(&mut st, frame, name.to_string(), &v)),
            _ => bail!("unexpected reply to setVariable"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_show_their_length() {
        let v = DeviceValue {
            type_name: "str".into(),
            repr: "x".repeat(REPR_LIMIT),
            reference: 0,
            length: 5000,
        };
        assert!(display(&v).ends_with("… (5000 characters)"));
        let v = DeviceValue {
            type_name: "int".into(),
            repr: "5".into(),
            reference: 0,
            length: -1,
        };
        assert_eq!(display(&v), "5");
    }

    #[test]
    fn a_generator_function_is_told_from_its_generators() {
        let value = |repr: &str| DeviceValue {
            type_name: "generator".into(),
            repr: repr.into(),
            reference: 0,
            length: -1,
        };
        assert_eq!(type_shown(&value("<generator>")), "generator_function");
        assert_eq!(type_shown(&value("<generator object 'pair' at 7f00>")), "generator");
    }
}
