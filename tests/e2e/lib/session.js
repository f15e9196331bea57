'use strict';
// One debug session: the adapter process (`mpdbg dap` on stdio) driven by
// Microsoft's DebugClient from @vscode/debugadapter-testsupport.
//
// We spawn the adapter ourselves and wire it with DebugClient's connect(),
// the same path DebugClient.start() takes, so DebugClient's own timeouts stay
// on (they are off in its start(port) mode) and its message parser reads the
// adapter's framing exactly as in Microsoft's own adapter tests. On top:
//
// - every request and every wait is bounded and fails with a message that
//   says what was awaited, plus the tail of the DAP transcript and of the
//   adapter's stderr;
// - events are buffered from the start, so an event that arrives before the
//   test waits for it is not lost (DebugClient.waitForEvent() only sees
//   events emitted after it is called);
// - if the adapter exits, every pending wait fails at once, saying so;
// - a body that is not JSON fails the session instead of throwing inside the
//   stream handler.

const cp = require('child_process');
const { randomUUID } = require('crypto');
const { DebugClient } = require('@vscode/debugadapter-testsupport');
const config = require('./config');
const device = require('./device');

const TRACE = process.env.MPDBG_E2E_TRACE === '1';
const TAIL = 40;

/** The initialize arguments VS Code sends (minus reverse-request support). */
const VSCODE_INITIALIZE = {
  clientID: 'vscode',
  clientName: 'Visual Studio Code',
  adapterID: 'mpdbg',
  pathFormat: 'path',
  linesStartAt1: true,
  columnsStartAt1: true,
  supportsVariableType: true,
  supportsVariablePaging: true,
  supportsRunInTerminalRequest: false,
  locale: 'en',
  supportsProgressReporting: true,
  supportsInvalidatedEvent: true,
  supportsMemoryReferences: true,
};

class RecordingClient extends DebugClient {
  constructor(session) {
    super('unused', 'unused', 'mpdbg', {}, false);
    this.session = session;
    this.defaultTimeout = config.T.event;
  }

  // Called by ProtocolClient.handleData for every complete body.
  dispatch(body) {
    let msg;
    try {
      msg = JSON.parse(body);
    } catch (e) {
      this.session._fail(`the adapter sent a body that is not JSON: ${JSON.stringify(body.slice(0, 300))}`);
      return;
    }
    this.session._received(msg);
    if (msg.type === 'request') return; // reverse request: answered by the session
    super.dispatch(body);
  }

  /** Sends a request; resolves with the whole response, success or not. */
  sendRaw(command, args) {
    return new Promise((resolve) => this.doSend(command, args, resolve));
  }
}

class Session {
  /**
   * Spawns `<MPDBG_BIN> dap` (or `bin args...` for harness self-tests) and
   * connects a DebugClient to its stdio.
   */
  static start(opts = {}) {
    const s = new Session(opts);
    s._spawn();
    return s;
  }

  constructor(opts) {
    this.bin = opts.bin || config.mpdbgBin();
    this.args = opts.args || ['dap'];
    this.env = Object.assign({}, process.env, opts.env || {});
    this.transcript = []; // [{dir, t, msg}]
    this.eventLog = []; // every event, in order
    this.pending = []; // events not yet taken by nextEvent()
    this.waiters = new Set(); // {check, reject}
    this.stderr = '';
    this.failure = null; // a protocol-level failure; fails every wait
    this.exit = null; // {code, signal} once the adapter has exited
    this.expectExit = false;
    this.threadId = null;
    this.t0 = Date.now();
  }

  _spawn() {
    this.proc = cp.spawn(this.bin, this.args, { env: this.env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.pid = this.proc.pid;
    this.proc.stderr.on('data', (d) => {
      this.stderr += d.toString('utf8');
      if (this.stderr.length > 20000) this.stderr = this.stderr.slice(-20000);
    });
    this.proc.on('error', (e) => this._fail(`could not start the adapter '${this.bin} ${this.args.join(' ')}': ${e.message}`));
    this.proc.on('exit', (code, signal) => {
      this.exit = { code, signal };
      this._note('--', `adapter exited: code ${code} signal ${signal}`);
      this._poke();
    });
    this.proc.stdin.on('error', () => {}); // EPIPE after the adapter exits: reported via 'exit'
    this.dc = new RecordingClient(this);
    this.dc.connect(this.proc.stdout, this.proc.stdin);
  }

  // ---- bookkeeping -----------------------------------------------------------

  _note(dir, msg) {
    const t = Date.now() - this.t0;
    // A run of messages that differ only in seq is kept once, with a count,
    // so a flood (e.g. thousands of identical output events) hides nothing.
    const text = `${dir} ${summarise(msg).replace(/"seq":\d+,?/, '')}`;
    const last = this.transcript[this.transcript.length - 1];
    if (last && last.text === text) {
      last.count++;
      last.last = t;
    } else {
      this.transcript.push({ dir, t, last: t, msg, text, count: 1 });
      if (this.transcript.length > 4000) this.transcript.splice(0, 2000);
    }
    if (TRACE) console.log(`    [${t}ms] ${dir} ${summarise(msg)}`);
  }

  _received(msg) {
    this._note('<-', msg);
    if (msg.type === 'event') {
      this.eventLog.push(msg);
      this.pending.push(msg);
      if (msg.event === 'stopped' && msg.body && msg.body.threadId !== undefined) {
        this.threadId = msg.body.threadId;
      }
    } else if (msg.type === 'request') {
      // We announce no reverse requests; answer any with a failure.
      this.writeMessage({ type: 'response', request_seq: msg.seq, success: false, command: msg.command,
        message: 'the e2e test client supports no reverse requests' });
    }
    this._poke();
  }

  _fail(why) {
    if (!this.failure) this.failure = why;
    this._note('!!', why);
    this._poke();
  }

  _poke() {
    for (const w of [...this.waiters]) w.check();
  }

  /** The last DAP messages and stderr lines, for failure messages. */
  diagnostics(n = TAIL) {
    const lines = this.transcript.slice(-n).map((e) => (e.count > 1
      ? `  [${e.t}-${e.last}ms] ${e.text}  (×${e.count})` : `  [${e.t}ms] ${e.text}`));
    const err = this.stderr.trim().split('\n').slice(-15).map((l) => '  ' + l).join('\n');
    return `last DAP messages:\n${lines.join('\n')}\n` +
      `adapter stderr (tail):\n${err || '  (empty)'}` +
      (this.exit ? `\nadapter exited: code ${this.exit.code}, signal ${this.exit.signal}` : '');
  }

  /**
   * Waits until `probe()` returns a value other than undefined; bounded.
   * Fails early if the adapter exits (unless `allowExit`) or misbehaves.
   */
  waitUntil(probe, what, timeout = config.T.event, { allowExit = false } = {}) {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const w = {};
      const done = (fn, arg) => {
        clearTimeout(w.timer);
        this.waiters.delete(w);
        fn(arg);
      };
      w.check = () => {
        let v;
        try {
          v = probe();
        } catch (e) {
          return done(reject, e);
        }
        if (v !== undefined) return done(resolve, v);
        if (this.failure) return done(reject, this._error(`while waiting for ${what}: ${this.failure}`));
        if (this.exit && !allowExit && !this.expectExit) {
          return done(reject, this._error(`the adapter exited while the test waited for ${what}`));
        }
      };
      w.timer = setTimeout(() => done(reject, this._error(
        `timed out after ${Date.now() - started} ms waiting for ${what}`)), timeout);
      this.waiters.add(w);
      w.check();
    });
  }

  _error(text) {
    const e = new Error(`${text}\n${this.diagnostics()}`);
    return e;
  }

  // ---- requests ----------------------------------------------------------------

  /** Sends a request; resolves with the whole response (success or not); bounded. */
  async requestRaw(command, args, timeout = config.T.request) {
    if (this.exit && !this.expectExit) throw this._error(`cannot send '${command}': the adapter has exited`);
    const seqBefore = this.dc.sequence;
    this._note('->', { type: 'request', seq: seqBefore, command, arguments: args });
    let response;
    const sent = this.dc.sendRaw(command, args).then((r) => { response = r; this._poke(); });
    await this.waitUntil(() => (response ? true : undefined), `the response to '${command}'`, timeout);
    await sent;
    return response;
  }

  /** Sends a request; resolves with the response, rejects (with its message) on failure. */
  async request(command, args, timeout) {
    const r = await this.requestRaw(command, args, timeout);
    if (!r.success) {
      const detail = r.body && r.body.error ? ` (${JSON.stringify(r.body.error)})` : '';
      const e = this._error(`'${command}' ${JSON.stringify(args || {}).slice(0, 300)} failed: ${r.message}${detail}`);
      e.response = r;
      throw e;
    }
    return r;
  }

  /** Writes raw bytes to the adapter's stdin (for malformed-input tests). */
  writeRaw(bytes) {
    this._note('->', `raw ${JSON.stringify(bytes.toString('utf8').slice(0, 200))}`);
    this.proc.stdin.write(bytes);
  }

  writeMessage(msg) {
    const body = Buffer.from(JSON.stringify(msg), 'utf8');
    this._note('->', msg);
    this.proc.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
  }

  // ---- events ------------------------------------------------------------------

  /** Takes the oldest not-yet-taken event named `name` that passes `filter`. */
  nextEvent(name, { timeout = config.T.event, filter = () => true, what, allowExit = false } = {}) {
    return this.waitUntil(() => {
      const i = this.pending.findIndex((e) => e.event === name && filter(e));
      if (i < 0) return undefined;
      return this.pending.splice(i, 1)[0];
    }, what || `event '${name}'`, timeout, { allowExit });
  }

  /** All events named `name` received so far (taken or not). */
  events(name) {
    return this.eventLog.filter((e) => e.event === name);
  }

  /** Concatenated `output` of every output event of a category. */
  output(category = 'stdout') {
    const text = this.events('output').filter((e) => (e.body.category || 'console') === category)
      .map((e) => e.body.output).join('');
    return category === 'console' ? text : device.stdoutView(text);
  }

  /** The output of a category exactly as the adapter sent it. */
  rawOutput(category = 'stdout') {
    return this.events('output').filter((e) => (e.body.category || 'console') === category)
      .map((e) => e.body.output).join('');
  }

  /** Waits until the concatenated output of `category` contains `text`. */
  waitForOutput(text, { category = 'stdout', timeout = config.T.run } = {}) {
    return this.waitUntil(() => (this.output(category).includes(text) ? true : undefined),
      `${JSON.stringify(text)} in the ${category} output (so far: ${JSON.stringify(this.output(category).slice(-200))})`,
      timeout);
  }

  /**
   * The next 'stopped' event; asserts its reason when given. Also fails if
   * the program terminates first, saying so.
   */
  async stopped(reason, { timeout = config.T.run, what } = {}) {
    const ev = await this.waitUntil(() => {
      const i = this.pending.findIndex((e) => e.event === 'stopped' || e.event === 'terminated');
      if (i < 0) return undefined;
      const e = this.pending[i];
      if (e.event === 'terminated') {
        throw this._error(`the session terminated while waiting for ${what || `a stop (${reason || 'any reason'})`}`);
      }
      return this.pending.splice(i, 1)[0];
    }, what || `a 'stopped' event${reason ? ` with reason '${reason}'` : ''}`, timeout);
    if (reason && ev.body.reason !== reason) {
      throw this._error(`expected a stop with reason '${reason}', got ${JSON.stringify(ev.body)}`);
    }
    return ev.body;
  }

  /** Asserts that the program ends: 'exited' (optionally with a code) and 'terminated'. */
  async ended({ exitCode, timeout = config.T.run } = {}) {
    const stray = () => this.pending.find((e) => e.event === 'stopped');
    const term = await this.waitUntil(() => {
      const s = stray();
      if (s) throw this._error(`expected the program to end, but it stopped: ${JSON.stringify(s.body)}`);
      return this.pending.find((e) => e.event === 'terminated');
    }, "the 'terminated' event", timeout, { allowExit: true });
    const exited = this.events('exited');
    if (exitCode !== undefined) {
      if (exited.length !== 1) throw this._error(`expected one 'exited' event before 'terminated', got ${exited.length}`);
      if (exitCode === 'nonzero') {
        if (!(exited[0].body.exitCode > 0)) throw this._error(`expected a non-zero exit code, got ${exited[0].body.exitCode}`);
      } else if (exited[0].body.exitCode !== exitCode) {
        throw this._error(`expected exit code ${exitCode}, got ${exited[0].body.exitCode}`);
      }
      if (this.eventLog.indexOf(exited[0]) > this.eventLog.indexOf(term)) {
        throw this._error("'exited' arrived after 'terminated'");
      }
    }
    return exited.length ? exited[0].body.exitCode : undefined;
  }

  // ---- the usual sequences ----------------------------------------------------

  async initialize(args = VSCODE_INITIALIZE) {
    const r = await this.request('initialize', args);
    this.capabilities = r.body || {};
    return this.capabilities;
  }

  /**
   * VS Code's launch sequence: launch (whose response may come only after
   * configurationDone), then on 'initialized': setBreakpoints per file,
   * setExceptionBreakpoints, configurationDone; then the launch response.
   * `breakpoints`: {absPath: [line | {line, condition, hitCondition, logMessage}]};
   * `functionBreakpoints`: names, answered in `breakpoints.functions`.
   * Returns {launch, breakpoints: {absPath: response body breakpoints}}.
   */
  async launch(program, { args = [], stopOnEntry = false, breakpoints = {}, exceptionFilters = [],
    cwd = config.EXAMPLES, extra = {}, micropython = true, launchTimeout = config.T.launch, functionBreakpoints } = {}) {
    if (!this.capabilities) await this.initialize();
    const launchArgs = Object.assign({
      type: 'mpdbg', request: 'launch', name: 'mpdbg e2e', program, args, cwd, stopOnEntry,
      __sessionId: randomUUID(),
    }, micropython ? { micropython: config.micropython() } : {}, device.launchFields(), extra);
    let launchResponse;
    this._note('->', { type: 'request', seq: this.dc.sequence, command: 'launch', arguments: launchArgs });
    const launching = this.dc.sendRaw('launch', launchArgs).then((r) => { launchResponse = r; this._poke(); });
    await this.waitUntil(() => {
      if (launchResponse && !launchResponse.success) {
        throw this._error(`launch failed: ${launchResponse.message} ${JSON.stringify(launchResponse.body || {})}`);
      }
      return this.events('initialized').length ? true : undefined;
    }, "the 'initialized' event after launch", launchTimeout);
    const bps = {};
    for (const [file, list] of Object.entries(breakpoints)) {
      bps[file] = await this.setBreakpoints(file, list);
    }
    if (functionBreakpoints) {
      const r = await this.request('setFunctionBreakpoints', { breakpoints: functionBreakpoints.map((name) => ({ name })) });
      bps.functions = r.body.breakpoints;
    }
    // Like VS Code: only to an adapter that has exception filters.
    if ((this.capabilities.exceptionBreakpointFilters || []).length || exceptionFilters.length) {
      await this.request('setExceptionBreakpoints', { filters: exceptionFilters });
    }
    if (this.capabilities.supportsConfigurationDoneRequest) await this.request('configurationDone');
    await this.waitUntil(() => launchResponse, 'the launch response', launchTimeout);
    await launching;
    if (!launchResponse.success) {
      throw this._error(`launch failed: ${launchResponse.message} ${JSON.stringify(launchResponse.body || {})}`);
    }
    return { launch: launchResponse, breakpoints: bps };
  }

  /** setBreakpoints for one file; returns the response's breakpoints. */
  async setBreakpoints(file, list) {
    const breakpoints = list.map((b) => (typeof b === 'number' ? { line: b } : b));
    const r = await this.request('setBreakpoints', {
      source: { path: file, name: require('path').basename(file) },
      breakpoints, lines: breakpoints.map((b) => b.line),
    });
    if (!r.body || !Array.isArray(r.body.breakpoints) || r.body.breakpoints.length !== breakpoints.length) {
      throw this._error(`setBreakpoints returned ${JSON.stringify(r.body)} for ${breakpoints.length} breakpoints`);
    }
    return r.body.breakpoints;
  }

  async stackTrace(args = {}) {
    const r = await this.request('stackTrace', Object.assign({ threadId: this.threadId }, args));
    return r.body;
  }

  async topFrame() {
    const st = await this.stackTrace({ startFrame: 0, levels: 1 });
    if (!st.stackFrames.length) throw this._error('stackTrace returned no frames while stopped');
    return st.stackFrames[0];
  }

  async scopes(frameId) {
    return (await this.request('scopes', { frameId })).body.scopes;
  }

  async scope(frameId, name) {
    const s = (await this.scopes(frameId)).find((x) => x.name === name);
    if (!s) throw this._error(`no '${name}' scope for frame ${frameId}`);
    return s;
  }

  async variables(variablesReference, extra = {}) {
    return (await this.request('variables', Object.assign({ variablesReference }, extra))).body.variables;
  }

  /** {name: variable} of the top frame's Locals. */
  async locals(frameId) {
    if (frameId === undefined) frameId = (await this.topFrame()).id;
    const s = await this.scope(frameId, 'Locals');
    const out = {};
    for (const v of await this.variables(s.variablesReference)) out[v.name] = v;
    return out;
  }

  async evaluate(expression, context = 'repl', frameId) {
    if (frameId === undefined) frameId = (await this.topFrame()).id;
    return this.requestRaw('evaluate', { expression, frameId, context });
  }

  async continue() {
    return this.request('continue', { threadId: this.threadId });
  }

  /** Kills the adapter at once (for adapters that cannot be talked to). */
  kill() {
    this.expectExit = true;
    if (!this.exit) this.proc.kill('SIGKILL');
  }

  /**
   * Ends the session: disconnect (bounded), then wait for the adapter to
   * exit; kills it if it does not. Never throws; returns what happened.
   */
  async close({ disconnectArgs = { terminateDebuggee: true } } = {}) {
    const report = { disconnected: false, exited: false, killed: false };
    if (!this.exit && !this.proc.killed) {
      this.expectExit = true;
      try {
        const r = await this.requestRaw('disconnect', disconnectArgs, config.T.request);
        report.disconnected = r.success;
      } catch (e) {
        report.error = e.message.split('\n')[0];
      }
      try {
        await this.waitUntil(() => (this.exit ? true : undefined), 'the adapter to exit', config.T.exit, { allowExit: true });
        report.exited = true;
      } catch (e) {
        this.proc.kill('SIGKILL');
        report.killed = true;
      }
    } else {
      report.exited = true;
    }
    for (const w of [...this.waiters]) {
      clearTimeout(w.timer);
      this.waiters.delete(w);
    }
    return report;
  }
}

function summarise(msg) {
  if (typeof msg === 'string') return msg;
  let s = JSON.stringify(msg);
  if (s.length > 400) s = s.slice(0, 400) + `… (${s.length} chars)`;
  return s;
}

module.exports = { Session, VSCODE_INITIALIZE };
