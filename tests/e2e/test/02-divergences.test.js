'use strict';
// The list of MicroPython divergences (lib/divergences.js) and how a stop is
// held to it: plans must account for every debugpy stop in order, entries
// must cite a row, and a listed divergence that does not happen is reported.
// Needs no adapter.

const assert = require('assert');
const dv = require('../lib/divergences');
const { scenarios, fixture } = require('../lib/oracle');

const ROWS = new Set(['bug', 'D2', 'D3']);
const steps = [
  { action: 'start', name: 'f', line: 1 },
  { action: 'next', name: 'f', line: 2 },
  { action: 'next', name: 'f', line: 3 },
  { action: 'stepIn', name: 'g', line: 9 },
];
const x = (at, row = 'D3', why = 'D3: a reason') => ({ extra: { action: 'next', at, depth: 1, locals: { a: '1' } }, row, why });

describe('MicroPython divergence lists', function () {
  it('no list: the plan is debugpy\'s steps and stops, unchanged', function () {
    const { plan, skipped } = dv.buildScenarioPlan('s', steps, undefined, ROWS);
    assert.deepStrictEqual(plan.map((p) => [p.kind, p.step, p.action]),
      [['debugpy', 1, 'next'], ['debugpy', 2, 'next'], ['debugpy', 3, 'stepIn']]);
    assert.deepStrictEqual(skipped, []);
    const bp = dv.buildBreakpointPlan('p.py', ['a', 'b', 'a'], undefined, ROWS);
    assert.deepStrictEqual(bp.plan.map((p) => p.label), ['a#1', 'b#1', 'a#2']);
  });

  it('extra stops add an action; skipped steps take none', function () {
    const { plan, skipped } = dv.buildScenarioPlan('s', steps,
      [1, x('f:1'), { skip: 2, row: 'D2', why: 'D2: gone' }, 3], ROWS);
    assert.deepStrictEqual(plan.map((p) => [p.kind, p.action]), [['debugpy', 'next'], ['extra', 'next'], ['debugpy', 'stepIn']]);
    assert.deepStrictEqual(skipped.map((s) => s.step), [2]);
  });

  it('rejects a list that does not account for every debugpy step once, in order', function () {
    assert.throws(() => dv.buildScenarioPlan('s', steps, [1, 3, 2], ROWS), /step 3 listed where step 2 is due/);
    assert.throws(() => dv.buildScenarioPlan('s', steps, [1, 2], ROWS), /steps 3\.\.3 are not listed/);
    assert.throws(() => dv.buildScenarioPlan('s', steps, [1, 1, 2, 3], ROWS), /step 1 listed where step 2 is due/);
    assert.throws(() => dv.buildScenarioPlan('s', steps, [1, 2, 3, 4], ROWS), /debugpy has no step 4 \(steps 1\.\.3\)/);
    assert.throws(() => dv.buildBreakpointPlan('p.py', ['a', 'b'], ['b#1', 'a#1'], ROWS), /b#1 listed where a#1 is due/);
    assert.throws(() => dv.buildBreakpointPlan('p.py', ['a', 'b'], ['a#1'], ROWS), /b#1 are not listed/);
    assert.throws(() => dv.buildBreakpointPlan('p.py', ['a', 'b'], ['a#1', 'b#1', 'a#2'], ROWS), /a#2 listed where nothing is due/);
  });

  it('rejects entries that cite no row of DIFFERENCES.md, or a why that does not start with it', function () {
    assert.throws(() => dv.buildScenarioPlan('s', steps, [1, x('f:1', 'D99', 'D99: no'), 2, 3], ROWS), /not a row/);
    assert.throws(() => dv.buildScenarioPlan('s', steps, [1, x('f:1', 'D3', 'because'), 2, 3], ROWS), /must start with 'D3:'/);
    assert.throws(() => dv.buildScenarioPlan('s', steps, [1, x('f:1', 'bug', 'D3: x'), 2, 3], ROWS), /must start with 'mpdbg bug'/);
    assert.throws(() => dv.buildScenarioPlan('s', steps, [1, { extra: { action: 'next', at: 'f' }, row: 'D3', why: 'D3: x' }, 2, 3], ROWS),
      /needs action, at/);
    assert.ok(dv.knownRows().has('D3') && dv.knownRows().has('D5') && !dv.knownRows().has('D99'),
      'the rows are read from crates/mpdbg-source/DIFFERENCES.md');
  });

  it('a listed extra stop must happen exactly: place, depth and every local', function () {
    const e = { expect: { action: 'next', at: 'f:1', depth: 2, locals: { a: '1', b: "'x'" } }, why: 'D3: r' };
    assert.deepStrictEqual(dv.compareExtra(e, { at: 'f:1', depth: 2, locals: { b: "'x'", a: '1' } }, 'w'), []);
    const place = dv.compareExtra(e, { at: 'f:2', depth: 2, locals: { a: '1', b: "'x'" } }, 'after next #1');
    assert.strictEqual(place.length, 1);
    assert.match(place[0], /^after next #1: at f:2 \(depth 2\), expected f:1 \(depth 2\) — listed divergence \(D3: r\); if it no longer happens, remove it/);
    assert.strictEqual(dv.compareExtra(e, { at: 'f:1', depth: 3, locals: e.expect.locals }, 'w').length, 1);
    assert.strictEqual(dv.compareExtra(e, { at: 'f:1', depth: 2, locals: { a: '1' } }, 'w').length, 1, 'a missing local');
    assert.strictEqual(dv.compareExtra(e, { at: 'f:1', depth: 2, locals: { a: '1', b: "'x'", c: '0' } }, 'w').length, 1, 'an extra local');
    assert.strictEqual(dv.compareExtra(e, { at: 'f:1', depth: 2, locals: { a: '2', b: "'x'" } }, 'w').length, 1, 'a value');
    const bp = { expect: { stack: 'g:7 < f:18 < <module>:24', locals: { n: '3' } }, why: 'D2: r' };
    assert.deepStrictEqual(dv.compareExtra(bp, { stack: 'g:7 < f:18 < <module>:24', locals: { n: '3' } }, 'w'), []);
    assert.strictEqual(dv.compareExtra(bp, { stack: 'g:6 < f:18 < <module>:24', locals: { n: '3' } }, 'w').length, 1);
  });

  it("the project's lists fit the current oracle fixtures", function () {
    const all = scenarios();
    assert.deepStrictEqual(dv.unknownScenarios(all.map((s) => s.name)), []);
    for (const sc of all) dv.scenarioPlan(sc); // throws on a mismatch
    for (const program of Object.keys(dv.BREAKPOINT_RUNS)) dv.breakpointPlan(program, fixture(program));
  });
});
