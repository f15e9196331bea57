import { strict as assert } from 'assert';
import * as fs from 'fs';
import { test } from 'node:test';
import * as path from 'path';

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
const debuggerEntry = manifest.contributes.debuggers.find((d: { type: string }) => d.type === 'mpdbg');

// The launch fields the adapter accepts (crates/mpdbg/src/dap/config.rs and
// the board work), and the attach fields.
const LAUNCH = ['program', 'args', 'cwd', 'env', 'stopOnEntry', 'device', 'baud', 'deploy', 'remoteRoot', 'pathMappings',
  'reset', 'writeFlash', 'ignore', 'deleteExtra', 'justMyCode', 'micropython', 'token', 'heapSize', 'console', 'noDebug'];
const ATTACH = ['connect', 'token', 'device', 'baud', 'pathMappings', 'remoteRoot', 'justMyCode'];

function described(schema: Record<string, { description?: string; markdownDescription?: string }>, names: string[]) {
  for (const name of names) {
    const field = schema[name];
    assert.ok(field, `no schema for "${name}"`);
    const text = field.description ?? field.markdownDescription ?? '';
    assert.ok(text.length > 20, `"${name}" has no real description: ${JSON.stringify(text)}`);
  }
}

test('every launch and attach field has a schema with a description', () => {
  described(debuggerEntry.configurationAttributes.launch.properties, LAUNCH);
  described(debuggerEntry.configurationAttributes.attach.properties, ATTACH);
  assert.deepEqual(debuggerEntry.configurationAttributes.launch.required, ['program']);
});

test('the enums are the adapter\'s values', () => {
  const launch = debuggerEntry.configurationAttributes.launch.properties;
  assert.deepEqual(launch.console.enum, ['internalConsole', 'integratedTerminal', 'externalTerminal']);
  assert.deepEqual(launch.deploy.enum, ['sync', 'ram', 'none']);
  assert.match('64K', new RegExp(launch.heapSize.pattern));
  assert.doesNotMatch('8 MB', new RegExp(launch.heapSize.pattern));
});

test('python breakpoints, F5 activation, snippets and an initial configuration', () => {
  assert.deepEqual(manifest.contributes.breakpoints, [{ language: 'python' }]);
  assert.deepEqual(debuggerEntry.languages, ['python']);
  for (const e of ['onDebugResolve:mpdbg', 'onDebugInitialConfigurations', 'onLanguage:python']) {
    assert.ok(manifest.activationEvents.includes(e), e);
  }
  assert.equal(debuggerEntry.initialConfigurations[0].type, 'mpdbg');
  const requests = debuggerEntry.configurationSnippets.map((s: { body: { request: string } }) => s.body.request);
  assert.deepEqual([...new Set(requests)].sort(), ['attach', 'launch']);
  assert.ok(fs.existsSync(path.join(__dirname, '..', '..', manifest.main)), `main ${manifest.main} is not built`);
  const commands = manifest.contributes.commands.map((c: { command: string }) => c.command);
  assert.ok(commands.includes('mpdbg.selectDevice'));
  assert.equal(manifest.contributes.configuration.properties['mpdbg.path'].type, 'string');
});
