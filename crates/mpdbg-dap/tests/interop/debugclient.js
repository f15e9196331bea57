// Interop check of the mpdbg-dap wire layer against Microsoft's own DAP client
// (npm @vscode/debugadapter-testsupport), driving examples/echo_adapter.rs.
// Not run by cargo. Usage:
//   cargo build -p mpdbg-dap --example echo_adapter
//   npm install @vscode/debugadapter-testsupport@1   (in some scratch dir, NODE_PATH to it)
//   ECHO_ADAPTER=target/debug/examples/echo_adapter node debugclient.js stdio
//   target/debug/examples/echo_adapter --listen 4711 & node debugclient.js tcp
const { DebugClient } = require('@vscode/debugadapter-testsupport');
const assert = require('assert');
const mode = process.argv[2] || 'stdio';
const ADAPTER = process.env.ECHO_ADAPTER || 'target/debug/examples/echo_adapter';
async function main() {
    const dc = new DebugClient(mode === 'stdio' ? ADAPTER : 'node', '', 'mpdbg', {}, false);
  const outputs = [];
  dc.on('output', e => outputs.push(e.body.output));
  if (mode === 'stdio') {
    // spawn the adapter as an executable: DebugClient(runtime, executable) -> spawn(runtime, [executable])
    await dc.start();
  } else {
    await dc.start(4711);
  }
  const init = await dc.initializeRequest();
  assert.strictEqual(init.success, true);
  assert.strictEqual(init.body.supportsLogPoints, true);
  await Promise.all([
    dc.waitForEvent('initialized'),
    dc.launch({ program: 'main.py', stopOnEntry: true, justMyCode: false, pathMappings: [] }),
  ]);
  const bps = await dc.setBreakpointsRequest({ source: { path: '/tmp/main.py' },
      breakpoints: [{ line: 3, condition: 'x>1', hitCondition: '2', logMessage: 'x={x}' }, { line: 5 }] });
  assert.deepStrictEqual(bps.body.breakpoints.map(b => [b.id, b.verified, b.line]), [[1, true, 3], [2, true, 5]]);
  const stopped = dc.waitForEvent('stopped');
  await dc.configurationDoneRequest();
  const s = await stopped;
  assert.strictEqual(s.body.reason, 'entry');
  const th = await dc.threadsRequest();
  assert.strictEqual(th.body.threads[0].name, 'main');
  const st = await dc.stackTraceRequest({ threadId: 1 });
  assert.strictEqual(st.body.stackFrames[0].source.name, 'main.py');
  const ev = await dc.evaluateRequest({ expression: 'é "日本" 🐍\r\n', context: 'repl' });
  assert.strictEqual(ev.body.result, 'é "日本" 🐍\r\n');
  try { await dc.customRequest('readMemory', { memoryReference: '0' }); assert.fail('should fail'); }
  catch (e) { assert.match(e.message, /unsupported request 'readMemory'/); }
  try { await dc.scopesRequest({ frameId: 'x' }); assert.fail('should fail'); }
  catch (e) { assert.match(e.message, /invalid arguments for 'scopes'/); }
  const term = dc.waitForEvent('terminated');
  await dc.continueRequest({ threadId: 1 });
  await term;
  await dc.stop();
  assert.ok(outputs.some(o => o.startsWith('main.py: line')), JSON.stringify(outputs));
  console.log(mode, 'OK', outputs.length, 'outputs');
}
main().catch(e => { console.error('FAIL', e); process.exit(1); });
