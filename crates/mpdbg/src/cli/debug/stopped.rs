//! The prompt while the program is stopped: pdb's commands, each carried
//! out by the session engine.
use super::breaks::Table;
use super::command::{self, Command, Location};
use super::helper::Completion;
use super::show::{self, SourceCache, Style};
use crate::session::{FrameView, OutputKind, Resume, Session, StopReason};
use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::Editor;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

struct Display {
    expr: String,
    scope: (Option<PathBuf>, String),
    last: Option<String>,
}

/// What the prompt ends with.
pub enum Flow {
    Resumed,
    Quit,
}

pub struct Debugger {
    pub session: Arc<Session>,
    pub style: Style,
    pub(super) sources: SourceCache,
    pub(super) table: Table,
    /// `display` expressions, each of the function it was set in (file,
    /// name), with the value last shown.
    displays: Vec<Display>,
    /// The stop's frames, innermost first, and the current one.
    pub(super) frames: Vec<FrameView>,
    pub(super) current: usize,
    pub(super) current_frame: Arc<AtomicUsize>,
    /// Where a repeated `list` goes on.
    pub(super) list_next: Option<(PathBuf, u32)>,
    pub(super) last_command: String,
    pub(super) editor: Editor<Completion, DefaultHistory>,
    /// Whether the terminal's cursor is at the start of a line (program
    /// output may end without a newline).
    pub(super) at_line_start: bool,
}

impl Debugger {
    pub fn new(session: Arc<Session>, style: Style) -> anyhow::Result<Debugger> {
        let current_frame = Arc::new(AtomicUsize::new(0));
        let mut editor = Editor::new()?;
        editor.set_helper(Some(Completion {
            session: session.clone(),
            frame: current_frame.clone(),
        }));
        Ok(Debugger {
            session,
            style,
            sources: SourceCache::default(),
            table: Table::default(),
            displays: Vec::new(),
            frames: Vec::new(),
            current: 0,
            current_frame,
            list_next: None,
            last_command: String::new(),
            editor,
            at_line_start: true,
        })
    }

    /// Program output, passed through as it comes.
    pub fn output(&mut self, kind: OutputKind, text: &str) {
        if text.is_empty() {
            return;
        }
        let written = match kind {
            OutputKind::Stdout => {
                self.at_line_start = text.ends_with('\n');
                let mut out = std::io::stdout().lock();
                out.write_all(text.as_bytes()).and_then(|_| out.flush())
            }
            OutputKind::Stderr => std::io::stderr().lock().write_all(text.as_bytes()),
            OutputKind::Console => {
                self.fresh_line();
                std::io::stderr().lock().write_all(self.style.dim(text).as_bytes())
            }
        };
        written.ok();
    }

    pub(super) fn fresh_line(&mut self) {
        if !self.at_line_start {
            println!();
            self.at_line_start = true;
        }
    }

    /// A line of the debugger's own.
    pub fn say(&mut self, text: &str) {
        self.fresh_line();
        println!("{text}");
    }

    pub(super) fn fail(&mut self, text: &str) {
        let line = self.style.error(&format!("*** {text}"));
        self.say(&line);
    }

    pub(super) fn frame_index(&self) -> usize {
        self.frames.get(self.current).map_or(0, |f| f.index)
    }

    /// The program stopped: show where, then take commands.
    pub fn stopped(
        &mut self,
        reason: StopReason,
        description: &str,
        breakpoint_ids: &[i64],
        notes: &mut dyn FnMut(&mut Debugger) -> bool,
    ) -> Flow {
        for line in self.table.hit(breakpoint_ids) {
            self.say(&line);
        }
        if reason == StopReason::Exception {
            let uncaught = self.session.exception().is_some_and(|e| e.uncaught);
            let text = if uncaught {
                format!("Uncaught exception (the program ends when it continues): {description}")
            } else {
                description.to_string()
            };
            self.fail(&text);
        }
        self.frames = match self.session.stack(0, None) {
            Ok((frames, _)) => frames,
            Err(e) => {
                self.fail(&format!("cannot read the stack: {e:#}"));
                Vec::new()
            }
        };
        self.select(0);
        self.show_frame();
        self.show_displays();
        self.prompt(notes)
    }

    fn select(&mut self, i: usize) {
        self.current = i;
        self.current_frame.store(self.frame_index(), Ordering::Relaxed);
        self.list_next = None;
    }

    fn show_frame(&mut self) {
        if let Some(f) = self.frames.get(self.current).cloned() {
            let text = show::frame_lines(&f, true, &mut self.sources, self.style);
            self.say(&text);
        }
    }

    fn scope(&self) -> (Option<PathBuf>, String) {
        self.frames
            .get(self.current)
            .map_or((None, String::new()), |f| (f.path.clone(), f.name.clone()))
    }

    /// pdb's displays: those of the current function whose value changed.
    fn show_displays(&mut self) {
        let frame = self.frame_index();
        let scope = self.scope();
        let mut lines = Vec::new();
        for d in self.displays.iter_mut().filter(|d| d.scope == scope) {
            let now = match self.session.evaluate(frame, &d.expr, false) {
                Ok(v) => v.value,
                Err(e) => format!("** raised {e:#} **"),
            };
            if d.last.as_deref() != Some(now.as_str()) {
                let old = d.last.as_deref().map(|o| format!("  [old: {o}]")).unwrap_or_default();
                lines.push(format!("display {}: {now}{old}", d.expr));
                d.last = Some(now);
            }
        }
        for l in lines {
            self.say(&l);
        }
    }

    /// Reads commands until one resumes the program or quits. `notes`
    /// prints what arrived meanwhile; false when the program has ended.
    fn prompt(&mut self, notes: &mut dyn FnMut(&mut Debugger) -> bool) -> Flow {
        loop {
            if !notes(self) {
                return Flow::Resumed;
            }
            self.fresh_line();
            let line = match self.editor.readline("(Pdb) ") {
                Ok(line) => line,
                Err(ReadlineError::Interrupted) => {
                    self.say("--KeyboardInterrupt--");
                    continue;
                }
                Err(ReadlineError::Eof) => {
                    self.say("");
                    return Flow::Quit;
                }
                Err(e) => {
                    self.fail(&format!("cannot read the terminal: {e}"));
                    return Flow::Quit;
                }
            };
            let line = if line.trim().is_empty() {
                self.last_command.clone()
            } else {
                self.editor.add_history_entry(line.as_str()).ok();
                self.last_command = line.clone();
                line
            };
            if line.trim().is_empty() {
                continue;
            }
            match command::parse(&line) {
                Ok(c) => {
                    if let Some(flow) = self.execute(c, notes) {
                        return flow;
                    }
                }
                Err(e) => self.fail(&e),
            }
        }
    }

    fn resume(&mut self, how: Resume) -> Option<Flow> {
        match self.session.resume(how) {
            Ok(()) => Some(Flow::Resumed),
            Err(e) => {
                self.fail(&format!("{e:#}"));
                None
            }
        }
    }

    fn execute(&mut self, c: Command, notes: &mut dyn FnMut(&mut Debugger) -> bool) -> Option<Flow> {
        match c {
            Command::Continue => return self.resume(Resume::Continue),
            Command::Next => return self.resume(Resume::Next),
            Command::Step => return self.resume(Resume::StepIn),
            Command::Return => return self.resume(Resume::StepOut),
            Command::Until(line) => return self.resume(Resume::Until(line)),
            Command::Quit => return Some(Flow::Quit),
            Command::Help(None) => {
                for (names, args, text) in command::HELP {
                    let line = format!("{:<24} {text}", format!("{} {args}", names.join("|")));
                    self.say(line.trim_end());
                }
            }
            Command::Help(Some(name)) => match command::help(&name) {
                Some(text) => self.say(&text),
                None => self.fail(&format!("no help on {name:?}")),
            },
            Command::Where => {
                let mut text = Vec::new();
                for (i, f) in self.frames.iter().enumerate().rev() {
                    text.push(show::frame_lines(f, i == self.current, &mut self.sources, self.style));
                }
                self.say(&text.join("\n"));
            }
            Command::Up(n) => self.move_frame(n as isize),
            Command::Down(n) => self.move_frame(-(n as isize)),
            Command::Break {
                at,
                condition,
                temporary,
            } => self.set_break(at, condition, temporary),
            Command::Clear(which) => {
                let project = self.session.project_dir();
                let resolve = |f: &str| resolve_file(f, &project);
                for line in self.table.clear(&self.session, &which, resolve) {
                    self.say(&line);
                }
            }
            Command::Enable(which) | Command::Disable(which) if which.is_empty() => {
                self.fail("which breakpoints? (give their numbers)")
            }
            Command::Enable(which) => {
                for line in self.table.enable(&self.session, &which, true) {
                    self.say(&line);
                }
            }
            Command::Disable(which) => {
                for line in self.table.enable(&self.session, &which, false) {
                    self.say(&line);
                }
            }
            Command::Condition(n, cond) => match self.table.condition(&self.session, &n, cond) {
                Ok(m) => self.say(&m),
                Err(e) => self.fail(&e),
            },
            Command::Ignore(n, count) => match self.table.ignore(&self.session, &n, count) {
                Ok(m) => self.say(&m),
                Err(e) => self.fail(&e),
            },
            Command::List(arg) => self.list(arg.as_deref()),
            Command::LongList => self.long_list(),
            Command::Print(e) => self.print(&e, false),
            Command::PrettyPrint(e) => self.print(&e, true),
            Command::Display(None) => {
                let scope = self.scope();
                let lines: Vec<String> = self
                    .displays
                    .iter()
                    .filter(|d| d.scope == scope)
                    .map(|d| format!("{}: {}", d.expr, d.last.as_deref().unwrap_or("")))
                    .collect();
                self.say("Currently displaying:");
                for l in lines {
                    self.say(&l);
                }
            }
            Command::Display(Some(expr)) => {
                let scope = self.scope();
                if !self.displays.iter().any(|d| d.expr == expr && d.scope == scope) {
                    self.displays.push(Display {
                        expr,
                        scope,
                        last: None,
                    });
                }
                self.show_displays();
            }
            Command::Undisplay(None) => {
                let scope = self.scope();
                self.displays.retain(|d| d.scope != scope);
            }
            Command::Undisplay(Some(expr)) => {
                let before = self.displays.len();
                let scope = self.scope();
                self.displays.retain(|d| d.expr != expr || d.scope != scope);
                if self.displays.len() == before {
                    self.fail(&format!("not displaying {expr}"));
                }
            }
            Command::Args => match self.session.arguments(self.frame_index()) {
                Ok(args) => {
                    for a in args {
                        self.say(&format!("{} = {}", a.name, a.value));
                    }
                }
                Err(e) => self.fail(&format!("{e:#}")),
            },
            Command::Python(text) => self.python(&text),
            Command::Interact => self.interact(notes),
            Command::Retval => self.fail(
                "retval: MicroPython gives a debugger no return value; `r` stops in the caller, where you can `p` it",
            ),
        }
        None
    }

    fn move_frame(&mut self, by: isize) {
        let target = self.current as isize + by;
        if target < 0 {
            return self.fail("Newest frame");
        }
        if target as usize >= self.frames.len() {
            return self.fail("Oldest frame");
        }
        self.select(target as usize);
        self.show_frame();
    }

    fn current_file(&self) -> PathBuf {
        self.frames
            .get(self.current)
            .and_then(|f| f.path.clone())
            .unwrap_or_else(|| self.session.program().to_path_buf())
    }

    fn set_break(&mut self, at: Option<Location>, condition: Option<String>, temporary: bool) {
        let s = self.session.clone();
        let result = match at {
            None => {
                for line in self.table.listing(&s) {
                    self.say(&line);
                }
                return;
            }
            Some(Location::Line(line)) => {
                let file = self.current_file();
                self.table.add_line(&s, file, line, condition, temporary)
            }
            Some(Location::FileLine(file, line)) => match resolve_file(&file, &s.project_dir()) {
                Some(path) => self.table.add_line(&s, path, line, condition, temporary),
                None => Err(format!("{file:?} not found")),
            },
            Some(Location::Function(name)) => self.table.add_function(&s, name, condition, temporary),
        };
        match result {
            Ok(m) => self.say(&m),
            Err(e) => self.fail(&e),
        }
    }
}

/// A file the user named: as given (from the current folder) or in the project.
fn resolve_file(file: &str, project: &Path) -> Option<PathBuf> {
    let given = Path::new(file);
    let candidates = [std::path::absolute(given).ok(), Some(project.join(given))];
    candidates.into_iter().flatten().find(|p| p.is_file())
}
