//! Print every code object of each file in depth-first order with its line
//! table, in the format of `tests/mp_static_lines.py` on the device:
//! `FILE path`, then `CODE depth name lines...` or `ERROR message`.
//!
//! `cargo run -p mpdbg-source --example static_lines -- FILE.py...`
use mpdbg_source::{CodeId, SourceModel};

fn walk(m: &SourceModel, id: CodeId, depth: usize) {
    let Some(c) = m.code(id) else { return };
    let lines: Vec<String> = c.lines.iter().map(u32::to_string).collect();
    println!("CODE {depth} {} {}", c.name, lines.join(" "));
    for &k in &c.children {
        walk(m, k, depth + 1);
    }
}

fn main() {
    for path in std::env::args().skip(1) {
        println!("FILE {path}");
        let src = match std::fs::read(&path) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => {
                println!("ERROR {e}");
                continue;
            }
        };
        match SourceModel::analyze(&src) {
            Ok(m) => walk(&m, CodeId(0), 0),
            Err(e) => println!("ERROR {e}"),
        }
    }
}
