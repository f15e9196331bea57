'use strict';
// evaluate in the repl, watch and hover contexts; statements; errors;
// setVariable on a local and on a global, observed in the program's output.

const assert = require('assert');
const { requireAdapter, launchAt, localValues } = require('../lib/common');

/** hello.py stopped at the first hit of BP:loop (v=12, total=0, count=0). */
async function atLoop() {
  const r = await launchAt('hello.py', ['loop']);
  await r.s.stopped('breakpoint');
  r.frame = await r.s.topFrame();
  return r;
}

async function evalOk(s, expr, context, frameId) {
  const r = await s.evaluate(expr, context, frameId);
  assert.strictEqual(r.success, true, `evaluate ${JSON.stringify(expr)} (${context}) failed: ${r.message} ${JSON.stringify(r.body || {})}`);
  return r.body;
}

/** The text VS Code would show for a failed evaluate. */
const errorText = (r) => `${r.message || ''} ${r.body && r.body.error ? r.body.error.format : ''}`;

describe('evaluate', function () {
  requireAdapter();

  it('sees the frame\'s locals by name, in repl, watch and hover contexts', async function () {
    const { s, frame } = await atLoop();
    assert.strictEqual((await evalOk(s, 'total + v', 'repl', frame.id)).result, '12');
    assert.strictEqual((await evalOk(s, 'count + 1', 'watch', frame.id)).result, '1');
    const hover = await evalOk(s, 'values', 'hover', frame.id);
    assert.strictEqual(hover.result, '[12, 15, 9, 11]');
    assert.ok(hover.variablesReference > 0, 'a list from evaluate must be expandable');
    const kids = (await s.variables(hover.variablesReference)).filter((v) => /^\d+$/.test(v.name));
    assert.deepStrictEqual(kids.map((v) => v.value), ['12', '15', '9', '11']);
    assert.strictEqual((await evalOk(s, 'GREETING.upper()', 'watch', frame.id)).result, "'HELLO'");
    assert.strictEqual((await evalOk(s, 'len(values) * 2', 'repl', frame.id)).result, '8');
  });

  it('evaluates in the selected frame, not only the top one', async function () {
    const { s } = await atLoop();
    const frames = (await s.stackTrace({})).stackFrames;
    assert.strictEqual(frames[1].name, 'describe');
    assert.strictEqual((await evalOk(s, 'name', 'watch', frames[1].id)).result, "'temperatures'");
    const r = await s.evaluate('total', 'watch', frames[1].id);
    assert.strictEqual(r.success, false, `'total' is not defined in describe, yet evaluate gave ${JSON.stringify(r.body)}`);
  });

  it('a statement in the repl assigns a local, and the program goes on with it', async function () {
    const { s, p, frame } = await atLoop();
    const r = await s.evaluate('total = 100', 'repl', frame.id);
    assert.strictEqual(r.success, true, `statement failed: ${errorText(r)}`);
    assert.strictEqual((await evalOk(s, 'total', 'repl', frame.id)).result, '100');
    assert.strictEqual((await localValues(s, frame.id)).total, '100', 'the Locals view does not show the new value');
    await s.setBreakpoints(p.file, []);
    await s.continue();
    await s.ended({ exitCode: 0 });
    // 100 + 12 + 15 + 9 + 11 = 147, over 4 values.
    assert.match(s.output('stdout'), /mean 36\.75\n/, `output: ${JSON.stringify(s.output('stdout'))}`);
  });

  it('a statement at module level defines a global that later evaluations see', async function () {
    const { s } = await launchAt('hello.py', ['module_done']);
    await s.stopped('breakpoint');
    const f = await s.topFrame();
    const r = await s.evaluate('y = 5', 'repl', f.id);
    assert.strictEqual(r.success, true, `statement failed: ${errorText(r)}`);
    assert.strictEqual((await evalOk(s, 'y', 'repl', f.id)).result, '5');
    assert.strictEqual((await evalOk(s, 'y * GREETING.count("l")', 'repl', f.id)).result, '10');
  });

  it('an error fails the request with the Python error', async function () {
    const { s, frame } = await atLoop();
    const cases = [
      ['undefined_name + 1', /NameError/, /undefined_name/],
      ['1 / 0', /ZeroDivisionError/],
      ['values[10]', /IndexError/],
      ['1 +', /SyntaxError/],
    ];
    for (const [expr, ...patterns] of cases) {
      const r = await s.evaluate(expr, 'repl', frame.id);
      assert.strictEqual(r.success, false, `${expr} succeeded: ${JSON.stringify(r.body)}`);
      for (const pat of patterns) assert.match(errorText(r), pat, `${expr}: ${errorText(r)}`);
    }
    // The program is unharmed: still stopped at the same place, values intact.
    assert.strictEqual((await evalOk(s, 'total + v', 'repl', frame.id)).result, '12');
    await s.continue();
    await s.stopped('breakpoint');
    assert.strictEqual((await localValues(s)).v, '15');
  });

  it('debug console text while the program runs is its stdin, and harms nothing', async function () {
    const { s } = await launchAt('loop_forever.py');
    await s.waitForOutput('looping in module\nin the loop\n');
    // The program never reads it: the line waits for it, nothing else happens.
    const r = await s.requestRaw('evaluate', { expression: '1 + 1', context: 'repl' });
    assert.strictEqual(r.success, true, JSON.stringify(r));
    assert.strictEqual(r.body.result, '');
    await s.request('pause', { threadId: s.threadId || 1 });
    await s.stopped('pause');
  });
});

describe('setVariable', function () {
  requireAdapter();

  it('sets a local; the program then uses the new value', async function () {
    const { s, p } = await launchAt('hello.py', ['print_label']);
    await s.stopped('breakpoint');
    const f = await s.topFrame();
    const loc = await s.scope(f.id, 'Locals');
    const r = await s.request('setVariable', { variablesReference: loc.variablesReference, name: 'label', value: "'changed ' + name" });
    assert.strictEqual(r.body.value, "'changed temperatures'");
    assert.strictEqual((await localValues(s, f.id)).label, "'changed temperatures'");
    await s.setBreakpoints(p.file, []);
    await s.continue();
    await s.ended({ exitCode: 0 });
    assert.strictEqual(s.output('stdout'), 'changed temperatures\nhello True\n');
  });

  it('sets a global; the program then uses the new value', async function () {
    const { s } = await launchAt('hello.py', ['average_first']);
    await s.stopped('breakpoint');
    const f = await s.topFrame();
    const g = await s.scope(f.id, 'Globals');
    const r = await s.request('setVariable', { variablesReference: g.variablesReference, name: 'GREETING', value: "'bonjour'" });
    assert.strictEqual(r.body.value, "'bonjour'");
    await s.continue();
    await s.ended({ exitCode: 0 });
    assert.match(s.output('stdout'), /\nbonjour True\n$/);
  });

  it('sets a list item through its container', async function () {
    const { s } = await launchAt('hello.py', ['average_first']);
    await s.stopped('breakpoint');
    const values = (await s.locals()).values;
    const kids = await s.variables(values.variablesReference);
    assert.ok(kids.some((k) => k.name === '0'));
    const r = await s.request('setVariable', { variablesReference: values.variablesReference, name: '0', value: '52' });
    assert.strictEqual(r.body.value, '52');
    await s.continue();
    await s.ended({ exitCode: 0 });
    assert.match(s.output('stdout'), /mean 21\.75\n/); // (52 + 15 + 9 + 11) / 4
  });

  it('a value that does not evaluate fails and leaves the variable alone', async function () {
    const { s } = await launchAt('hello.py', ['loop']);
    await s.stopped('breakpoint');
    const f = await s.topFrame();
    const loc = await s.scope(f.id, 'Locals');
    const r = await s.requestRaw('setVariable', { variablesReference: loc.variablesReference, name: 'total', value: 'nope +' });
    assert.strictEqual(r.success, false);
    assert.match(errorText(r), /SyntaxError/);
    assert.strictEqual((await localValues(s, f.id)).total, '0');
  });
});
