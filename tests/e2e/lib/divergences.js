'use strict';
// Where mpdbg stops somewhere else than debugpy, on purpose: MicroPython's VM
// delivers line events in other places than CPython's (loops, generators),
// and mpdbg shows the program as MicroPython runs it. The rows are those of
// crates/mpdbg-source/DIFFERENCES.md (measured by its differential test) and
// docs/micropython-settrace.md.
//
// The list is explicit and per run, and it is checked both ways:
//   - a stop that differs from debugpy's and is not listed fails (the usual
//     comparison with the oracle);
//   - a listed divergence that does not happen fails too: a listed extra stop
//     must be exactly where and with exactly the locals given here, and a
//     debugpy stop listed as skipped must not be made (the next stop is
//     compared with what follows it), so the list cannot go stale silently.
//
// A plan is debugpy's sequence of stops edited by the list:
//   k (a number)        stepping: debugpy's step k (its action, then its
//                       stop, compared as usual with the fixture)
//   'marker#h'          breakpoint runs: debugpy's h-th stop at BP:marker
//   {extra, row, why}   a stop of mpdbg's that debugpy does not make:
//                       stepping: extra = {action, at: 'name:line', depth,
//                       locals}; breakpoint runs: extra = {stack: 'name:line
//                       < ...', locals}. `locals` is every top-level Locals
//                       entry, name -> value, compared exactly.
//   {skip, row, why}    a stop of debugpy's (k or 'marker#h') that mpdbg
//                       does not make: no action is spent on it
// Every debugpy stop appears once, in debugpy's order, as itself or skipped;
// that is checked against the fixture, so a regenerated oracle that moved a
// step fails here instead of comparing the wrong stops.
//
// `row` names the row of DIFFERENCES.md that explains the entry, or 'bug'
// for a known defect of mpdbg (not a MicroPython rule) that is pinned here
// so the suite notices when it is fixed; those are printed at every run.

const fs = require('fs');
const path = require('path');
const config = require('./config');

const DIFFERENCES = path.join(config.REPO, 'crates', 'mpdbg-source', 'DIFFERENCES.md');

/** The row ids of DIFFERENCES.md's table (D1, D2, ...). */
function knownRows() {
  const rows = new Set(['bug']);
  for (const m of fs.readFileSync(DIFFERENCES, 'utf8').matchAll(/^\| (D\d+) \|/gm)) rows.add(m[1]);
  return rows;
}

// ---- the reasons -------------------------------------------------------------

const D2_FIRST_TEST = 'D2: a `while` loop starts by jumping to its test, which MicroPython compiles after the ' +
  'body, where the line table keeps the body\'s last line (`n -= 1`): that line fires before the first test';
const D2_HEADER_ONCE = 'D2: the `while` header fires once on MicroPython (CPython: at every test); the test ' +
  'runs on the body\'s last line, so from `n -= 1` the next event is the `yield`';
const D3_HEADER_TWICE = 'D3: a `for` over a non-range iterable fires its header twice per iteration: the VM ' +
  'resets the line after a successful FOR_ITER, so the header fires again at the store of the target, which ' +
  'is not assigned yet (it still holds the previous item)';
const D3_HIT_COUNT = 'D3: the extra header event of the first iteration is a breakpoint hit too, so the ' +
  'oracle\'s rule (remove a marker\'s breakpoint after 3 hits) removes BP:consume_for before debugpy\'s 3rd hit';
const D4_ITER_EVENT = 'D4: a comprehension or generator expression fires its line again after each ' +
  'successful FOR_ITER, before the target is stored (the VM resets the line there); CPython fires at the jump back';
const D4_NO_JUMP_BACK = 'D4: the jump back to FOR_ITER stays on the same line and fires nothing on MicroPython ' +
  '(CPython fires a line event at every backward jump)';
const D13_NO_PASS_UP = 'D13: a value yielded through `yield from` gives no `return` event for the delegating ' +
  'generator on MicroPython, so stepping cannot stop in its consumer before the delegate resumes';
const GEN = "<generator object 'pair' at 0x…>";
const D2_HIT_COUNT = 'D2: the extra hit before the first `while` test counts towards the oracle\'s rule (remove ' +
  'a marker\'s breakpoint after 3 hits), which removes BP:gen_after_yield before debugpy\'s 3rd hit';

const extra = (x, row, why) => ({ extra: x, row, why });
const skip = (s, row, why) => ({ skip: s, row, why });

// ---- stepping: tests/oracle/scenarios.json, by scenario name -----------------

const AVERAGE = '[12, 15, 9, 11]';

const SCENARIOS = {
  'next through a for loop': [
    1, 2,
    extra({ action: 'next', at: 'average:9', depth: 3, locals: { values: AVERAGE, total: '0', count: '0' } },
      'D3', D3_HEADER_TWICE),
    3, 4, 5,
    extra({ action: 'next', at: 'average:9', depth: 3, locals: { values: AVERAGE, total: '12', count: '1', v: '12' } },
      'D3', D3_HEADER_TWICE),
    6, 7, 8,
    extra({ action: 'next', at: 'average:9', depth: 3, locals: { values: AVERAGE, total: '27', count: '2', v: '15' } },
      'D3', D3_HEADER_TWICE),
    9,
  ],
  'next over a for loop that consumes a generator': [
    extra({ action: 'next', at: 'consume:18', depth: 2, locals: { seen: '[]' } }, 'D3', D3_HEADER_TWICE),
    1, 2,
    extra({ action: 'next', at: 'consume:18', depth: 2, locals: { seen: '[3]', value: '3' } }, 'D3', D3_HEADER_TWICE),
    3, 4,
    extra({ action: 'next', at: 'consume:18', depth: 2, locals: { seen: '[3, 2]', value: '2' } }, 'D3', D3_HEADER_TWICE),
    // The last FOR_ITER fails (the generator is exhausted): no reset, no extra.
    5, 6, 7, 8,
  ],
  'stepIn through a generator consumed by a for loop': [
    1,
    extra({ action: 'stepIn', at: 'countdown:7', depth: 3, locals: { n: '3' } }, 'D2', D2_FIRST_TEST),
    2,
    extra({ action: 'stepIn', at: 'consume:18', depth: 2, locals: { seen: '[]' } }, 'D3', D3_HEADER_TWICE),
    3, 4,
    5,
    skip(6, 'D2', D2_HEADER_ONCE),
    7,
    extra({ action: 'stepIn', at: 'consume:18', depth: 2, locals: { seen: '[3]', value: '3' } }, 'D3', D3_HEADER_TWICE),
    8,
  ],
  'stepIn into a generator expression and its generator': [
    1, 2, 3,
    extra({ action: 'stepIn', at: '<genexpr>:32', depth: 3, locals: { '.0': GEN } }, 'D4', D4_ITER_EVENT),
    4,
    skip(5, 'D4', D4_NO_JUMP_BACK),
    6, 7, 8,
    skip(9, 'D4', D4_NO_JUMP_BACK),
  ],
  "stepIn through a comprehension's generator, then stepOut": [
    1, 2, 3, 4,
    extra({ action: 'stepIn', at: '<listcomp>:33', depth: 3, locals: { '.0': GEN } }, 'D4', D4_ITER_EVENT),
    skip(5, 'D4', D4_ITER_EVENT),
    6, 7,
  ],
  'stepIn through nested generators': [
    1,
    skip(2, 'D13', D13_NO_PASS_UP),
    3, 4,
    extra({ action: 'stepIn', at: 'main:35', depth: 2,
      locals: { seen: '[1, 2, 30]', total: '8', doubled: '[8, -8]', flat: '[1, -1, 2, -2]' } }, 'D13', D13_NO_PASS_UP),
    skip(5, 'D13', D13_NO_PASS_UP),
    skip(6, 'D13', D13_NO_PASS_UP),
    skip(7, 'D13', D13_NO_PASS_UP),
    skip(8, 'D13', D13_NO_PASS_UP),
  ],
};

// ---- breakpoint runs (30-variables): by program --------------------------------

const BREAKPOINT_RUNS = {
  'generators.py': [
    'consume_for#1',
    extra({ stack: 'countdown:7 < consume:18 < <module>:24', locals: { n: '3' } }, 'D2', D2_FIRST_TEST),
    'gen_yield#1',
    extra({ stack: 'consume:18 < <module>:24', locals: { seen: '[]' } }, 'D3', D3_HEADER_TWICE),
    'consume_body#1',
    'consume_for#2', // mpdbg's 3rd hit of BP:consume_for: the breakpoint is removed
    'gen_after_yield#1',
    'gen_yield#2',
    'consume_body#2',
    skip('consume_for#3', 'D3', D3_HIT_COUNT),
    'gen_after_yield#2', // mpdbg's 3rd hit of BP:gen_after_yield: the breakpoint is removed
    'gen_yield#3',
    'consume_body#3',
    skip('gen_after_yield#3', 'D2', D2_HIT_COUNT),
    'consume_return#1',
  ],
};

// ---- plans ---------------------------------------------------------------------

function checkEntry(e, where, rows) {
  if (!rows.has(e.row)) throw new Error(`${where}: row ${JSON.stringify(e.row)} is not a row of DIFFERENCES.md (nor 'bug')`);
  if (typeof e.why !== 'string' || !e.why.startsWith(e.row === 'bug' ? 'mpdbg bug' : `${e.row}:`)) {
    throw new Error(`${where}: 'why' must start with ${e.row === 'bug' ? "'mpdbg bug'" : `'${e.row}:'`}: ${JSON.stringify(e.why)}`);
  }
}

/**
 * mpdbg's plan for a step scenario: debugpy's steps (the fixture's, index 0
 * the start) edited by `edits` (undefined: no divergence). Returns a list of
 * {action, kind: 'debugpy', step: k} | {action, kind: 'extra', expect, row,
 * why} for every action mpdbg performs, and `skipped`: [{step, row, why}].
 */
function buildScenarioPlan(name, steps, edits, rows = knownRows()) {
  const last = steps.length - 1;
  if (!edits) return { plan: steps.slice(1).map((s, i) => ({ action: s.action, kind: 'debugpy', step: i + 1 })), skipped: [] };
  const plan = [];
  const skipped = [];
  let next = 1;
  const take = (k, where) => {
    if (!Number.isInteger(k) || k < 1 || k > last) throw new Error(`${where}: debugpy has no step ${k} (steps 1..${last})`);
    if (k !== next) {
      throw new Error(`${where}: debugpy's step ${k} listed where step ${next} is due ` +
        `(every step 1..${last} of the fixture once, in order)`);
    }
    next++;
  };
  edits.forEach((e, i) => {
    const where = `divergences of '${name}', entry ${i}`;
    if (typeof e === 'number') {
      take(e, where);
      plan.push({ action: steps[e].action, kind: 'debugpy', step: e });
    } else if (e && e.extra) {
      checkEntry(e, where, rows);
      const x = e.extra;
      if (!['next', 'stepIn', 'stepOut'].includes(x.action) || !/^.+:\d+$/.test(x.at) || !Number.isInteger(x.depth) ||
        !x.locals || typeof x.locals !== 'object') {
        throw new Error(`${where}: an extra step needs action, at ('name:line'), depth and locals: ${JSON.stringify(x)}`);
      }
      plan.push({ action: x.action, kind: 'extra', expect: x, row: e.row, why: e.why });
    } else if (e && e.skip !== undefined) {
      checkEntry(e, where, rows);
      take(e.skip, where);
      skipped.push({ step: e.skip, row: e.row, why: e.why });
    } else {
      throw new Error(`${where}: not a step number, {extra} or {skip}: ${JSON.stringify(e)}`);
    }
  });
  if (next !== last + 1) throw new Error(`divergences of '${name}': debugpy's steps ${next}..${last} are not listed`);
  return { plan, skipped };
}

/** 'marker#h' labels of debugpy's stops, in order, from a fixture's stop_order. */
function stopLabels(stopOrder) {
  const counts = {};
  return stopOrder.map((m) => {
    counts[m] = (counts[m] || 0) + 1;
    return `${m}#${counts[m]}`;
  });
}

/**
 * mpdbg's plan for a breakpoint run: every stop it must make, in order:
 * {kind: 'debugpy', label, marker, hit} | {kind: 'extra', expect, row, why};
 * and `skipped`: [{label, row, why}].
 */
function buildBreakpointPlan(program, stopOrder, edits, rows = knownRows()) {
  const labels = stopLabels(stopOrder);
  const debugpy = (label) => {
    const [marker, hit] = label.split('#');
    return { kind: 'debugpy', label, marker, hit: Number(hit) };
  };
  if (!edits) return { plan: labels.map(debugpy), skipped: [] };
  const plan = [];
  const skipped = [];
  let next = 0;
  const take = (label, where) => {
    if (label !== labels[next]) {
      throw new Error(`${where}: debugpy's stop ${label} listed where ${labels[next] || 'nothing'} is due ` +
        `(debugpy's stops: ${labels.join(', ')})`);
    }
    next++;
  };
  edits.forEach((e, i) => {
    const where = `divergences of ${program}, entry ${i}`;
    if (typeof e === 'string') {
      take(e, where);
      plan.push(debugpy(e));
    } else if (e && e.extra) {
      checkEntry(e, where, rows);
      const x = e.extra;
      if (typeof x.stack !== 'string' || !x.locals || typeof x.locals !== 'object') {
        throw new Error(`${where}: an extra stop needs stack ('name:line < ...') and locals: ${JSON.stringify(x)}`);
      }
      plan.push({ kind: 'extra', expect: x, row: e.row, why: e.why });
    } else if (e && typeof e.skip === 'string') {
      checkEntry(e, where, rows);
      take(e.skip, where);
      skipped.push({ label: e.skip, row: e.row, why: e.why });
    } else {
      throw new Error(`${where}: not 'marker#hit', {extra} or {skip}: ${JSON.stringify(e)}`);
    }
  });
  if (next !== labels.length) {
    throw new Error(`divergences of ${program}: debugpy's stops ${labels.slice(next).join(', ')} are not listed`);
  }
  return { plan, skipped };
}

function scenarioPlan(sc) {
  return buildScenarioPlan(sc.name, sc.steps, SCENARIOS[sc.name]);
}

function breakpointPlan(program, fx) {
  return buildBreakpointPlan(program, fx.stop_order, BREAKPOINT_RUNS[program]);
}

/** Listed scenarios that the oracle does not have (a renamed scenario). */
function unknownScenarios(names) {
  return Object.keys(SCENARIOS).filter((n) => !names.includes(n));
}

/** Listed programs that the breakpoint runs do not cover. */
function unknownPrograms(names) {
  return Object.keys(BREAKPOINT_RUNS).filter((n) => !names.includes(n));
}

// ---- comparing a stop with a listed divergence ---------------------------------

// Object addresses differ from run to run: `at 0x…>` stands for any.
const masked = (v) => String(v).replace(/ at (0x)?[0-9a-f]+>/g, ' at 0x…>');
const fmt = (o) => Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  .map(([k, v]) => `${k}=${masked(v)}`).join(', ');

/**
 * Compares what mpdbg shows at a stop with a listed extra stop, exactly:
 * `got` = {at: 'name:line', depth, locals: {name: value}} (stepping) or
 * {stack: 'name:line < ...', locals} (breakpoint runs). Returns problems.
 */
function compareExtra(entry, got, where) {
  const want = entry.expect;
  const out = [];
  const gotPlace = want.stack !== undefined ? got.stack : `${got.at} (depth ${got.depth})`;
  const wantPlace = want.stack !== undefined ? want.stack : `${want.at} (depth ${want.depth})`;
  const tail = ` — listed divergence (${entry.why}); if it no longer happens, remove it from tests/e2e/lib/divergences.js`;
  if (gotPlace !== wantPlace) {
    out.push(`${where}: at ${gotPlace}, expected ${wantPlace}${tail}`);
  } else if (fmt(got.locals) !== fmt(want.locals)) {
    out.push(`${where}: at ${gotPlace} with locals {${fmt(got.locals)}}, expected exactly {${fmt(want.locals)}}${tail}`);
  }
  return out;
}

/** The 'bug' entries of a plan, for the run's log. */
function bugsOf({ plan, skipped }) {
  return [...plan, ...skipped].filter((e) => e.row === 'bug');
}

module.exports = {
  SCENARIOS, BREAKPOINT_RUNS, knownRows, buildScenarioPlan, buildBreakpointPlan, stopLabels,
  scenarioPlan, breakpointPlan, unknownScenarios, unknownPrograms, compareExtra, bugsOf,
};
