'use strict';
// The harness's own tests: spawning, the launch sequence, bounded waits and
// their failure messages, adapter crashes, non-JSON output, leak detection.
// They use a scripted fake adapter (fixtures/fake_adapter.js) and, when
// MPDBG_ECHO_ADAPTER names it, the DAP crate's toy adapter
// (`cargo build -p mpdbg-dap --example echo_adapter`). No mpdbg needed.

const assert = require('assert');
const path = require('path');
const { Session } = require('../lib/session');
const { track } = require('../lib/root-hooks');
const procs = require('../lib/procs');

const FAKE = path.join(__dirname, '..', 'fixtures', 'fake_adapter.js');
const fake = (mode, env) => track(Session.start({ bin: process.execPath, args: [FAKE, mode], env }));

async function rejects(promise, pattern) {
  try {
    await promise;
  } catch (e) {
    assert.match(e.message, pattern);
    return e;
  }
  assert.fail(`expected a rejection matching ${pattern}`);
}

describe('harness', function () {
  it('runs the VS Code launch sequence against a well-behaved adapter', async function () {
    const s = fake('good');
    const caps = await s.initialize();
    assert.strictEqual(caps.supportsConfigurationDoneRequest, true);
    const { breakpoints } = await s.launch('/x.py', { stopOnEntry: true, micropython: false,
      breakpoints: { '/x.py': [3, { line: 5, condition: 'i == 3' }] } });
    assert.deepStrictEqual(breakpoints['/x.py'].map((b) => b.line), [3, 5]);
    const stop = await s.stopped('entry');
    assert.strictEqual(stop.threadId, 1);
    assert.strictEqual((await s.topFrame()).name, '<module>');
    await s.continue();
    assert.strictEqual(await s.ended({ exitCode: 0 }), 0);
    assert.strictEqual(s.output('stdout'), 'hello\n');
  });

  it('a request without a response fails after its bound, naming the request', async function () {
    const s = fake('silent');
    const t0 = Date.now();
    const e = await rejects(s.request('initialize', {}, 300), /timed out after \d+ ms waiting for the response to 'initialize'/);
    assert.ok(Date.now() - t0 < 3000, 'the bound was not kept');
    assert.match(e.message, /last DAP messages:/);
    s.kill();
  });

  it('an event that never comes fails after its bound', async function () {
    const s = fake('good');
    await s.initialize();
    await rejects(s.nextEvent('stopped', { timeout: 200 }), /timed out after \d+ ms waiting for event 'stopped'/);
  });

  it('an event that came before the wait is not lost', async function () {
    const s = fake('good');
    await s.initialize(); // 'initialized' arrives right after this response
    const ev = await s.nextEvent('initialized', { timeout: 1000 });
    assert.strictEqual(ev.event, 'initialized');
  });

  it('an adapter that exits fails the pending wait at once', async function () {
    const s = fake('crash');
    await s.initialize();
    const t0 = Date.now();
    await rejects(s.request('threads', undefined, 20000), /the adapter exited while the test waited for the response to 'threads'[\s\S]*code 3/);
    assert.ok(Date.now() - t0 < 5000, 'the exit was not noticed promptly');
  });

  it('a body that is not JSON fails the session', async function () {
    const s = fake('garbage');
    await rejects(s.request('initialize', {}, 5000), /not JSON: "this is \{ not json"/);
    s.kill();
  });

  it('reports a failed request with its message', async function () {
    const s = fake('good');
    await s.initialize();
    const r = await s.requestRaw('fooBar', {});
    assert.strictEqual(r.success, false);
    await rejects(s.request('fooBar', {}), /'fooBar' \{\} failed: unsupported request 'fooBar'/);
  });

  it('finds a leaked child process, and not one that was cleaned up', async function () {
    const s = fake('spawn', { FAKE_LEAK: '1' });
    await s.launch('/x.py', { micropython: false, stopOnEntry: true });
    await s.stopped('entry');
    const kids = procs.descendants(s.pid);
    const pe = s.events('process')[0];
    assert.ok(kids.some((k) => k.pid === pe.body.systemProcessId), 'the child was not found among the descendants');
    await s.close();
    try {
      await rejects(procs.waitGone(kids, 300, 'after disconnect'), /after disconnect: still running .* \(sleep 300\)/);
    } finally {
      procs.reap(kids);
    }
    const t = fake('spawn');
    await t.launch('/x.py', { micropython: false, stopOnEntry: true });
    await t.stopped('entry');
    const kids2 = procs.descendants(t.pid);
    assert.ok(kids2.length >= 1);
    await t.close();
    await procs.waitGone(kids2, 3000, 'after disconnect');
  });

  const ECHO = process.env.MPDBG_ECHO_ADAPTER;
  (ECHO ? it : it.skip)('drives the DAP crate\'s echo_adapter over stdio (MPDBG_ECHO_ADAPTER)', async function () {
    const s = track(Session.start({ bin: ECHO, args: [] }));
    const caps = await s.initialize();
    assert.strictEqual(caps.supportsLogPoints, true);
    const { breakpoints } = await s.launch('/tmp/main.py', { stopOnEntry: true, micropython: false,
      breakpoints: { '/tmp/main.py': [{ line: 3, condition: 'x>1', hitCondition: '2', logMessage: 'x={x}' }, 5] } });
    assert.deepStrictEqual(breakpoints['/tmp/main.py'].map((b) => [b.verified, b.line]), [[true, 3], [true, 5]]);
    await s.stopped('entry');
    assert.strictEqual((await s.topFrame()).source.path, '/tmp/main.py');
    // Malformed input: the session survives it.
    s.writeRaw(Buffer.from('Content-Length: 9\r\n\r\nnot json!'));
    s.writeRaw(Buffer.from('Content-Length: 52\r\n\r\n{"seq": 900, "type": "request", "command": "threads"'));
    const ev = await s.evaluate('1 + 1', 'repl', 1);
    assert.strictEqual(ev.body.result, '1 + 1');
    const early = s.transcript.filter((m) => m.dir === '<-' && m.msg.type === 'response' && m.msg.request_seq === 900);
    assert.strictEqual(early.length, 1, 'no error response to the truncated request 900');
    assert.strictEqual(early[0].msg.success, false);
    await s.continue();
    await s.ended({ exitCode: 0 });
    await s.waitForOutput('/tmp/main.py: line 2');
  });
});
