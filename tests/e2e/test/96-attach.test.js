'use strict';
// Attach: a program on the built-in debug MicroPython that already runs and
// waits for a debugger (mpdbg.listen(), or the seed's debugpy.listen()),
// attached over loopback TCP as VS Code's Python extension attaches.

const assert = require('assert');
const cp = require('child_process');
const net = require('net');
const path = require('path');
const { requireAdapter, start, localValues, config } = require('../lib/common');
const markers = require('../lib/markers');

const DIR = path.join(__dirname, '..', 'attach');
const program = (name) => path.join(DIR, name);

/** What VS Code's Python extension sends for an attach (plus our token). */
function pythonAttach(port, extra = {}) {
  return Object.assign({
    type: 'python', request: 'attach', name: 'Attach to MicroPython',
    connect: { host: '127.0.0.1', port },
    pathMappings: [{ localRoot: DIR, remoteRoot: DIR }],
    justMyCode: false, debugOptions: ['RedirectOutput', 'ShowReturnValue'], showReturnValue: true,
    __sessionId: 'e2e-attach', workspaceFolder: DIR,
  }, extra);
}

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

/** The program, started without any debugger, as a user would. */
class Program {
  constructor(name, args) {
    this.out = '';
    this.exit = null;
    this.waiters = [];
    this.proc = cp.spawn(config.micropython(), [program(name), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const poke = () => this.waiters.forEach((w) => w());
    this.proc.stdout.on('data', (d) => { this.out += d.toString(); poke(); });
    this.proc.stderr.on('data', (d) => { this.out += d.toString(); poke(); });
    this.proc.on('exit', (code) => { this.exit = { code }; poke(); });
  }

  /** Resolves when `probe()` holds; fails after `ms` saying what was awaited. */
  until(probe, what, ms = config.T.run) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { done(); reject(new Error(`timed out after ${ms} ms waiting for ${what}; program output: ${JSON.stringify(this.out)}`)); }, ms);
      const check = () => { if (probe()) { done(); resolve(); } };
      const done = () => { clearTimeout(timer); this.waiters = this.waiters.filter((w) => w !== check); };
      this.waiters.push(check);
      check();
    });
  }

  output(text) {
    return this.until(() => this.out.includes(text), JSON.stringify(text));
  }

  ended() {
    return this.until(() => this.exit, 'the program to end');
  }

  kill() {
    if (!this.exit) this.proc.kill('SIGKILL');
  }
}

const programs = [];
afterEach(() => programs.splice(0).forEach((p) => p.kill()));

function run(name, ...args) {
  const p = new Program(name, args.map(String));
  programs.push(p);
  return p;
}

async function attach(port, { breakpoints = {}, extra = {} } = {}) {
  const s = start();
  await s.initialize();
  const r = await s.requestRaw('attach', pythonAttach(port, extra), config.T.launch);
  if (!r.success) return { s, r };
  await s.nextEvent('initialized');
  for (const [file, lines] of Object.entries(breakpoints)) {
    await s.request('setBreakpoints', { source: { path: file }, breakpoints: lines.map((line) => ({ line })) });
  }
  await s.request('configurationDone');
  return { s, r };
}

describe('attach over TCP to a program that waits for a debugger', function () {
  requireAdapter();

  it('a seed-style debugpy program, unchanged: breakpoint, locals by name, step, to the end', async function () {
    const port = await freePort();
    const p = run('seed_program.py', port);
    await p.output(`Debugger listening on 127.0.0.1:${port}`);
    const file = program('seed_program.py');
    const { s, r } = await attach(port, { breakpoints: { [file]: [markers.line(file, 'result')] } });
    assert.strictEqual(r.success, true, JSON.stringify(r));
    await s.stopped('breakpoint');
    const frame = await s.topFrame();
    assert.strictEqual(frame.name, 'my_function');
    const vals = await localValues(s, frame.id);
    assert.strictEqual(vals.x, '10');
    assert.strictEqual(vals.y, '20');
    await s.request('next', { threadId: 1 });
    await s.stopped('step');
    assert.strictEqual((await localValues(s)).result, '30');
    await s.continue();
    await p.output('Result: 30');
    await p.ended();
    assert.strictEqual(p.exit.code, 0, p.out);
  });

  it('a running loop: attach without restart, pause, detach (it runs on), attach again', async function () {
    const port = await freePort();
    const p = run('running_loop.py', port);
    await p.output('counter 1000000');
    for (let round = 0; round < 2; round++) {
      const { s, r } = await attach(port);
      assert.strictEqual(r.success, true, JSON.stringify(r));
      await s.request('pause', { threadId: 1 });
      await s.stopped('pause');
      const frame = await s.topFrame();
      assert.strictEqual(frame.source.path, program('running_loop.py'));
      const counter = Number((await s.evaluate('counter', 'repl', frame.id)).body.result);
      assert.ok(counter >= 1000000 * (round + 1), `counter ${counter}: the program was restarted`);
      await s.request('disconnect', {});
      await s.close();
      const seen = p.out.length;
      await p.until(() => p.out.length > seen && /counter \d+\n$/.test(p.out), 'the program to go on printing');
      assert.strictEqual(p.exit, null, 'the program ended at a detach');
      await p.output(`counter ${1000000 * (round + 2)}`);
    }
  });

  it('a client killed while the program is stopped: the program resumes', async function () {
    const port = await freePort();
    const p = run('running_loop.py', port);
    await p.output('listening');
    const file = program('running_loop.py');
    const { s } = await attach(port, { breakpoints: { [file]: [markers.line(file, 'loop')] } });
    await s.stopped('breakpoint');
    const seen = p.out;
    s.expectExit = true;
    process.kill(s.pid, 'SIGKILL');
    await p.until(() => p.out.length > seen.length + 10, 'the program to run on after its debugger died');
    assert.strictEqual(p.exit, null);
  });

  it('a wrong or missing token is refused and the program runs on; the right one attaches', async function () {
    const port = await freePort();
    const p = run('running_loop.py', port, 's3cret-token');
    await p.output('listening');
    for (const token of [undefined, 'wrong-token']) {
      const { s, r } = await attach(port, { extra: token ? { token } : {} });
      assert.strictEqual(r.success, false, `attach with ${token} succeeded`);
      assert.match(r.message, /token/);
      await s.close();
    }
    assert.strictEqual(p.exit, null);
    const { s, r } = await attach(port, { extra: { token: 's3cret-token' } });
    assert.strictEqual(r.success, true, JSON.stringify(r));
    await s.request('pause', { threadId: 1 });
    await s.stopped('pause');
    await s.request('disconnect', {});
  });

  it('listen() on a network address without a token refuses, saying why', function () {
    const r = cp.spawnSync(config.micropython(), [program('refuses_without_token.py')], { encoding: 'utf8', timeout: 10000 });
    assert.match(r.stdout, /refused: .*needs token=/);
  });
});
