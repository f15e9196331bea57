'use strict';
// Exceptions: the uncaught ValueError of exception.py, with and without the
// exception filters, compared with what debugpy reported (the oracle).

const assert = require('assert');
const { requireAdapter, launchAt } = require('../lib/common');
const { fixture } = require('../lib/oracle');

const fx = fixture('exception.py').exception;

describe('exceptions', function () {
  requireAdapter();

  it("with 'uncaught': stops with reason exception, the type and message, where it was raised", async function () {
    const { s, p } = await launchAt('exception.py', [], { exceptionFilters: ['uncaught'] });
    const stop = await s.stopped('exception');
    const text = `${stop.description || ''} ${stop.text || ''}`;
    assert.match(text, /ValueError/, `stopped event: ${JSON.stringify(stop)}`);
    assert.match(text, /negative value: -4/, `stopped event: ${JSON.stringify(stop)}`);
    const st = await s.stackTrace({});
    assert.deepStrictEqual(st.stackFrames.map((f) => [f.name, f.line]), fx.stack.map((f) => [f.name, f.line]),
      'the stack at the exception differs from debugpy\'s');
    assert.strictEqual(st.stackFrames[0].source.path, p.file);
    // The frame's locals are there to inspect.
    const loc = await s.locals(st.stackFrames[0].id);
    assert.strictEqual(loc.value && loc.value.value, '-4');
    assert.strictEqual(loc.text && loc.text.value, "'-4'");
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

  it("'uncaught' does not stop at a caught exception; 'raised' does", async function () {
    const { s, p } = await launchAt('exception.py', [], { exceptionFilters: ['uncaught'] });
    await s.stopped('exception');
    const loc = await s.locals();
    assert.strictEqual(loc.value && loc.value.value, '-4', 'the first stop must be the uncaught -4, not the caught -1');
    const r = await launchAt('exception.py', [], { exceptionFilters: ['raised'] });
    await r.s.stopped('exception');
    const f = await r.s.topFrame();
    assert.deepStrictEqual([f.name, f.line], ['parse', p.line('raise')]);
    assert.strictEqual((await r.s.locals(f.id)).value.value, '-1', "with 'raised' the caught -1 stops first");
    const callers = (await r.s.stackTrace({})).stackFrames.map((x) => x.name);
    assert.deepStrictEqual(callers, ['parse', 'safe_parse', '<module>']);
  });
});
