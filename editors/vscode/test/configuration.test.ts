import { strict as assert } from 'assert';
import { test } from 'node:test';
import { attachServer, dynamicConfigurations, NO_PYTHON_FILE, resolveConfiguration } from '../src/configuration';

const py = { file: '/w/examples/hello.py', languageId: 'python', folder: '/w/examples' };

test('F5 without launch.json debugs the active Python file on the selected device', () => {
  const r = resolveConfiguration({}, py, '/dev/ttyACM0');
  assert.deepEqual(r, {
    config: {
      type: 'mpdbg', request: 'launch', name: 'mpdbg: current file', program: '/w/examples/hello.py',
      cwd: '/w/examples', stopOnEntry: false, device: '/dev/ttyACM0',
    },
  });
});

test('without a workspace folder the file\'s folder is the cwd', () => {
  const r = resolveConfiguration({}, { file: '/tmp/a/b.py', languageId: 'python' }, 'local');
  assert.equal('config' in r && r.config.cwd, '/tmp/a');
});

test('F5 on a file that is not Python (or no editor) says what to do', () => {
  assert.deepEqual(resolveConfiguration({}, { file: '/w/notes.md', languageId: 'markdown' }, 'local'), { error: NO_PYTHON_FILE });
  assert.deepEqual(resolveConfiguration({}, {}, 'local'), { error: NO_PYTHON_FILE });
});

test('a launch.json entry keeps its own fields; the device fills in only when absent', () => {
  const own = { type: 'mpdbg', request: 'launch', name: 'x', program: '/w/a.py', device: 'qemu', env: { A: '1' } };
  assert.deepEqual(resolveConfiguration(own, py, 'local'), { config: own });
  const noDevice = { type: 'mpdbg', request: 'launch', name: 'x', program: '/w/a.py' };
  assert.deepEqual(resolveConfiguration(noDevice, py, 'auto'), { config: { ...noDevice, device: 'auto' } });
});

test('a launch without program takes the active Python file', () => {
  const r = resolveConfiguration({ type: 'mpdbg', request: 'launch', name: 'x', program: '' }, py, 'local');
  assert.equal('config' in r && r.config.program, '/w/examples/hello.py');
  assert.deepEqual(resolveConfiguration({ type: 'mpdbg', request: 'launch', name: 'x' }, {}, 'local'), { error: NO_PYTHON_FILE });
});

test('the input configuration is not modified', () => {
  const input = { type: 'mpdbg', request: 'launch', name: 'x' };
  resolveConfiguration(input, py, 'local');
  assert.deepEqual(input, { type: 'mpdbg', request: 'launch', name: 'x' });
});

test('attach: connect is used as is, with no device added; without connect or device it is refused', () => {
  const tcp = { type: 'mpdbg', request: 'attach', name: 'a', connect: { host: '10.0.0.5', port: 5678 } };
  assert.deepEqual(resolveConfiguration(tcp, py, 'local'), { config: tcp });
  assert.deepEqual(attachServer(tcp), { host: '10.0.0.5', port: 5678 });
  const bare = { type: 'mpdbg', request: 'attach', name: 'a' };
  assert.match((resolveConfiguration(bare, py, undefined) as { error: string }).error, /"connect".*"device"/);
  assert.deepEqual(resolveConfiguration(bare, py, '/dev/ttyACM0'), { config: { ...bare, device: '/dev/ttyACM0' } });
});

test('attachServer: a launch has none; a bad port is an error; the host defaults to loopback', () => {
  assert.equal(attachServer({ request: 'launch', connect: { port: 1 } }), undefined);
  assert.deepEqual(attachServer({ request: 'attach', connect: { port: '5678' } }), { host: '127.0.0.1', port: 5678 });
  assert.throws(() => attachServer({ request: 'attach', connect: { port: 70000 } }), /connect\.port/);
  assert.throws(() => attachServer({ request: 'attach', connect: {} }), /connect\.port/);
});

test('the Run view\'s automatic configuration: the active Python file, with variables; none otherwise', () => {
  assert.deepEqual(dynamicConfigurations(py), [{
    type: 'mpdbg', request: 'launch', name: 'mpdbg: hello.py', program: '${file}', cwd: '${workspaceFolder}', stopOnEntry: false,
  }]);
  assert.deepEqual(dynamicConfigurations({ file: '/w/a.md', languageId: 'markdown' }), []);
  assert.deepEqual(dynamicConfigurations({}), []);
});
