//! Differential test of the source model against the real MicroPython.
//!
//! Every corpus file (`tests/corpus/*.py` in the workspace) runs on CPython
//! 3.11 under `sys.settrace` (recording named locals at every `line` event)
//! and on the debug MicroPython (recording raw slot values through
//! `_mpdbg`). The slots are named with the source model and both event
//! streams are compared. Differences that come from MicroPython itself are
//! listed, with reasons, in `crates/mpdbg-source/DIFFERENCES.md`; anything
//! else fails the test.

mod align;
mod compare;
mod differences;
mod records;
mod tools;

use compare::{compare_file, FileReport};
use mpdbg_source::{CodeId, DeviceFacts, SourceModel, Verdict};
use std::fmt::Write as _;

fn model_of(path: &std::path::Path) -> SourceModel {
    let src = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    SourceModel::analyze(&src).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Slot names against real MicroPython, over the whole corpus.
#[test]
fn corpus_slots_and_events_match_micropython() {
    let mp = tools::micropython();
    let py = tools::cpython();
    let dir = tools::scratch("differential");
    let table = differences::load_table();
    let mut total = FileReport::default();
    let mut per_file = String::new();
    for path in tools::corpus_files() {
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("x").to_string();
        let cp_out = dir.join(format!("{stem}.cpython.txt"));
        let mp_out = dir.join(format!("{stem}.micropython.txt"));
        tools::run(std::path::Path::new(&py), "record_cpython.py", &[&path, &cp_out]);
        tools::run(&mp, "record_micropython.py", &[&path, &mp_out]);
        let cp_text = std::fs::read_to_string(&cp_out).unwrap_or_default();
        let mp_text = std::fs::read_to_string(&mp_out).unwrap_or_default();
        let model = model_of(&path);
        let rep = compare_file(&path, &model, &cp_text, &mp_text);
        let _ = writeln!(
            per_file,
            "{stem}: code objects run {} / model {}, events cp {} mp {}, paired {}, triples {}/{}",
            rep.codes_seen.len(),
            model.code_objects().len(),
            rep.cp_events,
            rep.mp_events,
            rep.paired_events,
            rep.triples_equal,
            rep.triples_total
        );
        total.merge(rep);
    }
    let report = compare::render(&total, &table, &per_file);
    let report_path = dir.join("report.txt");
    let _ = std::fs::write(&report_path, &report);
    println!("{report}\n(report written to {})", report_path.display());

    // The corpus must really exercise the model.
    assert!(
        total.functions_run >= 150,
        "only {} functions/modules ran",
        total.functions_run
    );
    assert!(
        total.triples_total > 10_000,
        "only {} (line, name, value) triples",
        total.triples_total
    );
    assert!(total.errors.is_empty(), "failures:\n{}", total.errors.join("\n"));
    let undocumented: Vec<&String> = total.categories.keys().filter(|k| !table.contains_key(*k)).collect();
    assert!(
        undocumented.is_empty(),
        "differences not documented in DIFFERENCES.md: {undocumented:?}"
    );
    assert!(
        total.unexplained.is_empty(),
        "unexplained differences:\n{}",
        total.unexplained.join("\n")
    );
}

/// The line table of every code object (static walk of `co_consts` on the
/// device) equals the model's executable lines.
#[test]
fn corpus_line_tables_match_micropython() {
    let mp = tools::micropython();
    let files = tools::corpus_files();
    let args: Vec<&std::path::Path> = files.iter().map(|p| p.as_path()).collect();
    let out = tools::run(&mp, "mp_static_lines.py", &args);
    let mut current: Option<(SourceModel, Vec<CodeId>)> = None;
    let mut idx = 0;
    let (mut codes, mut equal, mut lines_total, mut uncertain) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for line in out.lines() {
        if let Some(p) = line.strip_prefix("FILE ") {
            let m = model_of(std::path::Path::new(p));
            let mut order = Vec::new();
            preorder(&m, CodeId(0), &mut order);
            current = Some((m, order));
            idx = 0;
        } else if let Some(rest) = line.strip_prefix("CODE ") {
            let Some((m, order)) = &current else { continue };
            let mut parts = rest.split(' ');
            let _depth = parts.next();
            let name = parts.next().unwrap_or("");
            let dev: Vec<u32> = parts.filter_map(|x| x.parse().ok()).collect();
            codes += 1;
            lines_total += dev.len();
            match order.get(idx).and_then(|&id| m.code(id)) {
                Some(c) if c.name == name && c.lines == dev => equal += 1,
                Some(c) if c.name == name && c.lines_agree(&dev) => {
                    equal += 1;
                    uncertain += 1;
                }
                Some(c) => failures.push(format!("{}: device {dev:?}, model {:?} ({})", name, c.lines, c.path)),
                None => failures.push(format!("{name}: not in the model")),
            }
            idx += 1;
        } else if line.starts_with("ERROR") {
            failures.push(line.to_string());
        }
    }
    println!(
        "line tables: {equal}/{codes} code objects agree ({uncertain} only up to uncertain lines; {lines_total} lines on the device)"
    );
    assert!(codes >= 150, "only {codes} code objects compared");
    assert!(failures.is_empty(), "line tables differ:\n{}", failures.join("\n"));
}

fn preorder(m: &SourceModel, id: CodeId, out: &mut Vec<CodeId>) {
    out.push(id);
    if let Some(c) = m.code(id) {
        for &k in &c.children {
            preorder(m, k, out);
        }
    }
}

/// Editing a file after the device loaded it is detected from the facts the
/// device reports.
#[test]
fn edited_source_is_detected() {
    let mp = tools::micropython();
    let dir = tools::scratch("mismatch");
    let original = tools::workspace().join("tests").join("corpus").join("params.py");
    let copy = dir.join("params.py");
    let src = std::fs::read_to_string(&original).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&copy, &src).unwrap_or_else(|e| panic!("{e}"));
    let out = dir.join("params.micropython.txt");
    tools::run(&mp, "record_micropython.py", &[&copy, &out]);
    let (segs, errors) = records::parse_micropython(&std::fs::read_to_string(&out).unwrap_or_default());
    assert!(errors.is_empty(), "{errors:?}");

    let facts_of = |s: &records::MpSeg| {
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
    };
    let find = |m: &SourceModel, s: &records::MpSeg| {
        m.code_objects()
            .iter()
            .find(|c| c.name == s.name && c.def_line == s.call_line)
            .map(|c| c.id)
    };

    // Unchanged source: every frame matches.
    let same = SourceModel::analyze(&src).unwrap_or_else(|e| panic!("{e}"));
    let mut checked = 0;
    for s in segs.iter().filter(|s| s.info.is_some() && s.name != "<module>") {
        let id = find(&same, s).unwrap_or_else(|| panic!("{} not found", s.name));
        let v = same.check(id, &facts_of(s));
        assert!(v.matches(), "{}: {v}", s.name);
        checked += 1;
    }
    assert!(checked > 20, "only {checked} frames checked");

    // 1. A new local in `positional`: n_locals differs, lines shift.
    let edited = src.replacen(
        "    total = a + b + c\n",
        "    total = a + b + c\n    extra = total\n",
        1,
    );
    assert_ne!(edited, src);
    let m = SourceModel::analyze(&edited).unwrap_or_else(|e| panic!("{e}"));
    let seg = segs
        .iter()
        .find(|s| s.name == "positional")
        .unwrap_or_else(|| panic!("positional not run"));
    let id = m
        .code_objects()
        .iter()
        .find(|c| c.name == "positional")
        .map(|c| c.id)
        .unwrap_or(CodeId(0));
    match m.check(id, &facts_of(seg)) {
        Verdict::Differs(d) => {
            let what: Vec<&str> = d.iter().map(|x| x.what).collect();
            assert!(what.contains(&"n_locals"), "{what:?}");
            assert!(what.contains(&"lines"), "{what:?}");
        }
        Verdict::Matches => panic!("added local not detected"),
    }

    // 2. A renamed parameter: arg_names differ (and nothing else).
    let edited = src.replacen(
        "def positional(a, b, c):\n    total = a + b + c",
        "def positional(a, b, d):\n    total = a + b + d",
        1,
    );
    let m = SourceModel::analyze(&edited).unwrap_or_else(|e| panic!("{e}"));
    let id = m
        .code_objects()
        .iter()
        .find(|c| c.name == "positional")
        .map(|c| c.id)
        .unwrap_or(CodeId(0));
    match m.check(id, &facts_of(seg)) {
        Verdict::Differs(d) => {
            let what: Vec<&str> = d.iter().map(|x| x.what).collect();
            assert_eq!(what, ["arg_names"]);
            let text = Verdict::Differs(d).to_string();
            assert!(text.contains("source differs from the device's code"), "{text}");
        }
        Verdict::Matches => panic!("renamed parameter not detected"),
    }

    // 3. Lines inserted above: the frame's name and call line no longer
    //    find the code object, or its lines differ.
    let edited = format!("# a new comment\n\n{src}");
    let m = SourceModel::analyze(&edited).unwrap_or_else(|e| panic!("{e}"));
    let q = mpdbg_source::FrameQuery {
        name: &seg.name,
        line: seg.call_line,
        lines: seg.co_lines.as_deref(),
        ..Default::default()
    };
    assert_eq!(m.find_code(&q), mpdbg_source::CodeMatch::NotFound);

    // 4. A parameter turned into a cell: cell slots differ.
    let edited = src.replacen(
        "def param_reassigned(a, b):\n    a = a * 2\n",
        "def param_reassigned(a, b):\n    a = a * 2\n    (lambda: a)\n",
        1,
    );
    let m = SourceModel::analyze(&edited).unwrap_or_else(|e| panic!("{e}"));
    let seg = segs
        .iter()
        .find(|s| s.name == "param_reassigned")
        .unwrap_or_else(|| panic!("not run"));
    let id = m
        .code_objects()
        .iter()
        .find(|c| c.name == "param_reassigned")
        .map(|c| c.id)
        .unwrap_or(CodeId(0));
    let v = m.check(id, &facts_of(seg));
    match &v {
        Verdict::Differs(d) => assert!(d.iter().any(|x| x.what == "cell_slots"), "{v}"),
        Verdict::Matches => panic!("new cell not detected"),
    }
}

/// Line tables of every code object of a large body of real Python (by
/// default CPython's standard library, or the directory in
/// `$MPDBG_LINES_CORPUS`): MicroPython compiles each file, the model must
/// give the same line tables, and reject what MicroPython rejects.
/// Slow (about a minute), so opt-in:
/// `cargo test -p mpdbg-source --test differential -- --ignored --nocapture`.
#[test]
#[ignore]
fn large_corpus_line_tables_match_micropython() {
    let mp = tools::micropython();
    let root = std::env::var("MPDBG_LINES_CORPUS").unwrap_or_else(|_| {
        let out = std::process::Command::new(tools::cpython())
            .args(["-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"])
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    });
    let mut files = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(&root)];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "py") && e.metadata().is_ok_and(|m| m.len() < 400_000) {
                files.push(p);
            }
        }
    }
    files.sort();
    assert!(!files.is_empty(), "no .py files under {root}");
    let (mut same, mut both_reject, mut unreadable, mut code_objects, mut uncertain_files) = (0, 0, 0, 0, 0);
    let mut failures = Vec::new();
    for chunk in files.chunks(400) {
        let args: Vec<&std::path::Path> = chunk.iter().map(|p| p.as_path()).collect();
        let out = tools::run(&mp, "mp_static_lines.py", &args);
        let mut blocks: Vec<(String, Vec<String>)> = Vec::new();
        for line in out.lines() {
            if let Some(p) = line.strip_prefix("FILE ") {
                blocks.push((p.to_string(), Vec::new()));
            } else if let Some(b) = blocks.last_mut() {
                b.1.push(line.to_string());
            }
        }
        for (path, lines) in blocks {
            let bytes = std::fs::read(&path).unwrap_or_default();
            let Ok(src) = String::from_utf8(bytes) else {
                unreadable += 1;
                continue;
            };
            if lines.first().is_some_and(|l| l.starts_with("ERROR read")) {
                unreadable += 1;
                continue;
            }
            let model = SourceModel::analyze(&src);
            let device_rejects = lines.first().is_some_and(|l| l.starts_with("ERROR"));
            match (device_rejects, model) {
                (true, Err(_)) => both_reject += 1,
                (true, Ok(_)) => failures.push(format!(
                    "{path}: MicroPython rejects it ({}) but the model does not",
                    lines[0]
                )),
                (false, Err(e)) => failures.push(format!("{path}: the model rejects it: {e}")),
                (false, Ok(m)) => {
                    let mut order = Vec::new();
                    preorder(&m, CodeId(0), &mut order);
                    let theirs: Vec<(String, Vec<u32>)> = lines
                        .iter()
                        .filter_map(|l| l.strip_prefix("CODE "))
                        .map(|l| {
                            let mut parts = l.split(' ').skip(1);
                            let name = parts.next().unwrap_or("").to_string();
                            (name, parts.filter_map(|x| x.parse().ok()).collect())
                        })
                        .collect();
                    code_objects += theirs.len();
                    let mut ok = order.len() == theirs.len();
                    let mut loose = false;
                    for (&id, (name, dev)) in order.iter().zip(&theirs) {
                        match m.code(id) {
                            Some(c) if c.name == *name && c.lines == *dev => {}
                            Some(c) if c.name == *name && c.lines_agree(dev) => loose = true,
                            Some(c) => {
                                ok = false;
                                failures.push(format!("{path}: {}: device {dev:?}, model {:?}", c.path, c.lines));
                            }
                            None => ok = false,
                        }
                    }
                    if ok {
                        same += 1;
                        if loose {
                            uncertain_files += 1;
                        }
                    } else if order.len() != theirs.len() {
                        failures.push(format!(
                            "{path}: {} code objects on the device, {} in the model",
                            theirs.len(),
                            order.len()
                        ));
                    }
                }
            }
        }
    }
    println!(
        "{} files: {same} with agreeing line tables ({code_objects} code objects; {uncertain_files} files agree only up to \
         lines that depend on the device's qstrs), {both_reject} rejected by both, {unreadable} not UTF-8",
        files.len()
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
