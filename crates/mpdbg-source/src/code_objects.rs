//! The public description of every code object MicroPython makes for a file.

use crate::intern::Interner;
use crate::scope::{Emit, IdKind, Scope, ScopeKind, FLAG_PARAM, SF_GENERATOR, SF_VARARGS, SF_VARKEYWORDS};

/// Index of a code object in a [`crate::SourceModel`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CodeId(pub usize);

/// What produced a code object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeKind {
    /// The module body (`<module>`).
    Module,
    /// A class body (named after the class).
    Class,
    /// `def` or `async def` (see [`CodeObject::is_async`]).
    Function,
    /// `lambda` (`<lambda>`).
    Lambda,
    /// `[... for ...]` (`<listcomp>`).
    ListComp,
    /// `{k: v for ...}` (`<dictcomp>`).
    DictComp,
    /// `{x for ...}` (`<setcomp>`).
    SetComp,
    /// `(... for ...)` (`<genexpr>`).
    GenExpr,
}

/// How MicroPython emits the code object. Only bytecode produces trace events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmitKind {
    Bytecode,
    /// `@micropython.native` (or nested in such a function).
    Native,
    /// `@micropython.viper`.
    Viper,
    /// `@micropython.asm_thumb` / `asm_xtensa` / `asm_rv32`.
    InlineAsm,
}

/// Role of a local slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlotRole {
    /// A variable of an enclosing function (always holds a cell). Free
    /// variables come first in MicroPython's numbering.
    Free,
    /// A parameter (may hold a cell, see [`Slot::holds_cell`]).
    Param,
    /// A plain local variable.
    Local,
    /// A local captured by a nested function (non-parameter cell).
    Cell,
}

/// One local slot, in MicroPython's `local_num` order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    /// The `local_num`: position in `_mpdbg.slots(frame)`.
    pub index: u32,
    /// Variable name. Comprehensions' hidden iterator parameter is named `""`
    /// (MicroPython uses the empty qstr; CPython calls it `.0`).
    pub name: String,
    pub role: SlotRole,
    /// Whether the slot holds a cell object at run time (`_mpdbg.cellmask`).
    pub holds_cell: bool,
}

/// Prelude scope-flag bits (`py/runtime0.h`), as stored in the bytecode prelude.
pub mod flags {
    /// `MP_SCOPE_FLAG_GENERATOR`
    pub const GENERATOR: u8 = 0x01;
    /// `MP_SCOPE_FLAG_VARKEYWORDS` (`**kw`)
    pub const VARKEYWORDS: u8 = 0x02;
    /// `MP_SCOPE_FLAG_VARARGS` (`*args`)
    pub const VARARGS: u8 = 0x04;
    /// `MP_SCOPE_FLAG_DEFKWARGS` (keyword-only parameters with defaults)
    pub const DEFKWARGS: u8 = 0x08;
}

/// A code object as MicroPython compiles it.
#[derive(Clone, Debug)]
pub struct CodeObject {
    pub id: CodeId,
    pub kind: CodeKind,
    /// `co_name` (`<module>`, `<lambda>`, `<listcomp>`, ... or the def/class name).
    pub name: String,
    /// Dotted path for display, e.g. `Outer.method.<lambda>`.
    pub path: String,
    pub parent: Option<CodeId>,
    pub children: Vec<CodeId>,
    pub emit: EmitKind,
    pub is_async: bool,
    pub is_generator: bool,
    /// `f_lineno` at this code object's `call` event. For everything but the
    /// module this is `rc->line_of_definition`: the line the enclosing code
    /// was on when it created the function object — the `def`/`class` line,
    /// but for a decorated function the (last) decorator line that emitted
    /// code, unless default values on the `def` line moved it there. For the
    /// module it is the first line with code.
    pub def_line: u32,
    /// First and last source line of the construct (`def`/`class`/`lambda`
    /// keyword or comprehension start, to its last token).
    pub span: (u32, u32),
    /// Number of local slots the compiler allocates.
    pub n_locals: u32,
    /// Number of local slots the device can see: `_mpdbg` infers `n_locals`
    /// from the highest slot that the parameters, the cell list or reachable
    /// bytecode uses, so a trailing local that only dead code (or a bare
    /// annotation `x: int`) mentions is not counted. Usually equal to `n_locals`.
    pub n_locals_visible: u32,
    /// Positional parameters as the prelude stores them: includes one per
    /// free variable (MicroPython passes closed-over cells as leading args).
    pub n_pos_args: u32,
    pub n_kwonly_args: u32,
    /// Number of positional parameters with defaults.
    pub n_def_pos_args: u32,
    /// Prelude flag bits, see [`flags`].
    pub scope_flags: u8,
    /// Argument names as the prelude stores them (`n_pos_args + n_kwonly_args`
    /// entries; `"*"` for the positions of free variables).
    pub arg_names: Vec<String>,
    /// Slots in `local_num` order (`slots[k].index == k`).
    pub slots: Vec<Slot>,
    /// Lines on which MicroPython can deliver a `line` event: the lines that
    /// `code.co_lines()` reports on the device. Sorted. Empty unless bytecode.
    pub lines: Vec<u32>,
    /// Lines whose presence in the device's line table depends on whether a
    /// string literal longer than 10 bytes on them is already a qstr on the
    /// device (then it is not a constant object with a line of its own).
    /// `lines` assumes it is not (a fresh interpreter); [`crate::SourceModel::check`]
    /// and [`crate::SourceModel::find_code`] accept either. Usually empty.
    pub uncertain_lines: Vec<u32>,
    /// The line of definition if such strings are qstrs, when it differs.
    pub alt_def_line: Option<u32>,
}

impl CodeObject {
    /// True when the code runs as bytecode and so produces trace events.
    pub fn debuggable(&self) -> bool {
        self.emit == EmitKind::Bytecode
    }

    /// Slot names in `local_num` order.
    pub fn slot_names(&self) -> Vec<&str> {
        self.slots.iter().map(|s| s.name.as_str()).collect()
    }

    /// Parameter names in slot order (positional, keyword-only, `*args`,
    /// `**kw`; MicroPython's order, see the crate docs).
    pub fn param_names(&self) -> Vec<&str> {
        self.slots
            .iter()
            .filter(|s| s.role == SlotRole::Param)
            .map(|s| s.name.as_str())
            .collect()
    }

    /// Name of slot `k`, if it exists.
    pub fn slot_name(&self, k: usize) -> Option<&str> {
        self.slots.get(k).map(|s| s.name.as_str())
    }

    pub fn has_varargs(&self) -> bool {
        self.scope_flags & flags::VARARGS != 0
    }

    pub fn has_varkw(&self) -> bool {
        self.scope_flags & flags::VARKEYWORDS != 0
    }

    /// Bit mask of slots that hold cells, for `k < 128`.
    pub fn cell_mask(&self) -> u128 {
        self.slots
            .iter()
            .filter(|s| s.holds_cell && s.index < 128)
            .fold(0u128, |m, s| m | (1u128 << s.index))
    }

    /// Whether `line` is in this code object's line table (or may be, see
    /// [`CodeObject::uncertain_lines`]).
    pub fn has_line(&self, line: u32) -> bool {
        self.lines.binary_search(&line).is_ok() || self.uncertain_lines.contains(&line)
    }

    /// Whether a line table reported by the device (sorted, unique) agrees
    /// with this one, allowing the uncertain lines either way.
    pub fn lines_agree(&self, device: &[u32]) -> bool {
        let certain = |l: &&u32| !self.uncertain_lines.contains(l);
        self.lines.iter().filter(certain).eq(device.iter().filter(certain))
    }

    /// Whether `line` is this code object's line of definition (either one,
    /// see [`CodeObject::alt_def_line`]).
    pub fn is_def_line(&self, line: u32) -> bool {
        line == self.def_line || self.alt_def_line == Some(line)
    }
}

fn kind_of(k: ScopeKind) -> CodeKind {
    match k {
        ScopeKind::Module => CodeKind::Module,
        ScopeKind::Class => CodeKind::Class,
        ScopeKind::Lambda => CodeKind::Lambda,
        ScopeKind::ListComp => CodeKind::ListComp,
        ScopeKind::DictComp => CodeKind::DictComp,
        ScopeKind::SetComp => CodeKind::SetComp,
        ScopeKind::GenExpr => CodeKind::GenExpr,
        ScopeKind::Function => CodeKind::Function,
    }
}

fn emit_of(e: Emit) -> EmitKind {
    match e {
        Emit::Bytecode => EmitKind::Bytecode,
        Emit::Native => EmitKind::Native,
        Emit::Viper => EmitKind::Viper,
        Emit::Asm => EmitKind::InlineAsm,
    }
}

fn slots_of(s: &Scope, interner: &Interner, class_name: &str) -> Vec<Slot> {
    let mut slots: Vec<Option<Slot>> = vec![None; s.num_locals as usize];
    for id in &s.ids {
        let name = interner.name(id.name);
        let is_param = id.flags & FLAG_PARAM != 0;
        let role = match id.kind {
            IdKind::Free if !is_param => SlotRole::Free,
            _ if is_param => SlotRole::Param,
            IdKind::Local => {
                if s.kind == ScopeKind::Class && name == class_name {
                    continue;
                }
                SlotRole::Local
            }
            IdKind::Cell => SlotRole::Cell,
            _ => continue,
        };
        let holds_cell = matches!(id.kind, IdKind::Cell | IdKind::Free);
        if let Some(slot) = slots.get_mut(id.local_num as usize) {
            *slot = Some(Slot {
                index: id.local_num,
                name: name.to_string(),
                role,
                holds_cell,
            });
        }
    }
    slots
        .into_iter()
        .enumerate()
        .map(|(k, s)| {
            s.unwrap_or(Slot {
                index: k as u32,
                name: format!("<slot {k}>"),
                role: SlotRole::Local,
                holds_cell: false,
            })
        })
        .collect()
}

fn visible_locals(s: &Scope) -> u32 {
    let mut n = 0;
    for id in &s.ids {
        let counted = id.flags & FLAG_PARAM != 0
            || matches!(id.kind, IdKind::Cell | IdKind::Free)
            || (id.kind == IdKind::Local && s.touched.contains(&id.name));
        let is_class_marker = s.kind == ScopeKind::Class && id.kind == IdKind::Local;
        if counted && !is_class_marker {
            n = n.max(id.local_num + 1);
        }
    }
    n.min(s.num_locals)
}

fn arg_names_of(s: &Scope, interner: &Interner) -> Vec<String> {
    (0..s.num_pos_args + s.num_kwonly_args)
        .map(|i| {
            s.ids
                .iter()
                .find(|id| id.flags & FLAG_PARAM != 0 && id.local_num == i)
                .map(|id| interner.name(id.name).to_string())
                .unwrap_or_else(|| "*".to_string())
        })
        .collect()
}

/// Build the public code objects from the compiled scopes.
pub(crate) fn build(scopes: &[Scope], interner: &Interner) -> Vec<CodeObject> {
    let mut out: Vec<CodeObject> = Vec::with_capacity(scopes.len());
    for (i, s) in scopes.iter().enumerate() {
        let name = interner.name(s.simple_name).to_string();
        let path = match s.parent {
            Some(p) if p > 0 => match out.get(p) {
                Some(parent) => format!("{}.{}", parent.path, name),
                None => name.clone(),
            },
            _ => name.clone(),
        };
        let bytecode = s.emit == Emit::Bytecode;
        let lines = if bytecode { s.lines.clone() } else { Vec::new() };
        let def_line = if s.parent.is_none() {
            lines.first().copied().unwrap_or(1)
        } else {
            s.line_of_definition
        };
        let mut sf = 0u8;
        if s.scope_flags & SF_GENERATOR != 0 {
            sf |= flags::GENERATOR;
        }
        if s.scope_flags & SF_VARKEYWORDS != 0 {
            sf |= flags::VARKEYWORDS;
        }
        if s.scope_flags & SF_VARARGS != 0 {
            sf |= flags::VARARGS;
        }
        if s.scope_flags & crate::scope::SF_DEFKWARGS != 0 {
            sf |= flags::DEFKWARGS;
        }
        let span = if s.parent.is_none() {
            (1, s.pn.end_line.max(1))
        } else {
            (s.pn.line, s.pn.end_line.max(s.pn.line))
        };
        out.push(CodeObject {
            id: CodeId(i),
            kind: kind_of(s.kind),
            name,
            path,
            parent: s.parent.map(CodeId),
            children: s.children.iter().copied().map(CodeId).collect(),
            emit: emit_of(s.emit),
            is_async: s.is_async,
            is_generator: s.scope_flags & SF_GENERATOR != 0,
            def_line,
            span,
            n_locals: s.num_locals,
            n_locals_visible: visible_locals(s),
            n_pos_args: s.num_pos_args,
            n_kwonly_args: s.num_kwonly_args,
            n_def_pos_args: s.num_def_pos_args,
            scope_flags: sf,
            arg_names: arg_names_of(s, interner),
            slots: slots_of(s, interner, "__class__"),
            lines,
            uncertain_lines: Vec::new(),
            alt_def_line: None,
        });
    }
    out
}
