//! Detecting that the device runs code that differs from the source on the host.

use crate::code_objects::{flags, CodeObject};
use std::fmt;

/// Cheap facts the device reports about a running code object
/// (from `_mpdbg.code_info(frame)` and `frame.f_code.co_lines()`).
/// Leave a field `None` when it was not reported.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeviceFacts {
    /// `n_locals` as `_mpdbg.code_info` infers it; compared with
    /// [`CodeObject::n_locals_visible`].
    pub n_locals: Option<u32>,
    pub n_pos_args: Option<u32>,
    pub n_kwonly_args: Option<u32>,
    /// Prelude flag bits as `_mpdbg.code_info` reports them (MicroPython's
    /// own encoding, see [`crate::flags`]: 1 generator, 2 `**kw`, 4 `*args`;
    /// other bits are ignored).
    pub flags: Option<u8>,
    pub arg_names: Option<Vec<String>>,
    /// Line of definition (`rc->line_of_definition`); ignored for the module.
    pub def_line: Option<u32>,
    /// Lines reported by `co_lines()`, in any order.
    pub lines: Option<Vec<u32>>,
    /// Indices of slots that hold cells (from `_mpdbg.cellmask`).
    pub cell_slots: Option<Vec<u32>>,
}

/// One fact that differs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// Which fact: `n_locals`, `n_pos_args`, `n_kwonly_args`, `flags`,
    /// `arg_names`, `def_line`, `lines`, `cell_slots`.
    pub what: &'static str,
    /// Value computed from the source.
    pub source: String,
    /// Value reported by the device.
    pub device: String,
}

/// Outcome of [`crate::SourceModel::check`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every reported fact agrees with the source.
    Matches,
    /// The source differs from the device's code.
    Differs(Vec<Difference>),
}

impl Verdict {
    pub fn matches(&self) -> bool {
        matches!(self, Verdict::Matches)
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Matches => write!(f, "source matches the device's code"),
            Verdict::Differs(d) => {
                write!(f, "source differs from the device's code:")?;
                for (i, x) in d.iter().enumerate() {
                    let sep = if i == 0 { " " } else { "; " };
                    write!(
                        f,
                        "{sep}{} is {} in the source but {} on the device",
                        x.what, x.source, x.device
                    )?;
                }
                Ok(())
            }
        }
    }
}

fn lines_str(l: &[u32]) -> String {
    let v: Vec<String> = l.iter().map(u32::to_string).collect();
    format!("[{}]", v.join(", "))
}

pub(crate) fn check(c: &CodeObject, facts: &DeviceFacts) -> Verdict {
    let mut d = Vec::new();
    let mut num = |what: &'static str, src: u32, dev: Option<u32>| {
        if let Some(v) = dev {
            if v != src {
                d.push(Difference {
                    what,
                    source: src.to_string(),
                    device: v.to_string(),
                });
            }
        }
    };
    num("n_locals", c.n_locals_visible, facts.n_locals);
    num("n_pos_args", c.n_pos_args, facts.n_pos_args);
    num("n_kwonly_args", c.n_kwonly_args, facts.n_kwonly_args);
    if c.parent.is_some() && !facts.def_line.is_some_and(|d| c.is_def_line(d)) {
        num("def_line", c.def_line, facts.def_line);
    }
    if let Some(f) = facts.flags {
        let mask = flags::GENERATOR | flags::VARKEYWORDS | flags::VARARGS;
        if f & mask != c.scope_flags & mask {
            d.push(Difference {
                what: "flags",
                source: (c.scope_flags & mask).to_string(),
                device: (f & mask).to_string(),
            });
        }
    }
    if let Some(names) = &facts.arg_names {
        if *names != c.arg_names {
            d.push(Difference {
                what: "arg_names",
                source: format!("{:?}", c.arg_names),
                device: format!("{names:?}"),
            });
        }
    }
    if let Some(lines) = &facts.lines {
        let mut l = lines.clone();
        l.sort_unstable();
        l.dedup();
        if !c.lines_agree(&l) {
            d.push(Difference {
                what: "lines",
                source: lines_str(&c.lines),
                device: lines_str(&l),
            });
        }
    }
    if let Some(cells) = &facts.cell_slots {
        let mut dev = cells.clone();
        dev.sort_unstable();
        dev.dedup();
        let src: Vec<u32> = c.slots.iter().filter(|s| s.holds_cell).map(|s| s.index).collect();
        if dev != src {
            d.push(Difference {
                what: "cell_slots",
                source: lines_str(&src),
                device: lines_str(&dev),
            });
        }
    }
    if d.is_empty() {
        Verdict::Matches
    } else {
        Verdict::Differs(d)
    }
}
