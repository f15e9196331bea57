'use strict';
// next / stepIn / stepOut with CPython's semantics: each scenario of
// tests/oracle/scenarios.json is replayed, and after every step the place
// (function, line, stack depth) and the locals must be where debugpy stopped
// under CPython (tests/oracle/fixtures/scenarios.json).
//
// What debugpy does, in short: stepIn enters the callee at its first line;
// stepOut stops in the caller at the call line (after the return, before the
// rest of the line); next over a call (even a recursive one) stays in the
// frame; next or stepIn off the end of a function stops at the caller's
// next line; a generator's `yield` steps back to the consumer.
//
// Except where MicroPython's VM delivers line events elsewhere (loops and
// generators: rows D2, D3, D4, D13 of crates/mpdbg-source/DIFFERENCES.md): those
// scenarios follow the explicit per-scenario list of lib/divergences.js, whose
// extra stops are asserted exactly and whose skipped debugpy steps must not
// happen; every other step is still compared with debugpy's.

const assert = require('assert');
const { requireAdapter, launchAt, config } = require('../lib/common');
const { scenarios, split, CALLABLE_TYPES, isDunder } = require('../lib/oracle');
const divergences = require('../lib/divergences');
const { valueMatches } = require('../lib/values');

async function place(s) {
  const st = await s.stackTrace({});
  const f = st.stackFrames[0];
  const scope = await s.scope(f.id, 'Locals');
  const { top } = split(await s.variables(scope.variablesReference));
  return { name: f.name, line: f.line, path: f.source && f.source.path,
    depth: st.totalFrames !== undefined ? st.totalFrames : st.stackFrames.length, top };
}

function compare(step, got, where, problems) {
  const at = `${got.name}:${got.line} (depth ${got.depth})`;
  const want = `${step.name}:${step.line} (depth ${step.depth})`;
  if (at !== want) problems.push(`${where}: at ${at}, debugpy at ${want} (not a listed MicroPython divergence)`);
  for (const [n, v] of Object.entries(step.locals)) {
    const a = got.top[n];
    if (!a) problems.push(`${where}: local ${n} missing (debugpy: ${v})`);
    else if (!valueMatches(v, a.value).ok) problems.push(`${where}: local ${n} = ${a.value}, debugpy: ${v}`);
  }
  for (const n of step.local_names) {
    if (!(n in step.locals) && !got.top[n]) problems.push(`${where}: local ${n} missing`);
  }
  for (const [n, a] of Object.entries(got.top)) {
    if (!step.local_names.includes(n) && (isDunder(n) || !CALLABLE_TYPES.has(a.type))) {
      problems.push(`${where}: shows local ${n} = ${a.value}, which debugpy does not`);
    }
  }
}

describe('stepping, as debugpy steps under CPython', function () {
  requireAdapter();

  it('every listed MicroPython divergence belongs to a scenario of the oracle', function () {
    const unknown = divergences.unknownScenarios(scenarios().map((sc) => sc.name));
    assert.deepStrictEqual(unknown, [], `lib/divergences.js lists scenarios that tests/oracle/scenarios.json does not have: ${unknown}`);
  });

  for (const sc of scenarios()) {
    const route = sc.steps.map((st) => (st.terminated ? `${st.action} -> end`
      : `${st.action} -> ${st.name}:${st.line}`)).join(', ');
    let planned; // a list that does not fit the fixture fails this test only
    try {
      planned = divergences.scenarioPlan(sc);
    } catch (e) {
      planned = { error: e, plan: [], skipped: [] };
    }
    const { plan, skipped } = planned;
    const listed = plan.filter((x) => x.kind === 'extra').length + skipped.length;
    const note = listed ? ` (+ ${listed} listed MicroPython divergences)` : '';
    it(`${sc.name} [${sc.program}: ${route}]${note}`, async function () {
      if (planned.error) throw planned.error;
      const { s, p } = await launchAt(sc.program, [sc.start], { args: sc.args || [] });
      for (let hit = 1; hit < (sc.hit || 1); hit++) {
        await s.stopped('breakpoint');
        await s.continue();
      }
      await s.stopped('breakpoint');
      await s.setBreakpoints(p.file, []);
      const problems = [];
      compare(sc.steps[0], await place(s), 'at the start', problems);
      for (let i = 1; i <= plan.length; i++) {
        const item = plan[i - 1];
        const step = item.kind === 'debugpy' ? sc.steps[item.step] : null;
        const where = `after ${item.action} #${i}` + (step && item.step !== i ? ` (debugpy's #${item.step})` : '');
        const wanted = step ? (step.terminated ? 'the end of the session' : `debugpy's stop at ${step.name}:${step.line}`)
          : `the listed MicroPython stop at ${item.expect.at} (${item.row})`;
        await s.request(item.action, { threadId: s.threadId });
        if (step && step.terminated) {
          await s.ended({});
          break;
        }
        const stop = await s.stopped(undefined, { what: `the stop after ${item.action} #${i} (expected: ${wanted})` });
        if (stop.reason !== 'step') problems.push(`${where}: stop reason ${stop.reason}, expected step`);
        const got = await place(s);
        if (got.path !== p.file) problems.push(`${where}: stopped in ${got.path}, expected ${p.file}`);
        if (step) {
          compare(step, got, where, problems);
          if (got.line !== step.line || got.name !== step.name) break; // later steps would only cascade
        } else {
          const locals = Object.fromEntries(Object.entries(got.top).map(([n, v]) => [n, v.value]));
          const bad = divergences.compareExtra(item, { at: `${got.name}:${got.line}`, depth: got.depth, locals }, where);
          problems.push(...bad);
          if (bad.length) break;
        }
      }
      assert.ok(problems.length === 0, `${problems.length} differences from debugpy (and the listed divergences):\n  ${problems.join('\n  ')}`);
    });
  }

  it('a breakpoint inside a function stepped over stops there (reason breakpoint)', async function () {
    const { s, p } = await launchAt('hello.py', ['call_average']);
    await s.stopped('breakpoint');
    await s.setBreakpoints(p.file, [p.line('mean')]);
    await s.request('next', { threadId: s.threadId });
    await s.stopped('breakpoint');
    const f = await s.topFrame();
    assert.deepStrictEqual([f.name, f.line], ['average', p.line('mean')]);
    // After it, the interrupted step is forgotten: continue runs to the end.
    await s.setBreakpoints(p.file, []);
    await s.continue();
    await s.ended({ exitCode: 0 });
  });

  it('steps are fast enough to hold down F10 (20 steps in a loop)', async function () {
    const { s } = await launchAt('hello.py', ['average_first']);
    await s.stopped('breakpoint');
    const t0 = Date.now();
    for (let i = 0; i < 20; i++) {
      await s.request('next', { threadId: s.threadId });
      await s.stopped('step', { timeout: config.T.event });
    }
    const ms = Date.now() - t0;
    console.log(`      20 steps took ${ms} ms`);
    assert.ok(ms < 20 * 500, `20 steps took ${ms} ms`);
  });
});
