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

/// The cross tools of the qemu board, each with its Debian package.
const QEMU_BOARD_TOOLS: [(&str, &[&str], &str); 2] = [
    ("arm-none-eabi-gcc", &["--version"], "gcc-arm-none-eabi"),
    ("qemu-system-arm", &["--version"], "qemu-system-arm"),
];

/// Is newlib (the C library of `arm-none-eabi-gcc`) installed? The compiler
/// prints a bare file name when it does not find the library.
fn has_newlib() -> bool {
    Command::new("arm-none-eabi-gcc")
        .arg("-print-file-name=libc_nano.a")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .map(|o| {
            let path = String::from_utf8_lossy(&o.stdout);
            let path = std::path::Path::new(path.trim());
            path.is_absolute() && path.is_file()
        })
        .unwrap_or(false)
}

/// The Debian packages the qemu board needs that are not installed.
fn missing_qemu_board_packages() -> Vec<&'static str> {
    let mut missing = Vec::new();
    for (program, args, package) in QEMU_BOARD_TOOLS {
        if !runs(program, args) {
            missing.push(package);
        }
    }
    // Without the compiler, newlib cannot be asked for: name both.
    if missing.contains(&"gcc-arm-none-eabi") || !has_newlib() {
        missing.push("libnewlib-arm-none-eabi");
    }
    missing
}

/// Fails, naming the packages to install, unless the qemu board's tools are there.
pub fn check_qemu_board_tools() -> Result<()> {
    let missing = missing_qemu_board_packages();
    if !missing.is_empty() {
        bail!(
            "the emulated board needs packages that are not installed; on Debian or Ubuntu run:\n    \
             sudo apt-get install {}",
            missing.join(" ")
        );
    }
    Ok(())
}

pub fn check_build_tools(board: super::Board) -> Result<()> {
    if board == super::Board::Qemu {
        check_qemu_board_tools()?;
    }
    let mut missing = Vec::new();
    if board == super::Board::Host && !runs("gcc", &["--version"]) {
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
