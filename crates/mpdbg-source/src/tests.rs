//! Tests of the whole pipeline on small sources. Expected values follow
//! MicroPython's compiler rules; the ones marked "device" were checked
//! against the debug MicroPython (`_mpdbg.code_info`, `co_lines()`).

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

fn err(src: &str) -> SourceError {
    match SourceModel::analyze(src) {
        Ok(_) => panic!("expected an error for {src:?}"),
        Err(e) => e,
    }
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

#[test]
fn star_args_swaps_with_the_last_keyword_only_parameter() {
    // device: argnames ('a', 'd', 'c'), flags 6
    let m = model("def f(a, *args, c, d, **kw):\n    return a\n");
    let f = code(&m, "f");
    assert_eq!(f.slot_names(), ["a", "d", "c", "args", "kw"]);
    assert_eq!(f.arg_names, ["a", "d", "c"]);
    assert_eq!(f.param_names(), ["a", "d", "c", "args", "kw"]);
    assert_eq!(f.scope_flags, flags::VARARGS | flags::VARKEYWORDS);
    // A bare star does not move anything.
    let m = model("def g(a, *, c, d):\n    return a\n");
    assert_eq!(code(&m, "g").slot_names(), ["a", "c", "d"]);
}

#[test]
fn free_variables_come_first_and_parameters_can_be_cells() {
    let src = "\
def outer(p, q):
    r = 1
    def middle(s):
        t = 2
        def inner():
            return p + r + s + t
        return inner
    return middle
";
    let m = model(src);
    let outer = code(&m, "outer");
    assert_eq!(outer.slot_names(), ["p", "q", "middle", "r"]);
    assert!(outer.slots[0].holds_cell && outer.slots[0].role == SlotRole::Param);
    assert_eq!(outer.slots[3].role, SlotRole::Cell);
    let middle = code(&m, "middle");
    // frees in the order of the parent's ids (p, r), then s (a cell param), t
    assert_eq!(middle.slot_names(), ["p", "r", "s", "inner", "t"]);
    assert_eq!(middle.n_pos_args, 3);
    assert_eq!(middle.arg_names, ["*", "*", "s"]);
    let inner = code(&m, "inner");
    // device-checked: frees follow the order of the parent's ids, where p and r
    // were appended after middle's own names
    assert_eq!(inner.slot_names(), ["s", "t", "p", "r"]);
    assert!(inner.slots.iter().all(|s| s.role == SlotRole::Free));
}

#[test]
fn nonlocal_and_global() {
    let src = "\
g = 0
def f():
    n = 0
    def h():
        nonlocal n
        global g
        n += 1
        g += 1
        k = n
    return h
";
    let m = model(src);
    assert_eq!(code(&m, "h").slot_names(), ["n", "k"]);
    assert_eq!(code(&m, "f").slot_names(), ["h", "n"]);
    let e = err("def f():\n    nonlocal zz\n");
    assert!(e.message().contains("no binding for nonlocal"), "{e}");
    let e = err("nonlocal x\n");
    assert!(matches!(e, SourceError::Compile { .. }), "{e}");
}

#[test]
fn names_are_numbered_in_compile_order() {
    // device-checked: left-most target first; `for x in range(a, b)`
    // compiles b before a; a while loop's body before its condition; a
    // dict display's value before its key.
    let src = "\
def f():
    target = source = 1
    for i in range(late_end, early_start):
        pass
    while cond_name:
        body_name = 1
        cond_name = 0
    d = {(key_w := 1): (val_w := 2)}
    early_start = late_end = 0
";
    let m = model(src);
    assert_eq!(
        code(&m, "f").slot_names(),
        [
            "target",
            "source",
            "early_start",
            "late_end",
            "i",
            "body_name",
            "cond_name",
            "val_w",
            "key_w",
            "d"
        ]
    );
}

#[test]
fn dead_branches_do_not_allocate_names_but_dead_stores_do() {
    let src = "\
def f():
    if False:
        never = 1
    return 1
    dead = 2
";
    let m = model(src);
    let f = code(&m, "f");
    assert_eq!(f.slot_names(), ["dead"]);
    // device: n_locals 0 (the store is never emitted)
    assert_eq!(f.n_locals, 1);
    assert_eq!(f.n_locals_visible, 0);
    let m = model("def d(p, *, q, r=1):\n    x: int\n    return p\n");
    let d = code(&m, "d");
    assert_eq!(d.slot_names(), ["p", "q", "r", "x"]);
    assert_eq!((d.n_locals, d.n_locals_visible), (4, 3)); // device: 3
    assert_eq!(d.scope_flags, flags::DEFKWARGS);
}

#[test]
fn comprehensions_are_code_objects_with_a_hidden_argument() {
    let src = "\
def f(n):
    sq = [i * n for i in range(3)]
    d = {k: v for k, v in []}
    s = {x for x in ()}
    g = (y for y in sq)
    w = [z for q in sq if (z := q)]
    return w
";
    let m = model(src);
    let f = code(&m, "f");
    assert_eq!(f.slot_names(), ["n", "sq", "d", "s", "g", "w", "z"]);
    assert_eq!(f.slots[0].role, SlotRole::Param);
    assert!(f.slots[0].holds_cell);
    assert_eq!(f.slots[6].role, SlotRole::Cell);
    let names: Vec<&str> = m.code_objects().iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "<module>",
            "f",
            "<listcomp>",
            "<dictcomp>",
            "<setcomp>",
            "<genexpr>",
            "<listcomp>"
        ]
    );
    let lc = &m.code_objects()[2];
    assert_eq!(lc.slot_names(), ["n", "", "i"]);
    assert_eq!(lc.arg_names, ["*", "*"]);
    assert_eq!(lc.kind, CodeKind::ListComp);
    assert!(m.code_objects()[5].is_generator);
    let walrus = &m.code_objects()[6];
    assert_eq!(walrus.slot_names(), ["z", "", "q"]);
}

#[test]
fn classes_and_super() {
    let src = "\
def f(base):
    tag = 1
    class C(base):
        x = tag
        def m(self, v):
            super().m(v)
            return tag
    return C
";
    let m = model(src);
    let c = code(&m, "C");
    assert_eq!(c.kind, CodeKind::Class);
    // frees first (tag), then the __class__ cell
    assert_eq!(c.slot_names(), ["tag", "__class__"]);
    assert_eq!(c.slots[1].role, SlotRole::Cell);
    let meth = code(&m, "m");
    // __class__ and tag are free; super() loads __class__ before the body's `tag`
    assert_eq!(meth.slot_names(), ["__class__", "tag", "self", "v"]);
    assert_eq!(meth.path, "f.C.m");
    assert_eq!(code(&m, "f").slot_names(), ["base", "C", "tag"]);
}

#[test]
fn call_event_lines() {
    // device-checked: a=7 (@deco), b=11 (@mk(1) call; @deco has no code),
    // c=18 (the default [] is on the def line), K=21, lambdas on their line.
    let src = "\
def deco(f):
    return f

def mk(x):
    return lambda f: f

@deco
def a():
    return 1

@mk(1)
@deco
def b():
    return 2

@mk(
    2)
def c(x=[]):
    return 3

@deco
class K:
    y = 1
print((lambda: 1)(), (lambda q: q)(2))
";
    let m = model(src);
    let line = |n: &str| code(&m, n).def_line;
    assert_eq!((line("a"), line("b"), line("c"), line("K")), (7, 11, 18, 21));
    assert_eq!(m.module().def_line, 1);
    assert_eq!(m.module().lines, [1, 4, 7, 11, 16, 18, 21, 24]);
    assert_eq!(code(&m, "K").lines, [22, 23]);
    assert_eq!(code(&m, "a").span, (8, 9));
}

#[test]
fn line_tables_follow_micropython() {
    let src = "\
def f(x):
    if x:
        a = 1
    elif x == 2:
        a = 2
    elif y:
        a = 3
    pass
    'doc'
    b = (x +
         x)
    return a
    unreachable = 1
";
    // `elif y:` compiles a leaf: no line of its own (code lands on line 5);
    // `pass` and the lone string have no code; line 11 has only leaves.
    let m = model(src);
    assert_eq!(code(&m, "f").lines, [2, 3, 4, 5, 7, 10, 12]);
}

#[test]
fn loops_place_their_tests_on_the_last_body_line() {
    let src = "\
def f(n):
    for i in range(n):
        a = i
        b = a
    while n:
        n -= 1
    return b
";
    let m = model(src);
    assert_eq!(code(&m, "f").lines, [2, 3, 4, 5, 6, 7]);
}

#[test]
fn native_code_is_not_debuggable() {
    let src = "\
import micropython

@micropython.native
def fast(a):
    b = a
    f = lambda: b
    return f

@micropython.viper
def faster(x: int) -> int:
    return x

@micropython.asm_thumb
def asm(r0):
    add(r0, r0, 1)

@micropython.bytecode
def slow(a):
    return a
";
    let m = model(src);
    let fast = code(&m, "fast");
    assert_eq!(fast.emit, EmitKind::Native);
    assert!(!fast.debuggable());
    assert!(fast.lines.is_empty());
    assert_eq!(fast.slot_names(), ["a", "f", "b"]);
    assert_eq!(code(&m, "<lambda>").emit, EmitKind::Native);
    assert_eq!(code(&m, "faster").emit, EmitKind::Viper);
    assert_eq!(code(&m, "asm").emit, EmitKind::InlineAsm);
    assert!(code(&m, "asm").slots.is_empty());
    assert!(code(&m, "slow").debuggable());
    assert_eq!(code(&m, "slow").lines, [19]);
    match m.resolve_breakpoint(5) {
        Breakpoint::Rejected {
            reason: RejectReason::NotDebuggable { function },
            ..
        } => assert_eq!(function, "fast"),
        other => panic!("{other:?}"),
    }
    let e = err("@micropython.turbo\ndef f():\n    pass\n");
    assert!(e.message().contains("invalid micropython decorator"));
}

#[test]
fn const_is_folded_and_substituted() {
    let src = "\
from micropython import const
_A = const(2)
B = const(_A * 4)
def f():
    C = const(5)
    x = B + C
    return x
";
    let m = model(src);
    // `_A = const()` has no code; `B = const()` stores 8.
    assert_eq!(m.module().lines, [1, 3, 4]);
    // C is still a local (stored once), later uses are replaced.
    assert_eq!(code(&m, "f").slot_names(), ["C", "x"]);
    let e = err("X = const(y)\n");
    assert!(e.message().contains("not a constant"));
}

#[test]
fn breakpoints() {
    let src = "\
# comment
import sys

def f(a,
      b):
    '''Doc
    string.'''
    x = '''text
inside'''
    try:
        y = 1
    except ValueError:
        y = 2
    else:
        y = 3
    return (x,
            y)
";
    let m = model(src);
    let r = |l| m.resolve_breakpoint(l);
    let rejected = |b: Breakpoint| match b {
        Breakpoint::Rejected { reason, .. } => reason,
        other => panic!("{other:?}"),
    };
    assert_eq!(rejected(r(1)), RejectReason::Comment);
    assert_eq!(r(2), Breakpoint::Verified(2));
    assert_eq!(rejected(r(3)), RejectReason::BlankLine);
    assert_eq!(r(4), Breakpoint::Verified(4));
    assert_eq!(r(5), Breakpoint::Moved { requested: 5, line: 8 });
    assert_eq!(rejected(r(6)), RejectReason::Docstring);
    assert_eq!(rejected(r(7)), RejectReason::Docstring);
    assert_eq!(r(8), Breakpoint::Verified(8));
    assert_eq!(rejected(r(9)), RejectReason::InsideString);
    // `try:` sets up the handler: it has code.
    assert_eq!(r(10), Breakpoint::Verified(10));
    assert_eq!(r(12), Breakpoint::Verified(12));
    assert_eq!(
        r(14),
        Breakpoint::Moved {
            requested: 14,
            line: 15
        }
    );
    assert_eq!(r(16), Breakpoint::Verified(16));
    // `y)` is a leaf on a continuation line and nothing follows.
    assert_eq!(rejected(r(17)), RejectReason::NoCodeAfter);
    assert_eq!(rejected(r(18)), RejectReason::PastEndOfFile);
    assert_eq!(rejected(r(0)), RejectReason::PastEndOfFile);
    assert_eq!(m.executable_lines(), [2, 4, 8, 10, 11, 12, 13, 15, 16]);
    assert_eq!(m.line_count(), 17);
}

#[test]
fn no_code_after_a_line() {
    let m = model("def f():\n    return (1,\n            2 +\n            x)\n");
    match m.resolve_breakpoint(4) {
        Breakpoint::Rejected {
            reason: RejectReason::NoCodeAfter,
            ..
        } => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn finding_code_objects() {
    let src = "\
def f():
    add, one = lambda a, b: a + b, lambda a: a
    same1, same2 = lambda x: x, lambda x: x
    grid = [[i * j for j in range(3)] for i in range(3)]
    return add, one, same1, grid
";
    let m = model(src);
    let q = |args: &'static [&str]| {
        let names: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        names
    };
    let two = q(&["a", "b"]);
    let got = m.find_code(&FrameQuery {
        name: "<lambda>",
        line: 2,
        arg_names: Some(&two),
        ..Default::default()
    });
    let CodeMatch::Unique(id) = got else { panic!("{got:?}") };
    assert_eq!(m.code(id).map(|c| c.n_pos_args), Some(2));
    // Indistinguishable lambdas: ambiguous, but their slots agree.
    let one = q(&["x"]);
    let got = m.find_code(&FrameQuery {
        name: "<lambda>",
        line: 3,
        arg_names: Some(&one),
        ..Default::default()
    });
    assert!(matches!(got, CodeMatch::Ambiguous { same_slots: true, .. }), "{got:?}");
    // Nested comprehensions on one line: told apart by their cells.
    let outer_cells = [1u32];
    let inner_cells = [0u32];
    for (cells, parent_is_f) in [(&outer_cells, true), (&inner_cells, false)] {
        let got = m.find_code(&FrameQuery {
            name: "<listcomp>",
            line: 4,
            cell_slots: Some(cells),
            ..Default::default()
        });
        let CodeMatch::Unique(id) = got else { panic!("{got:?}") };
        let parent = m.code(id).and_then(|c| c.parent).and_then(|p| m.code(p));
        assert_eq!(parent.map(|p| p.name == "f"), Some(parent_is_f));
    }
    let got = m.find_code(&FrameQuery {
        name: "g",
        line: 1,
        ..Default::default()
    });
    assert_eq!(got, CodeMatch::NotFound);
}

#[test]
fn checking_device_facts() {
    let m = model("def f(a, *b):\n    c = a\n    return c\n");
    let f = code(&m, "f");
    let good = DeviceFacts {
        n_locals: Some(3),
        n_pos_args: Some(1),
        n_kwonly_args: Some(0),
        flags: Some(flags::VARARGS),
        arg_names: Some(vec!["a".into()]),
        def_line: Some(1),
        lines: Some(vec![3, 2]),
        cell_slots: Some(vec![]),
    };
    assert_eq!(m.check(f.id, &good), Verdict::Matches);
    let bad = DeviceFacts {
        n_locals: Some(4),
        lines: Some(vec![2, 3, 4]),
        ..good.clone()
    };
    let v = m.check(f.id, &bad);
    let Verdict::Differs(d) = &v else { panic!("{v:?}") };
    let what: Vec<&str> = d.iter().map(|x| x.what).collect();
    assert_eq!(what, ["n_locals", "lines"]);
    assert!(v
        .to_string()
        .starts_with("source differs from the device's code: n_locals is 3 in the source but 4 on the device"));
    assert!(!m.check(CodeId(99), &good).matches());
}

#[test]
fn errors_have_positions() {
    let e = err("def f(:\n    pass\n");
    assert_eq!((e.line(), e.column()), (1, 7));
    assert!(matches!(e, SourceError::Syntax { .. }));
    let e = err("x = 1\n  y = 2\n");
    assert_eq!(e.line(), 2);
    assert!(e.message().contains("indent"), "{e}");
    let e = err("def f():\n    return 1\n  x = 2\n");
    assert!(e.message().contains("unindent"), "{e}");
    let e = err("s = 'abc\n");
    assert_eq!(e.line(), 1);
    for (src, msg) in [
        ("return 1\n", "'return' outside function"),
        ("def f(a, a):\n    pass\n", "argument name reused"),
        ("f(a=1, *b)\n", "* arg after kwarg"),
        ("f(a=1, b)\n", "positional arg after keyword arg"),
        ("def f():\n    x = 1\n    global x\n", "identifier redefined as global"),
        ("break\n", "outside loop"),
        (
            "def f(a=1, b):\n    pass\n",
            "non-default argument follows default argument",
        ),
        ("1 = x\n", "can't assign"),
        ("del f()\n", "can't delete"),
        ("yield 1\n", "'yield' outside function"),
        ("def f():\n    from m import *\n", "import * not at module level"),
        ("x = *a\n", "*x must be assignment target"),
        (
            "try:\n    pass\nexcept:\n    pass\nexcept E:\n    pass\n",
            "default 'except' must be last",
        ),
    ] {
        let e = err(src);
        assert!(e.message().contains(msg), "{src:?}: {e}");
        assert!(e.line() >= 1);
    }
}

#[test]
fn empty_and_odd_files() {
    for src in [
        "",
        "\n",
        "\n\n# only a comment\n",
        "pass",
        "x = 1",
        "\r\nx = 1\r\n",
        "'''doc'''\n",
    ] {
        let m = model(src);
        assert_eq!(m.module().name, "<module>");
    }
    assert_eq!(model("x = 1").module().lines, [1]);
    assert!(model("").module().lines.is_empty() || model("").module().lines == [1]);
}

/// Every prefix and a few thousand deterministic random edits of the corpus
/// must give a model or an error, never a panic.
#[test]
fn never_panics_on_damaged_input() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                .collect()
        })
        .unwrap_or_default();
    files.push("def f(x):\n    return [y for y in x if (z := y)]\nf'{a!r:>{w}}'\n".into());
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    const JUNK: &[&str] = &[
        "(", ")", "[", "]", "{", "}", ":", "\n", "    ", "\t", "'", "\"\"\"", "\\", "lambda", "yield", "*", "**", "=",
        ":=", ",", "async", "await", "@", "#", "f'{", "}", "\r", "\u{e9}", "0x", "1e", "...",
    ];
    for src in &files {
        let chars: Vec<usize> = src.char_indices().map(|(i, _)| i).collect();
        for k in (0..chars.len()).step_by(97) {
            let _ = SourceModel::analyze(&src[..chars[k]]);
        }
        for _ in 0..300 {
            let at = chars[(next() as usize) % chars.len().max(1)];
            let mut s = src.clone();
            match next() % 3 {
                0 => s.insert_str(at, JUNK[(next() as usize) % JUNK.len()]),
                1 => {
                    let end = (at + 1 + (next() as usize) % 20).min(s.len());
                    if s.is_char_boundary(end) {
                        s.replace_range(at..end, "");
                    }
                }
                _ => s.insert_str(at, &"(".repeat(1 + (next() as usize) % 300)),
            }
            if let Ok(m) = SourceModel::analyze(&s) {
                for l in 0..m.line_count() + 2 {
                    let _ = m.resolve_breakpoint(l);
                }
            }
        }
    }
}

#[test]
fn deep_nesting_is_handled_without_overflow() {
    for depth in [50, 140, 149, 150, 400] {
        let srcs = [
            format!("x = {}1{}\n", "[".repeat(depth), "]".repeat(depth)),
            format!("x = {}1\n", "not ".repeat(depth)),
            format!("x = {}1\n", "-".repeat(depth)),
            format!("x = {}1\n", "lambda: ".repeat(depth)),
            format!("x = a{}\n", "[b".repeat(depth) + &"]".repeat(depth)),
            (0..depth)
                .map(|d| format!("{}if x:\n", "    ".repeat(d)))
                .collect::<String>()
                + &"    ".repeat(depth)
                + "pass\n",
        ];
        for s in &srcs {
            let _ = SourceModel::analyze(s);
        }
    }
}

#[test]
fn lines_that_depend_on_the_device_qstrs_are_uncertain() {
    // A string longer than 10 bytes is a constant object with a line of its
    // own unless the device already has it as a qstr.
    let src = "x = print(1,\n          'a long string literal')\ny = print(2,\n          'short')\n";
    let m = model(src);
    let module = m.module();
    assert_eq!(module.lines, [1, 2, 3]);
    assert_eq!(module.uncertain_lines, [2]);
    assert!(module.lines_agree(&[1, 3]));
    assert!(module.lines_agree(&[1, 2, 3]));
    assert!(!module.lines_agree(&[1, 2]));
    // A qstr every firmware has is not uncertain.
    let m = model("x = print(1,\n          'NotImplementedError')\n");
    assert_eq!(m.module().lines, [1]);
    assert!(m.module().uncertain_lines.is_empty());
    // Nor is a string equal to a name the file used before it.
    let m = model("a_long_identifier = 1\nx = print(1,\n          'a_long_identifier')\n");
    assert_eq!(m.module().lines, [1, 2]);
    assert!(m.module().uncertain_lines.is_empty());
}
