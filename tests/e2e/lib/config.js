'use strict';
// Where things are, and how long anything may take.
//
// Environment:
//   MPDBG_BIN               the mpdbg executable (required by the adapter suites)
//   MPDBG_MICROPYTHON       the debug MicroPython; passed as `micropython` in
//                           launch configs. When unset, the suites run
//                           `$MPDBG_BIN micropython build` once and use its
//                           last stdout line.
//   MPDBG_E2E_TIMEOUT_SCALE multiplies every bounded wait (default 1), for slow
//                           machines; latency assertions are not scaled.
//   MPDBG_E2E_TRACE=1       print every DAP message as it passes.

const path = require('path');
const fs = require('fs');
const cp = require('child_process');

const REPO = path.resolve(__dirname, '..', '..', '..');
const EXAMPLES = path.join(REPO, 'examples');
const FIXTURES = path.join(REPO, 'tests', 'oracle', 'fixtures');
const SCALE = Number(process.env.MPDBG_E2E_TIMEOUT_SCALE || '1') || 1;

/** Bounded waits, in ms (scaled). */
const T = {
  request: 10000 * SCALE, // any request's response
  event: 10000 * SCALE, // any awaited event
  launch: 30000 * SCALE, // launch response / first stop (starts an interpreter)
  run: 30000 * SCALE, // a program running to its end or to a breakpoint
  exit: 10000 * SCALE, // processes going away after terminate/disconnect
  build: 600000, // `mpdbg micropython build` from a cold cache
};

/** Latency limits (not scaled): what the tests assert. */
const LATENCY = { pauseMs: 1000, lateBreakpointMs: 1000 };

function mpdbgBin() {
  const bin = process.env.MPDBG_BIN;
  if (!bin) {
    throw new Error('MPDBG_BIN is not set: set it to the path of the mpdbg executable ' +
      '(e.g. MPDBG_BIN=$PWD/target/release/mpdbg after `cargo build --release -p mpdbg`)');
  }
  if (!path.isAbsolute(bin)) {
    throw new Error(`MPDBG_BIN must be an absolute path, got '${bin}'`);
  }
  try {
    fs.accessSync(bin, fs.constants.X_OK);
  } catch (e) {
    throw new Error(`MPDBG_BIN='${bin}' is not an executable file (${e.code})`);
  }
  return bin;
}

let micropythonPath;
/** The debug MicroPython: $MPDBG_MICROPYTHON, else built (once) by mpdbg. */
function micropython() {
  if (micropythonPath) return micropythonPath;
  if (process.env.MPDBG_MICROPYTHON) {
    micropythonPath = process.env.MPDBG_MICROPYTHON;
  } else {
    const r = cp.spawnSync(mpdbgBin(), ['micropython', 'build'], {
      encoding: 'utf8', timeout: T.build, stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (r.error || r.status !== 0) {
      throw new Error(`'${mpdbgBin()} micropython build' failed ` +
        `(${r.error ? r.error.message : 'exit ' + r.status}):\n${r.stderr}`);
    }
    const lines = r.stdout.trim().split('\n');
    micropythonPath = lines[lines.length - 1];
  }
  if (!path.isAbsolute(micropythonPath) || !fs.existsSync(micropythonPath)) {
    throw new Error(`the debug MicroPython '${micropythonPath}' does not exist`);
  }
  return micropythonPath;
}

function example(name) {
  return path.join(EXAMPLES, name);
}

module.exports = { REPO, EXAMPLES, FIXTURES, T, LATENCY, SCALE, mpdbgBin, micropython, example };
