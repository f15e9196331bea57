import { strict as assert } from 'assert';
import { test } from 'node:test';
import { deviceDetail, listDevices, LOCAL, parseDevices, RunResult } from '../src/devices';

// What `mpdbg devices --json` prints by its contract (the serial-board work).
const CONTRACT_OUTPUT = JSON.stringify([
  { name: 'local', description: 'built-in debug MicroPython', vid: null, pid: null, serialNumber: null, product: null, micropython: true },
  { name: 'qemu', description: 'emulated Cortex-M3 board', vid: null, pid: null, serialNumber: null, product: null, micropython: true },
  { name: '/dev/ttyACM0', description: 'Raspberry Pi Pico', vid: 0x2e8a, pid: 0x0005, serialNumber: 'E66058388B2F4B2E', product: 'Board in FS mode', micropython: true, probe: { version: '1.24.0' } },
  { name: '/dev/ttyUSB0', description: 'CP2102 bridge', vid: '10c4', pid: 'ea60', serialNumber: '0001', product: 'CP2102 USB to UART', micropython: false, extra: 'ignored' },
]);

const ok = (stdout: string): (() => Promise<RunResult>) => async () => ({ code: 0, stdout, stderr: '' });

test('parses the contract: names, ids, flags, probe; unknown fields ignored', () => {
  const d = parseDevices(CONTRACT_OUTPUT);
  assert.deepEqual(d.map((x) => x.name), ['local', 'qemu', '/dev/ttyACM0', '/dev/ttyUSB0']);
  assert.deepEqual(d[2], {
    name: '/dev/ttyACM0', description: 'Raspberry Pi Pico', vid: 0x2e8a, pid: 5, serialNumber: 'E66058388B2F4B2E',
    product: 'Board in FS mode', micropython: true, probe: { version: '1.24.0' },
  });
  assert.equal(d[3].micropython, false);
  assert.equal(d[0].vid, undefined);
  assert.equal(deviceDetail(d[2]), 'Board in FS mode · 2e8a:0005 · serial E66058388B2F4B2E · MicroPython');
  assert.equal(deviceDetail(d[3]), 'CP2102 USB to UART · 10c4:ea60 · serial 0001');
  assert.equal(deviceDetail(d[0]), '');
});

test('output that breaks the contract is an error saying how', () => {
  assert.throws(() => parseDevices('devices:'), /not JSON/);
  assert.throws(() => parseDevices('{"name":"local"}'), /not a JSON array/);
  assert.throws(() => parseDevices('[3]'), /item 0 is not an object/);
  assert.throws(() => parseDevices('[{"name":"local"},{"description":"x"}]'), /item 1 has no "name"/);
});

test('listDevices: the command\'s list, in its order', async () => {
  const l = await listDevices(ok(CONTRACT_OUTPUT));
  assert.equal(l.note, undefined);
  assert.deepEqual(l.devices.map((d) => d.name), ['local', 'qemu', '/dev/ttyACM0', '/dev/ttyUSB0']);
});

test('listDevices: local is offered even if the list lacks it', async () => {
  const l = await listDevices(ok('[{"name":"/dev/ttyACM0","micropython":true}]'));
  assert.deepEqual(l.devices.map((d) => d.name), ['local', '/dev/ttyACM0']);
});

test('an mpdbg without the devices command: local only, and why', async () => {
  const stderr = "error: unrecognized subcommand 'devices'\n\nUsage: mpdbg <COMMAND>\n";
  const l = await listDevices(async () => ({ code: 2, stdout: '', stderr }));
  assert.deepEqual(l.devices, [LOCAL]);
  assert.match(l.note!, /no `devices` command yet/);
});

test('a failing command, garbage, or no binary: local only, and why', async () => {
  const failed = await listDevices(async () => ({ code: 1, stdout: '', stderr: 'mpdbg: error: cannot list serial ports: permission denied\n' }));
  assert.deepEqual(failed.devices, [LOCAL]);
  assert.match(failed.note!, /failed: mpdbg: error: cannot list serial ports/);
  const garbage = await listDevices(ok('<html>'));
  assert.match(garbage.note!, /printed no device list: not JSON/);
  const missing = await listDevices(async () => ({ code: null, stdout: '', stderr: '', error: 'mpdbg was not found on PATH' }));
  assert.match(missing.note!, /could not list devices: mpdbg was not found/);
  const thrown = await listDevices(async () => { throw new Error('spawn EACCES'); });
  assert.match(thrown.note!, /spawn EACCES/);
});
