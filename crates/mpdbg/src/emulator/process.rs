//! Starting QEMU so that it never outlives mpdbg: its own process group
//! (so that a terminal's Ctrl-C reaches mpdbg only) and, on Linux, the
//! parent-death signal.
use anyhow::{Context, Result};
use std::net::TcpListener;
use std::process::{Child, Command};

#[cfg(target_os = "linux")]
pub fn own_process_group_and_die_with_parent(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: between fork and exec only async-signal-safe calls are made
    // (getpid/getppid, setpgid, prctl, kill), and no memory is allocated.
    let parent = unsafe { libc::getpid() };
    unsafe {
        command.pre_exec(move || {
            if libc::setpgid(0, 0) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong, 0, 0, 0) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // The parent may have died before prctl: then go now.
            if libc::getppid() != parent {
                libc::kill(libc::getpid(), libc::SIGKILL);
            }
            Ok(())
        });
    }
}

#[cfg(all(unix, not(target_os = "linux")))]
pub fn own_process_group_and_die_with_parent(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    command.process_group(0);
}

#[cfg(not(unix))]
pub fn own_process_group_and_die_with_parent(_command: &mut Command) {}

/// Kills the child's whole process group and reaps the child.
pub fn kill_group(child: &mut Child) {
    if matches!(child.try_wait(), Ok(Some(_))) {
        return;
    }
    #[cfg(unix)]
    {
        if let Ok(pid) = i32::try_from(child.id()) {
            // SAFETY: kill has no memory effects; the group is the child's own.
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
        }
    }
    child.kill().ok();
    child.wait().ok();
}

/// Binds 127.0.0.1:`port` and makes the listening socket QEMU's gdb stub
/// (`-chardev socket,fd=N,server=on`); the caller keeps the listener until
/// QEMU has started.
#[cfg(unix)]
pub fn pass_listener(command: &mut Command, port: u16) -> Result<TcpListener> {
    use std::os::fd::AsRawFd;
    use std::os::unix::process::CommandExt;
    let listener = TcpListener::bind(("127.0.0.1", port))
        .with_context(|| format!("cannot listen on 127.0.0.1:{port} for the gdb stub (in use?)"))?;
    let fd = listener.as_raw_fd();
    command
        .arg("-chardev")
        .arg(format!("socket,id=gdb,fd={fd},server=on,wait=off"))
        .args(["-gdb", "chardev:gdb"]);
    // SAFETY: fcntl on a descriptor we own, between fork and exec.
    unsafe {
        command.pre_exec(move || {
            // Keep the socket open across exec (std opens it close-on-exec).
            if libc::fcntl(fd, libc::F_SETFD, 0) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    Ok(listener)
}

#[cfg(not(unix))]
pub fn pass_listener(_command: &mut Command, _port: u16) -> Result<TcpListener> {
    anyhow::bail!("QEMU's gdb stub through mpdbg needs a Unix host")
}
