'use strict';
// Process-tree helpers (Linux /proc), to check that nothing outlives a session.

const fs = require('fs');

/** {pid, ppid, state, cmdline} of every process. */
function processes() {
  const out = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid ...; comm may contain spaces and parentheses
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      let cmdline = '';
      try {
        cmdline = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ').trim();
      } catch (e) { /* gone */ }
      out.push({ pid: +name, state: rest[0], ppid: +rest[1], cmdline });
    } catch (e) {
      // the process went away while we looked
    }
  }
  return out;
}

/** Every live descendant of `pid`. */
function descendants(pid) {
  const all = processes();
  const found = [];
  const frontier = [pid];
  while (frontier.length) {
    const p = frontier.pop();
    for (const q of all) {
      if (q.ppid === p && q.state !== 'Z') {
        found.push(q);
        frontier.push(q.pid);
      }
    }
  }
  return found;
}

/** True while `pid` exists and is not a zombie. */
function alive(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch (e) {
    return false;
  }
}

/**
 * Resolves once none of `procs` ({pid, cmdline}) is alive; rejects after
 * `timeout` ms naming the survivors. Polls /proc: there is no event for the
 * death of a process that is not our child.
 */
function waitGone(procs, timeout, what) {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const check = () => {
      const left = procs.filter((p) => alive(p.pid));
      if (!left.length) {
        clearInterval(timer);
        resolve(Date.now() - started);
      } else if (Date.now() - started > timeout) {
        clearInterval(timer);
        reject(new Error(`${what}: still running ${Date.now() - started} ms later: ` +
          left.map((p) => `pid ${p.pid} (${p.cmdline})`).join(', ')));
      }
    };
    const timer = setInterval(check, 50);
    check();
  });
}

/** Kills what a failed test left behind (only the given pids). */
function reap(procs) {
  for (const p of procs) {
    try { process.kill(p.pid, 'SIGKILL'); } catch (e) { /* already gone */ }
  }
}

module.exports = { processes, descendants, alive, waitGone, reap };
