'use strict';
// The device the suite runs on, from MPDBG_E2E_DEVICE:
//   local (default)  the built-in debug MicroPython, a process per session
//   pty              a board: the host port's REPL behind a pseudo-terminal
//                    (tests/device/ptyboard.py), started once for the run;
//                    sessions reach it as a serial port
//   qemu             the emulated Cortex-M3 board (`mpdbg emulate`), started
//                    once for the run; sessions reach its UART's pty
//   port             a board that is already there: MPDBG_E2E_PORT names its
//                    port (/dev/ttyACM0, or a pty a board of your own opened)
// On a board, launches carry `device` and the examples sync to the board.
// (`"device": "qemu"`, which starts a board per session, has its own test.)

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

/** The board's process: [command, args]. */
function boardCommand(dir) {
  if (NAME === 'pty') {
    const script = path.join(config.REPO, 'tests', 'device', 'ptyboard.py');
    // A board with a big heap: the reliability suite holds a 1,000,000-item list.
    return ['python3', [script, config.micropython(), dir, '-X', 'heapsize=32M', '--repl']];
  }
  return [config.mpdbgBin(), ['emulate']];
}

/** Starts the board (once); resolves with the path of its port. */
function start() {
  if (NAME === 'port' && !board) {
    if (!process.env.MPDBG_E2E_PORT) return Promise.reject(new Error('MPDBG_E2E_DEVICE=port needs MPDBG_E2E_PORT (the board\'s port)'));
    board = { proc: null, path: process.env.MPDBG_E2E_PORT, dir: undefined };
  }
  if (!isBoard() || board) return Promise.resolve(board && board.path);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpdbg-e2e-board-'));
  const [cmd, args] = boardCommand(dir);
  const proc = cp.spawn(cmd, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const bound = 120000; // `mpdbg emulate` may build the firmware first
    const timer = setTimeout(() => reject(new Error(`the ${NAME} board did not print its port within ${bound / 1000} s (got ${JSON.stringify(out)})`)), bound);
    proc.on('exit', (code) => reject(new Error(`the ${NAME} board (${cmd} ${args.join(' ')}) exited (code ${code}) before printing its port`)));
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

/** Stops the board (the pty board ends with its stdin, `mpdbg emulate` on SIGTERM). */
function stop() {
  if (!board) return;
  if (!board.proc) {
    board = null;
    return;
  }
  board.proc.stdin.end();
  if (NAME === 'qemu') board.proc.kill('SIGTERM');
  board = null;
}

/** The launch fields that choose the device. */
function launchFields() {
  if (NAME === 'local') return {};
  if (!['pty', 'qemu', 'port'].includes(NAME)) throw new Error(`MPDBG_E2E_DEVICE=${NAME}: use local, pty, qemu or port`);
  if (!board) throw new Error(`the ${NAME} board is not running: the root hook starts it (lib/root-hooks.js)`);
  return { device: board.path };
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
    (ctx.currentTest || ctx.test).title += ` [local only: ${why}]`;
    ctx.skip();
  }
}

/** Heap the board gives programs, in bytes (the local interpreter: unbounded here). */
const HEAP = { local: Infinity, pty: 32 * 1024 * 1024, qemu: 192 * 1024, port: 192 * 1024 };

/** Skips a test whose program or values need more heap than the board has. */
function needsHeap(ctx, bytes, what) {
  if (HEAP[NAME] < bytes) {
    (ctx.currentTest || ctx.test).title += ` [needs ${Math.round(bytes / 1024)} KB of heap for ${what}; the ${NAME} board has ${Math.round(HEAP[NAME] / 1024)} KB]`;
    ctx.skip();
  }
}

/** The pty board's folder on this machine (its files are the board's files); the qemu board's are in its RAM. */
function boardDir() {
  return NAME === 'pty' && board ? board.dir : undefined;
}

module.exports = { name, isBoard, start, stop, launchFields, stdoutView, localOnly, needsHeap, boardDir };
