//! The deployer's survey of a board: what runs there ([`probe`]'s facts)
//! and the hashes of the files it may write, in one exchange.
//!
//! The survey's code is a helper module the deployer also puts in the
//! agent's folder (by hash, like the agent's files). A launch first asks the
//! board to import that resident copy and run it, which sends a few lines
//! instead of the whole code (over a 115200-baud UART that is most of an
//! unchanged deploy); only when the helper is absent, damaged, or not this
//! mpdbg's (its key differs) is the code sent in full, in a second exchange.
use super::probe::{BoardInfo, PROBE};
use crate::repl::{compact, files, py_str, Link, Repl};
use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;
use std::time::Duration;

/// The helper's module name, and its file in the agent's folder.
pub const MODULE: &str = "mpdbg_survey";
pub const FILE: &str = "mpdbg_survey.py";

/// How long the board may take to hash the files.
const SURVEY_TIMEOUT: Duration = Duration::from_secs(40);

/// The helper's source without its key: `probe()` prints what runs on the
/// board, `survey(paths)` that and the hash of each path.
fn code() -> String {
    let probe: String = PROBE.lines().map(|l| format!("    {l}\n")).collect();
    format!(
        "def probe():\n{probe}{hash}def survey(paths):\n    probe()\n    for p in paths:\n        print('h=' + _h(p))\n",
        hash = files::HASH
    )
}

/// The helper as its file holds it: the code and, last, `KEY`, a hash of
/// the code (so that a helper another mpdbg left there is not trusted).
pub static SOURCE: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let code = compact(&code());
    format!("{code}KEY = {}\n", py_str(&key(&code))).into_bytes()
});

fn key(code: &str) -> String {
    Sha256::digest(code.as_bytes())
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn path_list(paths: &[String]) -> String {
    let list: Vec<String> = paths.iter().map(|p| py_str(p)).collect();
    format!("[{}]", list.join(","))
}

/// Runs the resident helper in `folder` (relative to the board's start-up
/// folder) when it is there with this key; prints nothing otherwise, and
/// leaves neither the module nor the folder in `sys.path` behind. The
/// paths stay in `_p` for the code sent in full when it prints nothing.
fn resident_code(folder: &str, paths: &[String]) -> String {
    format!(
        "_p = {list}\nimport sys\nsys.path.insert(0, {folder})\ntry:\n    import {MODULE} as m\nexcept Exception:\n    m = None\n\
         sys.path.pop(0)\nsys.modules.pop({module}, None)\nif getattr(m, 'KEY', None) == {key}:\n    m.survey(_p)\n    del _p\ndel m\n",
        folder = py_str(folder),
        module = py_str(MODULE),
        key = py_str(&key(&compact(&code()))),
        list = path_list(paths),
    )
}

/// The whole survey's code, for a board without the helper, on the paths
/// `list` (a Python expression).
fn full_code(list: &str) -> String {
    format!("{}survey({list})\n", code())
}

/// What runs on the board and the hashes of `paths` there (`-`: missing).
/// With `resident` the helper in the agent's folder `folder` is tried first.
pub fn survey<L: Link>(
    repl: &mut Repl<L>,
    paths: &[String],
    resident: Option<&str>,
) -> Result<(BoardInfo, Vec<String>)> {
    let name = repl.name().to_string();
    let what = || format!("cannot read what runs on {name}");
    let mut out = String::new();
    // Sent in full after the resident attempt, the code takes its paths from there.
    let mut code = full_code(&path_list(paths));
    if let Some(folder) = resident {
        out = repl
            .exec(&resident_code(folder, paths), SURVEY_TIMEOUT)?
            .ok()
            .with_context(what)?;
        code = full_code("_p") + "del _p\n";
    }
    if !answered(&out) {
        out = repl.exec(&code, SURVEY_TIMEOUT)?.ok().with_context(what)?;
    }
    Ok((BoardInfo::parse(&out), files::parse_hashes(&out, paths.len())?))
}

/// Whether the survey's output is there (the probe's first line).
fn answered(out: &str) -> bool {
    out.lines().any(|l| l.starts_with("version="))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repl::find;
    use crate::repl::tests::FakeLink;

    const ANSWER: &[u8] = b"\x04version=1.28.0\r\nsettrace=1\r\nmpdbg=1\r\ncwd=/\r\nh=-\r\n\x04\x04>";

    fn board() -> FakeLink {
        let link = FakeLink::default();
        link.answer(b"\x01", b"raw REPL; CTRL-B to exit\r\n>");
        link
    }

    fn surveyed(link: &FakeLink, resident: Option<&str>) -> (BoardInfo, Vec<String>) {
        let mut repl = Repl::new(link.clone(), "/dev/x", 115200);
        repl.enter_raw().unwrap();
        survey(&mut repl, &[".mpdbg/mpdbg.py".into()], resident).unwrap()
    }

    fn sent(link: &FakeLink) -> Vec<u8> {
        link.tx.lock().unwrap().clone()
    }

    #[test]
    fn a_resident_helper_answers_in_one_short_exchange() {
        let link = board();
        link.answer(b"\x05A\x01", b"R\x01\x00\x10");
        link.answer(b"\x04", ANSWER);
        let (info, hashes) = surveyed(&link, Some(".mpdbg"));
        assert!(info.settrace && hashes == ["-"], "{info:?} {hashes:?}");
        let tx = sent(&link);
        assert!(find(&tx, b"import mpdbg_survey as m").is_some(), "{tx:?}");
        assert!(find(&tx, b"def _h(").is_none(), "the code went in full: {tx:?}");
        assert!(tx.len() < 400, "{} bytes sent", tx.len());
    }

    #[test]
    fn an_absent_or_foreign_helper_gets_the_code_in_full() {
        let link = board();
        // The resident attempt prints nothing (no helper, or another key).
        link.answer(b"\x05A\x01", b"R\x01\x00\x10");
        link.answer(b"\x04", b"\x04\x04\x04>");
        link.answer(b"\x05A\x01", b"R\x01\x00\x10");
        link.answer(b"\x04", ANSWER);
        let (info, hashes) = surveyed(&link, Some(".mpdbg"));
        assert!(info.settrace && hashes == ["-"], "{info:?} {hashes:?}");
        let tx = sent(&link);
        let full = find(&tx, b"def _h(").expect("the code in full");
        assert!(find(&tx, b"import mpdbg_survey").is_some_and(|i| i < full), "{tx:?}");
        // The paths went once, with the first attempt.
        assert!(find(&tx[full..], b"survey(_p)\ndel _p\n").is_some(), "{tx:?}");
        assert!(find(&tx[full..], b".mpdbg/mpdbg.py").is_none(), "{tx:?}");
    }

    #[test]
    fn without_a_resident_folder_the_code_goes_in_full_at_once() {
        let link = board();
        link.answer(b"\x05A\x01", b"R\x01\x00\x10");
        link.answer(b"\x04", ANSWER);
        surveyed(&link, None);
        let tx = sent(&link);
        assert!(find(&tx, b"import mpdbg_survey").is_none() && find(&tx, b"def _h(").is_some());
        assert!(find(&tx, b"survey(['.mpdbg/mpdbg.py'])").is_some(), "{tx:?}");
    }

    #[test]
    fn the_key_is_the_codes_and_closes_the_file() {
        let source = String::from_utf8(SOURCE.clone()).unwrap();
        let code = compact(&code());
        assert_eq!(source, format!("{code}KEY = '{}'\n", key(&code)));
        assert!(resident_code(".mpdbg", &[]).contains(&format!("== '{}'", key(&code))));
        assert_ne!(key(&code), key(&code.replace("h=", "H=")));
    }
}
