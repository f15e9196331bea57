//! What the terminal debugger prints: pdb's location lines, source
//! listings and pretty-printed values, in colour on a terminal only.
use crate::session::FrameView;
use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Colours, or none when stdout is not a terminal (or `NO_COLOR` is set).
#[derive(Clone, Copy)]
pub struct Style {
    on: bool,
}

impl Style {
    pub fn detect() -> Style {
        Style {
            on: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn place(self, text: &str) -> String {
        self.paint("36", text)
    }

    pub fn current(self, text: &str) -> String {
        self.paint("1;33", text)
    }

    pub fn error(self, text: &str) -> String {
        self.paint("31", text)
    }

    pub fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }
}

/// The host's source files, read once each.
#[derive(Default)]
pub struct SourceCache {
    files: HashMap<PathBuf, Vec<String>>,
}

impl SourceCache {
    pub fn lines(&mut self, path: &Path) -> &[String] {
        self.files.entry(path.to_path_buf()).or_insert_with(|| {
            std::fs::read_to_string(path)
                .map(|t| t.lines().map(str::to_string).collect())
                .unwrap_or_default()
        })
    }

    pub fn line(&mut self, path: &Path, line: u32) -> Option<String> {
        let i = usize::try_from(line).ok()?.checked_sub(1)?;
        self.lines(path).get(i).cloned()
    }
}

/// `/path/file.py(12)average()`, pdb's way of naming a frame's place.
pub fn frame_place(f: &FrameView) -> String {
    let file = f
        .path
        .as_deref()
        .map_or(f.device_file.clone(), |p| p.display().to_string());
    format!("{file}({}){}()", f.line, f.name)
}

/// pdb's two lines for a frame: `> place` and `-> source`.
pub fn frame_lines(f: &FrameView, current: bool, sources: &mut SourceCache, style: Style) -> String {
    let mark = if current { "> " } else { "  " };
    let mut out = format!("{mark}{}", style.place(&frame_place(f)));
    if let Some(text) = f.path.as_deref().and_then(|p| sources.line(p, f.line)) {
        out.push_str(&format!("\n-> {}", text.trim()));
    }
    out
}

/// One listed line, as pdb's `list` shows it: number, `B` for a
/// breakpoint, `->` for the current line.
pub fn listed_line(number: u32, text: &str, breakpoint: bool, current: bool, style: Style) -> String {
    let mut head = format!("{number:>3}");
    if head.len() < 4 {
        head.push(' ');
    }
    head.push(if breakpoint { 'B' } else { ' ' });
    head.push_str(if current { "->" } else { "  " });
    let line = format!("{head}\t{}", text.trim_end());
    if current {
        style.current(&line)
    } else {
        line
    }
}

/// A repr laid out over lines when it is too long for one (pdb's `pp`; the
/// device has no `pprint`): one item per line inside each bracket.
pub fn pretty(repr: &str, width: usize) -> String {
    if repr.chars().count() <= width {
        return repr.to_string();
    }
    let mut out = String::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let indent = |d: usize| " ".repeat(d);
    for c in repr.chars() {
        if let Some(q) = quote {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' => {
                quote = Some(c);
                out.push(c);
            }
            '[' | '(' | '{' => {
                depth += 1;
                out.push(c);
            }
            ']' | ')' | '}' => {
                depth = depth.saturating_sub(1);
                out.push(c);
            }
            ',' if depth > 0 => {
                out.push_str(",\n");
                out.push_str(&indent(depth));
            }
            ' ' if out.ends_with(' ') || out.ends_with('\n') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_lines_as_pdb() {
        let plain = Style { on: false };
        assert_eq!(listed_line(7, "x = 1", true, false, plain), "  7 B  \tx = 1");
        assert_eq!(listed_line(12, "y", false, true, plain), " 12  ->\ty");
        assert_eq!(listed_line(1234, "z", false, false, plain), "1234   \tz");
    }

    #[test]
    fn pretty_breaks_long_containers_only() {
        assert_eq!(pretty("[1, 2]", 80), "[1, 2]");
        assert_eq!(pretty("{'a': [1, 2], 'b, c': 3}", 10), "{'a': [1,\n  2],\n 'b, c': 3}");
    }

    #[test]
    fn colour_only_when_on() {
        assert_eq!(Style { on: false }.error("x"), "x");
        assert_eq!(Style { on: true }.error("x"), "\x1b[31mx\x1b[0m");
    }
}
