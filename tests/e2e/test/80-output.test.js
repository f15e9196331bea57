'use strict';
// Program output: every byte output.py writes arrives, in order, as 'output'
// events of category 'stdout'. The reference is the exact stdout of CPython
// running it (tests/oracle/fixtures/output.py.stdout; MicroPython writes the
// same bytes). DAP output is text: the adapter decodes the byte stream as
// UTF-8 with replacement (U+FFFD per maximal invalid subpart, as
// Buffer#toString and Rust's from_utf8_lossy do), across chunk boundaries:
// a character split between two writes arrives whole.

const assert = require('assert');
const device = require('../lib/device');
const fs = require('fs');
const path = require('path');
const { requireAdapter, launchAt, config } = require('../lib/common');

const RAW = fs.readFileSync(path.join(config.FIXTURES, 'output.py.stdout'));
const EXPECTED = RAW.toString('utf8');

function firstDifference(got, want) {
  let i = 0;
  while (i < got.length && i < want.length && got[i] === want[i]) i++;
  const ctx = (s) => JSON.stringify(s.slice(Math.max(0, i - 40), i + 40));
  return `first difference at character ${i} of ${want.length} (got ${got.length}):\n` +
    `  got:  ${ctx(got)}\n  want: ${ctx(want)}`;
}

function assertOutput(s) {
  const got = s.output('stdout');
  if (got !== EXPECTED) assert.fail(`stdout differs from the program's output; ${firstDifference(got, EXPECTED)}`);
}

describe('program output', function () {
  requireAdapter();

  it('the reference output has what the test is about', function () {
    // Guards the fixture, so the comparisons below cannot pass vacuously.
    assert.ok(RAW.length > 100000);
    for (const b of [0x00, 0x07, 0x1b, 0x0d, 0x80, 0xfe, 0xff]) assert.ok(RAW.includes(b), `no byte ${b}`);
    assert.ok(EXPECTED.includes('\ufffd'), 'no invalid UTF-8 in the reference');
    assert.ok(EXPECTED.includes('split utf-8: \u2713'), 'the split character did not decode whole');
    assert.ok(EXPECTED.endsWith('no newline at end'));
  });

  it('arrives byte-exact (as UTF-8 with replacement) and in order, running straight through', async function () {
    const { s } = await launchAt('output.py');
    await s.ended({ exitCode: 0 });
    assertOutput(s);
  });

  it('arrives byte-exact when the program stops between the writes', async function () {
    device.needsHeap(this, 1024 * 1024, "output.py's 100,000-character line");
    const { s, p } = await launchAt('output.py', ['section', 'partial', 'long', 'binary', 'last_write']);
    for (let i = 0; i < 50; i++) {
      const ev = await s.waitUntil(() => s.pending.find((e) => e.event === 'stopped' || e.event === 'terminated'),
        'a stop or the end of output.py', config.T.run);
      if (ev.event === 'terminated') break;
      await s.stopped('breakpoint');
      const top = await s.topFrame();
      if (top.line === p.line('binary')) {
        // Everything written before this line has arrived by now.
        const before = EXPECTED.slice(0, EXPECTED.indexOf('\u0000\u0001\u0002\u0003'));
        await s.waitUntil(() => (s.output('stdout') === before ? true : undefined),
          `the output before the binary write, while stopped (${firstDifference(s.output('stdout'), before)})`, config.T.event);
      }
      await s.continue();
    }
    await s.ended({ exitCode: 0 });
    assertOutput(s);
  });

  it('a partial line (no newline) is delivered while the program is stopped', async function () {
    const { s, p } = await launchAt('output.py', ['partial']);
    await s.stopped('breakpoint');
    await s.request('next', { threadId: s.threadId });
    await s.stopped('step');
    assert.strictEqual((await s.topFrame()).line, p.line('partial') + 1);
    await s.waitForOutput('crlf\r\nline\npartial ', { timeout: config.T.event });
    await s.setBreakpoints(p.file, []);
    await s.continue();
    await s.ended({ exitCode: 0 });
    assertOutput(s);
  });

  it('program output is category stdout; nothing of the adapter\'s own is mixed into it', async function () {
    const { s } = await launchAt('hello.py');
    await s.ended({ exitCode: 0 });
    const cats = new Set(s.events('output').map((e) => e.body.category));
    assert.ok(cats.has('stdout'), `categories: ${[...cats]}`);
    const stdout = s.output('stdout');
    assert.strictEqual(stdout, 'temperatures: 4 values, mean 11.75\nhello True\n');
  });
});
