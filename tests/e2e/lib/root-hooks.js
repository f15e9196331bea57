'use strict';
// Closes every session a test started, passed or failed, so no adapter or
// interpreter outlives its test.

const device = require('./device');

const live = new Set();

function track(session) {
  live.add(session);
  return session;
}

exports.track = track;
exports.mochaHooks = {
  async beforeAll() {
    this.timeout(130000); // the emulated board may build its firmware first
    await device.start();
  },
  afterAll() {
    device.stop();
  },
  async afterEach() {
    const sessions = [...live];
    live.clear();
    for (const s of sessions) {
      const r = await s.close();
      if (r.killed) console.log(`      (the adapter did not exit after disconnect; killed pid ${s.pid})`);
    }
  },
};
