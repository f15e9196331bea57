//! Recognising the differences between MicroPython and CPython that the
//! differential test observes. The differences, with the reason for each,
//! are the table in `crates/mpdbg-source/DIFFERENCES.md` (the single source:
//! the test fails on a category that is not in it); this module only tells
//! which row an observation belongs to, from the source text and the model.
//!
//! Only event *placement* (events one interpreter delivers and the other
//! does not) and a few value differences that follow from placement are
//! classified. Paired events whose locals differ for any other reason stay
//! unexplained and fail the test: a wrong slot name shows up that way.

use crate::align::Ev;
use mpdbg_source::{CodeKind, CodeObject};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// Paired events whose locals differ.
    Values,
    /// An event only CPython delivers.
    CpOnly,
    /// An event only MicroPython delivers.
    MpOnly,
}

pub struct Observation<'a> {
    pub side: Side,
    pub line: u32,
    pub code: &'a CodeObject,
    /// Names that differ (Values) or that the event carries (CpOnly/MpOnly).
    pub names: Vec<String>,
    pub cp: Option<&'a Ev>,
    pub mp: Option<&'a Ev>,
    /// This activation resumed a generator or coroutine (it did not start it).
    pub resumed: bool,
    pub index_in_segment: usize,
}

/// The table of DIFFERENCES.md: id -> description.
pub fn load_table() -> BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("DIFFERENCES.md");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut t = BTreeMap::new();
    for line in text.lines() {
        let cols: Vec<&str> = line.split('|').map(str::trim).collect();
        if cols.len() >= 4
            && cols[1].starts_with('D')
            && cols[1].len() > 1
            && cols[1][1..].chars().all(|c| c.is_ascii_digit())
        {
            t.insert(cols[1].to_string(), cols[2].to_string());
        }
    }
    assert!(!t.is_empty(), "no differences table in {}", path.display());
    t
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LoopKind {
    RangeFor,
    For,
    While,
}

struct Loop {
    kind: LoopKind,
    header: u32,
    body_end: u32,
    /// The last line with code in the body: where MicroPython puts the
    /// loop's back edge (and the test of `while` and range loops).
    tail: u32,
    /// Text of the header line.
    header_text: String,
}

fn indent(s: &str) -> usize {
    s.len() - s.trim_start().len()
}

fn is_blank(s: &str) -> bool {
    let t = s.trim();
    t.is_empty() || t.starts_with('#')
}

/// Last line (1-based) of the indented block that starts after `header`.
fn block_end(src: &[&str], header: u32) -> u32 {
    let h = header as usize - 1;
    let base = indent(src[h]);
    let mut end = header;
    for (i, l) in src.iter().enumerate().skip(h + 1) {
        if is_blank(l) {
            continue;
        }
        if indent(l) <= base {
            break;
        }
        end = i as u32 + 1;
    }
    end
}

fn loops_of(src: &[&str], code: &CodeObject) -> Vec<Loop> {
    let mut out = Vec::new();
    let (from, to) = code.span;
    for line in from..=to.min(src.len() as u32) {
        let text = src[line as usize - 1].trim();
        let kind = if text.starts_with("for ") || text.starts_with("async for ") {
            let after = text.split(" in ").nth(1).unwrap_or("");
            let simple_target = text
                .strip_prefix("for ")
                .and_then(|t| t.split(" in ").next())
                .is_some_and(|t| t.chars().all(|c| c.is_alphanumeric() || c == '_'));
            if simple_target && after.starts_with("range(") {
                LoopKind::RangeFor
            } else {
                LoopKind::For
            }
        } else if text.starts_with("while ") {
            LoopKind::While
        } else {
            continue;
        };
        let body_end = block_end(src, line);
        let tail = code
            .lines
            .iter()
            .copied()
            .filter(|&l| l > line && l <= body_end)
            .max()
            .unwrap_or(line);
        out.push(Loop {
            kind,
            header: line,
            body_end,
            tail,
            header_text: text.to_string(),
        });
    }
    out
}

/// Physical lines of the logical line (statement) that contains `line`,
/// following brackets and backslash continuations.
fn statement_span(src: &[&str], line: u32) -> (u32, u32) {
    // Scan from the top: cheap enough for corpus files.
    let mut start = 1u32;
    let mut depth: i32 = 0;
    let mut in_triple: Option<&str> = None;
    let mut open = false;
    for (i, l) in src.iter().enumerate() {
        let n = i as u32 + 1;
        if !open {
            start = n;
        }
        let bytes = l.as_bytes();
        let mut k = 0;
        let mut cont = false;
        while k < bytes.len() {
            if let Some(q) = in_triple {
                if l[k..].starts_with(q) {
                    in_triple = None;
                    k += 3;
                } else {
                    k += 1;
                }
                continue;
            }
            let c = bytes[k];
            if l[k..].starts_with("\"\"\"") || l[k..].starts_with("'''") {
                in_triple = Some(if c == b'"' { "\"\"\"" } else { "'''" });
                k += 3;
                continue;
            }
            match c {
                b'#' => break,
                b'\'' | b'"' => {
                    k += 1;
                    while k < bytes.len() && bytes[k] != c {
                        if bytes[k] == b'\\' {
                            k += 1;
                        }
                        k += 1;
                    }
                }
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth -= 1,
                b'\\' if k + 1 == bytes.len() => cont = true,
                _ => {}
            }
            k += 1;
        }
        open = depth > 0 || cont || in_triple.is_some();
        if !open && n >= line {
            return (start, n);
        }
    }
    (start, src.len() as u32)
}

/// Names bound as comprehension targets or by `:=` in the given text.
fn comprehension_targets(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':' || c == '='))
        .collect();
    for (i, w) in words.iter().enumerate() {
        if *w == "for" {
            for t in words.iter().skip(i + 1) {
                if *t == "in" {
                    break;
                }
                if !t.is_empty() {
                    out.push(t.to_string());
                }
            }
        }
    }
    for part in text.split(":=").collect::<Vec<_>>().iter().rev().skip(1) {
        let name: String = part
            .chars()
            .rev()
            .skip_while(|c| c.is_whitespace())
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if !name.is_empty() {
            out.push(name);
        }
    }
    out
}

fn prev_code_line<'s>(src: &[&'s str], line: u32) -> Option<&'s str> {
    (1..line)
        .rev()
        .map(|l| src[l as usize - 1])
        .find(|l| !is_blank(l))
        .map(str::trim)
}

/// Which row of DIFFERENCES.md an observation belongs to, if any.
pub fn classify(o: &Observation, src: &[&str]) -> Option<&'static str> {
    let text = src.get(o.line as usize - 1).map(|s| s.trim()).unwrap_or("");
    let code = o.code;
    let is_comp = matches!(
        code.kind,
        CodeKind::ListComp | CodeKind::DictComp | CodeKind::SetComp | CodeKind::GenExpr
    );

    // D5: a resumed generator or coroutine starts with a duplicate event.
    if o.side == Side::MpOnly && o.resumed && o.index_in_segment == 0 {
        return Some("D5");
    }

    // D4: comprehension frames. Values may differ only for the
    // comprehension's own targets (the iteration event comes before the
    // target is stored on MicroPython).
    if is_comp {
        if o.side != Side::Values {
            return Some("D4");
        }
        let (a, b) = statement_span(src, code.span.0);
        let span_text: Vec<&str> = src[a as usize - 1..b as usize].to_vec();
        let targets = comprehension_targets(&span_text.join(" "));
        if o.names.iter().all(|n| targets.contains(n)) {
            return Some("D4");
        }
        return None;
    }

    // Loops: the innermost loop whose header or body holds the line.
    let loops = loops_of(src, code);
    let lp = loops
        .iter()
        .filter(|l| l.header <= o.line && o.line <= l.body_end)
        .min_by_key(|l| l.body_end - l.header);
    if let Some(l) = lp {
        let at_header = o.line == l.header;
        let at_tail = o.line == l.tail;
        match (l.kind, o.side) {
            (LoopKind::RangeFor, Side::MpOnly) if at_header || at_tail => return Some("D1"),
            (LoopKind::RangeFor, Side::CpOnly) if at_header => return Some("D1"),
            (LoopKind::While, Side::MpOnly) if at_tail => return Some("D2"),
            (LoopKind::While, Side::CpOnly) if at_header => return Some("D2"),
            // A one-line body fires once per loop on MicroPython: its line
            // also holds the test.
            (LoopKind::While, Side::CpOnly) if at_tail && l.tail == l.body_end && l.header + 1 == l.tail => {
                return Some("D2")
            }
            (LoopKind::While, Side::Values) if at_tail => {
                let assigned = comprehension_targets(&l.header_text);
                if o.names.iter().all(|n| assigned.contains(n)) {
                    return Some("D2");
                }
            }
            (LoopKind::For, Side::MpOnly) if at_header || at_tail => return Some("D3"),
            _ => {}
        }
    }

    if o.side == Side::Values {
        return None;
    }

    // D6: decorators and decorated definitions.
    let decorated_def = (text.starts_with("def ") || text.starts_with("class ") || text.starts_with("async def "))
        && prev_code_line(src, o.line).is_some_and(|p| p.starts_with('@'));
    if text.starts_with('@') || decorated_def {
        return Some("D6");
    }
    if code.kind == CodeKind::Class && o.side == Side::MpOnly && o.line == code.span.0 {
        return Some("D6");
    }

    if o.side == Side::CpOnly {
        // D7: statements that compile to no code on MicroPython.
        let lone_string = text.starts_with('"') || text.starts_with('\'');
        let const_false = text == "if False:" || text == "if 0:" || text == "if None:";
        let private_const = text.starts_with('_') && text.contains("= const(");
        if lone_string || text == "pass" || const_false || private_const {
            return Some("D7");
        }
        // D9: leaving a `with` block.
        if text.starts_with("with ") || text.starts_with("async with ") {
            return Some("D9");
        }
        // D10: a `finally` block run by `return`.
        let in_finally = (1..o.line)
            .rev()
            .map(|l| src[l as usize - 1])
            .find(|l| !is_blank(l) && indent(l) < indent(src[o.line as usize - 1]));
        if in_finally.is_some_and(|l| l.trim() == "finally:") {
            return Some("D10");
        }
    }

    // D8: lines inside a statement that spans several lines.
    let (a, b) = statement_span(src, o.line);
    if a != b {
        return Some("D8");
    }

    // D11: the last line with code of a block, reached by a jump to code
    // that follows the block and has no line of its own.
    if o.side == Side::MpOnly {
        let here = indent(src[o.line as usize - 1]);
        let next = ((o.line + 1)..=src.len() as u32)
            .map(|l| src[l as usize - 1])
            .find(|l| !is_blank(l));
        if next.is_none_or(|l| indent(l) < here) {
            return Some("D11");
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_spans() {
        let src = ["x = f(", "    1,", ")", "y = 2", "z = 'a(' + \\", "    'b'"];
        assert_eq!(statement_span(&src, 2), (1, 3));
        assert_eq!(statement_span(&src, 4), (4, 4));
        assert_eq!(statement_span(&src, 6), (5, 6));
    }

    #[test]
    fn targets() {
        let t = comprehension_targets("[y for v in values if (y := v * 2) > 2]");
        assert!(t.contains(&"v".to_string()) && t.contains(&"y".to_string()));
        let t = comprehension_targets("[a + b for a, b in pairs]");
        assert!(t.contains(&"a".to_string()) && t.contains(&"b".to_string()));
    }
}
