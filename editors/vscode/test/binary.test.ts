import { strict as assert } from 'assert';
import { test } from 'node:test';
import { findMpdbg, LookupInput } from '../src/binary';

function input(files: string[], extra: Partial<LookupInput> = {}): LookupInput {
  const set = new Set(files);
  return { platform: 'linux', home: '/home/u', pathVar: '/usr/bin:/opt/mp/bin', isExecutable: (f) => set.has(f), ...extra };
}

test('the setting wins over PATH and cargo', () => {
  const r = findMpdbg(input(['/custom/mpdbg', '/usr/bin/mpdbg'], { setting: '/custom/mpdbg' }));
  assert.deepEqual(r, { found: '/custom/mpdbg', from: 'setting' });
});

test('a setting with ~ is taken from the home folder', () => {
  const r = findMpdbg(input(['/home/u/bin/mpdbg'], { setting: '~/bin/mpdbg' }));
  assert.deepEqual(r, { found: '/home/u/bin/mpdbg', from: 'setting' });
});

test('a setting that names no executable is reported, not passed over', () => {
  const r = findMpdbg(input(['/usr/bin/mpdbg'], { setting: '/nowhere/mpdbg' }));
  assert.equal(r.found, undefined);
  assert.match((r as { problem: string }).problem, /mpdbg\.path is "\/nowhere\/mpdbg", which is not an executable/);
});

test('PATH in order, then ~/.cargo/bin', () => {
  assert.deepEqual(findMpdbg(input(['/opt/mp/bin/mpdbg', '/home/u/.cargo/bin/mpdbg'])), { found: '/opt/mp/bin/mpdbg', from: 'PATH' });
  assert.deepEqual(findMpdbg(input(['/home/u/.cargo/bin/mpdbg'])), { found: '/home/u/.cargo/bin/mpdbg', from: 'cargo' });
  assert.deepEqual(findMpdbg(input(['/c/bin/mpdbg'], { cargoHome: '/c' })), { found: '/c/bin/mpdbg', from: 'cargo' });
});

test('an empty setting and empty PATH entries are skipped', () => {
  const r = findMpdbg(input(['/usr/bin/mpdbg'], { setting: '  ', pathVar: '::/usr/bin' }));
  assert.deepEqual(r, { found: '/usr/bin/mpdbg', from: 'PATH' });
});

test('missing: says where it looked and how to install', () => {
  const r = findMpdbg(input([]));
  assert.equal(r.found, undefined);
  const m = r as { problem: string; searched: string[] };
  assert.deepEqual(m.searched, ['/usr/bin/mpdbg', '/opt/mp/bin/mpdbg', '/home/u/.cargo/bin/mpdbg']);
  assert.match(m.problem, /not found on PATH or in \/home\/u\/\.cargo\/bin/);
  assert.match(m.problem, /cargo install --path crates\/mpdbg/);
});

test('Windows: mpdbg.exe and ; separators', () => {
  const r = findMpdbg(input(['C:\\tools\\mpdbg.exe'], { platform: 'win32', pathVar: 'C:\\x;C:\\tools', home: 'C:\\Users\\u' }));
  assert.deepEqual(r, { found: 'C:\\tools\\mpdbg.exe', from: 'PATH' });
});
