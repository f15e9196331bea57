'use strict';
// Line markers in the example programs: a trailing `# BP:name` comment.
// Same rule as tests/oracle/markers.py.

const fs = require('fs');

const MARKER = /#\s*BP:([A-Za-z0-9_]+)/g;
const cache = new Map();

/** {name: 1-based line} for every marker in the file. */
function markersOf(file) {
  if (cache.has(file)) return cache.get(file);
  const marks = {};
  fs.readFileSync(file, 'utf8').split('\n').forEach((text, i) => {
    for (const m of text.matchAll(MARKER)) {
      if (marks[m[1]]) throw new Error(`${file}: marker ${m[1]} twice (lines ${marks[m[1]]} and ${i + 1})`);
      marks[m[1]] = i + 1;
    }
  });
  cache.set(file, marks);
  return marks;
}

/** The line of a marker; throws naming the file when it is missing. */
function line(file, name) {
  const l = markersOf(file)[name];
  if (!l) throw new Error(`${file} has no marker BP:${name}`);
  return l;
}

/** The file's lines, 1-based (index 0 unused). */
function lines(file) {
  return [''].concat(fs.readFileSync(file, 'utf8').split('\n'));
}

/** The first line that is neither blank nor a comment: where stopOnEntry stops. */
function firstCodeLine(file) {
  const ls = lines(file);
  for (let i = 1; i < ls.length; i++) {
    const t = ls[i].trim();
    if (t && !t.startsWith('#')) return i;
  }
  throw new Error(`${file} has no code`);
}

module.exports = { markersOf, line, lines, firstCodeLine };
