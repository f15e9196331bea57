'use strict';
// setBreakpoints: verification and line adjustment, hitting, conditions,
// hit counts, logpoints; stackTrace paths, names and paging; scopes.

const assert = require('assert');
const { requireAdapter, launchAt, program, assertAt, localValues } = require('../lib/common');
const markers = require('../lib/markers');

describe('breakpoints', function () {
  requireAdapter();

  it('a breakpoint on a code line is verified at that line and stops there with reason breakpoint', async function () {
    const { s, p, bps } = await launchAt('hello.py', ['loop']);
    assert.strictEqual(bps[0].verified, true, `not verified: ${JSON.stringify(bps[0])}`);
    assert.strictEqual(bps[0].line, p.line('loop'));
    const stop = await s.stopped('breakpoint');
    if (stop.hitBreakpointIds && bps[0].id !== undefined) {
      assert.deepStrictEqual(stop.hitBreakpointIds, [bps[0].id]);
    }
    await assertAt(s, p.file, p.line('loop'), 'average');
  });

  // The project's rule for lines without code (not debugpy's, which moves
  // such breakpoints to the previous statement): a statement line that has no
  // code of its own (`else:`, a `def` continuation, a continuation line of a
  // multi-line statement) moves to the next line with code; a blank line, a
  // comment, a line inside a string or doc string, or a line past the end of
  // the file is rejected: `verified: false` and a message "no code here:
  // <reason>". A rejected breakpoint never stops the program.
  async function rejected(line, reason, check) {
    const p = program('hello.py');
    check(markers.lines(p.file)[line]);
    const { s, bps } = await launchAt('hello.py', [{ marker: 'label', line }]);
    assert.strictEqual(bps[0].verified, false, `verified: ${JSON.stringify(bps[0])}`);
    assert.strictEqual(bps[0].message, `no code here: ${reason}`, `the rejection must name the reason: ${JSON.stringify(bps[0])}`);
    await s.ended({ exitCode: 0 });
    assert.strictEqual(s.events('stopped').length, 0, 'a rejected breakpoint stopped the program');
  }

  it('a breakpoint on a comment line is rejected: not verified, "no code here: comment"', async function () {
    const comment = program('hello.py').line('label') - 1;
    await rejected(comment, 'comment', (text) => assert.match(text, /^\s*#/,
      'the example changed: the line before BP:label must be a comment'));
  });

  it('a breakpoint on a blank line is rejected: not verified, "no code here: blank line"', async function () {
    const blank = program('hello.py').line('print_label') - 1;
    await rejected(blank, 'blank line', (text) => assert.strictEqual(text.trim(), '',
      'the example changed: the line before BP:print_label must be blank'));
  });

  it('a breakpoint on an `else:` line is verified and moved to the next line with code, and stops there', async function () {
    // loop_forever.py, module mode: `else:` has no code of its own, nor has
    // the `while True:` after it (a constant-true loop compiles to no test),
    // so the next line with code is the loop's first statement, BP:loop_body.
    const p = program('loop_forever.py');
    const text = markers.lines(p.file);
    const elseLine = p.line('loop_body') - 2;
    assert.strictEqual(text[elseLine].trim(), 'else:', 'the example changed: two lines above BP:loop_body must be `else:`');
    assert.strictEqual(text[elseLine + 1].trim(), 'while True:', 'the example changed: `else:` must be followed by `while True:`');
    const { s, bps } = await launchAt('loop_forever.py', [{ marker: 'loop_body', line: elseLine }]);
    assert.strictEqual(bps[0].verified, true, `not verified: ${JSON.stringify(bps[0])}`);
    assert.strictEqual(bps[0].line, p.line('loop_body'), `moved to ${bps[0].line}, expected BP:loop_body (${p.line('loop_body')})`);
    await s.stopped('breakpoint');
    const f = await assertAt(s, p.file, p.line('loop_body'), '<module>');
    const loc = await localValues(s, f.id);
    assert.strictEqual(loc.counter, '0', 'the first pass through the loop');
    // End the endless loop the way the other loop_forever tests do.
    await s.setBreakpoints(p.file, []);
    const g = await s.scope(f.id, 'Globals');
    await s.request('setVariable', { variablesReference: g.variablesReference, name: 'running', value: 'False' });
    await s.continue();
    await s.ended({ exitCode: 0 });
    assert.strictEqual(s.output('stdout'), 'looping in module\nloop ended True\n');
  });

  it('a breakpoint past the end of the file is not verified and says why', async function () {
    const p = program('hello.py');
    const past = markers.lines(p.file).length + 10;
    const { s, bps } = await launchAt('hello.py', [{ marker: 'loop', line: past }, 'loop']);
    assert.strictEqual(bps[0].verified, false, `verified: ${JSON.stringify(bps[0])}`);
    assert.strictEqual(bps[0].message, 'no code here: past the end of the file', `message: ${JSON.stringify(bps[0])}`);
    assert.strictEqual(bps[1].verified, true, 'the good breakpoint next to it must still be verified');
    await s.stopped('breakpoint');
    await assertAt(s, p.file, p.line('loop'));
  });

  it('breakpoints set while stopped take effect, and clearing them lets the program finish', async function () {
    const { s, p } = await launchAt('hello.py', ['call_average']);
    await s.stopped('breakpoint');
    await assertAt(s, p.file, p.line('call_average'), 'describe');
    const bps = await s.setBreakpoints(p.file, [p.line('mean')]);
    assert.strictEqual(bps[0].verified, true);
    await s.continue();
    await s.stopped('breakpoint');
    await assertAt(s, p.file, p.line('mean'), 'average');
    await s.setBreakpoints(p.file, []);
    await s.continue();
    await s.ended({ exitCode: 0 });
  });

  it('a conditional breakpoint stops only where its condition is true', async function () {
    const { s, p, bps } = await launchAt('hello.py', [{ marker: 'loop', condition: 'count == 2' }]);
    assert.strictEqual(bps[0].verified, true);
    await s.stopped('breakpoint');
    await assertAt(s, p.file, p.line('loop'));
    const loc = await localValues(s);
    assert.strictEqual(loc.count, '2');
    assert.strictEqual(loc.v, '9');
    await s.continue();
    await s.ended({ exitCode: 0 });
    assert.strictEqual(s.events('stopped').length, 1, 'stopped more than once');
  });

  it("a hit-count breakpoint ('3') stops at the third hit only", async function () {
    const { s, p } = await launchAt('hello.py', [{ marker: 'loop', hitCondition: '3' }]);
    await s.stopped('breakpoint');
    await assertAt(s, p.file, p.line('loop'));
    const loc = await localValues(s);
    assert.strictEqual(loc.v, '9', `stopped at v=${loc.v}, count=${loc.count}`);
    assert.strictEqual(loc.count, '2');
    await s.continue();
    await s.ended({ exitCode: 0 });
    assert.strictEqual(s.events('stopped').length, 1, 'stopped more than once (the hit condition means == 3, as in debugpy)');
  });

  it('a logpoint prints its formatted message and does not stop', async function () {
    const { s } = await launchAt('hello.py', [{ marker: 'loop', logMessage: 'v={v} total={total}' }]);
    await s.ended({ exitCode: 0 });
    assert.strictEqual(s.events('stopped').length, 0, 'a logpoint stopped the program');
    const logged = s.events('output').map((e) => e.body.output).join('');
    const want = ['v=12 total=0', 'v=15 total=12', 'v=9 total=27', 'v=11 total=36'];
    let at = -1;
    for (const w of want) {
      const i = logged.indexOf(w, at + 1);
      assert.ok(i > at, `logpoint output ${JSON.stringify(w)} missing or out of order in ${JSON.stringify(logged)}`);
      at = i;
    }
    assert.ok(!s.output('stdout').includes('v=12'), 'logpoint text must not be mixed into the program\'s stdout category');
  });

  it('a condition that raises does not crash the session (it stops, like debugpy, or reports it)', async function () {
    const { s, p } = await launchAt('hello.py', [{ marker: 'loop', condition: 'no_such_name > 1' }, 'mean']);
    // debugpy stops at a breakpoint whose condition fails to evaluate; either
    // way the session must go on to the next breakpoint.
    let stop = await s.stopped();
    if ((await s.topFrame()).line === p.line('loop')) {
      while ((await s.topFrame()).line === p.line('loop')) {
        await s.continue();
        stop = await s.stopped();
      }
    }
    assert.strictEqual(stop.reason, 'breakpoint');
    await assertAt(s, p.file, p.line('mean'));
  });
});

describe('stack traces and scopes', function () {
  requireAdapter();

  it('frames are the program\'s functions with absolute paths, innermost first, <module> last', async function () {
    const { s, p } = await launchAt('recursion.py', ['fact_base']);
    await s.stopped('breakpoint');
    const st = await s.stackTrace({});
    const names = st.stackFrames.map((f) => f.name);
    assert.deepStrictEqual(names, ['factorial', 'factorial', 'factorial', 'factorial', 'factorial', 'main', '<module>']);
    const lines = st.stackFrames.map((f) => f.line);
    assert.deepStrictEqual(lines, [p.line('fact_base'), p.line('fact_recurse'), p.line('fact_recurse'),
      p.line('fact_recurse'), p.line('fact_recurse'), p.line('main_fact'), p.line('module_main')]);
    for (const f of st.stackFrames) {
      assert.strictEqual(f.source && f.source.path, p.file, `frame ${f.name} has source ${JSON.stringify(f.source)}`);
      assert.ok(!/mpdbg(_stop|_inspect)?\.py|\/agent\//.test(JSON.stringify(f)), `an agent frame shows: ${JSON.stringify(f)}`);
    }
    assert.strictEqual(st.totalFrames, 7);
    const ids = new Set(st.stackFrames.map((f) => f.id));
    assert.strictEqual(ids.size, 7, 'frame ids are not unique');
  });

  it('stackTrace pages with startFrame/levels and reports totalFrames', async function () {
    const { s } = await launchAt('recursion.py', ['fact_base']);
    await s.stopped('breakpoint');
    const all = (await s.stackTrace({})).stackFrames;
    const first = await s.stackTrace({ startFrame: 0, levels: 1 });
    assert.strictEqual(first.stackFrames.length, 1);
    assert.strictEqual(first.totalFrames, 7);
    const middle = await s.stackTrace({ startFrame: 2, levels: 2 });
    assert.deepStrictEqual(middle.stackFrames.map((f) => [f.name, f.line]), all.slice(2, 4).map((f) => [f.name, f.line]));
    assert.strictEqual(middle.totalFrames, 7);
    const tail = await s.stackTrace({ startFrame: 5, levels: 20 });
    assert.deepStrictEqual(tail.stackFrames.map((f) => f.name), ['main', '<module>']);
    const beyond = await s.stackTrace({ startFrame: 10, levels: 5 });
    assert.strictEqual(beyond.stackFrames.length, 0);
    // The locals of a frame from a page are that frame's.
    const loc = await localValues(s, middle.stackFrames[0].id);
    assert.strictEqual(loc.n, '3', `frame 2 is factorial(3), shows n=${loc.n}`);
  });

  it('scopes are Locals and Globals; Globals holds the module\'s names', async function () {
    const { s, p } = await launchAt('hello.py', ['loop']);
    await s.stopped('breakpoint');
    const f = await s.topFrame();
    const scopes = await s.scopes(f.id);
    assert.deepStrictEqual(scopes.slice(0, 2).map((x) => x.name), ['Locals', 'Globals']);
    for (const x of scopes.slice(0, 2)) assert.ok(x.variablesReference > 0, `scope ${x.name} has no variablesReference`);
    const globals = await s.variables(scopes[1].variablesReference);
    const byName = Object.fromEntries(globals.map((v) => [v.name, v]));
    assert.strictEqual(byName.GREETING && byName.GREETING.value, "'hello'", `GREETING: ${JSON.stringify(byName.GREETING)}`);
    assert.strictEqual(byName.temperatures && byName.temperatures.value, '[12, 15, 9, 11]');
    for (const v of globals) {
      assert.ok(!/^__.*__$/.test(v.name), `Globals shows ${v.name} at the top level; debugpy files dunders under 'special variables'`);
    }
    assert.strictEqual(p.file, f.source.path);
  });

  it('each frame of the stack has its own locals', async function () {
    const { s } = await launchAt('recursion.py', ['fact_base']);
    await s.stopped('breakpoint');
    const frames = (await s.stackTrace({})).stackFrames;
    for (let i = 0; i < 5; i++) {
      const loc = await localValues(s, frames[i].id);
      assert.strictEqual(loc.n, String(i + 1), `frame ${i}: n=${loc.n}`);
      assert.ok(!('sub' in loc), `frame ${i}: 'sub' is not assigned yet but shows as ${loc.sub}`);
    }
  });
});
