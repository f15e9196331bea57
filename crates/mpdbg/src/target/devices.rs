//! `mpdbg devices [--probe] [--json]`: the devices a session can use. The
//! JSON form is a contract with the editor's device picker: an array of
//! {name, description, vid, pid, serialNumber, product, micropython[, probe]},
//! the pseudo-devices `local` and `qemu` first.
use super::probe::{self, BoardInfo};
use super::{list_ports, open_board, DeviceSpec, PortInfo, DEFAULT_BAUD};
use anyhow::Result;
use serde::Serialize;
use serde_json::json;

#[derive(Serialize)]
struct Entry {
    #[serde(flatten)]
    port: PortInfo,
    #[serde(skip_serializing_if = "Option::is_none")]
    probe: Option<serde_json::Value>,
}

fn pseudo(name: &str, description: &str) -> PortInfo {
    PortInfo {
        name: name.into(),
        description: description.into(),
        vid: None,
        pid: None,
        serial_number: None,
        product: None,
        micropython: true,
    }
}

/// Probes one port; the board is left at its friendly REPL.
fn probe_port(name: &str, baud: u32) -> Result<BoardInfo> {
    let mut board = open_board(&DeviceSpec::Port(name.into()), baud)?;
    let info = probe::probe(&mut board.repl);
    board.repl.exit_raw().ok();
    info
}

/// A port named on the command line that enumeration does not know (a pty).
fn named(name: &str) -> PortInfo {
    PortInfo {
        description: "serial port (named)".into(),
        micropython: false,
        ..pseudo(name, "")
    }
}

pub fn run(probe: bool, as_json: bool, baud: Option<u32>, extra: &[String]) -> Result<i32> {
    let baud = baud.unwrap_or(DEFAULT_BAUD);
    let mut entries = vec![
        Entry {
            port: pseudo("local", "the built-in debug MicroPython on this computer"),
            probe: None,
        },
        Entry {
            port: pseudo(
                "qemu",
                "an emulated Cortex-M3 board (QEMU mps2-an385), started for the session",
            ),
            probe: None,
        },
    ];
    let mut ports = list_ports()?;
    for name in extra {
        if !ports.iter().any(|p| &p.name == name) {
            ports.push(named(name));
        }
    }
    for port in ports {
        let probed = probe.then(|| match probe_port(&port.name, baud) {
            Ok(info) => serde_json::to_value(info).unwrap_or_default(),
            Err(e) => json!({ "error": format!("{e:#}") }),
        });
        entries.push(Entry { port, probe: probed });
    }
    if as_json {
        println!("{}", serde_json::to_string_pretty(&entries)?);
        return Ok(0);
    }
    for e in &entries {
        let mark = if e.port.micropython && e.port.vid.is_some() {
            "*"
        } else {
            " "
        };
        println!("{mark} {:<16} {}", e.port.name, e.port.description);
        if let Some(sn) = &e.port.serial_number {
            println!("  {:<16} serial number {sn}", "");
        }
        if let Some(p) = &e.probe {
            println!("  {:<16} {}", "", describe_probe(p));
        }
    }
    if entries.len() == 2 {
        println!("  (no serial ports found)");
    }
    Ok(0)
}

fn describe_probe(p: &serde_json::Value) -> String {
    if let Some(e) = p.get("error").and_then(|e| e.as_str()) {
        return format!("probe failed: {e}");
    }
    let Ok(info) = serde_json::from_value::<BoardInfo>(p.clone()) else {
        return String::new();
    };
    let module = match (info.mpdbg, info.features) {
        (Some(v), Some(f)) => format!("_mpdbg {v} (core-patch features {f:#x})"),
        (Some(v), None) => format!("_mpdbg {v}"),
        _ => "no _mpdbg".into(),
    };
    let mpy = match &info.mpy {
        Some(m) => format!(
            "mpy {}.{} {}",
            m.version,
            m.sub_version,
            m.arch.as_deref().unwrap_or("(no native arch)")
        ),
        None => "no .mpy import".into(),
    };
    let fs = match &info.filesystem {
        Some(f) if f.total > 0 => format!("; filesystem {} of {} KB free", f.free / 1024, f.total / 1024),
        _ => String::new(),
    };
    format!(
        "MicroPython {} on {}; sys.settrace {}; {module}; {mpy}; {} bytes heap free{fs}",
        info.version,
        info.machine,
        if info.settrace { "yes" } else { "no" },
        info.heap_free
    )
}
