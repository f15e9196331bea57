'use strict';
// The mpdbg extension in a real VS Code: code-server, driven by Debian's
// chromium through playwright-core. Installs the packaged .vsix, opens
// examples/, sets a breakpoint by clicking the gutter, presses F5 without
// mpdbg installed (the message and its instructions), installs it where
// cargo would, opens the device picker, presses F5 with no launch.json, and
// checks what a user sees: the Call Stack, the named Locals, a step (F10), a
// hover, the Debug Console, Shift+F5 ending the session with no process
// left, and Start Without Debugging running to the end past the breakpoint.
// On failure: a screenshot and the server's log in target/vscode-e2e/.
//
// Environment: MPDBG_BIN (the mpdbg to test), MPDBG_VSCODE_INSTALL (the folder
// install.sh printed), MPDBG_VSIX (default editors/vscode/dist/mpdbg.vsix),
// MPDBG_E2E_TIMEOUT_SCALE (default 1).

const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');
const { CodeServer } = require('./lib/codeserver');
const { Workbench } = require('./lib/workbench');

const REPO = path.resolve(__dirname, '..', '..');
const EXAMPLES = path.join(REPO, 'examples');
const HELLO = path.join(EXAMPLES, 'hello.py');
const ARTIFACTS = path.join(REPO, 'target', 'vscode-e2e');
const CHROMIUM = '/usr/lib/chromium/chromium';
const SCALE = Number(process.env.MPDBG_E2E_TIMEOUT_SCALE || '1') || 1;

function required(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (see the comment at the top of ${__filename})`);
  return v;
}

/** The line of hello.py that holds `marker` (as in `# BP:mean`). */
function markerLine(marker) {
  const lines = fs.readFileSync(HELLO, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(`# BP:${marker}`));
  if (i < 0) throw new Error(`no marker BP:${marker} in ${HELLO}`);
  return i + 1;
}

const t0 = Date.now();
const timings = [];
async function step(name, fn) {
  const start = Date.now();
  process.stdout.write(`  ${name} ... `);
  const r = await fn();
  const ms = Date.now() - start;
  timings.push([name, ms]);
  process.stdout.write(`ok (${ms} ms)\n`);
  return r;
}

async function main() {
  const mpdbg = required('MPDBG_BIN');
  const install = required('MPDBG_VSCODE_INSTALL');
  const vsix = process.env.MPDBG_VSIX || path.join(REPO, 'editors', 'vscode', 'dist', 'mpdbg.vsix');
  for (const [what, p] of [['MPDBG_BIN', mpdbg], ['the .vsix', vsix], ['chromium', CHROMIUM]]) {
    if (!fs.existsSync(p)) throw new Error(`${what} ${p} does not exist`);
  }
  fs.rmSync(ARTIFACTS, { recursive: true, force: true });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mpdbg-vscode-'));
  const home = path.join(root, 'home');
  const cargoBin = path.join(home, '.cargo', 'bin');
  fs.mkdirSync(cargoBin, { recursive: true });
  const cacheDir = process.env.MPDBG_CACHE_DIR || path.join(os.homedir(), '.cache', 'mpdbg');
  const server = new CodeServer({ install, root, home, cacheDir });
  let browser;
  let page;
  try {
    await step('install the .vsix into code-server', async () => server.installExtension(vsix));
    const url = await step('start code-server on examples/', () => server.start(EXAMPLES, 60000 * SCALE));
    browser = await step('start chromium', () => chromium.launch({
      executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    }));
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const wb = new Workbench(page, SCALE);
    await wb.installReaders();
    await scenario(page, wb, url, server, { mpdbg, cargoBin });
  } catch (e) {
    if (page) await page.screenshot({ path: path.join(ARTIFACTS, 'failure.png') }).catch(() => {});
    throw e;
  } finally {
    fs.writeFileSync(path.join(ARTIFACTS, 'code-server.log'), server.log);
    if (browser) await browser.close().catch(() => {});
    await stopServer(server);
    fs.rmSync(root, { recursive: true, force: true });
  }
}

async function scenario(page, wb, url, server, { mpdbg, cargoBin }) {
  const bpLine = markerLine('mean');
  await step('open the workbench', async () => {
    await page.goto(url);
    await wb.visible('the VS Code workbench', page.locator('.monaco-workbench'), 60000);
  });

  await step('open hello.py from the Explorer', async () => {
    const row = await wb.visible('hello.py in the Explorer',
      page.locator('.explorer-folders-view .monaco-list-row').filter({ hasText: /^hello\.py$/ }), 30000);
    await row.click();
    // The extension is active (its breakpoints contribution registered):
    // its device item is in the status bar.
    await wb.visible('the extension\'s "mpdbg: local" status-bar item',
      page.locator('.statusbar-item').filter({ hasText: 'mpdbg: local' }), 30000);
    await wb.visible('hello.py open in the editor', page.locator('.editor-instance .view-lines').filter({ hasText: 'def average' }));
  });

  await step(`click the gutter at line ${bpLine}`, async () => {
    const number = await wb.visible(`line number ${bpLine}`,
      page.locator('.editor-instance .margin .line-numbers').filter({ hasText: new RegExp(`^${bpLine}$`) }));
    const n = await number.boundingBox();
    const glyph = await page.locator('.editor-instance .margin .glyph-margin').first().boundingBox();
    // The breakpoint column is left of the line numbers (the glyph margin).
    const x = glyph && glyph.width > 0 ? glyph.x + glyph.width / 2 : n.x - 8;
    // The gutter answers the mouse once the editor has had focus.
    await page.locator('.editor-instance .view-line').filter({ hasText: 'def average' }).click();
    await page.mouse.move(x, n.y + 2);
    await page.mouse.move(x, n.y + n.height / 2);
    await wb.visible('the breakpoint hint under the mouse in the gutter',
      page.locator('.editor-instance .margin .codicon-debug-hint'), 10000);
    await page.mouse.click(x, n.y + n.height / 2);
    await wb.visible(`a breakpoint dot at line ${bpLine}`, page.locator('.editor-instance .margin .codicon-debug-breakpoint'));
  });

  await step('F5 without mpdbg installed: the message says how to install, its button shows how', async () => {
    await page.locator('.editor-instance .view-lines').first().click();
    await page.keyboard.press('F5');
    const toast = await wb.visible('the "mpdbg was not found" notification',
      page.locator('.notification-toast').filter({ hasText: 'mpdbg was not found' }), 30000);
    const text = await toast.innerText();
    if (!text.includes('cargo install --path crates/mpdbg')) throw new Error(`the notification does not say how to install: ${text}`);
    await toast.locator('.monaco-button').filter({ hasText: 'Installation Instructions' }).click();
    // The preview is a webview: nested frames.
    await wb.visible('the install instructions (the extension\'s README) in a preview',
      page.frameLocator('iframe.webview').frameLocator('iframe').locator('body')
        .filter({ hasText: 'cargo install --path crates/mpdbg' }), 20000);
    // Installed the way the README says: cargo puts it in ~/.cargo/bin.
    fs.symlinkSync(mpdbg, path.join(cargoBin, 'mpdbg'));
    await page.locator('.tab').filter({ hasText: 'hello.py' }).click();
  });

  await step('the device picker (status bar): local first, and why the list is short if it is', async () => {
    await page.locator('.statusbar-item').filter({ hasText: 'mpdbg: local' }).first().click();
    const picker = await wb.visible('the device picker', page.locator('.quick-input-widget'));
    await wb.visible('"local" in the device picker',
      picker.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'local' }), 20000);
    const rows = await picker.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts();
    const placeholder = await picker.locator('.quick-input-box input').getAttribute('placeholder');
    if (rows[0] !== 'local') throw new Error(`the picker's first device is ${JSON.stringify(rows[0])}, not local: ${JSON.stringify(rows)}`);
    // An mpdbg with `devices` lists qemu too; one without says why there is only local.
    if (!rows.includes('qemu') && !/^Only local: this mpdbg has no `devices` command yet/.test(placeholder || '')) {
      throw new Error(`the picker shows ${JSON.stringify(rows)} with the note ${JSON.stringify(placeholder)}`);
    }
    process.stdout.write(`(devices ${JSON.stringify(rows)}${rows.includes('qemu') ? '' : `, note: ${JSON.stringify(placeholder)}`}) `);
    await page.keyboard.press('Enter');
    await wb.hidden('the device picker', picker);
  });

  await step('F5 with no launch.json: stop at the breakpoint', async () => {
    if (fs.existsSync(path.join(EXAMPLES, '.vscode', 'launch.json'))) throw new Error('examples/.vscode/launch.json exists');
    await page.locator('.editor-instance .view-lines').first().click();
    await page.keyboard.press('F5');
    await wb.callStackIs(['average', 'describe', '<module>'], bpLine, 120000);
  });

  await step('the Locals by name (expanding the collapsed scope)', async () => {
    const locals = await wb.visible('the Locals scope in the Variables view',
      page.locator('.debug-variables .monaco-list-row').filter({ hasText: /^Locals$/ }));
    if ((await locals.getAttribute('aria-expanded')) !== 'true') {
      process.stdout.write('(Locals was collapsed: expanding) ');
      await locals.click();
    }
    await wb.variablesShow({ values: '[12, 15, 9, 11]', total: '47', count: '4', v: '11' });
  });

  await step('F10: the next line and the new value', async () => {
    await page.keyboard.press('F10');
    await wb.callStackIs(['average', 'describe', '<module>'], bpLine + 1);
    await wb.variablesShow({ mean: '11.75', total: '47' });
    await wb.visible(`the current-line marker at line ${bpLine + 1}`,
      page.locator('.editor-instance .margin .codicon-debug-stackframe'));
  });

  await step('hover a variable in the editor', async () => {
    const box = await wb.until('`mean` on the return line in the editor', () => {
      for (const line of document.querySelectorAll('.editor-instance .view-line')) {
        if (line.textContent.replace(/\s+/g, ' ').trim() !== 'return mean') continue;
        // The word's own box (a token's span may hold the space before it).
        const span = [...line.querySelectorAll('span span')].find((t) => /\bmean\b/.test(t.textContent));
        const text = span && span.firstChild;
        if (text) {
          const range = document.createRange();
          const at = text.textContent.search(/\bmean\b/);
          range.setStart(text, at);
          range.setEnd(text, at + 4);
          const r = range.getBoundingClientRect();
          return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
        }
      }
      return null;
    }, null, { show: () => [...document.querySelectorAll('.editor-instance .view-line')].map((l) => l.innerHTML).slice(10, 14) });
    await page.mouse.move(box.x - 3, box.y);
    await page.mouse.move(box.x, box.y);
    const hover = await wb.visible('the debug hover', page.locator('.debug-hover-widget').filter({ hasText: '11.75' }), 20000);
    await page.keyboard.press('Escape');
    await wb.hidden('the debug hover', hover).catch(() => {});
  });

  await step('evaluate in the Debug Console', async () => {
    await page.keyboard.press('Control+Shift+Y');
    const input = await wb.visible('the Debug Console input', page.locator('.repl-input-wrapper .view-lines'));
    await input.click();
    await page.keyboard.type('total * 2 + count');
    await page.keyboard.press('Enter');
    await wb.visible('the answer 98 in the Debug Console',
      page.locator('.repl .monaco-list-row .evaluation-result, .repl .monaco-list-row').filter({ hasText: /^98$/ }));
  });

  await step('Shift+F5: the session ends and no process is left', async () => {
    const started = server.descendants().filter((p) => /mpdbg|micropython/.test(p.comm));
    for (const comm of ['mpdbg', 'micropython']) {
      if (!started.some((p) => p.comm === comm)) {
        throw new Error(`no ${comm} process under code-server while debugging: ${JSON.stringify(server.descendants())}`);
      }
    }
    await page.locator('.editor-instance .view-lines').first().click();
    await page.keyboard.press('Shift+F5');
    await wb.hidden('the debug toolbar', page.locator('.debug-toolbar'), 20000);
    await wb.until('the Call Stack to empty', () => window.__mpdbgCallStack().length === 0, null,
      { show: () => window.__mpdbgCallStack() });
    await waitNoProcess(server, started, 10000 * SCALE);
  });

  await step('Run Without Debugging (noDebug): the output in the Debug Console, no stop at the breakpoint', async () => {
    await page.keyboard.press('F1');
    const box = await wb.visible('the command palette', page.locator('.quick-input-widget .quick-input-box input'));
    await box.fill('>Debug: Start Without Debugging');
    await wb.visible('"Debug: Start Without Debugging" in the command palette',
      page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'Debug: Start Without Debugging' }));
    await page.keyboard.press('Enter');
    await wb.visible("the program's output in the Debug Console",
      page.locator('.repl .monaco-list-row').filter({ hasText: 'temperatures: 4 values, mean 11.75' }), 60000);
    await wb.visible("the program's last line in the Debug Console",
      page.locator('.repl .monaco-list-row').filter({ hasText: 'hello True' }), 20000);
    await wb.hidden('the debug toolbar (the run ended)', page.locator('.debug-toolbar'), 20000);
    if ((await wb.page.evaluate(() => window.__mpdbgCallStack().length)) !== 0) {
      throw new Error('the run without debugging stopped: the Call Stack has frames');
    }
    await waitNoProcess(server, [], 10000 * SCALE);
  });
}

/** Waits (bounded) for the session's processes to be gone. */
async function waitNoProcess(server, started, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = started.filter((p) => { try { process.kill(p.pid, 0); return true; } catch { return false; } });
    const stray = server.descendants().filter((p) => /mpdbg|micropython/.test(p.comm));
    if (!alive.length && !stray.length) return;
    if (Date.now() > deadline) {
      throw new Error(`processes left ${timeoutMs} ms after Shift+F5: ${JSON.stringify(alive.concat(stray))}`);
    }
    // Not our children, so no exit event reaches us: look again shortly
    // (bounded by the deadline above).
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function stopServer(server) {
  const left = server.descendants();
  server.stop();
  if (server.proc && server.proc.exitCode === null) {
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, 10000);
      server.proc.on('exit', () => { clearTimeout(timer); resolve(); });
    });
  }
  for (const p of left) {
    try { process.kill(p.pid, 'SIGKILL'); } catch { /* already gone */ }
  }
}

main().then(() => {
  console.log(`vscode e2e: passed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}, (e) => {
  console.log('FAILED');
  console.error(`vscode e2e: ${e.stack || e.message}`);
  console.error(`vscode e2e: screenshot and code-server log in ${ARTIFACTS}`);
  process.exitCode = 1;
});
