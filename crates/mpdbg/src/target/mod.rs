//! Where a program runs: a device named the same way everywhere (`mpdbg run
//! --device`, the launch field `"device"`, `mpdbg devices`), and opening it.
//! A board opens to its REPL ([`Board`]), from which the deployer and the
//! session take over; `local` is the built-in interpreter, started by the
//! session itself.
pub mod devices;
mod ports;
pub mod probe;
pub mod survey;

pub use ports::{auto as auto_port, list_ports, PortInfo};

use crate::repl::Repl;
use crate::transport::serial::{self, SerialLink};
use anyhow::{bail, Result};
use std::fmt;
use std::str::FromStr;

/// A UART bridge's usual speed; USB CDC ignores it.
pub const DEFAULT_BAUD: u32 = 115_200;

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum DeviceSpec {
    /// The built-in debug MicroPython on this computer.
    #[default]
    Local,
    /// The first USB serial port that looks like a MicroPython board.
    Auto,
    /// A serial port by path or name: /dev/ttyACM0, /dev/pts/7, COM3.
    Port(String),
    /// The emulated Cortex-M3 board, started for the session.
    Qemu,
    /// A board reached over TCP (`tcp:HOST:PORT`), for attach.
    Tcp { host: String, port: u16 },
}

impl FromStr for DeviceSpec {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> Result<DeviceSpec> {
        let s = s.trim();
        Ok(match s {
            "" | "local" => DeviceSpec::Local,
            "auto" => DeviceSpec::Auto,
            "qemu" => DeviceSpec::Qemu,
            _ => {
                if let Some(rest) = s.strip_prefix("tcp:") {
                    let (host, port) = rest
                        .rsplit_once(':')
                        .filter(|(h, _)| !h.is_empty())
                        .ok_or_else(|| anyhow::anyhow!("device {s:?}: write a TCP device as tcp:HOST:PORT"))?;
                    let port = port
                        .parse()
                        .map_err(|_| anyhow::anyhow!("device {s:?}: {port:?} is not a port number"))?;
                    DeviceSpec::Tcp {
                        host: host.trim_start_matches('[').trim_end_matches(']').to_string(),
                        port,
                    }
                } else if looks_like_port(s) {
                    DeviceSpec::Port(s.to_string())
                } else {
                    bail!(
                        "unknown device {s:?}: use local, auto, qemu, a serial port (/dev/ttyACM0, COM3) \
                         or tcp:HOST:PORT; `mpdbg devices` lists them"
                    )
                }
            }
        })
    }
}

/// A path (`/dev/...`, `./x`) or a Windows port name (`COM3`, `\\.\COM12`).
fn looks_like_port(s: &str) -> bool {
    let com = s
        .strip_prefix(r"\\.\")
        .unwrap_or(s)
        .to_ascii_uppercase()
        .strip_prefix("COM")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    com || s.contains('/')
}

impl fmt::Display for DeviceSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeviceSpec::Local => f.write_str("local"),
            DeviceSpec::Auto => f.write_str("auto"),
            DeviceSpec::Port(p) => f.write_str(p),
            DeviceSpec::Qemu => f.write_str("qemu"),
            DeviceSpec::Tcp { host, port } => write!(f, "tcp:{host}:{port}"),
        }
    }
}

/// A board at its raw REPL, ready for the deployer and the session.
pub struct Board {
    pub repl: Repl<SerialLink>,
    /// The port's name, for messages.
    pub name: String,
    /// What must live as long as the session (an emulator).
    pub keep: Option<Box<dyn Send>>,
}

/// Opens a board device and interrupts it into its raw REPL. `local` is not
/// opened here: the session starts the built-in interpreter itself.
pub fn open_board(spec: &DeviceSpec, baud: u32) -> Result<Board> {
    let (path, keep) = match spec {
        DeviceSpec::Local => bail!("internal: the local device has no port"),
        DeviceSpec::Auto => (auto_port()?, None),
        DeviceSpec::Port(p) => (p.clone(), None),
        DeviceSpec::Qemu => {
            // Started for the session (built on first use) and stopped with it.
            let board = crate::emulator::EmulatedBoard::start(crate::micropython::Flavour::Debug)?;
            let path = board.pty_path().display().to_string();
            (path, Some(Box::new(board) as Box<dyn Send>))
        }
        DeviceSpec::Tcp { host, port } => bail!(
            "{spec}: a program on the network is debugged by attaching to it: use an attach configuration with \
             \"connect\": {{\"host\": \"{host}\", \"port\": {port}}} (the program calls mpdbg.listen())"
        ),
    };
    let link = serial::open(&path, baud)?;
    let mut repl = Repl::new(link, &path, baud);
    repl.enter_raw()?;
    Ok(Board { repl, name: path, keep })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_names() {
        let p = |s: &str| s.parse::<DeviceSpec>();
        assert_eq!(p("").unwrap(), DeviceSpec::Local);
        assert_eq!(p("local").unwrap(), DeviceSpec::Local);
        assert_eq!(p("auto").unwrap(), DeviceSpec::Auto);
        assert_eq!(p("qemu").unwrap(), DeviceSpec::Qemu);
        for port in ["/dev/ttyACM0", "/dev/pts/7", "COM3", "com12", r"\\.\COM10", "./pty"] {
            assert_eq!(p(port).unwrap(), DeviceSpec::Port(port.into()), "{port}");
        }
        assert_eq!(
            p("tcp:192.168.4.1:8266").unwrap(),
            DeviceSpec::Tcp {
                host: "192.168.4.1".into(),
                port: 8266
            }
        );
        assert_eq!(p("tcp:[::1]:9").unwrap().to_string(), "tcp:::1:9");
        for bad in ["esp32", "COM", "tcp:host", "tcp::80", "tcp:h:x"] {
            assert!(p(bad).is_err(), "{bad}");
        }
    }
}
