//! What runs on a board: MicroPython's version and machine, `sys.settrace`,
//! the `_mpdbg` module and its core-patch features, the mpy version and
//! architecture, free heap, the filesystem. Read through the raw REPL, and
//! checked before anything is deployed.
use crate::repl::{Link, Repl};
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The `_mpdbg` module version this mpdbg's agent needs.
pub const MPDBG_MODULE_VERSION: i64 = 1;

/// Board code that prints what runs there, one `key=value` a line.
pub(crate) const PROBE: &str = "\
import sys, gc, os
i = sys.implementation
print('version=' + '.'.join(str(x) for x in i.version[:3]) + ('-' + i.version[3] if len(i.version) > 3 and i.version[3] else ''))
print('machine=' + getattr(i, '_machine', ''))
print('platform=' + sys.platform)
print('settrace=%d' % hasattr(sys, 'settrace'))
print('mpy=%d' % getattr(i, '_mpy', -1))
try:
    import _mpdbg
    print('mpdbg=%s' % _mpdbg.VERSION)
    print('features=%d' % _mpdbg.FEATURES)
except ImportError:
    pass
gc.collect()
print('heap=%d' % gc.mem_free())
try:
    print('cwd=' + os.getcwd())
    s = os.statvfs(os.getcwd())
    print('fs=%d,%d' % (s[0] * s[2], s[0] * s[3]))
except (AttributeError, OSError):
    pass
";

/// The architectures of `sys.implementation._mpy` (bits 10 and up), as mpy-cross names them.
const ARCHS: [&str; 12] = [
    "",
    "x86",
    "x64",
    "armv6",
    "armv6m",
    "armv7m",
    "armv7em",
    "armv7emsp",
    "armv7emdp",
    "xtensa",
    "xtensawin",
    "rv32imc",
];

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Mpy {
    pub version: u32,
    pub sub_version: u32,
    /// Native-code architecture (`None`: the board runs no native code).
    pub arch: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Filesystem {
    pub total: u64,
    pub free: u64,
}

/// A board's firmware, as `mpdbg devices --probe` shows it.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct BoardInfo {
    pub version: String,
    pub machine: String,
    pub platform: String,
    pub settrace: bool,
    /// `_mpdbg`'s version; `None` when the firmware has no `_mpdbg`.
    pub mpdbg: Option<i64>,
    /// `_mpdbg.FEATURES`: one bit per core patch.
    pub features: Option<u32>,
    /// `None`: the board cannot import .mpy files.
    pub mpy: Option<Mpy>,
    pub heap_free: u64,
    /// The board's current folder after start-up (its "root" for mpdbg).
    pub cwd: String,
    pub filesystem: Option<Filesystem>,
}

impl BoardInfo {
    pub fn parse(text: &str) -> BoardInfo {
        let mut info = BoardInfo::default();
        for line in text.lines() {
            let Some((key, value)) = line.trim_end_matches('\r').split_once('=') else {
                continue;
            };
            match key {
                "version" => info.version = value.into(),
                "machine" => info.machine = value.into(),
                "platform" => info.platform = value.into(),
                "settrace" => info.settrace = value == "1",
                "mpy" => {
                    info.mpy = value.parse::<i64>().ok().filter(|&v| v >= 0).map(|v| Mpy {
                        version: (v & 0xff) as u32,
                        sub_version: (v >> 8 & 3) as u32,
                        arch: ARCHS
                            .get((v >> 10) as usize)
                            .filter(|a| !a.is_empty())
                            .map(|a| a.to_string()),
                    })
                }
                "mpdbg" => info.mpdbg = value.parse().ok(),
                "features" => info.features = value.parse().ok(),
                "heap" => info.heap_free = value.parse().unwrap_or(0),
                "cwd" => info.cwd = value.into(),
                "fs" => {
                    if let Some((t, f)) = value.split_once(',') {
                        info.filesystem = Some(Filesystem {
                            total: t.parse().unwrap_or(0),
                            free: f.parse().unwrap_or(0),
                        });
                    }
                }
                _ => {}
            }
        }
        if info.cwd.is_empty() {
            info.cwd = "/".into();
        }
        info
    }

    /// Fails, saying what the firmware lacks and where the recipe is,
    /// when mpdbg cannot debug on it.
    pub fn check(&self, port: &str) -> Result<()> {
        let recipe = "docs/mpdbg-module.md has the recipe to build firmware that has them";
        match (self.settrace, self.mpdbg) {
            (false, None) => bail!(
                "the firmware on {port} (MicroPython {} on {}) has neither sys.settrace nor the _mpdbg module: \
                 build it with MICROPY_PY_SYS_SETTRACE=1 and USER_C_MODULES pointing at mpdbg's firmware/; {recipe}",
                self.version,
                self.machine
            ),
            (false, Some(_)) => bail!(
                "the firmware on {port} (MicroPython {}) has no sys.settrace: build it with \
                 MICROPY_PY_SYS_SETTRACE=1; {recipe}",
                self.version
            ),
            (true, None) => bail!(
                "the firmware on {port} (MicroPython {}) has sys.settrace but no _mpdbg module: build it with \
                 USER_C_MODULES pointing at mpdbg's firmware/; {recipe}",
                self.version
            ),
            (true, Some(v)) if v != MPDBG_MODULE_VERSION => bail!(
                "the firmware on {port} has _mpdbg version {v}, this mpdbg needs version {MPDBG_MODULE_VERSION}: \
                 rebuild the firmware from this mpdbg's firmware/ ({recipe})"
            ),
            _ => Ok(()),
        }
    }
}

/// Reads what runs on the board (at its raw REPL).
pub fn probe<L: Link>(repl: &mut Repl<L>) -> Result<BoardInfo> {
    let out = repl
        .exec(PROBE, Duration::from_secs(10))?
        .ok()
        .with_context(|| format!("cannot read what runs on {}", repl.name()))?;
    Ok(BoardInfo::parse(&out))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOST: &str = "version=1.29.0-preview\r\nmachine=mpdbg host port\r\nplatform=linux\r\nsettrace=1\r\nmpy=-1\r\nmpdbg=1\r\nfeatures=127\r\nheap=1033888\r\ncwd=/tmp/b\r\nfs=16777216,4096\r\n";

    #[test]
    fn probe_output_parses() {
        let info = BoardInfo::parse(HOST);
        assert_eq!(info.version, "1.29.0-preview");
        assert!(info.settrace);
        assert_eq!(
            (info.mpdbg, info.features, info.mpy.clone()),
            (Some(1), Some(127), None)
        );
        assert_eq!(info.cwd, "/tmp/b");
        assert_eq!(
            info.filesystem,
            Some(Filesystem {
                total: 16777216,
                free: 4096
            })
        );
        assert!(info.check("P").is_ok());
        // mpy 6.3 for armv7m: 6 | 3 << 8 | 5 << 10
        let m = BoardInfo::parse(&format!("mpy={}", 6 | 3 << 8 | 5 << 10)).mpy.unwrap();
        assert_eq!((m.version, m.sub_version, m.arch.as_deref()), (6, 3, Some("armv7m")));
    }

    #[test]
    fn missing_firmware_parts_are_named() {
        let none = BoardInfo::parse("version=1.22.0\nsettrace=0\n");
        let e = none.check("/dev/ttyACM0").unwrap_err().to_string();
        assert!(
            e.contains("neither sys.settrace nor the _mpdbg module") && e.contains("docs/mpdbg-module.md"),
            "{e}"
        );
        let no_module = BoardInfo::parse("settrace=1\n");
        assert!(no_module
            .check("p")
            .unwrap_err()
            .to_string()
            .contains("no _mpdbg module"));
        let old = BoardInfo::parse("settrace=1\nmpdbg=0\n");
        assert!(old.check("p").unwrap_err().to_string().contains("needs version 1"));
    }
}
