//! Emulation of the line-number table of MicroPython's bytecode emitter
//! (`mp_emit_bc_set_source_line` in `py/emitbc.c`).
//!
//! The emitter only records a new line when it is *greater* than the last one
//! recorded in the scope, and a line only shows up in `co_lines()` (and can
//! only produce a `line` trace event) if at least one byte of bytecode was
//! emitted while it was current. Code after an unconditional jump, `return` or
//! `raise` is suppressed until the next label, so it emits no bytes.

/// Tracks the state of the line table while a scope is compiled.
#[derive(Debug)]
pub(crate) struct LineTable {
    last_line: u32,
    has_bytes: bool,
    suppress: bool,
    lines: Vec<u32>,
}

impl Default for LineTable {
    fn default() -> Self {
        LineTable {
            last_line: 1,
            has_bytes: false,
            suppress: false,
            lines: Vec::new(),
        }
    }
}

impl LineTable {
    /// `set_source_line`.
    pub fn set_line(&mut self, line: u32) {
        if line > self.last_line {
            if self.has_bytes {
                self.lines.push(self.last_line);
            }
            self.last_line = line;
            self.has_bytes = false;
        }
    }

    /// The line that would be recorded for code emitted now.
    pub fn current_line(&self) -> u32 {
        self.last_line
    }

    /// Whether code emitted now is reachable (not after a jump/return/raise).
    pub fn live(&self) -> bool {
        !self.suppress
    }

    /// Emit some bytecode.
    pub fn op(&mut self) {
        if !self.suppress {
            self.has_bytes = true;
        }
    }

    /// Emit an unconditional control transfer (jump, return, raise): the code
    /// after it is dead until the next label.
    pub fn jump(&mut self) {
        self.op();
        self.suppress = true;
    }

    /// A label: code after it is reachable again.
    pub fn label(&mut self) {
        self.suppress = false;
    }

    /// Finish the scope and return its lines (sorted, unique).
    pub fn finish(mut self) -> Vec<u32> {
        if self.has_bytes {
            self.lines.push(self.last_line);
        }
        self.lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_need_bytes_and_only_increase() {
        let mut t = LineTable::default();
        t.set_line(3);
        t.set_line(4); // no bytes on 3
        t.op();
        t.set_line(2); // ignored: smaller
        t.op();
        t.set_line(6);
        t.jump();
        t.set_line(7); // dead code after the jump
        t.op();
        t.label();
        t.set_line(9);
        t.op();
        assert_eq!(t.finish(), vec![4, 6, 9]);
    }

    #[test]
    fn bytes_before_any_line_belong_to_line_one() {
        let mut t = LineTable::default();
        t.op();
        t.set_line(5);
        t.op();
        assert_eq!(t.finish(), vec![1, 5]);
    }
}
