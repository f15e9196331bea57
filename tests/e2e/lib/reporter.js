'use strict';
// Mocha's spec reporter, plus one plain closing line that CI tooling reads:
// "e2e: N passed, N failed, N skipped".

const Mocha = require('mocha');
const { EVENT_RUN_END } = Mocha.Runner.constants;

class Reporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats;
      process.stdout.write(`\ne2e: ${s.passes} passed, ${s.failures} failed, ${s.pending} skipped\n`);
    });
  }
}

module.exports = Reporter;
