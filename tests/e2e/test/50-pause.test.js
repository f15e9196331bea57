'use strict';
// Reaching a program that is running and calls nothing: pause, and a
// breakpoint added while it runs. The requirement is 100 ms; the assertion
// allows 1000 ms to stay clear of CI noise, and the measured latency is
// printed so a regression shows before it fails.

const assert = require('assert');
const { requireAdapter, launchAt, config } = require('../lib/common');
const { LATENCY } = config;

/** Launches loop_forever.py and waits (on its output) until it is looping. */
async function looping(mode) {
  const r = await launchAt('loop_forever.py', [], { args: mode === 'function' ? ['function'] : [] });
  await r.s.waitForOutput(`looping in ${mode}\nin the loop\n`);
  return r;
}

/** Lines of the loop the program can be anywhere in, by marker. */
function loopLines(p, body, check) {
  const lines = [];
  for (let l = p.line(body) - 1; l <= p.line(check) + 1; l++) lines.push(l);
  return lines; // `while True:`, the body, and the `break`
}

/** Sets the global `running` to False, continues, and expects a clean end. */
async function stopLoop(s, frameId) {
  const g = await s.scope(frameId, 'Globals');
  const r = await s.request('setVariable', { variablesReference: g.variablesReference, name: 'running', value: 'False' });
  assert.strictEqual(r.body.value, 'False');
  await s.continue();
  await s.ended({ exitCode: 0 });
  assert.match(s.output('stdout'), /loop ended True\n$/);
}

describe('pause and breakpoints while running', function () {
  requireAdapter();

  for (const mode of ['module', 'function']) {
    it(`pause stops a call-free loop at ${mode} level promptly (reason pause)`, async function () {
      const { s, p } = await looping(mode);
      const t0 = process.hrtime.bigint();
      await s.request('pause', { threadId: s.threadId || 1 });
      const stop = await s.stopped('pause', { timeout: config.T.event });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      console.log(`      pause latency (${mode} level): ${ms.toFixed(1)} ms`);
      assert.ok(ms < LATENCY.pauseMs, `pause took ${ms.toFixed(1)} ms (limit ${LATENCY.pauseMs} ms; requirement 100 ms)`);
      assert.ok(Number.isInteger(stop.threadId));
      const st = await s.stackTrace({});
      const top = st.stackFrames[0];
      const want = mode === 'module' ? ['<module>'] : ['spin', '<module>'];
      assert.deepStrictEqual(st.stackFrames.map((f) => f.name), want);
      const lines = mode === 'module' ? loopLines(p, 'loop_body', 'loop_check') : loopLines(p, 'spin_body', 'spin_check');
      assert.ok(lines.includes(top.line), `paused at line ${top.line}, not in the loop (${lines})`);
      const counter = mode === 'module' ? 'counter' : 'n';
      const r = await s.evaluate(`${counter} > 0`, 'watch', top.id);
      assert.strictEqual(r.body && r.body.result, 'True', `evaluate ${counter} > 0: ${JSON.stringify(r)}`);
      await stopLoop(s, top.id);
    });
  }

  it('a breakpoint added inside a running call-free loop is hit promptly', async function () {
    const { s, p } = await looping('module');
    const t0 = process.hrtime.bigint();
    const bps = await s.setBreakpoints(p.file, [p.line('loop_body')]);
    assert.strictEqual(bps[0].verified, true, JSON.stringify(bps[0]));
    await s.stopped('breakpoint', { timeout: config.T.event });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    console.log(`      late breakpoint latency: ${ms.toFixed(1)} ms`);
    assert.ok(ms < LATENCY.lateBreakpointMs, `took ${ms.toFixed(1)} ms (limit ${LATENCY.lateBreakpointMs} ms; requirement 100 ms)`);
    const top = await s.topFrame();
    assert.deepStrictEqual([top.name, top.line], ['<module>', p.line('loop_body')]);
    // It stays a breakpoint: continuing stops there again, one iteration on.
    const before = (await s.evaluate('counter', 'watch', top.id)).body.result;
    await s.continue();
    await s.stopped('breakpoint');
    const top2 = await s.topFrame();
    const after = (await s.evaluate('counter', 'watch', top2.id)).body.result;
    assert.strictEqual(Number(after), Number(before) + 1, `counter went from ${before} to ${after}`);
    await s.setBreakpoints(p.file, []);
    await stopLoop(s, top2.id);
  });

  it('a breakpoint added in a running function is hit promptly', async function () {
    const { s, p } = await looping('function');
    const t0 = process.hrtime.bigint();
    await s.setBreakpoints(p.file, [p.line('spin_check')]);
    await s.stopped('breakpoint', { timeout: config.T.event });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    console.log(`      late breakpoint latency (function): ${ms.toFixed(1)} ms`);
    assert.ok(ms < LATENCY.lateBreakpointMs, `took ${ms.toFixed(1)} ms`);
    const top = await s.topFrame();
    assert.deepStrictEqual([top.name, top.line], ['spin', p.line('spin_check')]);
    await s.setBreakpoints(p.file, []);
    await stopLoop(s, top.id);
  });

  it('pause, continue, pause again: each pause stops', async function () {
    const { s } = await looping('module');
    const counters = [];
    let top;
    for (let i = 0; i < 3; i++) {
      if (i) await s.continue();
      await s.request('pause', { threadId: s.threadId || 1 });
      await s.stopped('pause', { timeout: config.T.event });
      top = await s.topFrame();
      counters.push(Number((await s.evaluate('counter', 'watch', top.id)).body.result));
    }
    // A pause right after continue may stop before the next iteration, so
    // the counter need not move; it must never go back.
    assert.ok(counters[1] >= counters[0] && counters[2] >= counters[1], `counters ${counters}`);
    await stopLoop(s, top.id);
  });
});
