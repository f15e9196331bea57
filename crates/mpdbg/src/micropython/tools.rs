//! The host tools a build needs, with install advice when one is missing.
use anyhow::{bail, Result};
use std::process::{Command, Stdio};

/// The Python interpreter used to run pip and MicroPython's build scripts.
pub fn python() -> String {
    std::env::var("MPDBG_PYTHON").unwrap_or_else(|_| "python3".to_string())
}

fn runs(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

pub fn check_build_tools() -> Result<()> {
    let mut missing = Vec::new();
    if !runs("gcc", &["--version"]) {
        missing.push("gcc (apt-get install gcc)");
    }
    if !runs("make", &["--version"]) {
        missing.push("make (apt-get install make)");
    }
    if !runs("patch", &["--version"]) {
        missing.push("patch (apt-get install patch)");
    }
    let py = python();
    if !runs(&py, &["--version"]) {
        missing.push("python3 (apt-get install python3)");
    } else if !runs(&py, &["-m", "pip", "--version"]) {
        missing.push("pip for python3 (apt-get install python3-pip)");
    }
    if !missing.is_empty() {
        bail!(
            "building the debug MicroPython needs tools that are not installed: {}. Install them and run the \
             command again (or pass an interpreter of your own with --micropython).",
            missing.join(", ")
        );
    }
    Ok(())
}
