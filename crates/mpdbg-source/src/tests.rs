//! Tests of the whole pipeline on small sources, checked against MicroPython's
//! compiler rules (and, where noted, against `micropython -v -v` output).

use super::*;

fn model(src: &str) -> SourceModel {
    match SourceModel::analyze(src) {
        Ok(m) => m,
        Err(e) => panic!("analysis failed: {e}"),
    }
}

fn code<'m>(m: &'m SourceModel, name: &str) -> &'m CodeObject {
    m.code_objects()
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no code object {name}"))
}

#[test]
fn notes_example_slot_order() {
    let src = "\
def f(a, b, *args, c=1, **kw):
    print(z)
    z = 5
    x = 1
    for i in range(2):
        y = i
    def inner():
        return x
    try:
        pass
    except Exception as e:
        pass
";
    let m = model(src);
    let f = code(&m, "f");
    assert_eq!(
        f.slot_names(),
        ["a", "b", "c", "args", "kw", "z", "i", "y", "inner", "e", "x"]
    );
    assert_eq!(f.n_locals, 11);
    assert!(f.slots[10].holds_cell);
    assert_eq!(f.slots[10].role, SlotRole::Cell);
    assert_eq!(f.n_pos_args, 2);
    assert_eq!(f.n_kwonly_args, 1);
    assert_eq!(
        f.scope_flags & (flags::VARARGS | flags::VARKEYWORDS),
        flags::VARARGS | flags::VARKEYWORDS
    );
    assert_eq!(f.arg_names, ["a", "b", "c"]);
    let inner = code(&m, "inner");
    assert_eq!(inner.slot_names(), ["x"]);
    assert_eq!(inner.slots[0].role, SlotRole::Free);
    assert_eq!(inner.n_pos_args, 1);
    assert_eq!(inner.arg_names, ["*"]);
}
