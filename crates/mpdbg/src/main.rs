//! mpdbg: a debugger for MicroPython.
mod embedded;
mod micropython;

use clap::{Parser, Subcommand};
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
    /// Manage the built-in debug MicroPython (the target when no board is attached).
    Micropython {
        #[command(subcommand)]
        command: MicropythonCommand,
    },
}

#[derive(Subcommand)]
enum MicropythonCommand {
    /// Build (or reuse from the cache) the interpreter; prints its path as the last line.
    Build {
        #[arg(long, value_enum, default_value = "debug")]
        flavour: micropython::Flavour,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Micropython {
            command: MicropythonCommand::Build { flavour },
        } => micropython::ensure_built(flavour, &mut std::io::stderr()).map(|built| {
            if built.cached {
                eprintln!("mpdbg: using the cached build");
            }
            println!("{}", built.interpreter.display());
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("mpdbg: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
