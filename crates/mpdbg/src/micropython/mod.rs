//! The built-in debug MicroPython: downloading the pinned source package,
//! building one of our ports from it (`firmware/ports/unix-host`, the Linux
//! interpreter; `firmware/ports/qemu-mps2`, the emulated Cortex-M3 board's
//! firmware), and caching the result.
mod cache;
mod source;
mod tools;

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub use cache::{build_key, cache_root};
pub use tools::check_qemu_board_tools;

/// Which interpreter to build from the same source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Flavour {
    /// `sys.settrace`, the `_mpdbg` module and our core patches
    /// (`firmware/patches`): what mpdbg debugs.
    Debug,
    /// `sys.settrace` and `_mpdbg` on the unpatched core: what a board with
    /// stock firmware plus `_mpdbg` offers.
    Stock,
    /// The same port without settrace or `_mpdbg`: the speed reference.
    Release,
    /// `sys.settrace` on the unpatched core, without `_mpdbg`: a board's
    /// stock firmware built with settrace, which mpdbg must refuse clearly.
    TraceOnly,
    /// `debug` with assertions on and the VM's switch dispatch instead of
    /// computed gotos (as many microcontroller ports run it): for tests.
    Checked,
}

impl Flavour {
    fn name(self) -> &'static str {
        match self {
            Flavour::Debug => "debug",
            Flavour::Stock => "stock",
            Flavour::Release => "release",
            Flavour::Checked => "checked",
            Flavour::TraceOnly => "trace-only",
        }
    }

    fn patched(self) -> bool {
        matches!(self, Flavour::Debug | Flavour::Checked)
    }

    fn has_settrace(self) -> bool {
        self != Flavour::Release
    }

    fn has_module(self) -> bool {
        !matches!(self, Flavour::Release | Flavour::TraceOnly)
    }
}

/// Which of our ports to build.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Board {
    /// The Linux interpreter (`firmware/ports/unix-host`): what `mpdbg run`
    /// and `mpdbg dap` start when no board is attached.
    Host,
    /// Firmware for QEMU's mps2-an385 board, a Cortex-M3
    /// (`firmware/ports/qemu-mps2`): what `mpdbg emulate` runs.
    Qemu,
}

impl Board {
    fn port_dir(self) -> &'static str {
        match self {
            Board::Host => "unix-host",
            Board::Qemu => "qemu-mps2",
        }
    }

    /// What the port's Makefile produces in its build folder.
    fn artifact(self) -> &'static str {
        match self {
            Board::Host => "micropython",
            Board::Qemu => "firmware.elf",
        }
    }

    /// The cache folder's prefix (the host's keeps its old name).
    fn cache_prefix(self) -> &'static str {
        match self {
            Board::Host => "",
            Board::Qemu => "qemu-",
        }
    }
}

/// Result of [`ensure_built`].
pub struct Built {
    /// The interpreter (host) or the firmware ELF with symbols (qemu).
    pub interpreter: PathBuf,
    /// True when the interpreter came from the cache without building.
    pub cached: bool,
}

/// Returns the interpreter for `flavour`, building it first unless the cache
/// already holds one for this source package and these port files.
/// Build progress goes to `log` (never stdout: in DAP mode it is the protocol).
pub fn ensure_built(flavour: Flavour, log: &mut dyn std::io::Write) -> Result<Built> {
    ensure_built_for(Board::Host, flavour, log)
}

/// [`ensure_built`] for any of our ports.
pub fn ensure_built_for(board: Board, flavour: Flavour, log: &mut dyn std::io::Write) -> Result<Built> {
    let (name, key, interpreter) = cached_path(board, flavour)?;
    let root = cache_root()?;
    let final_dir = interpreter
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| root.clone());
    if interpreter.is_file() {
        install_agent(&interpreter, flavour)?;
        return Ok(Built {
            interpreter,
            cached: true,
        });
    }

    std::fs::create_dir_all(&root).with_context(|| format!("cannot create the cache directory {}", root.display()))?;
    // One build at a time per cache: parallel test processes wait here.
    let _lock = cache::lock(&root.join("build.lock"))?;
    if interpreter.is_file() {
        install_agent(&interpreter, flavour)?;
        return Ok(Built {
            interpreter,
            cached: true,
        });
    }

    tools::check_build_tools(board)?;
    let sdist = source::fetch_sdist(&root.join("downloads"), log)?;
    let work = root.join("micropython").join(format!("{name}-{}.tmp", &key[..16]));
    if work.exists() {
        std::fs::remove_dir_all(&work).with_context(|| format!("cannot clear {}", work.display()))?;
    }
    let src = source::unpack(&sdist, &work.join("src"))?;
    let firmware = work.join("firmware");
    write_embedded(&firmware, crate::embedded::FIRMWARE_FILES)?;
    if flavour.patched() {
        apply_patches(&src, &firmware.join("patches"), log)?;
    }
    build_port(&src, &firmware, &work.join("build"), board, flavour, log)?;

    std::fs::create_dir_all(&final_dir)?;
    let built = work.join("build").join(board.artifact());
    std::fs::copy(&built, &interpreter)
        .with_context(|| format!("cannot copy {} to {}", built.display(), interpreter.display()))?;
    std::fs::remove_dir_all(&work).ok();
    install_agent(&interpreter, flavour)?;
    Ok(Built {
        interpreter,
        cached: false,
    })
}

/// The build's name, cache key and result path for `board` and `flavour`
/// (built or not).
fn cached_path(board: Board, flavour: Flavour) -> Result<(String, String, PathBuf)> {
    let name = format!("{}{}", board.cache_prefix(), flavour.name());
    let key = cache::build_key(source::SDIST_SHA256, &name, crate::embedded::FIRMWARE_FILES);
    let dir = cache_root()?.join("micropython").join(format!("{name}-{}", &key[..16]));
    Ok((name, key, dir.join(board.artifact())))
}

/// The interpreter for `flavour` if the cache holds one: no build needed.
pub fn cached(flavour: Flavour) -> Result<Option<PathBuf>> {
    let (_, _, interpreter) = cached_path(Board::Host, flavour)?;
    Ok(interpreter.is_file().then_some(interpreter))
}

/// The agent's modules in `lib/` beside the interpreter, which the host port
/// puts on `sys.path`: a program can `import mpdbg` (or the seed's
/// `import debugpy`) with no set-up and wait for a debugger to attach.
/// Compiled to .mpy by the interpreter, rewritten when the agent changed.
fn install_agent(interpreter: &Path, flavour: Flavour) -> Result<()> {
    if !flavour.has_settrace() {
        return Ok(());
    }
    let lib = interpreter.with_file_name("lib");
    crate::deploy::local::install_modules(interpreter, &lib)
}

fn write_embedded(dir: &Path, files: &[(&str, &[u8])]) -> Result<()> {
    for (rel, bytes) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// Applies `firmware/patches/*.patch`, in name order, to the unpacked source.
fn apply_patches(src: &Path, patches: &Path, log: &mut dyn std::io::Write) -> Result<()> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(patches)
        .with_context(|| format!("cannot list {}", patches.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "patch"))
        .collect();
    files.sort();
    for file in &files {
        let output = Command::new("patch")
            .args(["-p1", "--batch", "--forward", "--quiet", "-d"])
            .arg(src)
            .arg("-i")
            .arg(file)
            .stdin(Stdio::null())
            .output()
            .context("cannot run patch (apt-get install patch)")?;
        if !output.status.success() {
            bail!(
                "the core patch {} does not apply to the pinned MicroPython source:\n{}{}",
                file.display(),
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
    writeln!(log, "mpdbg: applied {} core patches", files.len()).ok();
    Ok(())
}

fn build_port(
    src: &Path,
    firmware: &Path,
    build: &Path,
    board: Board,
    flavour: Flavour,
    log: &mut dyn std::io::Write,
) -> Result<()> {
    let jobs = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    let what = match board {
        Board::Host => "",
        Board::Qemu => " (qemu-mps2 board)",
    };
    writeln!(
        log,
        "mpdbg: building the {} MicroPython{what} ({jobs} jobs)...",
        flavour.name()
    )
    .ok();
    let output = Command::new("make")
        .arg("-C")
        .arg(firmware.join("ports").join(board.port_dir()))
        .arg(format!("-j{jobs}"))
        .arg(format!("MP_SRC={}", src.display()))
        .arg(format!("BUILD={}", build.display()))
        .arg(format!("MPDBG_SETTRACE={}", u8::from(flavour.has_settrace())))
        .arg(format!("MPDBG_MODULE={}", u8::from(flavour.has_module())))
        .arg(format!("MPDBG_CHECKED={}", u8::from(flavour == Flavour::Checked)))
        .stdin(Stdio::null())
        .output()
        .context("cannot run make")?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let tail: Vec<&str> = stdout.lines().chain(stderr.lines()).collect();
        let tail = tail[tail.len().saturating_sub(30)..].join("\n");
        bail!("building MicroPython failed ({}):\n{tail}", output.status);
    }
    Ok(())
}
