'use strict';
// A program that recurses to MicroPython's stack limit and catches the
// RecursionError (issue 11, item 2), through plain calls, nested generators,
// a closure and a generator expression, under every exception filter: the
// debug interpreter must not crash, the program's own handler runs and the
// program finishes (exit code 0, its output complete), and mpdbg stops at
// most once, at the exception, or says on the console that it could not.
// The limit is what the program reaches on the target; runs one level below
// it and one past it follow.

const assert = require('assert');
const path = require('path');
const { requireAdapter, start } = require('../lib/common');
const config = require('../lib/config');

const SCRIPT = path.join(config.REPO, 'tests', 'device', 'scripts', 'deep_recursion.py');
const KINDS = ['plain', 'generator', 'closure', 'genexpr'];
const FILTERS = { none: [], uncaught: ['uncaught'], raised: ['raised'], 'raised+uncaught': ['raised', 'uncaught'] };

/** Runs the script; continues every stop. Returns {stdout, stops, console}. */
async function run(kind, n, filters) {
  const s = start();
  await s.launch(SCRIPT, { args: [kind, String(n)], exceptionFilters: filters });
  const stops = [];
  for (;;) {
    const ev = await s.waitUntil(() => {
      const i = s.pending.findIndex((e) => e.event === 'stopped' || e.event === 'terminated');
      return i < 0 ? undefined : s.pending.splice(i, 1)[0];
    }, 'a stop or the end of the program', config.T.run);
    if (ev.event === 'terminated') {
      s.pending.unshift(ev);
      break;
    }
    stops.push(ev.body);
    await s.continue();
  }
  await s.ended({ exitCode: 0 });
  return { stdout: s.output('stdout'), stops, console: s.output('console') };
}

function check(r, filters, where) {
  const lines = r.stdout.trim().split('\n');
  assert.strictEqual(lines[lines.length - 1], 'done', `${where}: the program did not finish: ${r.stdout}`);
  assert.match(lines[0], /^(returned|caught maximum recursion depth)/, `${where}: ${r.stdout}`);
  if (filters.includes('raised') && lines[0].startsWith('caught')) {
    assert.ok(r.stops.length === 1 || (r.stops.length === 0 && /no stack left/.test(r.console)),
      `${where}: ${r.stops.length} stops, console: ${r.console}`);
    for (const stop of r.stops) assert.strictEqual(stop.reason, 'exception', `${where}: ${JSON.stringify(stop)}`);
  } else {
    assert.deepStrictEqual(r.stops, [], `${where}: stopped without a reason to`);
  }
}

describe('recursion to the stack limit, caught by the program', function () {
  requireAdapter();
  for (const kind of KINDS) {
    for (const [name, filters] of Object.entries(FILTERS)) {
      it(`${kind} recursion, exception filters: ${name}`, async function () {
        const at = await run(kind, -1, filters);
        check(at, filters, 'to the limit');
        assert.match(at.stdout, /^caught/, at.stdout);
        const limit = Number(/depth (\d+)/.exec(at.stdout)[1]);
        assert.ok(limit > 100, at.stdout);
        for (const n of [limit - 1, limit, limit + 1]) check(await run(kind, n, filters), filters, `n = ${n}`);
      });
    }
  }
});
