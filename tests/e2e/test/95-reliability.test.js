'use strict';
// What a hostile program, a slow value or a crash must not do to a session
// (docs/reliability.md): stdin under the debugger, interruptible evaluation,
// bounded inspection, unshadowable agent modules, sources with limits, the
// local interpreter ending with the adapter, clear launch failures.

const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const cp = require('child_process');
const { requireAdapter, start, localValues, config } = require('../lib/common');
const markers = require('../lib/markers');
const device = require('../lib/device');

const HOSTILE = path.join(__dirname, '..', 'hostile');
const hostile = (name) => path.join(HOSTILE, name);
const line = (name, m) => markers.line(hostile(name), m);

async function launchHostile(name, bpMarkers = [], opts = {}) {
  const s = start();
  const file = hostile(name);
  const breakpoints = bpMarkers.length ? { [file]: bpMarkers.map((m) => ({ line: line(name, m) })) } : {};
  await s.launch(file, Object.assign({ cwd: HOSTILE, breakpoints }, opts));
  return s;
}

/** Milliseconds `fn` takes. */
async function timed(fn) {
  const t0 = Date.now();
  const r = await fn();
  return [r, Date.now() - t0];
}

/** Whether a process runs (a zombie waiting for its reaper does not). */
function alive(pid) {
  try {
    return !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch (e) {
    return false;
  }
}

describe('reliability: the program\'s stdin', function () {
  requireAdapter();

  it('debug console lines while it runs are its input(); a breakpoint after input() stops', async function () {
    const s = await launchHostile('reads_stdin.py', ['greeted']);
    await s.waitForOutput('ready\n');
    const r = await s.requestRaw('evaluate', { expression: 'Ann', context: 'repl' });
    assert.strictEqual(r.success, true, JSON.stringify(r));
    await s.stopped('breakpoint');
    const g = await s.evaluate('name', 'repl', (await s.topFrame()).id);
    assert.strictEqual(g.body.result, "'Ann'");
    await s.continue();
    await s.requestRaw('evaluate', { expression: 'Bob', context: 'repl' });
    await s.waitForOutput("second line: 'Bob\\n'\ndone\n");
    await s.ended({ exitCode: 0 });
  });

  it('a pause reaches a program waiting in input(), and it still gets its line after', async function () {
    const s = await launchHostile('reads_stdin.py');
    await s.waitForOutput('ready\n');
    const [, ms] = await timed(async () => {
      await s.request('pause', { threadId: 1 });
      await s.stopped('pause');
    });
    assert.ok(ms < config.LATENCY.pauseMs, `pause inside input() took ${ms} ms`);
    const st = await s.request('stackTrace', { threadId: 1 });
    assert.strictEqual(st.body.stackFrames[0].source.path, hostile('reads_stdin.py'));
    await s.continue();
    await s.requestRaw('evaluate', { expression: 'Cy', context: 'repl' });
    await s.requestRaw('evaluate', { expression: 'Di', context: 'repl' });
    await s.waitForOutput("hello Cy\nsecond line: 'Di\\n'\ndone\n");
    await s.ended({ exitCode: 0 });
  });

  it('`mpdbg run` forwards its own stdin to the program', function () {
    const r = cp.spawnSync(config.mpdbgBin(), ['run', '--micropython', config.micropython(), hostile('reads_stdin.py')],
      { input: 'Ann\nBob\n', timeout: config.T.launch, encoding: 'utf8' });
    assert.strictEqual(r.status, 0, r.stderr);
    assert.strictEqual(r.stdout, "ready\nname? hello Ann\nsecond line: 'Bob\\n'\ndone\n");
  });
});

describe('reliability: requests that would never end', function () {
  requireAdapter();
  beforeEach(function () {
    device.needsHeap(this, 32 * 1024 * 1024, 'a 1,000,000-item list');
  });

  async function atHolding() {
    const s = await launchHostile('heavy_values.py', ['holding'], { extra: { heapSize: '32M' } });
    await s.stopped('breakpoint');
    return { s, frame: await s.topFrame() };
  }

  it('a 1,000,000-item list and a 100,000-character string are shown at once, cut', async function () {
    const { s, frame } = await atHolding();
    const [vals, ms] = await timed(() => localValues(s, frame.id));
    assert.ok(ms < 2000, `locals took ${ms} ms`);
    assert.ok(vals.big.startsWith('[0, 1, 2, 3'), vals.big);
    assert.ok(vals.big.length < 1000, `big shown as ${vals.big.length} characters`);
    assert.ok(vals.text.startsWith("'xxxx") && vals.text.length < 1000, vals.text.slice(0, 50));
  });

  it('a property that loops or raises shows an error as its value; the others are shown', async function () {
    const { s, frame } = await atHolding();
    const locals = await s.locals(frame.id);
    const [kids, ms] = await timed(() => s.variables(locals.tricky.variablesReference));
    assert.ok(ms < 3000, `expanding took ${ms} ms`);
    const byName = Object.fromEntries(kids.map((v) => [v.name, v.value]));
    assert.strictEqual(byName.plain, '42');
    assert.match(byName.loops, /took over \d+ ms/);
    assert.match(byName.raises, /ValueError: no such thing/);
    // The session is unharmed.
    assert.strictEqual((await s.evaluate('tricky.plain + 1', 'repl', frame.id)).body.result, '43');
  });

  for (const how of ['cancel', 'pause']) {
    it(`\`while True: pass\` in the debug console ends at a ${how} within 1 s; requests stay matched`, async function () {
      const { s, frame } = await atHolding();
      const evaluating = s.requestRaw('evaluate', { expression: 'while True: pass', context: 'repl', frameId: frame.id });
      // Let the evaluation start on the device before interrupting it.
      await s.waitUntil(() => s.transcript.some((t) => t.text.includes('"command":"evaluate"')) || undefined,
        'the evaluate request on the wire');
      const t0 = Date.now();
      if (how === 'cancel') {
        await s.requestRaw('cancel', { requestId: s.dc.sequence - 1 });
      } else {
        await s.requestRaw('pause', { threadId: 1 });
      }
      const r = await evaluating;
      const ms = Date.now() - t0;
      assert.strictEqual(r.success, false, JSON.stringify(r));
      // "cancelled" when the cancel came before the evaluation reached the device.
    assert.match(`${r.message} ${JSON.stringify(r.body || {})}`, how === 'cancel' ? /interrupted|cancelled/ : /interrupted/);
      assert.ok(ms < 1000, `the ${how} took ${ms} ms to end the evaluation`);
      assert.strictEqual((await s.evaluate('len(big)', 'repl', frame.id)).body.result, '1000000');
      assert.strictEqual((await localValues(s, frame.id)).tricky !== undefined, true);
      await s.continue();
      await s.waitForOutput('total 1100000\n');
      await s.ended({ exitCode: 0 });
    });
  }
});

describe('reliability: the agent and the host\'s files', function () {
  requireAdapter();

  it('files named like the agent\'s modules beside the program are not imported', async function () {
    const s = await launchHostile('shadows_agent.py', ['loop']);
    await s.stopped('breakpoint');
    const frame = await s.topFrame();
    assert.strictEqual((await s.evaluate('total', 'repl', frame.id)).body.result, '0');
    await s.continue();
    await s.stopped('breakpoint');
    await s.request('setBreakpoints', { source: { path: hostile('shadows_agent.py') }, breakpoints: [] });
    await s.continue();
    await s.ended({ exitCode: 0 });
    assert.ok(!s.output('stdout').includes('USER FILE'), s.output('stdout'));
    assert.ok(s.output('stdout').includes('total 3'), s.output('stdout'));
  });

  it('source serves the session\'s files only; /dev/zero and a FIFO give unverified breakpoints at once', async function () {
    const s = await launchHostile('shadows_agent.py', ['loop']);
    await s.stopped('breakpoint');
    const own = await s.requestRaw('source', { source: { path: hostile('shadows_agent.py') }, sourceReference: 0 });
    assert.strictEqual(own.success, true, JSON.stringify(own));
    assert.match(own.body.content, /BP:loop/);
    const other = await s.requestRaw('source', { source: { path: '/etc/passwd' }, sourceReference: 0 });
    assert.strictEqual(other.success, false);
    assert.match(other.message, /not a source of this debug session/);
    const fifo = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mpdbg-')), 'fifo.py');
    cp.execFileSync('mkfifo', [fifo]);
    for (const p of ['/dev/zero', fifo]) {
      const [r, ms] = await timed(() => s.requestRaw('setBreakpoints', { source: { path: p }, breakpoints: [{ line: 1 }] }));
      assert.ok(ms < 2000, `setBreakpoints on ${p} took ${ms} ms`);
      assert.strictEqual(r.success, true, JSON.stringify(r));
      assert.strictEqual(r.body.breakpoints[0].verified, false);
      assert.match(r.body.breakpoints[0].message, /not a regular file/);
    }
  });

  it('a local interpreter ends when the adapter is killed (kill -9)', async function () {
    device.localOnly(this, 'a board is no process of the adapter');
    const s = await launchHostile('reads_stdin.py');
    await s.waitForOutput('ready\n');
    const proc = s.events('process')[0];
    assert.ok(proc, 'a process event');
    const pid = proc.body.systemProcessId;
    assert.ok(alive(pid));
    s.expectExit = true;
    process.kill(s.pid, 'SIGKILL');
    // Nothing else will happen to wake a wait: look at the process table.
    const deadline = Date.now() + config.T.exit;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(!alive(pid), `interpreter ${pid} still runs ${config.T.exit} ms after its adapter was killed`);
  });
});

describe('reliability: launch failures and small things', function () {
  requireAdapter();

  it('a program with a syntax error fails its launch with the SyntaxError line, every time', async function () {
    for (let i = 0; i < 8; i++) {
      const s = start();
      await s.initialize();
      const r = await s.requestRaw('launch', { program: hostile('syntax_error.py'), micropython: config.micropython(), cwd: HOSTILE },
        config.T.launch);
      if (r.success) {
        // The failure may come as the program's end instead of a failed launch.
        await s.request('configurationDone');
        await s.ended({});
        assert.match(s.output('stderr'), /SyntaxError/);
      } else {
        assert.match(r.message, /SyntaxError/, `run ${i}: ${r.message}`);
      }
      await s.close();
    }
  });

  it('a second launch fails and sends no second initialized event', async function () {
    const s = await launchHostile('shadows_agent.py', ['loop']);
    await s.stopped('breakpoint');
    const again = await s.requestRaw('launch', { program: hostile('shadows_agent.py'), micropython: config.micropython() });
    assert.strictEqual(again.success, false);
    await s.request('threads');
    assert.strictEqual(s.events('initialized').length, 1);
  });

  it('in a 48 KB heap the agent starts, stops at a breakpoint five times and shows the locals', async function () {
    device.localOnly(this, 'heapSize sizes the local interpreter');
    const s = await launchHostile('small_heap.py', ['total'], { extra: { heapSize: '48K' } });
    for (let k = 0; k < 5; k++) {
      await s.stopped('breakpoint');
      const vals = await localValues(s, (await s.topFrame()).id);
      assert.strictEqual(vals.n, String(40 + k));
      assert.ok(vals.squares.startsWith('[0, 1, 4, 9'), vals.squares);
      await s.continue();
    }
    await s.ended({ exitCode: 0 });
    assert.strictEqual(s.output('stdout'), [40, 41, 42, 43, 44].map((n) => `${(n - 1) * n * (2 * n - 1) / 6}\n`).join(''));
  });

  it('an exception with an empty message is described as its type alone', async function () {
    const s = await launchHostile('empty_message.py', [], { exceptionFilters: ['uncaught'] });
    const ev = await s.stopped('exception');
    assert.strictEqual(ev.description, "ValueError");
    const info = await s.request('exceptionInfo', { threadId: 1 });
    assert.strictEqual(info.body.exceptionId, 'ValueError');
  });
});
