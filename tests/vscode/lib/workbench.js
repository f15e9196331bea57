'use strict';
// Bounded waits on VS Code's DOM, each failing with what it awaited and what
// the page showed instead. Conditions run in the page (waitForFunction), so
// a wait ends as soon as the DOM satisfies it.

// Page-side readers, shared by the probes and the failure messages.
const READERS = `
  window.__mpdbgCallStack = () => [...document.querySelectorAll('.debug-call-stack .monaco-list-row .stack-frame')]
    .map((f) => ({
      name: ((f.querySelector('.label') || {}).textContent || '').trim(),
      file: ((f.querySelector('.file-name') || {}).textContent || '').trim(),
      line: ((f.querySelector('.line-number') || {}).textContent || '').trim(),
    }));
  window.__mpdbgVariables = () => [...document.querySelectorAll('.debug-variables .monaco-list-row')]
    .map((r) => ({
      name: ((r.querySelector('.name') || r.querySelector('.scope') || r).textContent || '').trim().replace(/[:=]$/, '').trim(),
      value: ((r.querySelector('.value') || {}).textContent || '').trim(),
      expanded: r.getAttribute('aria-expanded'),
    }));
`;

class Workbench {
  constructor(page, scale = 1) {
    this.page = page;
    this.scale = scale;
  }

  async installReaders() {
    await this.page.addInitScript(READERS);
    await this.page.evaluate(READERS);
  }

  /**
   * Waits until `probe(arg)` (run in the page) returns a truthy value and
   * returns it; on timeout, fails saying what was awaited and what
   * `show()` (run in the page) read then.
   */
  async until(what, probe, arg, { timeoutMs = 20000, show } = {}) {
    const timeout = timeoutMs * this.scale;
    try {
      const handle = await this.page.waitForFunction(probe, arg, { timeout, polling: 'raf' });
      return await handle.jsonValue();
    } catch (e) {
      if (!/Timeout/i.test(e.message)) throw e;
      const seen = show ? await this.page.evaluate(show).catch((err) => `(unreadable: ${err.message})`) : undefined;
      throw new Error(`timed out after ${timeout} ms waiting for ${what}` +
        (seen !== undefined ? `; the page showed ${JSON.stringify(seen)}` : ''));
    }
  }

  async visible(what, locator, timeoutMs = 20000) {
    try {
      await locator.first().waitFor({ state: 'visible', timeout: timeoutMs * this.scale });
    } catch (e) {
      if (!/Timeout/i.test(e.message)) throw e;
      throw new Error(`timed out after ${timeoutMs * this.scale} ms waiting for ${what}`);
    }
    return locator.first();
  }

  async hidden(what, locator, timeoutMs = 20000) {
    try {
      await locator.first().waitFor({ state: 'hidden', timeout: timeoutMs * this.scale });
    } catch (e) {
      if (!/Timeout/i.test(e.message)) throw e;
      throw new Error(`timed out after ${timeoutMs * this.scale} ms waiting for ${what} to go away`);
    }
  }

  /** Waits for the Call Stack's frames to be `names` with the top one at `line`. */
  callStackIs(names, line, timeoutMs) {
    return this.until(`the Call Stack to show ${names.join(' < ')} with the top frame at line ${line}`,
      ({ names, line }) => {
        const frames = window.__mpdbgCallStack();
        const ok = frames.length === names.length && frames.every((f, i) => f.name === names[i]) &&
          frames[0].line.split(':')[0] === String(line);
        return ok && frames;
      }, { names, line }, { timeoutMs, show: () => window.__mpdbgCallStack() });
  }

  /** Waits for each {name: value} to be shown in the Variables view. */
  variablesShow(want, timeoutMs) {
    return this.until(`the Variables view to show ${JSON.stringify(want)}`,
      (want) => {
        const rows = window.__mpdbgVariables();
        const ok = Object.entries(want).every(([n, v]) => rows.some((r) => r.name === n && (v === null || r.value === v)));
        return ok && rows;
      }, want, { timeoutMs, show: () => window.__mpdbgVariables() });
  }
}

module.exports = { Workbench };
