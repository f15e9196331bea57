'use strict';
// VS Code's stock Python attach configuration (the seed's launch.json) served
// by `mpdbg dap --listen 127.0.0.1:PORT --device PTY`: each attach goes to a
// board (the pty board: the host port's REPL behind a pseudo-terminal) whose
// main.py runs since boot, over its REPL link, without a reset. Microsoft's
// DebugClient over TCP sends what VS Code's Python extension sends.

const assert = require('assert');
const cp = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { DebugClient } = require('@vscode/debugadapter-testsupport');
const { requireAdapter, config } = require('../lib/common');
const { VSCODE_INITIALIZE } = require('../lib/session');

const MAIN = [
  'import time',
  'print("started")',
  'def tick(n):',
  '    m = n + 1',
  '    return m',
  'n = 0',
  'while True:',
  '    n = tick(n)',
  '    if n % 10 == 0:',
  '        print("count", n)',
  '    time.sleep_ms(5)',
  '',
].join('\n');
const TICK_LINE = 4;

/** Resolves with the first line `proc`'s stream gives that matches `re`. */
function lineOf(stream, re, what) {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no ${what} within ${config.T.launch} ms: ${JSON.stringify(text)}`)), config.T.launch);
    stream.on('data', (d) => {
      text += d.toString('utf8');
      const m = text.match(re);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
  });
}

function bounded(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

/** The seed's launch.json configuration, as VS Code's Python extension sends it. */
function seedAttach(port, dir) {
  return {
    name: 'Attach to MicroPython', type: 'python', request: 'attach',
    connect: { host: '127.0.0.1', port },
    pathMappings: [{ localRoot: dir, remoteRoot: '.' }],
    justMyCode: false, debugOptions: ['RedirectOutput', 'ShowReturnValue'], showReturnValue: true,
    __sessionId: 'e2e-attach-serial', workspaceFolder: dir,
  };
}

/** One editor session: connect, attach, stop in tick(); returns [dc, n, output]. */
async function attachAndStop(port, dir, how) {
  const dc = new DebugClient('unused', '', 'python');
  const sock = net.connect(port, '127.0.0.1');
  await bounded(new Promise((resolve, reject) => { sock.on('connect', resolve); sock.on('error', reject); }), config.T.request, 'connect');
  dc.connect(sock, sock);
  const output = [];
  dc.on('output', (e) => output.push(e.body.output));
  await bounded(dc.initializeRequest(Object.assign({}, VSCODE_INITIALIZE, { adapterID: 'debugpy' })), config.T.request, 'initialize');
  const initialized = dc.waitForEvent('initialized', config.T.launch);
  const attached = dc.attachRequest(seedAttach(port, dir));
  // The attach answers after configurationDone or with its failure.
  await Promise.race([initialized, attached.then(() => initialized)]);
  const main = path.join(dir, 'main.py');
  if (how === 'breakpoint') {
    const bp = await dc.setBreakpointsRequest({ source: { path: main }, breakpoints: [{ line: TICK_LINE }] });
    assert.strictEqual(bp.body.breakpoints[0].verified, true, JSON.stringify(bp.body));
  }
  const stopped = dc.waitForEvent('stopped', config.T.run);
  await dc.configurationDoneRequest();
  await bounded(attached, config.T.launch, 'attach response');
  if (how === 'pause') await dc.pauseRequest({ threadId: 1 });
  const ev = await stopped;
  assert.strictEqual(ev.body.reason, how);
  const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
  const module = frames[frames.length - 1];
  assert.strictEqual(module.source.path, main, JSON.stringify(module));
  const scopes = (await dc.scopesRequest({ frameId: frames[0].id })).body.scopes;
  const vars = (await dc.variablesRequest({ variablesReference: scopes[0].variablesReference })).body.variables;
  if (how === 'breakpoint') {
    assert.strictEqual(frames[0].name, 'tick');
    assert.strictEqual(frames[0].line, TICK_LINE);
  }
  // In tick() `n` is its parameter; at the module level, the counter itself.
  let n = vars.find((v) => v.name === 'n');
  if (!n) {
    const globals = scopes.find((s) => /global/i.test(s.name));
    n = (await dc.variablesRequest({ variablesReference: globals.variablesReference })).body.variables.find((v) => v.name === 'n');
  }
  return [dc, Number(n.value), output];
}

describe('VS Code\'s stock Python attach, served for a board by mpdbg dap --listen --device', function () {
  requireAdapter();
  let board; let adapter; let dir;

  before(async function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpdbg-e2e-attach-serial-'));
    // The agent on the board, where an earlier session deploys it.
    fs.mkdirSync(path.join(dir, '.mpdbg'));
    for (const f of fs.readdirSync(path.join(config.REPO, 'agent'))) {
      if (f.endsWith('.py')) fs.copyFileSync(path.join(config.REPO, 'agent', f), path.join(dir, '.mpdbg', f));
    }
    fs.writeFileSync(path.join(dir, 'main.py'), MAIN);
    const script = path.join(config.REPO, 'tests', 'device', 'ptyboard.py');
    board = cp.spawn('python3', [script, config.micropython(), dir], { stdio: ['pipe', 'pipe', 'inherit'] });
    const pty = (await lineOf(board.stdout, /^(\S+)\n/, 'pty path from the board'))[1];
    adapter = cp.spawn(config.mpdbgBin(), ['dap', '--listen', '127.0.0.1:0', '--device', pty], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.port = Number((await lineOf(adapter.stderr, /listening on 127\.0\.0\.1:(\d+)/, 'the adapter\'s port'))[1]);
  });

  after(function () {
    if (adapter) adapter.kill();
    if (board) board.stdin.end();
  });

  it('attaches to main.py running since boot (no restart), stops, detaches, attaches again', async function () {
    const [dc, n, output] = await attachAndStop(this.port, dir, 'breakpoint');
    assert.ok(n > 0, `the counter is ${n}`);
    await dc.disconnectRequest({ restart: false });
    dc.stop();
    const [again, m, output2] = await attachAndStop(this.port, dir, 'pause');
    assert.ok(m > n, `the counter went from ${n} to ${m}: the program was restarted`);
    await again.disconnectRequest({ restart: false });
    again.stop();
    const all = output.concat(output2).join('');
    assert.ok((all.match(/started/g) || []).length <= 1, all);
  });
});
