//! Comparing the two recordings of one corpus file through the source model.

use crate::align::{align, Ev, Step};
use crate::differences::{classify, Observation, Side};
use crate::records::{self, CpSeg, MpSeg};
use mpdbg_source::{CodeId, CodeKind, CodeMatch, DeviceFacts, FrameQuery, SlotRole, SourceModel, Verdict};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

#[derive(Default, Debug)]
pub struct FileReport {
    pub codes_seen: BTreeSet<(String, usize)>,
    pub functions_run: usize,
    pub segments: usize,
    pub cp_events: usize,
    pub mp_events: usize,
    pub paired_events: usize,
    pub paired_equal: usize,
    pub triples_total: usize,
    pub triples_equal: usize,
    /// Triples of events both interpreters deliver.
    pub paired_triples_total: usize,
    pub paired_triples_equal: usize,
    /// Triples that differ only because of a documented difference.
    pub triples_explained: usize,
    pub facts_checked: usize,
    pub facts_matched: usize,
    pub co_lines_checked: usize,
    pub co_lines_equal: usize,
    pub observed_lines: usize,
    pub observed_lines_in_model: usize,
    pub categories: BTreeMap<String, usize>,
    pub examples: BTreeMap<String, Vec<String>>,
    pub unexplained: Vec<String>,
    pub errors: Vec<String>,
}

impl FileReport {
    pub fn merge(&mut self, o: FileReport) {
        self.functions_run += o.functions_run;
        self.codes_seen.extend(o.codes_seen);
        self.segments += o.segments;
        self.cp_events += o.cp_events;
        self.mp_events += o.mp_events;
        self.paired_events += o.paired_events;
        self.paired_equal += o.paired_equal;
        self.triples_total += o.triples_total;
        self.triples_equal += o.triples_equal;
        self.paired_triples_total += o.paired_triples_total;
        self.paired_triples_equal += o.paired_triples_equal;
        self.triples_explained += o.triples_explained;
        self.facts_checked += o.facts_checked;
        self.facts_matched += o.facts_matched;
        self.co_lines_checked += o.co_lines_checked;
        self.co_lines_equal += o.co_lines_equal;
        self.observed_lines += o.observed_lines;
        self.observed_lines_in_model += o.observed_lines_in_model;
        for (k, v) in o.categories {
            *self.categories.entry(k).or_default() += v;
        }
        for (k, v) in o.examples {
            let e = self.examples.entry(k).or_default();
            for x in v {
                if e.len() < 3 {
                    e.push(x);
                }
            }
        }
        self.unexplained.extend(o.unexplained);
        self.errors.extend(o.errors);
    }

    pub fn note(&mut self, cat: &str, example: String) {
        *self.categories.entry(cat.to_string()).or_default() += 1;
        let e = self.examples.entry(cat.to_string()).or_default();
        if e.len() < 3 {
            e.push(example);
        }
    }
}

fn facts(s: &MpSeg) -> DeviceFacts {
    let i = s.info.as_ref();
    DeviceFacts {
        n_locals: i.map(|i| i.n_locals),
        n_pos_args: i.map(|i| i.n_pos_args),
        n_kwonly_args: i.map(|i| i.n_kwonly_args),
        flags: i.map(|i| i.flags),
        arg_names: i.map(|i| i.argnames.clone()),
        def_line: i.map(|i| i.def_line),
        lines: s.co_lines.clone(),
        cell_slots: i.map(|i| i.cells.clone()),
    }
}

/// The model's code object for a MicroPython frame, from what the device told.
fn find_mp(model: &SourceModel, s: &MpSeg) -> Result<CodeId, String> {
    let info = s.info.as_ref();
    let q = FrameQuery {
        name: &s.name,
        line: s.call_line,
        def_line: info.map(|i| i.def_line),
        n_locals: info.map(|i| i.n_locals),
        n_pos_args: info.map(|i| i.n_pos_args),
        n_kwonly_args: info.map(|i| i.n_kwonly_args),
        arg_names: info.map(|i| i.argnames.as_slice()),
        lines: s.co_lines.as_deref(),
        cell_slots: info.map(|i| i.cells.as_slice()),
    };
    match model.find_code(&q) {
        CodeMatch::Unique(id) => Ok(id),
        CodeMatch::Ambiguous {
            candidates,
            same_slots: true,
        } => Ok(candidates[0]),
        other => Err(format!("frame {} (call line {}): {other:?}", s.name, s.call_line)),
    }
}

/// The model's code object for a CPython frame: same name, first line at or
/// before the model's start line (decorators come first on CPython), the
/// nearest such one; among code objects starting on the same line, the one
/// with the same parameters, free and cell variables.
fn find_cp(model: &SourceModel, s: &CpSeg) -> Option<CodeId> {
    let cands: Vec<_> = model
        .code_objects()
        .iter()
        .filter(|c| c.name == s.name)
        .filter(|c| c.kind == CodeKind::Module || c.span.0 >= s.first_line)
        .collect();
    let start = cands.iter().map(|c| c.span.0).min()?;
    let same_line: Vec<_> = cands.iter().filter(|c| c.span.0 == start).collect();
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    let of = |c: &mpdbg_source::CodeObject, f: &dyn Fn(&mpdbg_source::Slot) -> bool| -> Vec<String> {
        sorted(c.slots.iter().filter(|x| f(x)).map(|x| x.name.clone()).collect())
    };
    let want_params = sorted(s.argnames.iter().filter(|n| *n != ".0").cloned().collect());
    let want_free = sorted(s.freevars.clone());
    let want_cell = sorted(s.cellvars.clone());
    same_line
        .iter()
        .find(|c| {
            of(c, &|x| x.role == SlotRole::Param) == want_params
                && of(c, &|x| x.role == SlotRole::Free) == want_free
                && of(c, &|x| {
                    x.role == SlotRole::Cell || (x.role == SlotRole::Param && x.holds_cell)
                }) == want_cell
        })
        .or(same_line.first())
        .map(|c| c.id)
}

fn mp_names(model: &SourceModel, id: CodeId, slots: &[Option<String>]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Some(c) = model.code(id) else { return out };
    if matches!(c.kind, CodeKind::Module | CodeKind::Class) {
        return out;
    }
    for (k, v) in slots.iter().enumerate() {
        let Some(v) = v else { continue };
        let Some(slot) = c.slots.get(k) else {
            out.insert(format!("<slot {k}>"), v.clone());
            continue;
        };
        if slot.role == SlotRole::Free || slot.name.is_empty() {
            continue;
        }
        out.insert(slot.name.clone(), v.clone());
    }
    out
}

fn cp_names(model: &SourceModel, id: CodeId, locals: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let Some(c) = model.code(id) else {
        return BTreeMap::new();
    };
    if matches!(c.kind, CodeKind::Module | CodeKind::Class) {
        return BTreeMap::new();
    }
    locals
        .iter()
        .filter(|(k, _)| *k != ".0")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

pub fn compare_file(path: &Path, model: &SourceModel, cp_text: &str, mp_text: &str) -> FileReport {
    let file = path.file_name().and_then(|s| s.to_str()).unwrap_or("?").to_string();
    let mut r = FileReport::default();
    let cp = records::parse_cpython(cp_text);
    let (mp, errors) = records::parse_micropython(mp_text);
    for e in errors {
        r.errors.push(format!("{file}: tracer error {e}"));
    }
    let src = std::fs::read_to_string(path).unwrap_or_default();
    let src_lines: Vec<&str> = src.lines().collect();

    // MicroPython frames -> code objects; check the device facts.
    let mut mp_by_code: BTreeMap<CodeId, Vec<usize>> = BTreeMap::new();
    for (i, s) in mp.iter().enumerate() {
        match find_mp(model, s) {
            Ok(id) => {
                mp_by_code.entry(id).or_default().push(i);
                r.codes_seen.insert((file.clone(), id.0));
                if s.info.is_some() {
                    r.facts_checked += 1;
                    match model.check(id, &facts(s)) {
                        Verdict::Matches => r.facts_matched += 1,
                        v => r.errors.push(format!("{file}: {} line {}: {v}", s.name, s.call_line)),
                    }
                }
                if let (Some(dev), Some(c)) = (&s.co_lines, model.code(id)) {
                    r.co_lines_checked += 1;
                    if c.lines_agree(dev) {
                        r.co_lines_equal += 1;
                    }
                }
                if let Some(c) = model.code(id) {
                    for e in &s.events {
                        r.observed_lines += 1;
                        if c.has_line(e.line) {
                            r.observed_lines_in_model += 1;
                        } else {
                            r.errors.push(format!(
                                "{file}: line event {} of {} is not in the model's lines",
                                e.line, c.path
                            ));
                        }
                    }
                }
            }
            Err(e) => r.errors.push(format!("{file}: {e}")),
        }
    }
    r.functions_run = mp_by_code.len();

    // CPython frames -> code objects.
    let mut cp_by_code: BTreeMap<CodeId, Vec<usize>> = BTreeMap::new();
    for (i, s) in cp.iter().enumerate() {
        match find_cp(model, s) {
            Some(id) => cp_by_code.entry(id).or_default().push(i),
            None => r.errors.push(format!(
                "{file}: CPython frame {} (line {}) not in the model",
                s.name, s.first_line
            )),
        }
    }

    // Code that ran only on CPython.
    for (&id, cps) in &cp_by_code {
        if mp_by_code.contains_key(&id) {
            continue;
        }
        let Some(code) = model.code(id) else { continue };
        let text = src_lines.get(code.span.0 as usize - 1).map(|s| s.trim()).unwrap_or("");
        let example = format!(
            "{file}:{} {} ran {} times on CPython only: `{text}`",
            code.span.0,
            code.path,
            cps.len()
        );
        if text.starts_with("const = lambda") {
            r.note("D12", example);
        } else {
            r.errors.push(example);
        }
    }

    for (&id, mps) in &mp_by_code {
        let Some(code) = model.code(id) else { continue };
        let cps = cp_by_code.get(&id).cloned().unwrap_or_default();
        if cps.len() != mps.len() {
            r.errors.push(format!(
                "{file}: {} ran {} times on MicroPython but {} times on CPython",
                code.path,
                mps.len(),
                cps.len()
            ));
            continue;
        }
        for (&ci, &mi) in cps.iter().zip(mps) {
            r.segments += 1;
            let cev: Vec<Ev> = cp[ci]
                .events
                .iter()
                .map(|e| Ev {
                    line: e.line,
                    names: cp_names(model, id, &e.locals),
                })
                .collect();
            let mev: Vec<Ev> = mp[mi]
                .events
                .iter()
                .map(|e| Ev {
                    line: e.line,
                    names: mp_names(model, id, &e.slots),
                })
                .collect();
            r.cp_events += cev.len();
            r.mp_events += mev.len();
            let steps = align(&cev, &mev);
            let resumed = code.is_generator && mp[mi].call_line != code.def_line;
            if std::env::var("MPDBG_DIFF_TRACE").is_ok_and(|p| p == code.path) {
                eprintln!("--- {file} {} (segment {ci}/{mi})", code.path);
                for st in &steps {
                    match *st {
                        Step::Both(a, b) => eprintln!(
                            "  both {:4}  cp {:?}\n              mp {:?}",
                            cev[a].line, cev[a].names, mev[b].names
                        ),
                        Step::CpOnly(a) => {
                            eprintln!("  cp   {:4}  {:?}", cev[a].line, cev[a].names)
                        }
                        Step::MpOnly(b) => {
                            eprintln!("  mp   {:4}  {:?}", mev[b].line, mev[b].names)
                        }
                    }
                }
            }
            for step in steps {
                let obs = match step {
                    Step::Both(a, b) => {
                        r.paired_events += 1;
                        let (x, y) = (&cev[a], &mev[b]);
                        let keys: BTreeSet<&String> = x.names.keys().chain(y.names.keys()).collect();
                        let mut differing = Vec::new();
                        for k in &keys {
                            r.triples_total += 1;
                            r.paired_triples_total += 1;
                            if x.names.get(*k) == y.names.get(*k) {
                                r.triples_equal += 1;
                                r.paired_triples_equal += 1;
                            } else {
                                differing.push((*k).clone());
                            }
                        }
                        if differing.is_empty() {
                            r.paired_equal += 1;
                            continue;
                        }
                        Observation {
                            side: Side::Values,
                            line: x.line,
                            code,
                            names: differing,
                            cp: Some(x),
                            mp: Some(y),
                            resumed,
                            index_in_segment: a,
                        }
                    }
                    Step::CpOnly(a) => {
                        r.triples_total += cev[a].names.len();
                        Observation {
                            side: Side::CpOnly,
                            line: cev[a].line,
                            code,
                            names: cev[a].names.keys().cloned().collect(),
                            cp: Some(&cev[a]),
                            mp: None,
                            resumed,
                            index_in_segment: a,
                        }
                    }
                    Step::MpOnly(b) => {
                        r.triples_total += mev[b].names.len();
                        Observation {
                            side: Side::MpOnly,
                            line: mev[b].line,
                            code,
                            names: mev[b].names.keys().cloned().collect(),
                            cp: None,
                            mp: Some(&mev[b]),
                            resumed,
                            index_in_segment: b,
                        }
                    }
                };
                let text = src_lines.get(obs.line as usize - 1).map(|s| s.trim()).unwrap_or("");
                let example = format!(
                    "{file}:{} {:?} in {}: `{text}` names {:?}{}",
                    obs.line,
                    obs.side,
                    code.path,
                    obs.names,
                    match (obs.cp, obs.mp) {
                        (Some(a), Some(b)) => format!(" cpython {:?} micropython {:?}", a.names, b.names),
                        _ => String::new(),
                    }
                );
                let n_triples = obs.names.len();
                match classify(&obs, &src_lines) {
                    Some(cat) => {
                        r.triples_explained += n_triples;
                        r.note(cat, example);
                    }
                    None => r.unexplained.push(example),
                }
            }
        }
    }
    r
}

pub fn render(t: &FileReport, table: &BTreeMap<String, String>, per_file: &str) -> String {
    let mut s = String::new();
    let pct = |a: usize, b: usize| {
        if b == 0 {
            100.0
        } else {
            100.0 * a as f64 / b as f64
        }
    };
    let _ = writeln!(
        s,
        "== differential test: source model vs MicroPython (slots named by the model) and CPython 3.11 =="
    );
    let _ = writeln!(s, "{per_file}");
    let _ = writeln!(
        s,
        "code objects run on the device: {} ({} frame activations paired)",
        t.codes_seen.len(),
        t.segments
    );
    let _ = writeln!(
        s,
        "device facts (n_locals, arg counts, flags, arg names, def line, co_lines, cells) matching the model: {}/{}",
        t.facts_matched, t.facts_checked
    );
    let _ = writeln!(
        s,
        "co_lines() equal to the model's lines: {}/{}",
        t.co_lines_equal, t.co_lines_checked
    );
    let _ = writeln!(
        s,
        "observed line events on model lines: {}/{}",
        t.observed_lines_in_model, t.observed_lines
    );
    let _ = writeln!(
        s,
        "line events: CPython {}, MicroPython {}, paired {} ({} with equal locals)",
        t.cp_events, t.mp_events, t.paired_events, t.paired_equal
    );
    let _ = writeln!(
        s,
        "(line, name, value) triples: {} equal of {} = {:.2}%; {} more differ for documented reasons; {} unexplained",
        t.triples_equal,
        t.triples_total,
        pct(t.triples_equal, t.triples_total),
        t.triples_explained,
        t.triples_total - t.triples_equal - t.triples_explained
    );
    let _ = writeln!(
        s,
        "on events both interpreters deliver: {} equal of {} triples = {:.2}%",
        t.paired_triples_equal,
        t.paired_triples_total,
        pct(t.paired_triples_equal, t.paired_triples_total)
    );
    let _ = writeln!(s, "\ndocumented differences observed:");
    for (k, n) in &t.categories {
        let desc = table.get(k).map(String::as_str).unwrap_or("NOT IN DIFFERENCES.md");
        let _ = writeln!(s, "  {k}: {n} times - {desc}");
        for e in t.examples.get(k).into_iter().flatten() {
            let _ = writeln!(s, "      e.g. {e}");
        }
    }
    if !t.unexplained.is_empty() {
        let _ = writeln!(s, "\nunexplained ({}):", t.unexplained.len());
        for e in t.unexplained.iter().take(2000) {
            let _ = writeln!(s, "  {e}");
        }
    }
    if !t.errors.is_empty() {
        let _ = writeln!(s, "\nerrors ({}):", t.errors.len());
        for e in t.errors.iter().take(60) {
            let _ = writeln!(s, "  {e}");
        }
    }
    s
}
