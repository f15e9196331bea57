//! Source model for mpdbg: what MicroPython's compiler makes of a Python file.
//!
//! The device sends raw local-slot values in MicroPython's `local_num` order
//! and no names. This crate reconstructs, from the source alone and by
//! MicroPython's own rules:
//!
//! * every code object the compiler makes (module, classes, functions,
//!   lambdas, comprehensions, generators, `async def`), with `co_name`, the
//!   line of its `call` event and its nesting ([`CodeObject`]);
//! * the name of every local slot, which slots hold cells, the parameter
//!   counts and prelude argument names ([`Slot`]);
//! * the lines on which `line` trace events can occur, i.e. what
//!   `co_lines()` reports on the device ([`CodeObject::lines`]), and a
//!   breakpoint resolver ([`SourceModel::resolve_breakpoint`]);
//! * a check of a running code object against the source
//!   ([`SourceModel::check`]).
//!
//! ```
//! use mpdbg_source::SourceModel;
//! let src = "def f(a, b, *args, c=1, **kw):\n    z = a\n    return z\n";
//! let m = SourceModel::analyze(src).unwrap();
//! let f = m.code_objects().iter().find(|c| c.name == "f").unwrap();
//! assert_eq!(f.slot_names(), ["a", "b", "c", "args", "kw", "z"]);
//! assert_eq!(f.lines, [2, 3]);
//! ```
//!
//! # Parser choice
//!
//! The crate carries its own lexer and recursive-descent parser for
//! MicroPython's grammar instead of depending on `rustpython-parser`,
//! `ruff_python_parser` or `tree-sitter-python`. Slot numbering could be
//! derived from any Python AST, but MicroPython's line table cannot:
//! MicroPython records a line number for every *struct node* of its own parse
//! tree that it compiles, and whether something is a struct node depends on
//! that parser's choices (rules with one child collapse, constants fold at
//! parse time, `X = const(1)` substitutes `X` everywhere after it, lonely
//! strings become `pass`, short strings are leaves but long ones are
//! constant objects, f-strings turn into `.format()` calls, parentheses
//! vanish). Reproducing that tree directly is simpler and exact, accepts
//! exactly MicroPython's syntax (including `const()` and `@micropython.*`
//! decorators), needs no dependencies, and parses a 5,000-line file in a few
//! milliseconds.
//!
//! # Numbering rules (MicroPython's, not CPython's)
//!
//! Names get an id at their first load or store in compile order (the value
//! of an assignment before its targets, the left-most target first, a dict
//! display's value before its key, the end of `range(a, b)` before its start,
//! a `while` body before its condition; names in `if False:` bodies never).
//! `local_num` then numbers parameters and locals in id order, except that
//! `*args` swaps places with the *last* plain parameter after it (so
//! `def f(a, *r, c, d)` numbers `a, d, c, r`); cells that are not parameters
//! come after all fast locals; free variables come first, in the order of
//! the enclosing scope's ids. Class bodies have no fast locals: their slots
//! are free variables and the `__class__` cell.
//!
//! # Verification
//!
//! `tests/differential/` runs the corpus (`tests/corpus/*.py` in the
//! workspace) on CPython 3.11 and on the debug MicroPython, names the device's
//! slots with this model and compares every `(line, name, value)`; it also
//! compares every device code object's `co_lines()`, `_mpdbg.code_info` and
//! cell mask with the model. Differences that are MicroPython's own are listed
//! in `DIFFERENCES.md`. An opt-in test compares the line tables of every code
//! object of CPython's standard library (11,579 files MicroPython compiles).
//!
//! # Known limits
//!
//! The compiler emulation (`compile/`) follows `py/compile.c` of MicroPython
//! 1.29-preview function by function. A string literal longer than 10 bytes
//! is a leaf (no line of its own) when the device already has it as a qstr,
//! which depends on what ran before: such lines are reported in
//! [`CodeObject::uncertain_lines`] and tolerated by the checks. Integer
//! constants beyond `i128` are folded as opaque big ints. Module constants
//! (`math.pi`, `errno.EINVAL`) and the word size follow [`Options`].
//! Native, viper and inline-assembler functions are modelled (names, slots,
//! nesting) but have no line table.

mod breakpoints;
mod code_objects;
mod compile;
mod error;
mod intern;
mod lexer;
mod lines;
mod lookup;
mod mismatch;
mod node;
mod parse;
mod scope;
mod value;

pub use breakpoints::{Breakpoint, RejectReason};
pub use code_objects::{flags, CodeId, CodeKind, CodeObject, EmitKind, Slot, SlotRole};
pub use error::SourceError;
pub use lookup::{CodeMatch, FrameQuery};
pub use mismatch::{DeviceFacts, Difference, Verdict};
pub use parse::Options;

use breakpoints::LineClass;
use intern::Interner;
use node::{Struct, R};

/// Everything the host knows about one source file.
#[derive(Clone, Debug)]
pub struct SourceModel {
    code: Vec<CodeObject>,
    line_classes: Vec<LineClass>,
    executable: Vec<u32>,
}

impl SourceModel {
    /// Analyse a source file with the default options (64-bit host port).
    pub fn analyze(source: &str) -> Result<SourceModel, SourceError> {
        Self::analyze_with(source, &Options::default())
    }

    /// Analyse a source file for a target configured as `options` says.
    /// Never panics; a file MicroPython would reject gives an error with
    /// its line and column.
    pub fn analyze_with(source: &str, options: &Options) -> Result<SourceModel, SourceError> {
        let mut interner = Interner::default();
        let toks = lexer::tokenize(source, &mut interner);
        let (mut code, uncertain) = build_code(&toks, &mut interner, options, false)?;
        if uncertain {
            // Some long string literal may or may not already be a qstr on
            // the device; compile again assuming it is, and keep the lines
            // (and lines of definition) that change as uncertain.
            if let Ok((alt, _)) = build_code(&toks, &mut interner, options, true) {
                if alt.len() == code.len() {
                    for (c, a) in code.iter_mut().zip(&alt) {
                        let mut u: Vec<u32> = c
                            .lines
                            .iter()
                            .filter(|l| !a.lines.contains(l))
                            .chain(a.lines.iter().filter(|l| !c.lines.contains(l)))
                            .copied()
                            .collect();
                        u.sort_unstable();
                        c.uncertain_lines = u;
                        if a.def_line != c.def_line {
                            c.alt_def_line = Some(a.def_line);
                        }
                    }
                }
            }
        }
        let mut executable: Vec<u32> = code.iter().flat_map(|c| c.lines.iter().copied()).collect();
        executable.sort_unstable();
        executable.dedup();
        let line_classes = breakpoints::classify_lines(source, &toks);
        Ok(SourceModel {
            code,
            line_classes,
            executable,
        })
    }

    /// All code objects, in the order MicroPython creates them (the module
    /// first, then children before grandchildren, each in source order).
    pub fn code_objects(&self) -> &[CodeObject] {
        &self.code
    }

    /// The code object with the given id.
    pub fn code(&self, id: CodeId) -> Option<&CodeObject> {
        self.code.get(id.0)
    }

    /// The module code object.
    pub fn module(&self) -> &CodeObject {
        &self.code[0]
    }

    /// Find the code object of a running frame; see [`FrameQuery`] for what
    /// to pass. Two lambdas on one line are told apart by their argument
    /// counts, argument names, number of locals or line tables; if nothing
    /// tells them apart the result is [`CodeMatch::Ambiguous`].
    pub fn find_code(&self, query: &FrameQuery) -> CodeMatch {
        lookup::find(&self.code, query)
    }

    /// Compare what the device reports about a running code object with the
    /// code object `id` of this source.
    pub fn check(&self, id: CodeId, facts: &DeviceFacts) -> Verdict {
        match self.code(id) {
            Some(c) => mismatch::check(c, facts),
            None => Verdict::Differs(vec![Difference {
                what: "code object",
                source: "none".into(),
                device: format!("{id:?}"),
            }]),
        }
    }

    /// Lines with code in any debuggable code object (sorted).
    pub fn executable_lines(&self) -> &[u32] {
        &self.executable
    }

    /// Number of lines in the source.
    pub fn line_count(&self) -> u32 {
        self.line_classes.len() as u32
    }

    /// Resolve a requested breakpoint line: keep it, move it to the next
    /// line with code, or reject it with a reason.
    pub fn resolve_breakpoint(&self, line: u32) -> Breakpoint {
        breakpoints::resolve(line, &self.line_classes, &self.code, &self.executable)
    }

    /// The innermost debuggable code object whose line table has `line`.
    pub fn code_at_line(&self, line: u32) -> Option<&CodeObject> {
        self.code.iter().rev().find(|c| c.has_line(line))
    }
}

/// Parse and compile; returns the code objects and whether some long string
/// literal's qstr status was unknown.
fn build_code(
    toks: &[lexer::Token],
    interner: &mut Interner,
    options: &Options,
    assume_interned: bool,
) -> Result<(Vec<CodeObject>, bool), SourceError> {
    let (root, uncertain) = {
        let mut p = parse::Parser::new(toks, interner, options.clone());
        p.assume_interned = assume_interned;
        let root = p.parse_file()?;
        (root, p.uncertain_strings)
    };
    let syms = compile::Syms::new(interner);
    let last_line = toks
        .iter()
        .rev()
        .find(|t| {
            !matches!(
                t.kind,
                lexer::T::End | lexer::T::Newline | lexer::T::Dedent | lexer::T::Indent
            )
        })
        .map(|t| t.end_line)
        .unwrap_or(1);
    let module_pn = Struct {
        kind: R::FileInput,
        line: 1,
        col: 1,
        end_line: last_line,
        nodes: vec![],
    };
    let compiler = compile::Compiler::compile_module(&root, syms, &module_pn)?;
    Ok((code_objects::build(&compiler.scopes, interner), uncertain))
}

#[cfg(test)]
mod tests;
