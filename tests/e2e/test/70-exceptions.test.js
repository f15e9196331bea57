'use strict';
// Exceptions: the uncaught ValueError of exception.py, with and without the
// exception filters, compared with what debugpy reported (the oracle).
//
// The project's rule for 'uncaught': MicroPython cannot tell at the raise
// whether a handler will catch the exception without tracing every frame, so
// mpdbg stops on an uncaught exception after the stack has unwound. The stack
// it shows is the traceback's frames (the same names and lines as debugpy's
// live stack), each with its locals as the exception left it: the debug
// MicroPython keeps them (core patch 0009; on stock firmware each scope holds
// a single "(mpdbg)" note instead, tested in tests/device). With 'raised'
// mpdbg stops at the raise itself, with live locals.

const assert = require('assert');
const { requireAdapter, launchAt } = require('../lib/common');
const device = require('../lib/device');
const { fixture } = require('../lib/oracle');

const fx = fixture('exception.py').exception;

describe('exceptions', function () {
  requireAdapter();

  it("with 'uncaught': stops after the unwinding with the type and message; the traceback's stack with each frame's locals", async function () {
    const { s, p } = await launchAt('exception.py', [], { exceptionFilters: ['uncaught'] });
    const stop = await s.stopped('exception');
    assert.strictEqual(stop.description, 'ValueError: negative value: -4', `stopped event: ${JSON.stringify(stop)}`);
    assert.strictEqual(stop.text, 'ValueError: negative value: -4', `stopped event: ${JSON.stringify(stop)}`);
    // The traceback's frames: the same functions and lines as debugpy's stack.
    const st = await s.stackTrace({});
    assert.deepStrictEqual(st.stackFrames.map((f) => [f.name, f.line]), fx.stack.map((f) => [f.name, f.line]),
      'the stack at the exception differs from debugpy\'s');
    assert.strictEqual(st.totalFrames, fx.totalFrames);
    for (const f of st.stackFrames) assert.strictEqual(f.source && f.source.path, p.file, `frame ${f.name}: ${JSON.stringify(f.source)}`);
    // Each function frame's locals as debugpy showed them, live, at the raise.
    for (const [i, f] of st.stackFrames.entries()) {
      const scopes = await s.scopes(f.id);
      assert.deepStrictEqual(scopes.slice(0, 2).map((x) => x.name), ['Locals', 'Globals']);
      if (f.name === '<module>') continue; // debugpy's module Locals are empty, mpdbg's are the globals
      const got = {};
      for (const v of await s.variables(scopes[0].variablesReference)) got[v.name] = v.value;
      assert.deepStrictEqual(got, fx.frame_locals[i], `${f.name}: the locals the exception left differ from debugpy's`);
    }
  });

  it('exceptionInfo (when advertised) or the stopped event gives the traceback', async function () {
    const { s } = await launchAt('exception.py', [], { exceptionFilters: ['uncaught'] });
    const stop = await s.stopped('exception');
    let traceback = `${stop.description || ''}\n${stop.text || ''}`;
    if (s.capabilities.supportsExceptionInfoRequest) {
      const info = (await s.request('exceptionInfo', { threadId: stop.threadId })).body;
      assert.match(info.exceptionId, /ValueError/);
      assert.match(`${info.description || ''} ${(info.details && info.details.message) || ''}`, /negative value: -4/);
      assert.strictEqual(info.breakMode, fx.exceptionInfo.breakMode, `breakMode ${info.breakMode}; debugpy says ${fx.exceptionInfo.breakMode}`);
      traceback = (info.details && info.details.stackTrace) || '';
    }
    for (const name of ['parse', 'load', '<module>']) {
      assert.ok(traceback.includes(name), `the traceback does not mention ${name}:\n${traceback}`);
    }
    assert.match(traceback, /line 7/, `the traceback does not give the raise's line:\n${traceback}`);
  });

  it('continuing after the exception ends the program with a non-zero exit code', async function () {
    const { s } = await launchAt('exception.py', [], { exceptionFilters: ['uncaught'] });
    await s.stopped('exception');
    await s.continue();
    await s.ended({ exitCode: 'nonzero' });
    assert.strictEqual(s.events('stopped').length, 1, 'stopped again after continue');
    assert.strictEqual(s.output('stdout'), '[1, 2]\nNone\n', 'the program\'s output up to the exception');
  });

  it('without filters: no stop; exit code 1 and the traceback in the output', async function () {
    const { s } = await launchAt('exception.py');
    await s.ended({ exitCode: 1 });
    assert.strictEqual(s.events('stopped').length, 0);
    const all = s.events('output').map((e) => e.body.output).join('');
    assert.match(all, /ValueError: negative value: -4/, `no traceback in the output: ${JSON.stringify(all)}`);
  });

  it("'uncaught' does not stop at a caught exception; 'raised' does, at the raise with live locals", async function () {
    const { s, p } = await launchAt('exception.py', [], { exceptionFilters: ['uncaught'] });
    const stop = await s.stopped('exception');
    // The caught ValueError is "negative value: -1"; the first stop must be the -4.
    assert.strictEqual(stop.text, 'ValueError: negative value: -4', `the first stop must be the uncaught -4, not the caught -1: ${JSON.stringify(stop)}`);
    const stack = (await s.stackTrace({})).stackFrames.map((x) => x.name);
    assert.deepStrictEqual(stack, ['parse', 'load', '<module>'], 'the uncaught exception is the one raised under load()');
    if (device.isBoard()) await s.close(); // one board, one session at a time
    const r = await launchAt('exception.py', [], { exceptionFilters: ['raised'] });
    const raised = await r.s.stopped('exception');
    // The raise is named as debugpy names it: type and message, break mode "always".
    assert.strictEqual(raised.text, 'ValueError: negative value: -1', JSON.stringify(raised));
    const info = (await r.s.request('exceptionInfo', { threadId: raised.threadId })).body;
    assert.deepStrictEqual([info.exceptionId, info.description, info.breakMode], ['ValueError', 'negative value: -1', 'always']);
    const f = await r.s.topFrame();
    assert.deepStrictEqual([f.name, f.line], ['parse', p.line('raise')]);
    assert.strictEqual((await r.s.locals(f.id)).value.value, '-1', "with 'raised' the caught -1 stops first");
    const callers = (await r.s.stackTrace({})).stackFrames.map((x) => x.name);
    assert.deepStrictEqual(callers, ['parse', 'safe_parse', '<module>']);
  });
});
