'use strict';
// The session's life: exit codes, arguments, terminate, disconnect (nothing
// left running), and malformed DAP input.

const assert = require('assert');
const { requireAdapter, start, launchAt, program, config } = require('../lib/common');
const { fixture } = require('../lib/oracle');
const procs = require('../lib/procs');
const device = require('../lib/device');

/**
 * The processes of a running session's program: the adapter's descendants and
 * the 'process' event's pid. A board's program is no process here: none.
 */
function programProcesses(s) {
  if (device.isBoard()) return [];
  const found = procs.descendants(s.pid);
  const pe = s.events('process').find((e) => e.body && e.body.systemProcessId);
  if (pe && !found.some((p) => p.pid === pe.body.systemProcessId) && procs.alive(pe.body.systemProcessId)) {
    found.push({ pid: pe.body.systemProcessId, cmdline: `systemProcessId of the process event (${pe.body.name})` });
  }
  return found;
}

async function runningLoop() {
  const r = await launchAt('loop_forever.py');
  await r.s.waitForOutput('looping in module\nin the loop\n');
  const ps = programProcesses(r.s);
  const mp = require('path').basename(config.micropython());
  if (!device.isBoard()) assert.ok(ps.some((p) => p.cmdline.includes(mp) || /systemProcessId/.test(p.cmdline)),
    `no interpreter process found under the adapter (pid ${r.s.pid}): ${JSON.stringify(ps)}`);
  r.ps = ps;
  return r;
}

describe('session lifecycle', function () {
  requireAdapter();

  it('a program that ends normally: exited(0), then terminated', async function () {
    const { s } = await launchAt('hello.py');
    await s.ended({ exitCode: 0 });
    assert.strictEqual(s.output('stdout'), fixture('hello.py').stdout);
  });

  it('arguments are passed to the program (sys.argv)', async function () {
    const fx = fixture('args.py');
    const { s } = await launchAt('args.py', [], { args: fx.args });
    await s.ended({ exitCode: 0 });
    assert.strictEqual(s.output('stdout'), fx.stdout);
  });

  it('sys.exit(3) gives exit code 3', async function () {
    const { s } = await launchAt('args.py', [], { args: ['exit=3'] });
    await s.ended({ exitCode: 3 });
    assert.strictEqual(s.output('stdout'), 'argc 1\narg 0 [exit=3]\n');
  });

  it('the program runs in the launch configuration\'s cwd', async function () {
    device.localOnly(this, 'a board runs in its own folder');
    const p = program('args.py');
    const s = start();
    const cwd = require('fs').realpathSync(require('os').tmpdir());
    await s.launch(p.file, { cwd, args: ['cwd'] });
    await s.ended({ exitCode: 0 });
    assert.strictEqual(s.output('stdout'), `argc 1\narg 0 [cwd]\ncwd ${cwd}\nargs done\n`);
  });

  it('terminate stops a running program: terminated, and no process left', async function () {
    const { s, ps } = await runningLoop();
    const t0 = Date.now();
    s.expectExit = true;
    await s.request('terminate', {});
    await s.nextEvent('terminated', { timeout: config.T.exit, allowExit: true });
    console.log(`      terminate took ${Date.now() - t0} ms`);
    await s.close();
    try {
      await procs.waitGone(ps, config.T.exit, 'after terminate and disconnect');
    } finally {
      procs.reap(ps);
    }
  });

  it('disconnect while running ends the adapter and leaves no process behind', async function () {
    const { s, ps } = await runningLoop();
    s.expectExit = true;
    const r = await s.requestRaw('disconnect', {});
    assert.strictEqual(r.success, true, `disconnect failed: ${r.message}`);
    await s.waitUntil(() => (s.exit ? true : undefined), 'the adapter to exit after disconnect', config.T.exit, { allowExit: true });
    try {
      await procs.waitGone(ps, config.T.exit, 'after disconnect');
    } finally {
      procs.reap(ps);
    }
  });

  it('disconnect while stopped at a breakpoint leaves no process behind', async function () {
    const { s } = await launchAt('hello.py', ['loop']);
    await s.stopped('breakpoint');
    const ps = programProcesses(s);
    assert.ok(ps.length > 0 || device.isBoard(), 'no program process found');
    await s.close();
    try {
      await procs.waitGone(ps, config.T.exit, 'after disconnect');
    } finally {
      procs.reap(ps);
    }
  });

  it('closing the adapter\'s stdin (the editor went away) leaves no process behind', async function () {
    const { s, ps } = await runningLoop();
    s.expectExit = true;
    s.proc.stdin.end();
    await s.waitUntil(() => (s.exit ? true : undefined), 'the adapter to exit after its stdin closed', config.T.exit, { allowExit: true });
    try {
      await procs.waitGone(ps, config.T.exit, 'after stdin closed');
    } finally {
      procs.reap(ps);
    }
  });

  it('malformed input: a body that is not JSON is reported, and the session goes on', async function () {
    const { s, p } = await launchAt('hello.py', ['loop']);
    await s.stopped('breakpoint');
    const mark = s.transcript.length;
    s.writeRaw(Buffer.from('Content-Length: 16\r\n\r\nthis is not json'));
    const r = await s.evaluate('total + v', 'repl');
    assert.strictEqual(r.success, true);
    assert.strictEqual(r.body.result, '12');
    const reaction = s.transcript.slice(mark).filter((m) => m.dir === '<-' && (
      (m.msg.type === 'response' && m.msg.success === false) ||
      (m.msg.type === 'event' && m.msg.event === 'output' && m.msg.body.category !== 'stdout')));
    assert.ok(reaction.length > 0, 'the adapter said nothing about the malformed message (an error response or an output event)');
    await s.continue();
    await s.stopped('breakpoint');
    assert.strictEqual(p.line('loop'), (await s.topFrame()).line);
  });

  it('malformed input: a truncated request gets an error response for its seq; unknown commands fail', async function () {
    const { s } = await launchAt('hello.py', ['loop']);
    await s.stopped('breakpoint');
    const body = '{"seq": 900, "type": "request", "command": "threads"';
    s.writeRaw(Buffer.from(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`));
    await s.waitUntil(() => s.transcript.find((m) => m.dir === '<-' && m.msg.type === 'response' && m.msg.request_seq === 900),
      'an error response with request_seq 900', config.T.request);
    const resp = s.transcript.find((m) => m.dir === '<-' && m.msg.request_seq === 900).msg;
    assert.strictEqual(resp.success, false);
    const unknown = await s.requestRaw('fooBar', { x: 1 });
    assert.strictEqual(unknown.success, false);
    assert.match(unknown.message + JSON.stringify(unknown.body || {}), /fooBar/);
    const bad = await s.requestRaw('scopes', { frameId: 'not a number' });
    assert.strictEqual(bad.success, false);
    const gone = await s.requestRaw('variables', { variablesReference: 987654 });
    assert.strictEqual(gone.success, false, `variables of an unknown reference succeeded: ${JSON.stringify(gone.body)}`);
    const th = await s.request('threads');
    assert.ok(th.body.threads.length >= 1);
    await s.continue();
    await s.stopped('breakpoint');
  });

  it('two sessions at once do not interfere', async function () {
    device.localOnly(this, 'one board runs one session');
    const a = await launchAt('hello.py', ['loop']);
    const b = await launchAt('recursion.py', ['fact_base']);
    await a.s.stopped('breakpoint');
    await b.s.stopped('breakpoint');
    assert.strictEqual((await a.s.topFrame()).name, 'average');
    assert.strictEqual((await b.s.topFrame()).name, 'factorial');
    await a.s.setBreakpoints(a.p.file, []);
    await a.s.continue();
    await a.s.ended({ exitCode: 0 });
    await b.s.setBreakpoints(b.p.file, []);
    await b.s.continue();
    await b.s.ended({ exitCode: 0 });
  });
});
