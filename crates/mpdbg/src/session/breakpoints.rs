//! Breakpoints as the editor sets them: validated against the source model,
//! sent to the device with the slot names their conditions need, and with
//! hit conditions and log messages applied on the host.
use mpdbg_source::{Breakpoint as Resolved, SourceModel};

/// One breakpoint as requested.
#[derive(Clone, Debug, Default)]
pub struct BreakpointRequest {
    pub line: u32,
    pub condition: Option<String>,
    pub hit_condition: Option<String>,
    pub log_message: Option<String>,
    /// Removed once it stops the program (pdb's `tbreak`).
    pub temporary: bool,
    /// Hits that pass before it stops (pdb's `ignore`).
    pub ignore_count: u64,
    /// The id it had in an earlier session (a restart keeps the editor's ids).
    pub id: Option<i64>,
}

/// What the editor is told.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BreakpointResult {
    pub id: i64,
    pub verified: bool,
    pub line: u32,
    pub message: Option<String>,
}

#[derive(Clone, Debug)]
pub struct ActiveBreakpoint {
    pub id: i64,
    pub line: u32,
    pub condition: Option<String>,
    pub hit_condition: Option<HitCondition>,
    pub log_message: Option<String>,
    pub hits: u64,
    pub temporary: bool,
    /// Hits still to pass without stopping.
    pub ignore_left: u64,
    /// Slot names of the code object holding the line (for conditions).
    pub names: Vec<String>,
    /// The line that code object reports at its `call` event, so the device
    /// can skip every other call in C; 0 when the source could not say.
    pub call_line: u32,
    /// The call lines of the other code objects that run this line: a
    /// comprehension or generator expression shares its line with the
    /// function around it, whose frame runs the line first (as debugpy stops).
    pub other_call_lines: Vec<u32>,
}

/// `hitCondition` as VS Code users write it: `N`, `>= N`, `> N`, `== N`, `% N`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HitCondition {
    AtLeast(u64),
    Above(u64),
    Exactly(u64),
    EveryNth(u64),
}

impl HitCondition {
    pub fn parse(text: &str) -> Result<HitCondition, String> {
        let t = text.trim();
        let (op, num) = ["%", ">=", "==", ">", "="]
            .iter()
            .find_map(|op| t.strip_prefix(op).map(|rest| (*op, rest.trim())))
            .unwrap_or(("=", t));
        let n: u64 = num
            .parse()
            .map_err(|_| format!("hit condition {text:?} is not a number (try 3, >= 3 or % 3)"))?;
        Ok(match op {
            "%" if n > 0 => HitCondition::EveryNth(n),
            "%" => return Err("hit condition % 0 never stops".into()),
            ">=" => HitCondition::AtLeast(n),
            ">" => HitCondition::Above(n),
            _ => HitCondition::Exactly(n),
        })
    }

    pub fn stops_at(self, hits: u64) -> bool {
        match self {
            HitCondition::AtLeast(n) => hits >= n,
            HitCondition::Above(n) => hits > n,
            HitCondition::Exactly(n) => hits == n,
            HitCondition::EveryNth(n) => hits.is_multiple_of(n),
        }
    }
}

/// Resolves requested lines against the model; returns the editor's view and
/// the breakpoints to activate.
/// Every breakpoint of a file that cannot hold any, unverified with `why`.
pub fn rejected(requests: &[BreakpointRequest], why: &str) -> Vec<BreakpointResult> {
    requests
        .iter()
        .map(|r| BreakpointResult {
            id: 0,
            verified: false,
            line: r.line,
            message: Some(why.to_string()),
        })
        .collect()
}

pub fn resolve(
    model: Result<&SourceModel, &str>,
    requests: &[BreakpointRequest],
    next_id: &mut i64,
) -> (Vec<BreakpointResult>, Vec<ActiveBreakpoint>) {
    let mut results = Vec::new();
    let mut active = Vec::new();
    for req in requests {
        let id = match req.id {
            Some(id) => id,
            None => *next_id + 1,
        };
        *next_id = (*next_id).max(id);
        let (line, message, names, call_line, other_call_lines) = match model {
            Err(e) => (
                Some(req.line),
                Some(format!("cannot check this line: {e}")),
                Vec::new(),
                0,
                Vec::new(),
            ),
            Ok(m) => match m.resolve_breakpoint(req.line) {
                Resolved::Verified(l) | Resolved::Moved { line: l, .. } => {
                    let (names, call_line) = match m.code_at_line(l) {
                        Some(c) => (c.slot_names().iter().map(|s| s.to_string()).collect(), c.def_line),
                        None => (Vec::new(), 0),
                    };
                    let others = m
                        .code_objects()
                        .iter()
                        .filter(|c| c.has_line(l) && c.def_line != call_line)
                        .map(|c| c.def_line)
                        .collect();
                    (Some(l), None, names, call_line, others)
                }
                Resolved::Rejected { reason, .. } => {
                    (None, Some(format!("no code here: {reason}")), Vec::new(), 0, Vec::new())
                }
            },
        };
        let hit_condition = match req
            .hit_condition
            .as_deref()
            .filter(|h| !h.trim().is_empty())
            .map(HitCondition::parse)
        {
            Some(Err(e)) => {
                results.push(BreakpointResult {
                    id,
                    verified: false,
                    line: req.line,
                    message: Some(e),
                });
                continue;
            }
            Some(Ok(h)) => Some(h),
            None => None,
        };
        match line {
            Some(l) => {
                results.push(BreakpointResult {
                    id,
                    verified: true,
                    line: l,
                    message,
                });
                active.push(ActiveBreakpoint {
                    id,
                    line: l,
                    condition: req.condition.clone().filter(|c| !c.trim().is_empty()),
                    hit_condition,
                    log_message: req.log_message.clone().filter(|m| !m.is_empty()),
                    hits: 0,
                    temporary: req.temporary,
                    ignore_left: req.ignore_count,
                    names,
                    call_line,
                    other_call_lines,
                });
            }
            None => results.push(BreakpointResult {
                id,
                verified: false,
                line: req.line,
                message,
            }),
        }
    }
    (results, active)
}

/// Splits a log message into text and `{expression}` parts.
pub fn log_parts(message: &str) -> Vec<(bool, String)> {
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut chars = message.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                text.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                text.push('}');
            }
            '{' => {
                let expr: String = chars.by_ref().take_while(|&c| c != '}').collect();
                parts.push((false, std::mem::take(&mut text)));
                parts.push((true, expr));
            }
            c => text.push(c),
        }
    }
    parts.push((false, text));
    parts.retain(|(is_expr, t)| *is_expr || !t.is_empty());
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hit_conditions() {
        assert_eq!(HitCondition::parse("3"), Ok(HitCondition::Exactly(3)));
        assert_eq!(HitCondition::parse(">= 2"), Ok(HitCondition::AtLeast(2)));
        assert_eq!(HitCondition::parse("%2"), Ok(HitCondition::EveryNth(2)));
        assert!(HitCondition::parse("often").is_err());
        assert!(HitCondition::parse("% 0").is_err());
        let h = HitCondition::Exactly(3);
        assert!(!h.stops_at(2) && h.stops_at(3) && !h.stops_at(4));
        assert!(HitCondition::EveryNth(2).stops_at(4));
    }

    #[test]
    fn log_message_parts() {
        assert_eq!(
            log_parts("i={i} {{x}} sum={a + b}"),
            vec![
                (false, "i=".to_string()),
                (true, "i".to_string()),
                (false, " {x} sum=".to_string()),
                (true, "a + b".to_string())
            ]
        );
    }

    #[test]
    fn lines_are_verified_moved_or_rejected() {
        let src = "x = 1\n\n# note\nif x:\n    y = 2\nelse:\n    y = 3\ndef f(a):\n    b = a\n    return b\n";
        let model = SourceModel::analyze(src).expect("parses");
        let reqs: Vec<_> = [1, 2, 6, 9, 99]
            .iter()
            .map(|&line| BreakpointRequest {
                line,
                ..Default::default()
            })
            .collect();
        let mut id = 0;
        let (results, active) = resolve(Ok(&model), &reqs, &mut id);
        assert_eq!((results[0].verified, results[0].line), (true, 1));
        // A blank line is refused with a reason; `else:` has no code and moves on.
        assert!(!results[1].verified && results[1].message.as_deref().unwrap_or("").contains("blank"));
        assert_eq!((results[2].verified, results[2].line), (true, 7), "{:?}", results[2]);
        let names = active.iter().find(|b| b.line == 9).map(|b| b.names.clone());
        assert_eq!(names, Some(vec!["a".to_string(), "b".to_string()]));
        assert!(!results[4].verified && results[4].message.is_some());
    }

    #[test]
    fn a_comprehension_line_traces_the_function_around_it_too() {
        let src = "def f(xs):\n    y = 0\n    return sum(x for x in xs)\n";
        let model = SourceModel::analyze(src).expect("parses");
        let reqs = [BreakpointRequest {
            line: 3,
            ..Default::default()
        }];
        let mut id = 0;
        let (_, active) = resolve(Ok(&model), &reqs, &mut id);
        assert_eq!((active[0].call_line, active[0].other_call_lines.clone()), (3, vec![1]));
    }
}
