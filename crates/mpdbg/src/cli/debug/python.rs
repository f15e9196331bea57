//! Python in the current frame: `p`, `pp`, `!statement` (and lines that are
//! no command), `interact`.
use super::show;
use super::stopped::Debugger;
use rustyline::error::ReadlineError;

impl Debugger {
    pub(super) fn print(&mut self, expr: &str, pretty: bool) {
        match self.session.evaluate(self.frame_index(), expr, false) {
            Ok(v) if pretty => self.say(&show::pretty(&v.value, 79)),
            Ok(v) => self.say(&v.value),
            Err(e) => self.fail(&format!("{e:#}")),
        }
    }

    /// pdb's `!`: an expression's value is printed (unless None), a
    /// statement is run.
    pub(super) fn python(&mut self, text: &str) {
        let frame = self.frame_index();
        match self.session.evaluate(frame, text, false) {
            Ok(v) if v.value == "None" => {}
            Ok(v) => self.say(&v.value),
            Err(e) if e.to_string().starts_with("SyntaxError") => {
                if let Err(e) = self.session.evaluate(frame, text, true) {
                    self.fail(&format!("{e:#}"));
                }
            }
            Err(e) => self.fail(&format!("{e:#}")),
        }
    }

    pub(super) fn interact(&mut self, notes: &mut dyn FnMut(&mut Debugger) -> bool) {
        self.say("*interactive* (Ctrl-D returns to the debugger)");
        loop {
            if !notes(self) {
                return;
            }
            match self.editor.readline(">>> ") {
                Ok(line) if line.trim().is_empty() => {}
                Ok(line) => {
                    self.editor.add_history_entry(line.as_str()).ok();
                    self.python(&line);
                }
                Err(ReadlineError::Interrupted) => self.say("KeyboardInterrupt"),
                Err(_) => break,
            }
        }
        self.say("now exiting InteractiveConsole...");
    }
}
