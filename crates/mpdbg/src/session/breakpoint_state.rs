//! The session's breakpoints: line breakpoints per file (as DAP sets them),
//! function breakpoints (all at once, as DAP sets them), sent to the device
//! as one list per file, and applied when the program stops at one (hit
//! counts, ignore counts, log messages, temporary breakpoints).
use super::breakpoints::{self, log_parts, ActiveBreakpoint, BreakpointRequest, BreakpointResult};
use super::functions::{self, FunctionBreakpointRequest};
use super::{OutputKind, Phase, Session, SessionEvent, REPLY_TIMEOUT, RUNNING_REPLY_TIMEOUT};
use crate::device::Request;
use std::path::{Path, PathBuf};

/// A function breakpoint's outcome, with the file it went into.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionBreakpointResult {
    pub result: BreakpointResult,
    pub path: Option<PathBuf>,
}

impl Session {
    /// Sets the line breakpoints of one file (replacing its previous ones).
    pub fn set_breakpoints(&self, path: &Path, requests: &[BreakpointRequest]) -> Vec<BreakpointResult> {
        if let Some(why) = super::sources::unusable_source(path) {
            if path.exists() {
                return breakpoints::rejected(requests, &why);
            }
        }
        let model = self.sources.lock().map(|mut s| s.model(path)).ok();
        let Ok(mut st) = self.state() else {
            return Vec::new();
        };
        let model_ref = match model.as_deref() {
            Some(Ok(m)) => Ok(m),
            Some(Err(e)) => Err(e.as_str()),
            None => Err("internal error"),
        };
        let (results, active) = breakpoints::resolve(model_ref, requests, &mut st.next_breakpoint_id);
        st.breakpoints.insert(path.to_path_buf(), active);
        drop(st);
        self.sync_file(path);
        results
    }

    /// Replaces every function breakpoint.
    pub fn set_function_breakpoints(&self, requests: &[FunctionBreakpointRequest]) -> Vec<FunctionBreakpointResult> {
        let project = self.project_dir();
        let mut searched = vec![self.program.clone()];
        if let Ok(st) = self.state() {
            if let Some(f) = st.frames.first().and_then(|f| self.root.to_host(&f.file)) {
                searched.insert(0, f);
            }
        }
        let mut results = Vec::new();
        let mut placed = Vec::new();
        let Ok(mut st) = self.state() else {
            return results;
        };
        for req in requests {
            let mut why = Vec::new();
            let mut found = None;
            for (file, qualified) in functions::candidates(&req.name, &project, &searched) {
                let model = match self.sources.lock() {
                    Ok(mut s) => s.model(&file),
                    Err(_) => continue,
                };
                match model.as_ref() {
                    Ok(m) => match functions::first_line(m, &qualified) {
                        Ok(line) => {
                            found = Some((file, model.clone(), line));
                            break;
                        }
                        Err(e) => why.push(format!("{e} in {}", file.display())),
                    },
                    Err(e) => why.push(e.clone()),
                }
            }
            let Some((file, Ok(model), line)) = found.as_ref().map(|(f, m, l)| (f.clone(), m.as_ref().as_ref(), *l))
            else {
                st.next_breakpoint_id += 1;
                results.push(FunctionBreakpointResult {
                    result: BreakpointResult {
                        id: st.next_breakpoint_id,
                        verified: false,
                        line: 0,
                        message: Some(why.join("; ")),
                    },
                    path: None,
                });
                continue;
            };
            let line_request = BreakpointRequest {
                line,
                condition: req.condition.clone(),
                hit_condition: req.hit_condition.clone(),
                log_message: None,
                temporary: req.temporary,
                ignore_count: req.ignore_count,
                id: req.id,
            };
            let (mut r, active) = breakpoints::resolve(Ok(model), &[line_request], &mut st.next_breakpoint_id);
            if let Some(r) = r.pop() {
                results.push(FunctionBreakpointResult {
                    result: r,
                    path: Some(file.clone()),
                });
            }
            placed.extend(active.into_iter().map(|b| (file.clone(), b)));
        }
        let mut touched: Vec<PathBuf> = st.function_breakpoints.iter().map(|(p, _)| p.clone()).collect();
        touched.extend(placed.iter().map(|(p, _)| p.clone()));
        touched.sort();
        touched.dedup();
        st.function_breakpoints = placed;
        drop(st);
        for path in touched {
            self.sync_file(&path);
        }
        results
    }

    /// How often a breakpoint was hit, and how many hits it still ignores.
    pub fn breakpoint_counts(&self, id: i64) -> Option<(u64, u64)> {
        let st = self.state().ok()?;
        let mut all = st.breakpoints.values().flatten().chain(st.function_breakpoints());
        all.find(|b| b.id == id).map(|b| (b.hits, b.ignore_left))
    }

    /// Whether every one of `ids` is a function breakpoint.
    pub(super) fn all_function_breakpoints(&self, ids: &[i64]) -> bool {
        self.state()
            .is_ok_and(|st| ids.iter().all(|id| st.function_breakpoints().any(|b| b.id == *id)))
    }

    /// The program, as the host knows it.
    pub fn program(&self) -> &Path {
        &self.program
    }

    /// The files of the program's project: the program's folder and below.
    pub fn project_dir(&self) -> PathBuf {
        self.program.parent().map(Path::to_path_buf).unwrap_or_default()
    }

    /// Sends the device every breakpoint of `path` (line and function ones).
    /// Several on one line stop when any of their conditions holds.
    pub(super) fn sync_file(&self, path: &Path) {
        let lines = {
            let Ok(st) = self.state() else { return };
            device_lines(st.breakpoints_of(path))
        };
        let req = Request::SetBreakpoints {
            file: self.root.to_device(path),
            lines,
        };
        let timeout = match self.state().map(|s| s.phase) {
            Ok(Phase::Running) => RUNNING_REPLY_TIMEOUT,
            _ => REPLY_TIMEOUT,
        };
        if let Err(e) = self.device.request(&req, timeout) {
            self.console(&format!(
                "mpdbg: breakpoints of {} not yet confirmed by the device: {e}",
                path.display()
            ));
        }
    }

    /// The breakpoints at the top frame: the ids of those that stop the
    /// program (empty: carry on silently), or None when there is none.
    pub(super) fn breakpoint_hit(&self) -> Option<Vec<i64>> {
        let (frames, _) = self.device_stack(0, 1).ok()?;
        let top = frames.first()?;
        let path = top.path.clone()?;
        let here: Vec<ActiveBreakpoint> = {
            let st = self.state().ok()?;
            st.breakpoints_of(&path)
                .filter(|b| b.line == top.line)
                .cloned()
                .collect()
        };
        if here.is_empty() {
            return None;
        }
        let shared = here.len() > 1;
        let mut stopping = Vec::new();
        let mut logs = Vec::new();
        let mut spent = Vec::new();
        for b in &here {
            // The device checked the conditions joined; tell them apart here.
            if let (true, Some(c)) = (shared, &b.condition) {
                if !self.evaluate(0, c, false).is_ok_and(|v| v.value != "False") {
                    continue;
                }
            }
            let Ok(mut st) = self.state() else { return None };
            let Some(live) = st.breakpoint_mut(b.id) else { continue };
            live.hits += 1;
            if live.ignore_left > 0 {
                live.ignore_left -= 1;
                continue;
            }
            if !live.hit_condition.is_none_or(|h| h.stops_at(live.hits)) {
                continue;
            }
            match &live.log_message {
                Some(log) => logs.push(log.clone()),
                None => {
                    stopping.push(live.id);
                    if live.temporary {
                        spent.push(live.id);
                    }
                }
            }
        }
        for log in logs {
            let mut line = String::new();
            for (is_expr, part) in log_parts(&log) {
                if is_expr {
                    match self.evaluate(0, &part, false) {
                        Ok(v) => line.push_str(v.value.trim_matches('\'')),
                        Err(e) => line.push_str(&format!("<{e}>")),
                    }
                } else {
                    line.push_str(&part);
                }
            }
            line.push('\n');
            self.sink.event(SessionEvent::Output {
                kind: OutputKind::Console,
                text: line,
            });
        }
        if !spent.is_empty() {
            if let Ok(mut st) = self.state() {
                for list in st.breakpoints.values_mut() {
                    list.retain(|b| !spent.contains(&b.id));
                }
                st.function_breakpoints.retain(|(_, b)| !spent.contains(&b.id));
            }
            self.sync_file(&path);
        }
        Some(stopping)
    }
}

/// One breakpoint line as the device takes it: line, condition, slot names
/// of its code object, that code object's call line.
type DeviceLine = (u32, String, Vec<String>, u32);

/// The device's list for a file: one entry per line; several breakpoints on
/// one line stop when any of their conditions holds (none: always). A line
/// that other code objects run too (a comprehension's, with the function
/// around it) gets an entry for each of them before its own (the device
/// keeps the last entry of a line: its slot names are the condition's), when
/// it has no condition: a condition's slot names fit only its code object.
fn device_lines<'a>(breakpoints: impl Iterator<Item = &'a ActiveBreakpoint>) -> Vec<DeviceLine> {
    let mut out: Vec<(DeviceLine, bool, &'a [u32])> = Vec::new();
    for b in breakpoints {
        let cond = b.condition.clone();
        match out.iter_mut().find(|((l, ..), ..)| *l == b.line) {
            Some(((_, joined, ..), always, _)) => match cond {
                None => *always = true,
                Some(c) => *joined = format!("{joined} or ({c})"),
            },
            None => {
                let always = cond.is_none();
                let first = cond.map(|c| format!("({c})")).unwrap_or_default();
                out.push((
                    (b.line, first, b.names.clone(), b.call_line),
                    always,
                    &b.other_call_lines,
                ));
            }
        }
    }
    let mut lines = Vec::new();
    for ((line, cond, names, call), always, others) in out {
        let cond = if always { String::new() } else { cond };
        if cond.is_empty() {
            lines.extend(others.iter().map(|&c| (line, String::new(), Vec::new(), c)));
        }
        lines.push((line, cond, names, call));
    }
    lines
}

impl super::State {
    fn function_breakpoints(&self) -> impl Iterator<Item = &ActiveBreakpoint> {
        self.function_breakpoints.iter().map(|(_, b)| b)
    }

    fn breakpoints_of<'a>(&'a self, path: &'a Path) -> impl Iterator<Item = &'a ActiveBreakpoint> + 'a {
        let lines = self.breakpoints.get(path).into_iter().flatten();
        let functions = self.function_breakpoints.iter().filter(move |(p, _)| p == path);
        lines.chain(functions.map(|(_, b)| b))
    }

    fn breakpoint_mut(&mut self, id: i64) -> Option<&mut ActiveBreakpoint> {
        let functions = self.function_breakpoints.iter_mut().map(|(_, b)| b);
        self.breakpoints
            .values_mut()
            .flatten()
            .chain(functions)
            .find(|b| b.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bp(line: u32, condition: Option<&str>) -> ActiveBreakpoint {
        ActiveBreakpoint {
            id: 0,
            line,
            condition: condition.map(str::to_string),
            hit_condition: None,
            log_message: None,
            hits: 0,
            temporary: false,
            ignore_left: 0,
            names: vec!["i".into()],
            call_line: 3,
            other_call_lines: Vec::new(),
        }
    }

    #[test]
    fn breakpoints_sharing_a_line_join_their_conditions() {
        let list = [
            bp(5, Some("i > 2")),
            bp(5, Some("i < 0")),
            bp(7, Some("x")),
            bp(9, None),
            bp(7, None),
        ];
        let lines = device_lines(list.iter());
        let conds: Vec<(u32, &str)> = lines.iter().map(|(l, c, ..)| (*l, c.as_str())).collect();
        // Line 7 has an unconditional one: it always stops.
        assert_eq!(conds, [(5, "(i > 2) or (i < 0)"), (7, ""), (9, "")]);
        assert_eq!((lines[0].2.clone(), lines[0].3), (vec!["i".to_string()], 3));
    }

    #[test]
    fn a_line_other_code_objects_run_too_traces_them_unless_conditional() {
        // A comprehension on line 5 (its code object's call line 5) inside
        // a function defined on line 3: both run the line.
        let mut plain = bp(5, None);
        plain.call_line = 5;
        plain.other_call_lines = vec![3];
        let calls = |lines: Vec<DeviceLine>| lines.iter().map(|(.., c)| *c).collect::<Vec<_>>();
        assert_eq!(calls(device_lines([plain.clone()].iter())), [3, 5]);
        let mut conditional = plain;
        conditional.condition = Some("x > 1".into());
        assert_eq!(calls(device_lines([conditional].iter())), [5]);
    }
}
