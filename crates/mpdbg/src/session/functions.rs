//! Function breakpoints (`name`, `module.name`, `Class.method`): the function
//! is found in the source model of the program's files, and the breakpoint
//! goes on the first line of its body that has code.
use mpdbg_source::{CodeKind, SourceModel};
use std::path::{Path, PathBuf};

/// A function breakpoint as requested.
#[derive(Clone, Debug, Default)]
pub struct FunctionBreakpointRequest {
    pub name: String,
    pub condition: Option<String>,
    pub hit_condition: Option<String>,
    pub temporary: bool,
    pub ignore_count: u64,
    /// The id it had in an earlier session (see [`super::BreakpointRequest`]).
    pub id: Option<i64>,
}

/// The files that may define `name`, with the dotted path to look for in
/// each: `a.b.f` is `f` in module `a/b.py` (or package `a/b/__init__.py`)
/// beside the program, or `a.b.f` (a method of a nested class) in one of the
/// `searched` files (the program, the file the program is stopped in).
pub fn candidates(name: &str, project: &Path, searched: &[PathBuf]) -> Vec<(PathBuf, String)> {
    let mut out: Vec<(PathBuf, String)> = searched.iter().map(|f| (f.clone(), name.to_string())).collect();
    let parts: Vec<&str> = name.split('.').collect();
    for split in (1..parts.len()).rev() {
        let module = parts[..split].join("/");
        let rest = parts[split..].join(".");
        for file in [
            project.join(format!("{module}.py")),
            project.join(&module).join("__init__.py"),
        ] {
            if file.is_file() {
                out.push((file, rest.clone()));
            }
        }
    }
    out
}

/// The line of a function's first statement with code, or why there is none.
pub fn first_line(model: &SourceModel, qualified: &str) -> Result<u32, String> {
    let functions = || {
        model
            .code_objects()
            .iter()
            .filter(|c| matches!(c.kind, CodeKind::Function))
    };
    let exact: Vec<_> = functions().filter(|c| c.path == qualified).collect();
    let found = if exact.is_empty() {
        // A function nested in another is known by its own name alone too.
        let by_name: Vec<_> = functions().filter(|c| c.name == qualified).collect();
        match by_name.len() {
            0 => return Err(format!("no function {qualified}")),
            1 => by_name[0],
            _ => {
                let paths: Vec<&str> = by_name.iter().map(|c| c.path.as_str()).collect();
                return Err(format!("{qualified} is ambiguous: {}", paths.join(", ")));
            }
        }
    } else {
        exact[0]
    };
    if !found.debuggable() {
        return Err(format!(
            "{} is compiled to machine code and cannot be debugged",
            found.path
        ));
    }
    found
        .lines
        .iter()
        .copied()
        .find(|&l| l > found.def_line)
        .or_else(|| found.lines.first().copied())
        .ok_or_else(|| format!("{} has no line with code", found.path))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "def f(a):\n    \"\"\"Doc.\"\"\"\n    b = a\n    return b\n\n\nclass C:\n    def m(self):\n        def inner():\n            return 1\n        return inner()\n\n\ndef g(): return 2\n";

    #[test]
    fn functions_methods_and_nested_functions() {
        let model = SourceModel::analyze(SRC).expect("parses");
        assert_eq!(first_line(&model, "f"), Ok(3));
        assert_eq!(first_line(&model, "C.m"), Ok(9));
        assert_eq!(first_line(&model, "inner"), Ok(10));
        assert_eq!(first_line(&model, "g"), Ok(14));
        assert!(first_line(&model, "nope").unwrap_err().contains("no function nope"));
        assert!(first_line(&model, "C").is_err(), "a class is no function");
    }

    #[test]
    fn dotted_names_look_in_modules_beside_the_program() {
        let dir = std::env::temp_dir().join(format!("mpdbg-fn-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("pkg")).unwrap();
        std::fs::write(dir.join("util.py"), "def h():\n    pass\n").unwrap();
        std::fs::write(dir.join("pkg/__init__.py"), "").unwrap();
        let main = dir.join("main.py");
        let c = candidates("util.h", &dir, std::slice::from_ref(&main));
        assert_eq!(
            c,
            vec![(main.clone(), "util.h".into()), (dir.join("util.py"), "h".into())]
        );
        assert_eq!(
            candidates("pkg.x.y", &dir, &[]),
            vec![(dir.join("pkg/__init__.py"), "x.y".into())]
        );
        std::fs::remove_dir_all(&dir).ok();
    }
}
