//! Attaching to a program that already runs: one that waits for a debugger
//! (`mpdbg.listen()`, the seed's `debugpy.listen()`) over a TCP connection,
//! with the agent's challenge first; or, over a board's REPL link, one that
//! was started without the debugger ([`super::attach_serial`]). After that
//! the session is the same as after a launch. Detaching leaves the program
//! running (listening again, or waiting for the next wake).
use super::{attach_serial, sources::Sources, PathMap, Phase, Session, SessionSetup};
use crate::device::Request;
use crate::target::DeviceSpec;
use crate::transport::{TcpTransport, Transport};
use anyhow::{anyhow, bail, Result};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::events::EventSink;

/// How long the agent may take to challenge and greet us.
const ATTACH_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Clone, Debug, Default)]
pub struct AttachConfig {
    pub host: String,
    pub port: u16,
    /// A board's serial port (or `auto`) instead of `host:port`: attach
    /// over its REPL link to a program started without the debugger.
    pub device: Option<DeviceSpec>,
    pub baud: Option<u32>,
    /// The secret the program's `listen(token=...)` was given.
    pub token: Option<String>,
    pub stop_on_entry: bool,
    /// The user's project: frames outside it are hidden under justMyCode.
    pub project: std::path::PathBuf,
    pub just_my_code: bool,
    /// debugpy's `pathMappings`: (host folder, device folder); none: the
    /// device's paths are the host's.
    pub path_mappings: Vec<(std::path::PathBuf, String)>,
}

/// HMAC-SHA256 (RFC 2104), as the agent computes it.
fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|b| b ^ byte);
    let inner = Sha256::new().chain_update(pad(0x36)).chain_update(msg).finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Session {
    /// Connects to a program waiting on `host:port`, ready for breakpoints.
    pub fn attach(cfg: AttachConfig, sink: Arc<dyn EventSink>) -> Result<Arc<Session>> {
        let mut rules = cfg.path_mappings.clone();
        let (transport, name): (Box<dyn Transport>, String) = match &cfg.device {
            Some(spec) => {
                let (t, port) = attach_serial::wake(spec, cfg.baud)?;
                // A program a board started names its files relative to the
                // board's working folder (`main.py`): the project's files.
                rules.push((cfg.project.clone(), String::new()));
                (Box::new(t), port)
            }
            None => (
                Box::new(TcpTransport::connect(&cfg.host, cfg.port)?),
                format!("{}:{}", cfg.host, cfg.port),
            ),
        };
        let session = Session::start(
            transport,
            SessionSetup {
                stop_on_entry: cfg.stop_on_entry,
                sources: Sources::default(),
                sink,
                root: PathMap::new(rules),
                // The project folder stands for the program, which is the
                // device's: justMyCode shows the frames of the folder.
                program: cfg.project.join("<attached program>"),
                just_my_code: cfg.just_my_code,
                attached: true,
                token: cfg.token.clone(),
            },
        )?;
        let deadline = Instant::now() + ATTACH_TIMEOUT;
        let mut st = session.state()?;
        while st.phase == Phase::Starting {
            if let Some(why) = st.refusal.take() {
                drop(st);
                session.give_up(cfg.device.is_some());
                bail!("{name}: {why}");
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                drop(st);
                session.give_up(cfg.device.is_some());
                if cfg.device.is_some() {
                    bail!(attach_serial::no_answer(&name, ATTACH_TIMEOUT.as_secs()));
                }
                bail!(
                    "{name} accepted the connection but no mpdbg agent answered within {} s: is it a program \
                     that called mpdbg.listen()?",
                    ATTACH_TIMEOUT.as_secs()
                );
            }
            st = session
                .changed
                .wait_timeout(st, left)
                .map_err(|_| anyhow!("session state poisoned"))?
                .0;
        }
        if st.phase == Phase::Ended {
            if cfg.device.is_some() {
                bail!(
                    "{name}: the link ended before the agent attached: {}",
                    st.early_output.trim()
                );
            }
            let why = if cfg.token.is_some() {
                "the program refused the connection: is \"token\" the one its listen() was given?"
            } else {
                "the program closed the connection: it may need a \"token\" (the one its listen() was given)"
            };
            bail!("{name}: {why}");
        }
        drop(st);
        Ok(session)
    }

    /// Gives up an attach that no agent answered. A board's link gets no
    /// word: what we sent would be the program's input.
    fn give_up(&self, serial: bool) {
        if !serial {
            self.disconnect(false);
        } else if let Ok(mut t) = self.transport.lock() {
            t.release();
        }
    }

    /// Whether the program was attached to (it runs on after the session).
    pub fn is_attached(&self) -> bool {
        self.attached
    }

    /// The agent's challenge: prove we know the token, without sending it.
    pub(super) fn answer_challenge(&self, nonce: &str, required: bool) {
        if !required {
            return;
        }
        match &self.token {
            Some(token) => {
                let proof = hex(&hmac_sha256(token.as_bytes(), nonce.as_bytes()));
                self.device.send(&Request::Prove(proof)).ok();
            }
            None => {
                self.console(
                    "mpdbg: the program's listen() was given a token: put the same one in \"token\" of the attach configuration",
                );
                self.disconnect(false);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex(&mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
