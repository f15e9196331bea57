//! Files on the board through its raw REPL: hashes of what is there, writes
//! with flow control and a check of what arrived.
//!
//! The hash is SHA-256 where the board has `hashlib`, else Adler-32
//! computed in Python (the host port and small boards have no `hashlib`);
//! each answer says which, and the host computes the same.
use super::{py_str, Link, Repl};
use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};
use std::time::Duration;

/// Board-side helper: `_h(path)` the file's hash (or `-` when it is missing).
pub const HASH: &str = "\
def _h(p):
    try:
        f = open(p, 'rb')
    except OSError:
        return '-'
    try:
        import hashlib
        h = hashlib.sha256()
        while True:
            b = f.read(512)
            if not b:
                break
            h.update(b)
        f.close()
        return 's' + ''.join('%02x' % x for x in h.digest())
    except ImportError:
        pass
    f.seek(0)
    a, s = 1, 0
    while True:
        b = f.read(512)
        if not b:
            break
        for x in b:
            a += x
            s += a
        a %= 65521
        s %= 65521
    f.close()
    return 'a%08x' % (s << 16 | a)
";

/// Board-side helper: `_d(path)` creates a folder and its parents.
const MKDIR: &str = "\
import os
def _d(p):
    q = '/' if p[:1] == '/' else ''
    for part in p.split('/'):
        if part:
            q = q + part if q in ('', '/') else q + '/' + part
            try:
                os.mkdir(q)
            except OSError:
                pass
";

/// How long file work on the board may take per file.
const FILE_TIMEOUT: Duration = Duration::from_secs(20);
/// Bytes per acknowledged chunk of a file write.
const CHUNK: usize = 256;

/// The `h=` lines of board output, which must be `n`.
pub fn parse_hashes(out: &str, n: usize) -> Result<Vec<String>> {
    let hashes: Vec<String> = out
        .lines()
        .filter_map(|l| l.trim().strip_prefix("h=").map(str::to_string))
        .collect();
    if hashes.len() != n {
        bail!("the board answered {} hashes for {n} files", hashes.len());
    }
    Ok(hashes)
}

/// The hash `_h` gives, computed on the host for the same kind.
pub fn host_hash(kind: u8, data: &[u8]) -> String {
    if kind == b's' {
        let digest = Sha256::digest(data);
        format!("s{}", digest.iter().map(|b| format!("{b:02x}")).collect::<String>())
    } else {
        let (mut a, mut s) = (1u32, 0u32);
        for chunk in data.chunks(512) {
            for &x in chunk {
                a += u32::from(x);
                s += a;
            }
            a %= 65521;
            s %= 65521;
        }
        format!("a{:08x}", s << 16 | a)
    }
}

/// Whether the board's hash of a file equals the host's bytes.
pub fn same(board: &str, data: &[u8]) -> bool {
    match board.bytes().next() {
        Some(kind @ (b's' | b'a')) => host_hash(kind, data) == board,
        _ => false,
    }
}

impl<L: Link> Repl<L> {
    /// Writes files (board path, bytes), creating folders; checks each by hash.
    pub fn write_files(&mut self, files: &[(String, Vec<u8>)]) -> Result<()> {
        if files.is_empty() {
            return Ok(());
        }
        // The board reads each file from the link in chunks, asking for the
        // next with \x06; Ctrl-C bytes in the data must not interrupt it.
        let list: Vec<String> = files
            .iter()
            .map(|(p, d)| format!("({},{})", py_str(p), d.len()))
            .collect();
        let code = format!(
            "{HASH}{MKDIR}import sys, micropython\n\
             micropython.kbd_intr(-1)\n\
             r = sys.stdin.buffer\n\
             for p, n in [{}]:\n\
             \x20   i = p.rfind('/')\n\
             \x20   if i > 0:\n\
             \x20       _d(p[:i])\n\
             \x20   f = open(p, 'wb')\n\
             \x20   while n:\n\
             \x20       sys.stdout.write('\\x06')\n\
             \x20       b = r.read(min(n, {CHUNK}))\n\
             \x20       f.write(b)\n\
             \x20       n -= len(b)\n\
             \x20   f.close()\n\
             \x20   sys.stdout.write('\\x07' + _h(p) + '\\n')\n\
             micropython.kbd_intr(3)\n",
            list.join(",")
        );
        self.start(super::compact(&code).as_bytes())?;
        for (path, data) in files {
            for chunk in data.chunks(CHUNK) {
                self.await_byte(0x06, path)?;
                self.write(chunk)?;
            }
            self.await_byte(0x07, path)?;
            let mut hash = Vec::new();
            loop {
                match self.read_byte(FILE_TIMEOUT)? {
                    b'\n' => break,
                    b => hash.push(b),
                }
            }
            let hash = String::from_utf8_lossy(&hash).trim().to_string();
            if !same(&hash, data) {
                bail!("{path} arrived damaged on the board (hash {hash}); try again, or lower \"baud\"");
            }
        }
        self.finish(FILE_TIMEOUT)?
            .ok()
            .context("writing files on the board failed")?;
        Ok(())
    }

    /// The files below the board folder `root`, as `/`-separated paths
    /// relative to it (none when it does not exist).
    pub fn list_files(&mut self, root: &str) -> Result<Vec<String>> {
        let code = format!(
            "import os\n\
             def _w(d, r):\n\
             \x20   try:\n\
             \x20       es = list(os.ilistdir(d))\n\
             \x20   except OSError:\n\
             \x20       return\n\
             \x20   for e in es:\n\
             \x20       p = d.rstrip('/') + '/' + e[0]\n\
             \x20       if e[1] == 0x4000:\n\
             \x20           _w(p, r + e[0] + '/')\n\
             \x20       else:\n\
             \x20           print('f=' + r + e[0])\n\
             _w({}, '')\n",
            py_str(root)
        );
        let out = self
            .exec(&code, FILE_TIMEOUT)?
            .ok()
            .with_context(|| format!("cannot list the files in {root} on the board"))?;
        Ok(out
            .lines()
            .filter_map(|l| l.strip_prefix("f=").map(str::to_string))
            .collect())
    }

    /// Removes files (those that are missing are no error).
    pub fn remove_files(&mut self, paths: &[String]) -> Result<()> {
        if paths.is_empty() {
            return Ok(());
        }
        let list: Vec<String> = paths.iter().map(|p| py_str(p)).collect();
        let code = format!(
            "import os\nfor p in [{}]:\n    try:\n        os.remove(p)\n    except OSError:\n        pass\n",
            list.join(",")
        );
        self.exec(&code, FILE_TIMEOUT)?
            .ok()
            .context("cannot remove files on the board")?;
        Ok(())
    }

    /// Waits for the byte the board's file writer sends; a traceback instead is an error.
    fn await_byte(&mut self, want: u8, path: &str) -> Result<()> {
        let mut other = Vec::new();
        loop {
            let b = self.read_byte(FILE_TIMEOUT)?;
            if b == want {
                return Ok(());
            }
            other.push(b);
            if b == 0x04 {
                // The code ended early: its traceback follows.
                let out = self.finish(FILE_TIMEOUT)?;
                bail!(
                    "cannot write {path} on the board: {}{}",
                    String::from_utf8_lossy(&other),
                    String::from_utf8_lossy(&out.stdout)
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adler_matches_zlib() {
        // zlib.adler32(b"Wikipedia") == 0x11E60398
        assert_eq!(host_hash(b'a', b"Wikipedia"), "a11e60398");
        let big = vec![0xffu8; 5000];
        let h = host_hash(b'a', &big);
        assert_eq!(h, "a54b27596"); // zlib.adler32(b"\xff" * 5000)
        assert!(same(&h, &big));
        assert!(!same(&h, b"other"));
        assert!(!same("-", b""));
    }

    #[test]
    fn sha_form() {
        assert!(host_hash(b's', b"").starts_with("se3b0c442"));
    }
}
