//! mpdbg: a debugger for MicroPython.
mod cli;
mod dap;
mod deploy;
mod device;
mod embedded;
mod emulator;
mod micropython;
mod repl;
mod session;
mod target;
mod transport;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "mpdbg",
    version,
    about = "Debug MicroPython programs from your editor or terminal"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a program on the built-in debug MicroPython or a board, printing
    /// the stack and locals at each breakpoint.
    Run {
        #[command(flatten)]
        device: cli::device_args::DeviceArgs,
        /// Breakpoint as FILE:LINE (repeatable).
        #[arg(short = 'b', long = "break", value_name = "FILE:LINE")]
        breakpoints: Vec<String>,
        /// Use this interpreter instead of the built-in debug MicroPython.
        #[arg(long)]
        micropython: Option<PathBuf>,
        /// The program to run.
        program: PathBuf,
        /// Arguments for the program.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Debug a program at the terminal with pdb's commands (h for help).
    Debug {
        /// Where the program runs: local (the built-in debug MicroPython),
        /// auto (the first MicroPython USB board), qemu, or a serial port.
        #[arg(long, default_value = "local")]
        device: String,
        /// Use this interpreter instead of the built-in debug MicroPython.
        #[arg(long)]
        micropython: Option<PathBuf>,
        /// The program to debug.
        program: PathBuf,
        /// Arguments for the program.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Debug, at the terminal, a program that already runs: one that waits
    /// for a debugger (mpdbg.listen() or debugpy.listen()), or one a board
    /// runs (main.py), over its serial port; quitting leaves it running.
    Attach {
        /// Where it listens, HOST:PORT (for example 192.168.4.1:5678), or
        /// the board's serial port (/dev/ttyACM0, COM3, auto).
        address: String,
        /// The token its listen() was given.
        #[arg(long, env = "MPDBG_TOKEN", hide_env_values = true)]
        token: Option<String>,
    },
    /// Serve the Debug Adapter Protocol to an editor (stdio, or TCP with --listen).
    Dap {
        /// Listen on this address (for example 127.0.0.1:5678) instead of stdio.
        /// Loopback addresses only, unless --allow-remote is given.
        #[arg(long, value_name = "ADDR")]
        listen: Option<String>,
        /// With --listen: clients must send this secret as "token" in their
        /// launch or attach configuration before anything else is obeyed.
        #[arg(
            long,
            value_name = "SECRET",
            env = "MPDBG_DAP_TOKEN",
            hide_env_values = true,
            requires = "listen"
        )]
        token: Option<String>,
        /// With --listen: accept a non-loopback address (needs --token).
        #[arg(long, requires = "listen")]
        allow_remote: bool,
        /// Attach each `attach` that names no device to this one (a board's
        /// serial port, or tcp:HOST:PORT): for VS Code's stock Python attach
        /// configuration, whose "connect" is this adapter's own address.
        #[arg(long, value_name = "DEVICE")]
        device: Option<target::DeviceSpec>,
    },
    /// Start the emulated board (our MicroPython firmware in QEMU's mps2-an385,
    /// a Cortex-M3): prints the path of its UART's pseudo-terminal as one line
    /// on stdout, then runs until interrupted (or the firmware exits).
    Emulate {
        #[arg(long, value_enum, default_value = "debug")]
        flavour: micropython::Flavour,
        /// Open QEMU's gdb stub on 127.0.0.1:PORT.
        #[arg(long, value_name = "PORT")]
        gdb: Option<u16>,
        /// Count instructions instead of host time (QEMU's -icount shift=N:
        /// each instruction takes 2^N ns of the board's time), for timings
        /// that do not depend on the host's load.
        #[arg(long, value_name = "SHIFT", value_parser = clap::value_parser!(u8).range(0..=10))]
        icount: Option<u8>,
    },
    /// List the devices a program can run on (serial ports, marking MicroPython boards).
    Devices {
        /// Also ask each port what runs there (interrupts a running program).
        #[arg(long)]
        probe: bool,
        /// Print a JSON array (for editors).
        #[arg(long)]
        json: bool,
        /// Baud rate for probing UART bridges.
        #[arg(long)]
        baud: Option<u32>,
        /// Ports to list (and probe) besides those found, e.g. a pty.
        ports: Vec<String>,
    },
    /// Manage the built-in debug MicroPython (the target when no board is attached).
    Micropython {
        #[command(subcommand)]
        command: MicropythonCommand,
    },
}

#[derive(Subcommand)]
enum MicropythonCommand {
    /// Build (or reuse from the cache) the interpreter, or with `--board qemu`
    /// the emulated board's firmware (an ELF); prints its path as the last line.
    Build {
        #[arg(long, value_enum, default_value = "debug")]
        flavour: micropython::Flavour,
        #[arg(long, value_enum, default_value = "host")]
        board: micropython::Board,
    },
}

/// `mpdbg emulate`: the board runs until QEMU ends; a signal that ends mpdbg
/// ends QEMU too (see `emulator`).
fn emulate(flavour: micropython::Flavour, gdb: Option<u16>, icount: Option<u8>) -> anyhow::Result<i32> {
    use std::io::Write as _;
    let firmware = micropython::ensure_built_for(micropython::Board::Qemu, flavour, &mut std::io::stderr())?;
    let mut board = emulator::EmulatedBoard::start_with(&emulator::EmulatorOptions {
        firmware: firmware.interpreter,
        gdb_port: gdb,
        icount_shift: icount,
    })?;
    eprintln!(
        "mpdbg: the emulated board runs {}; its UART (the REPL) is the pseudo-terminal below. Ctrl-C stops it.",
        board.firmware().display()
    );
    if let Some(port) = gdb {
        eprintln!("mpdbg: QEMU's gdb stub listens on 127.0.0.1:{port}");
    }
    let mut out = std::io::stdout();
    writeln!(out, "{}", board.pty_path().display())?;
    out.flush()?;
    let status = board.wait()?;
    Ok(status.code().unwrap_or(1))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Micropython {
            command: MicropythonCommand::Build { flavour, board },
        } => micropython::ensure_built_for(board, flavour, &mut std::io::stderr()).map(|built| {
            if built.cached {
                eprintln!("mpdbg: using the cached build");
            }
            println!("{}", built.interpreter.display());
            0
        }),
        Command::Emulate { flavour, gdb, icount } => emulate(flavour, gdb, icount),
        Command::Debug {
            device,
            micropython,
            program,
            args,
        } => cli::debug::run(cli::debug::DebugOptions {
            program,
            args,
            device,
            micropython,
        }),
        Command::Attach { address, token } => cli::attach_config(&address, token).and_then(cli::debug::attach),
        Command::Dap {
            listen,
            token,
            allow_remote,
            device,
        } => dap::run(
            listen.map(|addr| dap::listen::ListenOptions {
                addr,
                token,
                allow_remote,
            }),
            device,
        )
        .map(|_| 0),
        Command::Run {
            device,
            breakpoints,
            micropython,
            program,
            args,
        } => cli::run::run(&program, args, &breakpoints, micropython, &device),
        Command::Devices {
            probe,
            json,
            baud,
            ports,
        } => target::devices::run(probe, json, baud, &ports),
    };
    match result {
        Ok(code) => ExitCode::from(u8::try_from(code & 0xff).unwrap_or(1)),
        Err(err) => {
            eprintln!("mpdbg: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
