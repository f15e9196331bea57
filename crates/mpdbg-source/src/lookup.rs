//! Finding the code object a running frame belongs to.

use crate::code_objects::{CodeId, CodeObject};

/// What the caller knows about a running frame. Only `name` and `line` are
/// required; every other field narrows the search and should be passed when
/// the device reported it (`_mpdbg.code_info(frame)`, `_mpdbg.cellmask(frame)`
/// and `frame.f_code.co_lines()` give all of them). With all of them, the
/// only code objects left ambiguous are ones that compile to the same
/// parameters, slots and lines (for example `f, g = lambda x: x, lambda x: x`).
#[derive(Clone, Debug, Default)]
pub struct FrameQuery<'a> {
    /// `frame.f_code.co_name`.
    pub name: &'a str,
    /// `frame.f_lineno`: the line of a `call` event or of any later event.
    pub line: u32,
    /// `def_line` from `_mpdbg.code_info` (the function's line of definition).
    pub def_line: Option<u32>,
    /// `n_locals` from `_mpdbg.code_info` (compared with [`CodeObject::n_locals_visible`]).
    pub n_locals: Option<u32>,
    /// Positional parameter count as the prelude stores it (includes free variables).
    pub n_pos_args: Option<u32>,
    pub n_kwonly_args: Option<u32>,
    /// Prelude argument names.
    pub arg_names: Option<&'a [String]>,
    /// Lines of `frame.f_code.co_lines()`; the strongest disambiguator.
    pub lines: Option<&'a [u32]>,
    /// Slots holding cells (from `_mpdbg.cellmask`): tells apart nested
    /// comprehensions or lambdas on one line (the outer one holds a cell
    /// that the inner one receives as a free variable).
    pub cell_slots: Option<&'a [u32]>,
}

/// Result of [`crate::SourceModel::find_code`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodeMatch {
    /// Exactly one code object fits.
    Unique(CodeId),
    /// Several code objects fit everything the query told (for example two
    /// identical lambdas on one line). `same_slots` is true when they all
    /// have the same slot names, so slots can still be named.
    Ambiguous { candidates: Vec<CodeId>, same_slots: bool },
    /// No code object in this source fits: the device runs different code.
    NotFound,
}

pub(crate) fn find<'m>(code: &'m [CodeObject], q: &FrameQuery) -> CodeMatch {
    let fits = |c: &&'m CodeObject| -> bool {
        if c.name != q.name {
            return false;
        }
        if !c.is_def_line(q.line) && !c.has_line(q.line) {
            return false;
        }
        if let Some(d) = q.def_line {
            // The module's def_line on the device is 0 (no line of definition).
            if c.parent.is_some() && !c.is_def_line(d) {
                return false;
            }
        }
        if q.n_locals.is_some_and(|n| n != c.n_locals_visible)
            || q.n_pos_args.is_some_and(|n| n != c.n_pos_args)
            || q.n_kwonly_args.is_some_and(|n| n != c.n_kwonly_args)
        {
            return false;
        }
        if let Some(names) = q.arg_names {
            if names.len() != c.arg_names.len() || names.iter().zip(&c.arg_names).any(|(a, b)| a != b) {
                return false;
            }
        }
        if let Some(cells) = q.cell_slots {
            let mut want: Vec<u32> = cells.to_vec();
            want.sort_unstable();
            want.dedup();
            let have: Vec<u32> = c.slots.iter().filter(|s| s.holds_cell).map(|s| s.index).collect();
            if want != have {
                return false;
            }
        }
        if let Some(lines) = q.lines {
            let mut l: Vec<u32> = lines.to_vec();
            l.sort_unstable();
            l.dedup();
            if !c.lines_agree(&l) {
                return false;
            }
        }
        true
    };
    let cands: Vec<&CodeObject> = code.iter().filter(fits).collect();
    match cands.len() {
        0 => CodeMatch::NotFound,
        1 => CodeMatch::Unique(cands[0].id),
        _ => {
            let first = cands[0].slot_names();
            let same_slots = cands.iter().all(|c| c.slot_names() == first);
            CodeMatch::Ambiguous {
                candidates: cands.iter().map(|c| c.id).collect(),
                same_slots,
            }
        }
    }
}
