//! Breakpoint line resolution.

use crate::code_objects::CodeObject;
use crate::lexer::{Token, T};

/// What kind of text a source line holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LineClass {
    Blank,
    Comment,
    /// Inside (or the whole of) a string statement such as a doc string.
    Docstring,
    /// A continuation line inside a multi-line string literal.
    InsideString,
    Code,
}

/// Why a breakpoint cannot be placed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RejectReason {
    BlankLine,
    Comment,
    /// The line is (part of) a doc string or other string-only statement.
    Docstring,
    /// The line is inside a multi-line string literal.
    InsideString,
    /// Line 0 or a line after the end of the file.
    PastEndOfFile,
    /// No line at or after the requested one has code.
    NoCodeAfter,
    /// The line is in a function compiled to machine code
    /// (`@micropython.native`, `viper`, `asm_*`), which produces no trace events.
    NotDebuggable {
        function: String,
    },
}

impl std::fmt::Display for RejectReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RejectReason::BlankLine => write!(f, "blank line"),
            RejectReason::Comment => write!(f, "comment"),
            RejectReason::Docstring => write!(f, "inside a doc string"),
            RejectReason::InsideString => write!(f, "inside a string"),
            RejectReason::PastEndOfFile => write!(f, "past the end of the file"),
            RejectReason::NoCodeAfter => write!(f, "no code at or after this line"),
            RejectReason::NotDebuggable { function } => {
                write!(f, "{function} is compiled to machine code and cannot be debugged")
            }
        }
    }
}

/// Result of resolving a requested breakpoint line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Breakpoint {
    /// The line has code; the breakpoint stays.
    Verified(u32),
    /// The line has no code of its own (a `def` continuation, `else:`, `try:`,
    /// a continuation line of a multi-line statement, `pass` in the middle of
    /// a block, ...); the breakpoint moves to the next line with code.
    Moved {
        requested: u32,
        line: u32,
    },
    Rejected {
        line: u32,
        reason: RejectReason,
    },
}

/// Classify every source line (index 0 is line 1).
pub(crate) fn classify_lines(src: &str, toks: &[Token]) -> Vec<LineClass> {
    let normalized;
    let src = if src.contains('\r') {
        normalized = src.replace("\r\n", "\n").replace('\r', "\n");
        normalized.as_str()
    } else {
        src
    };
    let texts: Vec<&str> = src.split('\n').collect();
    let n = if src.ends_with('\n') {
        texts.len() - 1
    } else {
        texts.len()
    };
    let mut class: Vec<LineClass> = texts
        .iter()
        .take(n)
        .map(|t| {
            let t = t.trim();
            if t.is_empty() {
                LineClass::Blank
            } else if t.starts_with('#') {
                LineClass::Comment
            } else {
                LineClass::Code
            }
        })
        .collect();
    let mut starts = vec![false; n + 2];
    for t in toks {
        if !matches!(t.kind, T::Newline | T::Indent | T::Dedent | T::End) {
            if let Some(s) = starts.get_mut(t.line as usize) {
                *s = true;
            }
        }
    }
    let set = |class: &mut Vec<LineClass>, line: u32, c: LineClass| {
        if let Some(x) = (line as usize).checked_sub(1).and_then(|i| class.get_mut(i)) {
            *x = c;
        }
    };
    for (i, t) in toks.iter().enumerate() {
        if !matches!(t.kind, T::Str | T::Bytes) {
            continue;
        }
        let at_stmt_start = i == 0 || matches!(toks[i - 1].kind, T::Newline | T::Indent | T::Dedent);
        let alone = at_stmt_start && toks.get(i + 1).is_some_and(|n| n.kind == T::Newline);
        if alone {
            for l in t.line..=t.end_line {
                set(&mut class, l, LineClass::Docstring);
            }
        } else {
            for l in (t.line + 1)..=t.end_line {
                if !starts.get(l as usize).copied().unwrap_or(false) {
                    set(&mut class, l, LineClass::InsideString);
                }
            }
        }
    }
    class
}

pub(crate) fn resolve(line: u32, classes: &[LineClass], code: &[CodeObject], executable: &[u32]) -> Breakpoint {
    if line == 0 || line as usize > classes.len() {
        return Breakpoint::Rejected {
            line,
            reason: RejectReason::PastEndOfFile,
        };
    }
    let reason = match classes[line as usize - 1] {
        LineClass::Blank => Some(RejectReason::BlankLine),
        LineClass::Comment => Some(RejectReason::Comment),
        LineClass::Docstring => Some(RejectReason::Docstring),
        LineClass::InsideString => Some(RejectReason::InsideString),
        LineClass::Code => None,
    };
    if let Some(reason) = reason {
        return Breakpoint::Rejected { line, reason };
    }
    if executable.binary_search(&line).is_ok() {
        return Breakpoint::Verified(line);
    }
    // Inside the body of a function compiled to machine code?
    let native = code
        .iter()
        .filter(|c| !c.debuggable() && c.parent.is_some() && c.span.0 < line && line <= c.span.1)
        .min_by_key(|c| c.span.1 - c.span.0);
    if let Some(c) = native {
        return Breakpoint::Rejected {
            line,
            reason: RejectReason::NotDebuggable {
                function: c.path.clone(),
            },
        };
    }
    let idx = executable.partition_point(|&l| l < line);
    match executable.get(idx) {
        Some(&next) => Breakpoint::Moved {
            requested: line,
            line: next,
        },
        None => Breakpoint::Rejected {
            line,
            reason: RejectReason::NoCodeAfter,
        },
    }
}
