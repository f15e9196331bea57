'use strict';
// Shared setup for the suites that drive `mpdbg dap`.

const assert = require('assert');
const config = require('./config');
const markers = require('./markers');
const { Session } = require('./session');
const { track } = require('./root-hooks');

/**
 * Checks MPDBG_BIN and resolves the debug MicroPython once, in a `before`
 * hook, so a missing binary fails with one clear message per suite.
 */
function requireAdapter() {
  before(function () {
    this.timeout(config.T.build + 10000);
    config.mpdbgBin();
    config.micropython();
  });
}

/** A new tracked session of `mpdbg dap`. */
function start() {
  return track(Session.start());
}

/** The example's absolute path and a marker-line lookup. */
function program(name) {
  const file = config.example(name);
  return { file, name, line: (m) => markers.line(file, m), markers: markers.markersOf(file) };
}

/**
 * Starts a session on an example with breakpoints on the given markers
 * (names, or {marker, condition, hitCondition, logMessage}); returns
 * {s, p, bps} where bps are setBreakpoints' answers in the same order.
 */
async function launchAt(name, bpMarkers = [], opts = {}) {
  const p = program(name);
  const s = start();
  const list = bpMarkers.map((m) => (typeof m === 'string' ? { line: p.line(m) }
    : Object.assign({ line: p.line(m.marker) }, m, { marker: undefined })));
  list.forEach((b) => delete b.marker);
  const r = await s.launch(p.file, Object.assign({}, opts, { breakpoints: list.length ? { [p.file]: list } : {} }));
  return { s, p, bps: list.length ? r.breakpoints[p.file] : [] };
}

/** Asserts the top frame is at `line` of `file` (and in function `name`). */
async function assertAt(s, file, line, name) {
  const f = await s.topFrame();
  const where = `${f.name} at ${f.source && f.source.path}:${f.line}`;
  assert.strictEqual(f.source && f.source.path, file, `stopped in ${where}, expected ${file}:${line}`);
  assert.strictEqual(f.line, line, `stopped in ${where}, expected line ${line}`);
  if (name !== undefined) assert.strictEqual(f.name, name, `stopped in ${where}, expected function ${name}`);
  return f;
}

/** {name: value} of the top frame's Locals (values as shown). */
async function localValues(s, frameId) {
  const out = {};
  for (const [k, v] of Object.entries(await s.locals(frameId))) out[k] = v.value;
  return out;
}

module.exports = { requireAdapter, start, program, launchAt, assertAt, localValues, config };
