//! Print the source model of a Python file: code objects, slots, lines.
//!
//! `cargo run -p mpdbg-source --example dump -- FILE.py`
use mpdbg_source::SourceModel;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: dump FILE.py");
        std::process::exit(2);
    };
    let src = match std::fs::read_to_string(&path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let m = match SourceModel::analyze(&src) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("{path}:{e}");
            std::process::exit(1);
        }
    };
    for c in m.code_objects() {
        println!(
            "{} {:?} def_line={} span={:?} emit={:?} n_locals={} pos={} kwonly={} flags={:#x} args={:?}",
            c.path,
            c.kind,
            c.def_line,
            c.span,
            c.emit,
            c.n_locals,
            c.n_pos_args,
            c.n_kwonly_args,
            c.scope_flags,
            c.arg_names
        );
        let slots: Vec<String> = c
            .slots
            .iter()
            .map(|s| format!("{}={}{}", s.name, s.index, if s.holds_cell { "(cell)" } else { "" }))
            .collect();
        println!("    slots: {}", slots.join(" "));
        println!("    lines: {:?}", c.lines);
        if !c.uncertain_lines.is_empty() {
            println!("    uncertain lines: {:?}", c.uncertain_lines);
        }
    }
}
