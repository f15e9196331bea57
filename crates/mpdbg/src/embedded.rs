//! Files compiled into the `mpdbg` binary by `build.rs`: the firmware sources
//! (`firmware/`) and the device agent (`agent/`), as (relative path, bytes).
include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// Looks up an embedded agent file by its path relative to `agent/`.
pub fn agent_file(path: &str) -> Option<&'static [u8]> {
    AGENT_FILES.iter().find(|(p, _)| *p == path).map(|(_, b)| *b)
}
