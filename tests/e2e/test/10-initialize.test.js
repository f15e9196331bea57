'use strict';
// initialize, capabilities, the launch handshake, stopOnEntry.

const assert = require('assert');
const { requireAdapter, start, program, assertAt } = require('../lib/common');
const markers = require('../lib/markers');
const { fixture } = require('../lib/oracle');

describe('initialize and launch', function () {
  requireAdapter();

  it('initialize returns the capabilities VS Code relies on, and the initialized event arrives', async function () {
    const s = start();
    const caps = await s.initialize();
    for (const cap of ['supportsConfigurationDoneRequest', 'supportsConditionalBreakpoints',
      'supportsHitConditionalBreakpoints', 'supportsLogPoints', 'supportsSetVariable',
      'supportsEvaluateForHovers', 'supportsTerminateRequest']) {
      assert.strictEqual(caps[cap], true, `capability ${cap} is ${caps[cap]}; capabilities: ${JSON.stringify(caps)}`);
    }
    const filters = (caps.exceptionBreakpointFilters || []).map((f) => f.filter);
    for (const id of ['raised', 'uncaught']) {
      assert.ok(filters.includes(id), `no exception filter '${id}' in ${JSON.stringify(caps.exceptionBreakpointFilters)}`);
    }
    for (const f of caps.exceptionBreakpointFilters) {
      assert.ok(typeof f.label === 'string' && f.label.length, `exception filter ${f.filter} has no label`);
    }
    // Either right after initialize or after launch (as debugpy does).
    const p = program('hello.py');
    await s.launch(p.file, { stopOnEntry: true });
    assert.strictEqual(s.events('initialized').length, 1, 'expected exactly one initialized event');
    await s.stopped('entry');
  });

  it('stopOnEntry stops with reason entry on the first line of the program', async function () {
    const s = start();
    const p = program('hello.py');
    await s.launch(p.file, { stopOnEntry: true });
    const stop = await s.stopped('entry');
    assert.ok(Number.isInteger(stop.threadId), `stopped event has no threadId: ${JSON.stringify(stop)}`);
    const threads = (await s.request('threads')).body.threads;
    assert.ok(threads.some((t) => t.id === stop.threadId), `threads ${JSON.stringify(threads)} lack ${stop.threadId}`);
    await assertAt(s, p.file, markers.firstCodeLine(p.file), '<module>');
    const st = await s.stackTrace({});
    assert.strictEqual(st.stackFrames.length, 1, `expected only <module>: ${JSON.stringify(st.stackFrames)}`);
    await s.continue();
    await s.ended({ exitCode: 0 });
  });

  it('without stopOnEntry and breakpoints the program runs to its end', async function () {
    const s = start();
    const p = program('hello.py');
    await s.launch(p.file);
    await s.ended({ exitCode: 0 });
    assert.strictEqual(s.events('stopped').length, 0, 'the program stopped');
  });

  it('launch without `micropython` uses the built-in debug MicroPython', async function () {
    const s = start();
    const p = program('hello.py');
    await s.launch(p.file, { micropython: false });
    await s.ended({ exitCode: 0 });
    assert.strictEqual(s.output('stdout'), fixture('hello.py').stdout);
  });

  it('launch of a program that does not exist fails with a message naming it', async function () {
    const s = start();
    await s.initialize();
    const missing = program('hello.py').file.replace('hello.py', 'no_such_program.py');
    const r = await s.requestRaw('launch', { type: 'mpdbg', request: 'launch', program: missing, stopOnEntry: false });
    // An adapter may also accept launch and report the failure at configurationDone;
    // VS Code shows the launch error, so that is where we expect it.
    assert.strictEqual(r.success, false, `launch of a missing program succeeded: ${JSON.stringify(r)}`);
    assert.match(r.message + JSON.stringify(r.body || {}), /no_such_program\.py/);
  });
});
