'use strict';
// The launch fields VS Code users bring (env, noDebug, console) and the
// progress of the first-run build, each honoured or answered, never ignored.

const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { requireAdapter, config } = require('../lib/common');
const { Session, VSCODE_INITIALIZE } = require('../lib/session');
const { track } = require('../lib/root-hooks');
const device = require('../lib/device');

/** A program of the test's own in a fresh folder. */
function writeProgram(name, source) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpdbg-e2e-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, source);
  return file;
}

const ENV_PROGRAM = `import os
print("SET=" + str(os.getenv("MPDBG_E2E_SET")))
print("GONE=" + str(os.getenv("MPDBG_E2E_GONE")))
print("KEPT=" + str(os.getenv("MPDBG_E2E_KEPT")))
`;

const PLAIN_PROGRAM = `import sys
x = 1
print("traced:", "mpdbg" in sys.modules)
raise ValueError("boom")
`;

describe('launch options', function () {
  requireAdapter();

  it('env sets and removes variables for the program, on top of the adapter\'s own and envFile\'s', async function () {
    device.localOnly(this, 'a board has no environment variables');
    const file = writeProgram('env.py', ENV_PROGRAM);
    fs.writeFileSync(path.join(path.dirname(file), '.env'), '# for the test\nMPDBG_E2E_SET=from the file\nMPDBG_E2E_KEPT="file"\n');
    const s = track(Session.start({ env: { MPDBG_E2E_GONE: 'adapter', MPDBG_E2E_KEPT: 'adapter' } }));
    await s.launch(file, {
      cwd: path.dirname(file),
      extra: { envFile: '.env', env: { MPDBG_E2E_SET: 'a b=c', MPDBG_E2E_GONE: null } },
    });
    await s.ended({ exitCode: 0 });
    assert.strictEqual(s.output('stdout'), 'SET=a b=c\nGONE=None\nKEPT=file\n');
  });

  it('a wrongly typed env is refused with a message naming it', async function () {
    const file = writeProgram('env.py', ENV_PROGRAM);
    const s = track(Session.start());
    await s.initialize();
    const r = await s.requestRaw('launch', {
      program: file, cwd: path.dirname(file), micropython: config.micropython(), env: { A: [1] },
    });
    assert.strictEqual(r.success, false);
    assert.match(r.message, /"env"\.A must be a string/);
  });

  it('noDebug runs the program without the agent: output, the traceback on stderr and the exit code reported, breakpoints unverified', async function () {
    device.localOnly(this, 'on a board noDebug runs under the agent');
    const file = writeProgram('plain.py', PLAIN_PROGRAM);
    const s = track(Session.start());
    const r = await s.launch(file, {
      cwd: path.dirname(file), extra: { noDebug: true }, breakpoints: { [file]: [2] },
    });
    const [bp] = r.breakpoints[file];
    assert.strictEqual(bp.verified, false);
    assert.match(bp.message, /noDebug/);
    await s.ended({ exitCode: 1 });
    assert.strictEqual(s.output('stdout'), 'traced: False\n');
    assert.match(s.output('stderr'), /line 4[\s\S]*ValueError: boom\n$/);
    assert.strictEqual(s.events('stopped').length, 0);
    const proc = s.events('process');
    assert.strictEqual(proc.length, 1, 'one process event');
    assert.ok(proc[0].body.systemProcessId > 0);
  });

  it('noDebug: debug console lines are the program\'s input; other evaluations are refused', async function () {
    device.localOnly(this, 'on a board noDebug runs under the agent');
    const s = track(Session.start());
    const file = path.join(__dirname, '..', 'hostile', 'reads_stdin.py');
    await s.launch(file, { cwd: path.dirname(file), extra: { noDebug: true } });
    await s.waitForOutput('ready\nname? ');
    const hover = await s.requestRaw('evaluate', { expression: 'name', context: 'hover' });
    assert.strictEqual(hover.success, false);
    assert.match(hover.message, /noDebug/);
    for (const line of ['Ann', 'Bob']) {
      const r = await s.requestRaw('evaluate', { expression: line, context: 'repl' });
      assert.strictEqual(r.success, true, JSON.stringify(r));
    }
    await s.ended({ exitCode: 0 });
    // Without the agent, input() is the interpreter's own line editor, which
    // echoes the line it read (as a board's REPL does).
    assert.strictEqual(s.output('stdout'), "ready\nname? Ann\r\nhello Ann\nsecond line: 'Bob\\n'\ndone\n");
  });

  it('noDebug: terminate ends a program that would run for ever', async function () {
    device.localOnly(this, 'on a board noDebug runs under the agent');
    const s = track(Session.start());
    await s.launch(config.example('loop_forever.py'), { extra: { noDebug: true } });
    await s.nextEvent('process');
    const { systemProcessId: pid } = s.events('process')[0].body;
    await s.request('terminate');
    await s.ended();
    assert.throws(() => process.kill(pid, 0), /ESRCH/, `the interpreter ${pid} is still running`);
  });

  it('console integratedTerminal, and debugpy-only settings, are answered with console lines saying so', async function () {
    const s = track(Session.start());
    await s.launch(config.example('hello.py'), { extra: { console: 'integratedTerminal', module: 'hello', sudo: false } });
    await s.ended({ exitCode: 0 });
    assert.match(s.output('console'), /"console": "integratedTerminal" is not available.*Debug Console/);
    assert.match(s.output('console'), /mpdbg: ignored "module", "sudo": debugpy settings that mpdbg does not use/);
    assert.strictEqual(s.output('stdout'), 'temperatures: 4 values, mean 11.75\nhello True\n');
  });

  it('the first-run build is reported as DAP progress, or as console lines to a client without progress support', async function () {
    device.localOnly(this, 'a board needs no interpreter build');
    this.timeout(config.T.build + 60000);
    // An empty cache: both sessions start at once; one builds, the other
    // waits for it. Each must report the wait in its client's way.
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'mpdbg-e2e-cache-'));
    const env = { MPDBG_CACHE_DIR: cache };
    const withProgress = track(Session.start({ env }));
    const without = track(Session.start({ env }));
    await without.initialize(Object.assign({}, VSCODE_INITIALIZE, { supportsProgressReporting: false }));
    // The launch waits cover a build (minutes on a loaded machine).
    const launchOpts = { micropython: false, launchTimeout: config.T.build };
    const results = await Promise.allSettled([withProgress, without].map((s) => s.launch(config.example('hello.py'), launchOpts)));
    for (const r of results) if (r.status === 'rejected') throw r.reason;
    await withProgress.ended({ exitCode: 0 });
    await without.ended({ exitCode: 0 });

    const start = withProgress.events('progressStart');
    assert.strictEqual(start.length >= 1, true, 'a progressStart');
    const build = start.find((e) => /Building the debug MicroPython/.test(e.body.title));
    assert.ok(build, `a progressStart for the build: ${JSON.stringify(start.map((e) => e.body))}`);
    const id = build.body.progressId;
    const end = withProgress.events('progressEnd').filter((e) => e.body.progressId === id);
    assert.strictEqual(end.length, 1, 'one progressEnd for the build');
    const log = withProgress.eventLog;
    assert.ok(log.indexOf(build) < log.indexOf(end[0]));
    assert.ok(log.indexOf(end[0]) < log.indexOf(withProgress.events('initialized')[0]), 'the build ends before initialized');
    for (const u of withProgress.events('progressUpdate')) assert.strictEqual(typeof u.body.message, 'string');

    assert.strictEqual(without.events('progressStart').length, 0, 'no progress events to a client that did not ask');
    assert.match(without.output('console'), /mpdbg: Building the debug MicroPython[^\n]*\.\.\.\n/);
    assert.match(without.output('console'), /mpdbg: built and cached\n/);
    fs.rmSync(cache, { recursive: true, force: true });
  });
});
