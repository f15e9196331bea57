'use strict';
// What only a board has: host files mapped to the board's folders
// (remoteRoot, pathMappings) and a frame in a file that is only on the
// board, shown read-only through `source`. Runs on the pty board, whose
// files are a folder on this machine that the test can prepare. Then what
// any board does: noDebug, and a session that writes nothing to it.

const assert = require('assert');
const cp = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { requireAdapter, start, config } = require('../lib/common');
const device = require('../lib/device');

/** The board's files, as the board itself lists and reads them. */
function boardFiles() {
  const port = device.launchFields().device;
  const script = path.join(config.REPO, 'tests', 'device', 'scripts', 'board_files.py');
  const r = cp.spawnSync('python3', ['-m', 'mpremote', 'connect', port, 'run', script],
    { encoding: 'utf8', timeout: 60000 * config.SCALE });
  assert.strictEqual(r.status, 0, `mpremote on ${port}: ${r.stdout}${r.stderr}${r.error || ''}`);
  return r.stdout;
}

function write(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

describe('board paths', function () {
  requireAdapter();
  beforeEach(function () {
    if (device.name() !== 'pty') {
      this.currentTest.title += ' [pty board only: the test writes the board\'s files]';
      this.skip();
    }
  });

  it('a frame in a file only on the board has a sourceReference, and source returns its text', async function () {
    const proj = fs.mkdtempSync(path.join(os.tmpdir(), 'mpdbg-e2e-proj-'));
    const main = path.join(proj, 'main.py');
    write(main, 'import onboard\n\n\ndef cb(x):\n    return x * 2  # stop\n\n\nprint(onboard.work(cb))\n');
    const onboardText = 'def work(f):\n    r = f(21)\n    return r\n';
    const remote = path.join(device.boardDir(), 'app1');
    write(path.join(remote, 'onboard.py'), onboardText);
    const s = start();
    await s.launch(main, { cwd: proj, extra: { remoteRoot: remote }, breakpoints: { [main]: [{ line: 5 }] } });
    await s.stopped('breakpoint');
    const frames = (await s.stackTrace({})).stackFrames;
    assert.deepStrictEqual(frames.map((f) => f.name), ['cb', 'work', '<module>']);
    assert.strictEqual(frames[0].source.path, main);
    const board = frames[1].source;
    assert.strictEqual(board.path, undefined, `a board-only file must not claim a host path: ${JSON.stringify(board)}`);
    assert.ok(board.sourceReference > 0, JSON.stringify(board));
    assert.match(board.origin, /read-only/);
    const r = await s.request('source', { source: board, sourceReference: board.sourceReference });
    assert.strictEqual(r.body.content, onboardText);
    await s.continue();
    await s.ended({ exitCode: 0 });
    assert.strictEqual(s.output('stdout'), '42\n');
  });

  it('pathMappings: a breakpoint in a host file that lives in another board folder', async function () {
    const proj = fs.mkdtempSync(path.join(os.tmpdir(), 'mpdbg-e2e-proj-'));
    const lib = path.join(device.boardDir(), 'lib2');
    const app = path.join(device.boardDir(), 'app2');
    const mainText = `import sys\nsys.path.append(${JSON.stringify(lib)})\nimport helper\nprint(helper.twice(4))\n`;
    const helperText = 'def twice(n):\n    m = n + n\n    return m\n';
    write(path.join(proj, 'main.py'), mainText);
    write(path.join(proj, 'vendor', 'helper.py'), helperText);
    // The board has its copies already (deploy "none").
    write(path.join(app, 'main.py'), mainText);
    write(path.join(lib, 'helper.py'), helperText);
    const helper = path.join(proj, 'vendor', 'helper.py');
    const s = start();
    const r = await s.launch(path.join(proj, 'main.py'), {
      cwd: proj,
      extra: { deploy: 'none', remoteRoot: app, pathMappings: [{ localRoot: path.join(proj, 'vendor'), remoteRoot: lib }] },
      breakpoints: { [helper]: [{ line: 3 }] },
    });
    assert.strictEqual(r.breakpoints[helper][0].verified, true);
    await s.stopped('breakpoint');
    const top = await s.topFrame();
    assert.deepStrictEqual([top.name, top.source.path, top.line], ['twice', helper, 3]);
    const locals = await s.locals(top.id);
    assert.strictEqual(locals.m.value, '8');
    await s.continue();
    await s.ended({ exitCode: 0 });
    assert.strictEqual(s.output('stdout'), '8\n');
    assert.ok(!fs.existsSync(path.join(app, 'vendor')), 'deploy "none" wrote files');
  });
});

describe('on any board', function () {
  requireAdapter();
  beforeEach(function () {
    if (!device.isBoard()) {
      this.currentTest.title += ' [boards only]';
      this.skip();
    }
  });

  it('noDebug on a board runs the program to its end, with its output and exit code', async function () {
    const s = start();
    const file = path.join(config.EXAMPLES, 'args.py');
    await s.launch(file, { args: ['exit=3'], extra: { noDebug: true } });
    await s.ended({ exitCode: 3 });
    assert.strictEqual(s.output('stdout'), 'argc 1\narg 0 [exit=3]\n');
    assert.match(s.output('console'), /"noDebug" on a board/);
  });

  it('writeFlash false: a breakpoint, a step and locals, and the board\'s files stay byte-identical', async function () {
    const before = boardFiles();
    const proj = fs.mkdtempSync(path.join(os.tmpdir(), 'mpdbg-e2e-proj-'));
    const main = path.join(proj, 'main.py');
    write(main, 'def add(a, b):\n    c = a + b\n    return c\n\n\nt = 0\nfor i in range(3):\n    t = add(t, i)\nprint("total", t)\n');
    const s = start();
    await s.launch(main, { cwd: proj, extra: { writeFlash: false }, breakpoints: { [main]: [{ line: 2 }] } });
    await s.stopped('breakpoint');
    let top = await s.topFrame();
    assert.deepStrictEqual([top.name, top.line, top.source.path], ['add', 2, main]);
    let locals = await s.locals(top.id);
    assert.deepStrictEqual([locals.a.value, locals.b.value], ['0', '0']);
    await s.request('next', { threadId: s.threadId });
    await s.stopped('step');
    top = await s.topFrame();
    locals = await s.locals(top.id);
    assert.deepStrictEqual([top.line, locals.c.value], [3, '0']);
    await s.setBreakpoints(main, []);
    await s.continue();
    await s.ended({ exitCode: 0 });
    assert.strictEqual(s.output('stdout'), 'total 3\n');
    assert.match(s.output('console'), /0 file\(s\) written/);
    assert.strictEqual(boardFiles(), before);
  });
});
