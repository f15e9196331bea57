//! Serial ports on this computer, with their USB identity, and which of
//! them look like MicroPython boards (by USB vendor id, as `mpremote connect
//! auto` picks them).
use anyhow::{bail, Result};
use serde::Serialize;

/// Vendors whose boards run MicroPython over native USB: Raspberry Pi (RP2),
/// Espressif (native USB), MicroPython (pyboard and friends), Adafruit.
const BOARD_VIDS: [u16; 4] = [0x2E8A, 0x303A, 0xF055, 0x239A];
/// USB-UART bridges many boards carry: CP210x, CH340, FTDI.
const BRIDGE_VIDS: [u16; 3] = [0x10C4, 0x1A86, 0x0403];

/// One device as `mpdbg devices --json` prints it (the editor's device picker reads this).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct PortInfo {
    pub name: String,
    pub description: String,
    pub vid: Option<u16>,
    pub pid: Option<u16>,
    pub serial_number: Option<String>,
    pub product: Option<String>,
    pub micropython: bool,
}

fn describe(info: serialport::SerialPortInfo) -> PortInfo {
    use serialport::SerialPortType as T;
    let mut port = PortInfo {
        name: info.port_name,
        description: String::new(),
        vid: None,
        pid: None,
        serial_number: None,
        product: None,
        micropython: false,
    };
    match info.port_type {
        T::UsbPort(usb) => {
            port.micropython = BOARD_VIDS.contains(&usb.vid);
            let kind = if port.micropython {
                "MicroPython board"
            } else if BRIDGE_VIDS.contains(&usb.vid) {
                "USB-serial bridge"
            } else {
                "USB serial"
            };
            let what = usb.product.clone().or(usb.manufacturer.clone()).unwrap_or_default();
            port.description = if what.is_empty() {
                format!("{kind} {:04x}:{:04x}", usb.vid, usb.pid)
            } else {
                format!("{kind}: {what} ({:04x}:{:04x})", usb.vid, usb.pid)
            };
            port.vid = Some(usb.vid);
            port.pid = Some(usb.pid);
            port.serial_number = usb.serial_number;
            port.product = usb.product;
        }
        T::PciPort => port.description = "PCI serial port".into(),
        T::BluetoothPort => port.description = "Bluetooth serial port".into(),
        T::Unknown => port.description = "serial port".into(),
    }
    port
}

/// The serial ports there are, boards first.
pub fn list_ports() -> Result<Vec<PortInfo>> {
    // Without libudev the crate reads /sys/class/tty, and panics when a
    // container has no /sys: no ports is the answer there.
    #[cfg(target_os = "linux")]
    if !std::path::Path::new("/sys/class/tty").is_dir() {
        return Ok(Vec::new());
    }
    let mut ports: Vec<PortInfo> = serialport::available_ports()
        .map_err(|e| anyhow::anyhow!("cannot list serial ports: {e}"))?
        .into_iter()
        .map(describe)
        .collect();
    ports.sort_by_key(|p| (!p.micropython, p.vid.is_none(), p.name.clone()));
    Ok(ports)
}

/// The port `auto` means: the first MicroPython board, else the first USB-UART bridge.
pub fn auto() -> Result<String> {
    let ports = list_ports()?;
    let pick = ports
        .iter()
        .find(|p| p.micropython)
        .or_else(|| ports.iter().find(|p| p.vid.is_some_and(|v| BRIDGE_VIDS.contains(&v))));
    match pick {
        Some(p) => Ok(p.name.clone()),
        None => bail!(
            "no MicroPython board found on USB (device \"auto\"): plug one in, or name its port \
             (`mpdbg devices` lists the ports there are)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serialport::{SerialPortInfo, SerialPortType, UsbPortInfo};

    fn usb(name: &str, vid: u16, product: Option<&str>) -> SerialPortInfo {
        SerialPortInfo {
            port_name: name.into(),
            port_type: SerialPortType::UsbPort(UsbPortInfo {
                vid,
                pid: 5,
                serial_number: Some("E661".into()),
                manufacturer: None,
                product: product.map(str::to_string),
            }),
        }
    }

    #[test]
    fn boards_are_marked_by_vendor_id() {
        let pico = describe(usb("/dev/ttyACM0", 0x2E8A, Some("Board in FS mode")));
        assert!(pico.micropython);
        assert_eq!(pico.description, "MicroPython board: Board in FS mode (2e8a:0005)");
        assert_eq!(
            (pico.vid, pico.pid, pico.serial_number.as_deref()),
            (Some(0x2E8A), Some(5), Some("E661"))
        );
        let bridge = describe(usb("/dev/ttyUSB0", 0x1A86, None));
        assert!(!bridge.micropython);
        assert_eq!(bridge.description, "USB-serial bridge 1a86:0005");
        let json = serde_json::to_value(&pico).unwrap();
        for key in [
            "name",
            "description",
            "vid",
            "pid",
            "serialNumber",
            "product",
            "micropython",
        ] {
            assert!(json.get(key).is_some(), "{key}");
        }
    }
}
