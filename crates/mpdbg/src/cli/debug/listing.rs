//! pdb's `list` and `ll`: the source around the current line or the whole
//! current function, with breakpoints and the current line marked.
use super::show;
use super::stopped::Debugger;
use std::path::Path;

impl Debugger {
    pub(super) fn list(&mut self, arg: Option<&str>) {
        let Some(f) = self.frames.get(self.current).cloned() else {
            return self.fail("no frame to list");
        };
        let Some(path) = f.path.clone() else {
            return self.fail(&format!("no source on the host for {}", f.device_file));
        };
        let (first, last) = match arg.map(str::trim) {
            None => match &self.list_next {
                Some((p, next)) if *p == path => (*next, *next + 10),
                _ => (f.line.saturating_sub(5).max(1), f.line.saturating_sub(5).max(1) + 10),
            },
            Some(".") => (f.line.saturating_sub(5).max(1), f.line.saturating_sub(5).max(1) + 10),
            Some(range) => {
                let parts: Vec<Option<u32>> = range.split(',').map(|p| p.trim().parse().ok()).collect();
                match parts.as_slice() {
                    [Some(a)] => (a.saturating_sub(5).max(1), a.saturating_sub(5).max(1) + 10),
                    // pdb: a second number smaller than the first is a count.
                    [Some(a), Some(b)] if b < a => (*a, a + b),
                    [Some(a), Some(b)] => (*a, *b),
                    _ => return self.fail(&format!("{range:?} is not a line or FIRST, LAST")),
                }
            }
        };
        self.list_lines(&path, first, last, f.line);
        self.list_next = Some((path, last + 1));
    }

    pub(super) fn long_list(&mut self) {
        let Some(f) = self.frames.get(self.current).cloned() else {
            return self.fail("no frame to list");
        };
        let Some(path) = f.path.clone() else {
            return self.fail(&format!("no source on the host for {}", f.device_file));
        };
        let text = self.sources.lines(&path).join("\n");
        let (first, last) = match mpdbg_source::SourceModel::analyze(&text) {
            Ok(model) => match model.code_at_line(f.line) {
                Some(code) if code.name != "<module>" => code.span,
                _ => (1, model.line_count()),
            },
            Err(e) => return self.fail(&format!("cannot read {}: {}", path.display(), e.message())),
        };
        self.list_lines(&path, first, last, f.line);
    }

    pub(super) fn list_lines(&mut self, path: &Path, first: u32, last: u32, current: u32) {
        let lines = self.sources.lines(path).to_vec();
        let mut out = Vec::new();
        for n in first..=last {
            let Some(text) = usize::try_from(n).ok().and_then(|i| lines.get(i.checked_sub(1)?)) else {
                break;
            };
            out.push(show::listed_line(
                n,
                text,
                self.table.has(path, n),
                n == current,
                self.style,
            ));
        }
        if out.is_empty() {
            return self.fail("[EOF]");
        }
        self.say(&out.join("\n"));
    }
}
