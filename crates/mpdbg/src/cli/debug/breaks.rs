//! pdb's numbered breakpoints over the session's: the table the user edits
//! (numbers, enabled, conditions, ignore counts), sent to the engine as a
//! file's line breakpoints or as the function breakpoints after each change.
use crate::session::{BreakpointRequest, FunctionBreakpointRequest, Session};
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, PartialEq, Eq)]
enum Place {
    Line(PathBuf),
    Function(String),
}

#[derive(Clone, Debug)]
struct Entry {
    number: usize,
    place: Place,
    /// The line asked for (line breakpoints); where it went, once placed.
    requested: u32,
    file: Option<PathBuf>,
    line: u32,
    condition: Option<String>,
    temporary: bool,
    enabled: bool,
    ignore: u64,
    /// Hits counted under earlier engine ids of this breakpoint.
    hits: u64,
    engine_id: Option<i64>,
}

impl Place {
    /// Sent to the engine together: one file's lines, or all functions.
    fn shares(&self, other: &Place) -> bool {
        match (self, other) {
            (Place::Line(a), Place::Line(b)) => a == b,
            (Place::Function(_), Place::Function(_)) => true,
            _ => false,
        }
    }
}

impl Entry {
    fn at(&self) -> String {
        match &self.file {
            Some(f) => format!("{}:{}", f.display(), self.line),
            None => "(not placed)".into(),
        }
    }
}

#[derive(Default)]
pub struct Table {
    entries: Vec<Entry>,
    next: usize,
}

impl Table {
    /// Adds a breakpoint; returns pdb's message ("Breakpoint 1 at f:3").
    pub fn add_line(
        &mut self,
        s: &Session,
        file: PathBuf,
        line: u32,
        condition: Option<String>,
        temporary: bool,
    ) -> Result<String, String> {
        self.add(s, Place::Line(file), line, condition, temporary)
    }

    pub fn add_function(
        &mut self,
        s: &Session,
        name: String,
        condition: Option<String>,
        temporary: bool,
    ) -> Result<String, String> {
        self.add(s, Place::Function(name), 0, condition, temporary)
    }

    fn add(
        &mut self,
        s: &Session,
        place: Place,
        requested: u32,
        condition: Option<String>,
        temporary: bool,
    ) -> Result<String, String> {
        self.carry(s, &place);
        self.next += 1;
        let number = self.next;
        self.entries.push(Entry {
            number,
            place: place.clone(),
            requested,
            file: None,
            line: 0,
            condition,
            temporary,
            enabled: true,
            ignore: 0,
            hits: 0,
            engine_id: None,
        });
        let problem = self.sync(s, &place);
        let Some(e) = self.entries.iter().find(|e| e.number == number) else {
            return Err("internal: the breakpoint vanished".into());
        };
        if let Some(why) = problem {
            self.entries.retain(|e| e.number != number);
            self.next -= 1;
            return Err(why);
        }
        let kind = if temporary {
            "Temporary breakpoint"
        } else {
            "Breakpoint"
        };
        let moved = match &e.place {
            Place::Line(_) if e.line != e.requested => {
                format!(" (moved from line {}: it has no code of its own)", e.requested)
            }
            Place::Function(name) => format!(" (first line of {name})"),
            Place::Line(_) => String::new(),
        };
        Ok(format!("{kind} {number} at {}{moved}", e.at()))
    }

    /// Takes the engine's hit and ignore counts of the place's breakpoints
    /// before they are sent again (and get new ids).
    fn carry(&mut self, s: &Session, place: &Place) {
        for e in self.entries.iter_mut().filter(|e| e.place.shares(place)) {
            if let Some((hits, ignore)) = e.engine_id.take().and_then(|id| s.breakpoint_counts(id)) {
                e.hits += hits;
                e.ignore = ignore;
            }
        }
    }

    /// Sends the engine every enabled breakpoint of the place's kind (a
    /// file's, or all function ones); returns the newest one's problem.
    fn sync(&mut self, s: &Session, place: &Place) -> Option<String> {
        self.carry(s, place);
        let same = |e: &Entry| e.place.shares(place);
        let live: Vec<usize> = (0..self.entries.len())
            .filter(|&i| same(&self.entries[i]) && self.entries[i].enabled)
            .collect();
        let mut problem = None;
        match place {
            Place::Line(file) => {
                let reqs: Vec<BreakpointRequest> = live
                    .iter()
                    .map(|&i| {
                        let e = &self.entries[i];
                        BreakpointRequest {
                            line: e.requested,
                            condition: e.condition.clone(),
                            temporary: e.temporary,
                            ignore_count: e.ignore,
                            ..Default::default()
                        }
                    })
                    .collect();
                for (&i, r) in live.iter().zip(s.set_breakpoints(file, &reqs)) {
                    let e = &mut self.entries[i];
                    e.file = Some(file.clone());
                    problem = None;
                    if r.verified {
                        (e.line, e.engine_id) = (r.line, Some(r.id));
                    } else {
                        problem = r.message.clone();
                    }
                    if let Some(m) = r.message.filter(|_| r.verified) {
                        problem = None;
                        eprintln!("mpdbg: breakpoint {}: {m}", e.number);
                    }
                }
            }
            Place::Function(_) => {
                let reqs: Vec<FunctionBreakpointRequest> = live
                    .iter()
                    .filter_map(|&i| {
                        let e = &self.entries[i];
                        let Place::Function(name) = &e.place else { return None };
                        Some(FunctionBreakpointRequest {
                            name: name.clone(),
                            condition: e.condition.clone(),
                            temporary: e.temporary,
                            ignore_count: e.ignore,
                            ..Default::default()
                        })
                    })
                    .collect();
                for (&i, r) in live.iter().zip(s.set_function_breakpoints(&reqs)) {
                    let e = &mut self.entries[i];
                    problem = None;
                    if r.result.verified {
                        (e.file, e.line, e.engine_id) = (r.path, r.result.line, Some(r.result.id));
                    } else {
                        problem = r.result.message;
                    }
                }
            }
        }
        problem
    }

    fn find(&self, number: &str) -> Result<usize, String> {
        let n: usize = number
            .parse()
            .map_err(|_| format!("{number:?} is not a breakpoint number"))?;
        self.entries
            .iter()
            .position(|e| e.number == n)
            .ok_or_else(|| format!("there is no breakpoint {n}"))
    }

    /// Deletes breakpoints by number or `FILE:LINE`; none given: all.
    pub fn clear(&mut self, s: &Session, which: &[String], resolve: impl Fn(&str) -> Option<PathBuf>) -> Vec<String> {
        let mut out = Vec::new();
        let mut doomed = Vec::new();
        if which.is_empty() {
            doomed = (0..self.entries.len()).collect();
        }
        for w in which {
            if let Some((file, line)) = w.rsplit_once(':') {
                let file = resolve(file);
                let line: u32 = line.parse().unwrap_or(0);
                let hits: Vec<usize> = (0..self.entries.len())
                    .filter(|&i| self.entries[i].file == file && self.entries[i].line == line)
                    .collect();
                if hits.is_empty() {
                    out.push(format!("*** there is no breakpoint at {w}"));
                }
                doomed.extend(hits);
            } else {
                match self.find(w) {
                    Ok(i) => doomed.push(i),
                    Err(e) => out.push(format!("*** {e}")),
                }
            }
        }
        doomed.sort();
        doomed.dedup();
        let places: Vec<Place> = doomed.iter().map(|&i| self.entries[i].place.clone()).collect();
        for p in &places {
            self.carry(s, p);
        }
        let removed: Vec<Entry> = doomed.iter().rev().map(|&i| self.entries.remove(i)).collect();
        for e in removed.iter().rev() {
            out.push(format!("Deleted breakpoint {} at {}", e.number, e.at()));
        }
        let mut places: Vec<Place> = removed.into_iter().map(|e| e.place).collect();
        places.dedup();
        for p in places {
            self.sync(s, &p);
        }
        out
    }

    pub fn enable(&mut self, s: &Session, which: &[String], on: bool) -> Vec<String> {
        let mut out = Vec::new();
        for w in which {
            match self.find(w) {
                Ok(i) => {
                    let place = self.entries[i].place.clone();
                    self.carry(s, &place);
                    self.entries[i].enabled = on;
                    self.sync(s, &place);
                    let e = &self.entries[i];
                    let verb = if on { "Enabled" } else { "Disabled" };
                    out.push(format!("{verb} breakpoint {} at {}", e.number, e.at()));
                }
                Err(e) => out.push(format!("*** {e}")),
            }
        }
        out
    }

    pub fn condition(&mut self, s: &Session, number: &str, condition: Option<String>) -> Result<String, String> {
        let i = self.find(number)?;
        let n = self.entries[i].number;
        let place = self.entries[i].place.clone();
        self.carry(s, &place);
        self.entries[i].condition = condition.clone();
        self.sync(s, &place);
        Ok(match condition {
            Some(_) => format!("New condition set for breakpoint {n}."),
            None => format!("Breakpoint {n} is now unconditional."),
        })
    }

    pub fn ignore(&mut self, s: &Session, number: &str, count: u64) -> Result<String, String> {
        let i = self.find(number)?;
        let n = self.entries[i].number;
        let place = self.entries[i].place.clone();
        self.carry(s, &place);
        self.entries[i].ignore = count;
        self.sync(s, &place);
        Ok(match count {
            0 => format!("Will stop next time breakpoint {n} is reached."),
            1 => format!("Will ignore next 1 crossing of breakpoint {n}."),
            c => format!("Will ignore next {c} crossings of breakpoint {n}."),
        })
    }

    /// A stop at engine breakpoints `ids`: temporary ones are gone now.
    pub fn hit(&mut self, ids: &[i64]) -> Vec<String> {
        let mut out = Vec::new();
        self.entries.retain(|e| {
            let spent = e.temporary && e.engine_id.is_some_and(|id| ids.contains(&id));
            if spent {
                out.push(format!("Deleted breakpoint {} at {}", e.number, e.at()));
            }
            !spent
        });
        out
    }

    /// Whether `file:line` has a breakpoint (for `list`).
    pub fn has(&self, file: &Path, line: u32) -> bool {
        self.entries
            .iter()
            .any(|e| e.file.as_deref() == Some(file) && e.line == line)
    }

    /// pdb's table of breakpoints.
    pub fn listing(&self, s: &Session) -> Vec<String> {
        if self.entries.is_empty() {
            return vec!["No breakpoints.".into()];
        }
        let mut out = vec!["Num Type         Disp Enb   Where".to_string()];
        for e in &self.entries {
            let disp = if e.temporary { "del " } else { "keep" };
            let enb = if e.enabled { "yes" } else { "no " };
            let name = match &e.place {
                Place::Function(n) => format!(" ({n})"),
                Place::Line(_) => String::new(),
            };
            out.push(format!(
                "{:<3} breakpoint   {disp} {enb}   at {}{name}",
                e.number,
                e.at()
            ));
            if let Some(c) = &e.condition {
                out.push(format!("\tstop only if {c}"));
            }
            let (hits, ignore) = e
                .engine_id
                .and_then(|id| s.breakpoint_counts(id))
                .map_or((e.hits, e.ignore), |(h, i)| (e.hits + h, i));
            if ignore > 0 {
                out.push(format!("\tignore next {ignore} hits"));
            }
            if hits > 0 {
                let times = if hits == 1 { "time" } else { "times" };
                out.push(format!("\tbreakpoint already hit {hits} {times}"));
            }
        }
        out
    }
}
