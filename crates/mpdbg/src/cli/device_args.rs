//! The command-line options that choose and prepare a device, shared by
//! the commands that start a program.
use crate::deploy::ProgramDeploy;
use crate::session::LaunchConfig;
use crate::target::DeviceSpec;

#[derive(clap::Args, Debug, Default)]
pub struct DeviceArgs {
    /// Where to run: local (the built-in debug MicroPython), auto (the first
    /// MicroPython USB board), qemu, or a serial port (/dev/ttyACM0, COM3).
    #[arg(long, short = 'd', default_value = "local")]
    pub device: DeviceSpec,
    /// Baud rate of a UART bridge (USB boards ignore it).
    #[arg(long)]
    pub baud: Option<u32>,
    /// How the program reaches the board: sync (copy changed files), ram, none.
    #[arg(long, value_enum)]
    pub deploy: Option<DeployMode>,
    /// The project folder on the board (default: the board's start-up folder).
    #[arg(long, value_name = "PATH")]
    pub remote_root: Option<String>,
    /// Do not soft-reset the board before the run.
    #[arg(long)]
    pub no_reset: bool,
    /// Write nothing to the board's filesystem.
    #[arg(long)]
    pub no_write: bool,
    /// With sync: remove board files under the remote root that the project
    /// lacks (ignored files and the agent's folder stay).
    #[arg(long = "delete")]
    pub delete_extra: bool,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum DeployMode {
    Sync,
    Ram,
    None,
}

impl DeviceArgs {
    pub fn apply(&self, cfg: &mut LaunchConfig) {
        cfg.device = self.device.clone();
        cfg.baud = self.baud;
        cfg.deploy = self.deploy.map(|d| match d {
            DeployMode::Sync => ProgramDeploy::Sync,
            DeployMode::Ram => ProgramDeploy::Ram,
            DeployMode::None => ProgramDeploy::None,
        });
        cfg.remote_root = self.remote_root.clone();
        cfg.reset = !self.no_reset;
        cfg.write_flash = !self.no_write;
        cfg.delete_extra = self.delete_extra;
    }
}
