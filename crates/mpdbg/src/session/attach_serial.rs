//! Attaching over a board's REPL link to a program that runs without the
//! debugger (`main.py` at boot, `mpremote run`): the port is opened as it is
//! (no Ctrl-C, no raw REPL, no reset), and the wake sequence asks the
//! firmware (`_mpdbg`, firmware/mpdbg_module/wake.c) to load the agent from
//! the board and attach it to the running frames.
use crate::target::{self, DeviceSpec, DEFAULT_BAUD};
use crate::transport::serial;
use crate::transport::SerialTransport;
use anyhow::{bail, Result};
use std::io::Write;

/// What the firmware listens for on its REPL input (wake.c's `wake_seq`):
/// FE FD can start no UTF-8 text, and "mp" + 'd' fails the device
/// protocol's header check, so no host frame starts like this either.
pub const WAKE: &[u8] = b"\xfe\xfdmpdbg-attach";

/// Twice the firmware's WAKE_IDLE_MS: a protocol gap, not a wait for anything.
const QUIET: std::time::Duration = std::time::Duration::from_millis(40);

/// Opens `spec`'s port without disturbing the program and sends the wake.
pub fn wake(spec: &DeviceSpec, baud: Option<u32>) -> Result<(SerialTransport, String)> {
    let path = match spec {
        DeviceSpec::Port(p) => p.clone(),
        DeviceSpec::Auto => target::auto_port()?,
        DeviceSpec::Qemu => bail!(
            "attaching needs a board that already runs its program: give the emulated board's serial port \
             (`mpdbg emulate` prints it) rather than \"qemu\", which starts a new one"
        ),
        DeviceSpec::Local | DeviceSpec::Tcp { .. } => bail!("internal: {spec} is not a serial device"),
    };
    let mut link = serial::open(&path, baud.unwrap_or(DEFAULT_BAUD))?;
    // The firmware takes the sequence only after WAKE_IDLE_MS (20 ms) of
    // quiet on the link: what another tool typed just before must be older.
    std::thread::sleep(QUIET);
    link.write_all(WAKE)?;
    link.flush()?;
    let transport = SerialTransport::attached(link, &path)?;
    Ok((transport, path))
}

/// Why no agent answered the wake, for the user.
pub fn no_answer(port: &str, secs: u64) -> String {
    format!(
        "{port}: no mpdbg agent answered the attach request within {secs} s. The board's firmware needs \
         _mpdbg with attach over the REPL link (mpdbg's firmware build), the agent must be on the board (any \
         earlier launch on this board deploys it), and the program must be running Python (not waiting inside \
         a C function). Otherwise launch the program instead (\"request\": \"launch\" with \"device\", or \
         `mpdbg debug --device {port} PROGRAM`)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wake_is_not_a_frame_header() {
        assert_eq!(&WAKE[..2], b"\xfe\xfd");
        let check = (WAKE[2] as u16 + WAKE[3] as u16 + 0x5A) as u8;
        assert_ne!(WAKE[4], check, "a host frame could start like the wake");
        // 0xFE and 0xFF are no byte of any UTF-8 text.
        assert!(WAKE.contains(&0xfe), "typed text could contain the wake");
    }

    #[test]
    fn the_firmware_listens_for_the_same_wake() {
        let (_, wake_c) = crate::embedded::FIRMWARE_FILES
            .iter()
            .find(|(p, _)| *p == "mpdbg_module/wake.c")
            .expect("wake.c is embedded");
        let text = String::from_utf8_lossy(wake_c);
        assert!(
            text.contains(r#"wake_seq[] = "\xfe\xfdmpdbg-attach";"#),
            "wake.c's wake_seq differs from WAKE"
        );
    }
}
