'use strict';
// The device the suite runs on, from MPDBG_E2E_DEVICE:
//   local (default)  the built-in debug MicroPython, a process per session
//   pty              a board: the host port's REPL behind a pseudo-terminal
//                    (tests/device/ptyboard.py), started once for the run;
//                    sessions reach it as a serial port
//   qemu             the emulated Cortex-M3 board, started by mpdbg per session
// On a board, launches carry `device` and the examples sync to the board.

const cp = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const config = require('./config');

const NAME = process.env.MPDBG_E2E_DEVICE || 'local';
let board = null; // {proc, path, dir}

function name() {
  return NAME;
}

function isBoard() {
  return NAME !== 'local';
}

/** Starts the pty board (once); resolves with its path. */
function start() {
  if (NAME !== 'pty' || board) return Promise.resolve(board && board.path);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpdbg-e2e-board-'));
  const script = path.join(config.REPO, 'tests', 'device', 'ptyboard.py');
  // A board with a big heap: the reliability suite holds a 1,000,000-item list.
  const args = [script, config.micropython(), dir, '-X', 'heapsize=32M', '--repl'];
  const proc = cp.spawn('python3', args, { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the pty board did not print its path within 10 s (got ${JSON.stringify(out)})`)), 10000);
    proc.on('exit', (code) => reject(new Error(`the pty board exited (code ${code}) before printing its path`)));
    proc.stdout.on('data', (d) => {
      out += d.toString('utf8');
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        board = { proc, path: out.slice(0, nl).trim(), dir };
        resolve(board.path);
      }
    });
  });
}

/** Stops the pty board (closing its stdin ends it). */
function stop() {
  if (!board) return;
  board.proc.stdin.end();
  board = null;
}

/** The launch fields that choose the device. */
function launchFields() {
  if (NAME === 'local') return {};
  if (NAME === 'qemu') return { device: 'qemu' };
  if (NAME === 'pty') {
    if (!board) throw new Error('the pty board is not running: the root hook starts it (lib/root-hooks.js)');
    return { device: board.path };
  }
  throw new Error(`MPDBG_E2E_DEVICE=${NAME}: use local, pty or qemu`);
}

/**
 * The program's stdout as the test compares it: a board's REPL sends each
 * "\n" as "\r\n" (its stdout is cooked by the firmware); exactly that is undone.
 */
function stdoutView(text) {
  return isBoard() ? text.replace(/\r\n/g, '\n') : text;
}

/** Marks a test that needs the local process (pids, the `micropython` field, cwd). */
function localOnly(ctx, why) {
  if (isBoard()) {
    ctx.test.title += ` [local only: ${why}]`;
    ctx.skip();
  }
}

/** The pty board's folder on this machine (its files are the board's files). */
function boardDir() {
  return board && board.dir;
}

module.exports = { name, isBoard, start, stop, launchFields, stdoutView, localOnly, boardDir };
