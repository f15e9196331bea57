'use strict';
// Variables against the CPython oracle: for each example, a breakpoint on
// every `# BP:` marker, and at the first hits of each (as recorded by
// tests/oracle/oracle.py with debugpy) the stack and the locals must be what
// debugpy showed. Plus lazy expansion, paging and long values.
//
// Where MicroPython's VM delivers line events elsewhere (generators.py: rows
// D2 and D3 of crates/mpdbg-source/DIFFERENCES.md), the run follows the
// explicit list of lib/divergences.js: its extra stops are asserted exactly,
// the debugpy stops it lists as skipped must not be made, and every other stop
// is still compared with debugpy's.

const assert = require('assert');
const { requireAdapter, launchAt, program, config } = require('../lib/common');
const { fixture, compareStop, split } = require('../lib/oracle');
const divergences = require('../lib/divergences');
const device = require('../lib/device');

/**
 * Replays the oracle's run of a program: same breakpoints, same removal of a
 * marker after its recorded hits, same exception filters; compares every stop.
 */
async function replay(name) {
  const fx = fixture(name);
  const p = program(name);
  const hitsPerMarker = fx.about.hits_per_marker;
  let active = Object.keys(fx.markers).sort((a, b) => fx.markers[a] - fx.markers[b]);
  const { s, bps } = await launchAt(name, active, {
    args: fx.args,
    exceptionFilters: fx.exception ? ['uncaught'] : [],
  });
  const problems = [];
  bps.forEach((b, i) => {
    const want = fx.verified[active[i]];
    if (b.verified !== want.verified || b.line !== want.line) {
      problems.push(`BP:${active[i]}: setBreakpoints says ${JSON.stringify(b)}, debugpy verified ${JSON.stringify(want)}`);
    }
  });
  const byLine = Object.fromEntries(Object.entries(fx.markers).map(([m, l]) => [l, m]));
  const { plan, skipped } = divergences.breakpointPlan(name, fx);
  const bugs = divergences.bugsOf({ plan, skipped });
  for (const why of new Set(bugs.map((b) => b.why))) {
    const which = bugs.filter((b) => b.why === why).map((b) => b.label || b.expect.stack).join(', ');
    console.log(`      known mpdbg bug pinned (${which}): ${why.split('. ')[0]}`);
  }
  const counts = {};
  const order = [];
  let lost = false; // after a stop out of order, only the order is compared
  for (let guard = 0; guard < 200; guard++) {
    const ev = await s.waitUntil(() => s.pending.find((e) => e.event === 'stopped' || e.event === 'terminated'),
      `a stop or the end of ${name} (stops so far: ${order.join(', ')})`, config.T.run);
    if (ev.event === 'terminated') break;
    const stop = await s.stopped();
    if (stop.reason === 'exception') {
      order.push('<exception>');
      await s.continue();
      continue;
    }
    const top = await s.topFrame();
    const marker = byLine[top.line] || `line ${top.line}`;
    counts[marker] = (counts[marker] || 0) + 1;
    const item = plan[order.filter((m) => m !== '<exception>').length];
    order.push(marker);
    const where = `${name} BP:${marker} hit ${counts[marker]}`;
    if (stop.reason !== 'breakpoint') problems.push(`${where}: stop reason ${stop.reason}, expected breakpoint`);
    if (lost) {
      // Not compared: the stops are out of step with the plan (reported once).
    } else if (!item) {
      problems.push(`${where}: a stop after the last expected one (debugpy's stops: ${fx.stop_order.join(', ')})`);
      lost = true;
    } else if (item.kind === 'extra') {
      const st = await s.stackTrace({});
      const stack = st.stackFrames.map((f) => `${f.name}:${f.line}`).join(' < ');
      for (const f of st.stackFrames) {
        if ((f.source && f.source.path) !== p.file) problems.push(`${where}: frame ${f.name} has source ${JSON.stringify(f.source)}`);
      }
      const { top: vars } = split(await s.variables((await s.scope(top.id, 'Locals')).variablesReference));
      const locals = Object.fromEntries(Object.entries(vars).map(([n, v]) => [n, v.value]));
      const bad = divergences.compareExtra(item, { stack, locals }, `${where} (a listed MicroPython stop)`);
      problems.push(...bad);
      lost = bad.length > 0 && stack !== item.expect.stack;
    } else if (marker !== item.marker) {
      problems.push(`${where}: expected debugpy's stop ${item.label} here (not a listed MicroPython divergence; ` +
        'later stops are only compared in the order below)');
      lost = true;
    } else {
      const snap = fx.hits[item.marker][item.hit - 1];
      const label = `${marker}#${counts[marker]}`;
      problems.push(...await compareStop(s, snap, name, label === item.label ? where : `${where} (debugpy's ${item.label})`));
    }
    if (counts[marker] >= hitsPerMarker && active.includes(marker)) {
      active = active.filter((m) => m !== marker);
      await s.setBreakpoints(p.file, active.map((m) => p.line(m)));
    }
    if (fx.loop_ended_by_setting_running && (marker === 'loop_check' || marker === 'spin_check')) {
      active = active.filter((m) => !['loop_body', 'loop_check'].includes(m));
      await s.setBreakpoints(p.file, active.map((m) => p.line(m)));
      const globalsScope = await s.scope(top.id, 'Globals');
      await s.request('setVariable', { variablesReference: globalsScope.variablesReference, name: 'running', value: 'False' });
    }
    await s.continue();
  }
  // The expected order: debugpy's markers, with the listed extra stops (by
  // the marker of their top line) and without the listed skipped ones.
  const markerOf = (x) => {
    if (x.kind !== 'extra') return x.marker;
    const line = Number(x.expect.stack.split(' < ')[0].split(':').pop());
    return byLine[line] || `line ${line}`;
  };
  const wantPlaces = plan.map(markerOf);
  const wantText = plan.map((x) => (x.kind === 'extra' ? `${markerOf(x)} [${x.row}]` : x.marker));
  const got = order.filter((m) => m !== '<exception>');
  if (got.join(',') !== wantPlaces.join(',')) {
    problems.push(`${name}: stopped at ${got.join(', ')}; expected ${wantText.join(', ')} ` +
      `(debugpy's: ${fx.stop_order.join(', ')}${skipped.length ? `; listed as not made by mpdbg: ${skipped.map((x) => `${x.label} (${x.row})`).join(', ')}` : ''})`);
  }
  const code = await s.ended({});
  if (code !== fx.exit_code) problems.push(`${name}: exit code ${code}, debugpy's run exited ${fx.exit_code}`);
  if (typeof fx.stdout === 'string' && s.output('stdout') !== fx.stdout) {
    problems.push(`${name}: stdout ${JSON.stringify(s.output('stdout'))}, expected ${JSON.stringify(fx.stdout)}`);
  }
  assert.ok(problems.length === 0, `${problems.length} differences from debugpy:\n  ${problems.join('\n  ')}`);
}

const PROGRAMS = ['hello.py', 'recursion.py', 'generators.py', 'yields.py', 'closures.py', 'classes.py',
  'containers.py', 'exception.py', 'output.py', 'args.py', 'loop_forever.py'];

describe('variables, as debugpy shows them under CPython', function () {
  requireAdapter();
  it('every listed MicroPython divergence belongs to a program replayed here', function () {
    const unknown = divergences.unknownPrograms(PROGRAMS);
    assert.deepStrictEqual(unknown, [], `lib/divergences.js lists programs that are not replayed: ${unknown}`);
  });
  for (const name of PROGRAMS) {
    it(`every breakpoint of ${name}: stack and locals`, async function () {
      // containers.py's values and output.py's 100,000-character line.
      if (name === 'containers.py' || name === 'output.py') device.needsHeap(this, 1024 * 1024, name);
      await replay(name);
    });
  }
});

describe('expanding values', function () {
  requireAdapter();

  async function atContainers() {
    const { s, p } = await launchAt('containers.py', ['containers_ready']);
    await s.stopped('breakpoint');
    const f = await s.topFrame();
    const scope = await s.scope(f.id, 'Locals');
    const { top } = split(await s.variables(scope.variablesReference));
    return { s, p, top };
  }

  it('containers are expandable, scalars are not', async function () {
    const { top } = await atContainers();
    for (const n of ['small_list', 'small_tuple', 'mapping', 'numbers', 'nested', 'big', 'single']) {
      assert.ok(top[n] && top[n].variablesReference > 0, `${n} is not expandable: ${JSON.stringify(top[n])}`);
    }
    for (const n of ['number', 'neg', 'large_int', 'ratio', 'flag', 'nothing', 'text']) {
      assert.ok(top[n] && top[n].variablesReference === 0, `${n} is expandable: ${JSON.stringify(top[n])}`);
    }
  });

  it('children are fetched lazily, nested ones on request', async function () {
    const { s, top } = await atContainers();
    const level1 = await s.variables(top.nested.variablesReference);
    const items = level1.filter((v) => /^\d+$/.test(v.name));
    assert.deepStrictEqual(items.map((v) => v.name), ['0', '1']);
    assert.ok(items[0].variablesReference > 0, 'nested[0] is a list: expandable');
    const level2 = (await s.variables(items[0].variablesReference)).filter((v) => /^\d+$/.test(v.name));
    assert.deepStrictEqual(level2.map((v) => v.value), ['1', '[2, [3, [4]]]']);
    const dictItems = (await s.variables(items[1].variablesReference)).filter((v) => v.name !== 'len()');
    assert.deepStrictEqual(dictItems.map((v) => [v.name, v.value]), [["'k'", '(5, 6)']]);
  });

  it('a 500-item list pages with start/count, indexed 0..499', async function () {
    const { s, top } = await atContainers();
    const big = top.big;
    assert.ok(big.variablesReference > 0);
    if (big.indexedVariables !== undefined) assert.strictEqual(big.indexedVariables, 500);
    const page = await s.variables(big.variablesReference, { filter: 'indexed', start: 100, count: 50 });
    assert.strictEqual(page.length, 50, `asked for 50, got ${page.length}: ${page.slice(0, 3).map((v) => v.name)}...`);
    assert.deepStrictEqual(page.map((v) => v.name), Array.from({ length: 50 }, (_, i) => String(100 + i)));
    assert.deepStrictEqual(page.map((v) => v.value), Array.from({ length: 50 }, (_, i) => String(100 + i)));
    const last = await s.variables(big.variablesReference, { filter: 'indexed', start: 490, count: 10 });
    assert.deepStrictEqual(last.map((v) => v.name), Array.from({ length: 10 }, (_, i) => String(490 + i)));
  });

  it('a long string is cut in `value` but its full length is discoverable', async function () {
    const { s, top } = await atContainers();
    const v = top.long_text;
    assert.ok(v, 'no long_text local');
    assert.ok(v.value.length < 1200, `the 1200-char string is shown whole (${v.value.length} chars)`);
    assert.ok(v.value.startsWith("'xxxx"), `value ${JSON.stringify(v.value.slice(0, 40))}`);
    assert.match(`${v.value} ${v.type}`, /1200/, `neither value nor type mentions the length 1200: ${JSON.stringify(v.value.slice(-60))}, type ${v.type}`);
    // The whole value is reachable, e.g. by evaluating it.
    const r = await s.evaluate('len(long_text)', 'watch');
    assert.strictEqual(r.body && r.body.result, '1200');
  });

  it('instance attributes are the children of an object', async function () {
    const { s, p } = await launchAt('classes.py', ['classes_done']);
    await s.stopped('breakpoint');
    const locals = await s.locals();
    assert.strictEqual(locals.p.type, 'Point');
    const kids = Object.fromEntries((await s.variables(locals.p.variablesReference)).map((v) => [v.name, v.value]));
    assert.strictEqual(kids.x, '3');
    assert.strictEqual(kids.y, '4');
    assert.strictEqual(p.file, (await s.topFrame()).source.path);
  });
});
