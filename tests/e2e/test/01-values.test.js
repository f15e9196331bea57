'use strict';
// The value comparison the oracle tests rely on: what it accepts and, as
// important, what it rejects. Needs no adapter.

const assert = require('assert');
const { valueMatches, typeMatches } = require('../lib/values');

const ok = (e, a) => assert.ok(valueMatches(e, a).ok, `expected ${JSON.stringify(a)} to match ${JSON.stringify(e)}`);
const no = (e, a) => assert.ok(!valueMatches(e, a).ok, `expected ${JSON.stringify(a)} NOT to match ${JSON.stringify(e)}`);

describe('value comparison with the oracle', function () {
  it('scalars must be identical', function () {
    ok('42', '42');
    no('42', '43');
    no('42', '42.0');
    ok('0.3333333333333333', '0.3333333333333333');
    no('0.3333333333333333', '0.333333');
    ok('None', 'None');
    no('None', 'none');
    no('True', '1');
    ok("'hello'", "'hello'");
    no("'hello'", '"hello"');
    no("'hello'", 'hello');
    no("'héllo wörld ✓'", "'h\\xe9llo w\\xf6rld \\u2713'");
    ok("b'bytes\\x00\\xff'", "b'bytes\\x00\\xff'");
    no("b'bytes\\x00\\xff'", "b'bytes\\x00\\xfe'");
    no('', '0');
  });

  it('lists and tuples are ordered', function () {
    ok("[1, 2.5, 'three', None, True]", "[1, 2.5, 'three', None, True]");
    no('[1, 2, 3]', '[1, 3, 2]');
    no('[1, 2, 3]', '[1, 2]');
    no('[1, 2]', '[1, 2, 3]');
    no('(1, 2)', '[1, 2]');
    ok('(42,)', '(42,)');
    no('(42,)', '(42)');
    ok("bytearray(b'abc')", "bytearray(b'abc')");
    no("bytearray(b'abc')", "bytearray(b'abd')");
  });

  it('dicts and sets are unordered', function () {
    ok("{'alpha': 1, 'beta': [2, 3], 'gamma': {'delta': None}}",
      "{'gamma': {'delta': None}, 'alpha': 1, 'beta': [2, 3]}");
    no("{'alpha': 1, 'beta': [2, 3]}", "{'alpha': 1, 'beta': [3, 2]}");
    no("{'alpha': 1, 'beta': 2}", "{'alpha': 1}");
    no("{'alpha': 1}", "{'alpha': 1, 'beta': 2}");
    no("{'alpha': 1}", "{'alpha': 2}");
    ok('{1, 2, 3}', '{3, 1, 2}');
    no('{1, 2, 3}', '{3, 1, 4}');
    no('{1, 2, 3}', '[1, 2, 3]');
    ok('{}', '{}');
    no('{}', 'set()');
  });

  it("debugpy's elisions match anything in their place", function () {
    ok("[[1, [...]], {'k': (...)}]", "[[1, [2, [3, [4]]]], {'k': (5, 6)}]");
    no("[[1, [...]], {'k': (...)}]", "[[9, [2, [3, [4]]]], {'k': (5, 6)}]");
    no("[[1, [...]], {'k': (...)}]", "[[1, [2, [3, [4]]]], {'j': (5, 6)}]");
    ok('[0, 1, 2, ...]', '[0, 1, 2, 3, 4, 5]');
    no('[0, 1, 2, ...]', '[0, 1, 7, 3, 4, 5]');
  });

  it("mpdbg's cut of a long repr matches the rest", function () {
    ok('[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, ...]',
      '[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 1… (500 items)');
    ok('[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, ...]', '[0, 1, 2, 3, ...]');
    no('[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, ...]', '[0, 1, 2, 4, ...]');
    no('[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, ...]', '[0, 1, 2, 39…');
    ok("{'alpha': 1, 'beta': 2, 'gamma': 3}", "{'beta': 2, 'gam…");
    no("{'alpha': 1, 'beta': 2, 'gamma': 3}", "{'beta': 5, 'gam…");
    no('[1, 2, 3]', '[1, 2, 3');
    no('[1, 2, 3]', '[1, 2, junk');
  });

  it('object reprs match any object repr inside containers, not at the top', function () {
    ok('[<__main__.Point object at 0x…>]', '[<Point object at 7f00>]');
    no('[<__main__.Point object at 0x…>]', '[None]');
  });

  it("MicroPython's type names are accepted for CPython's", function () {
    assert.ok(typeMatches('function', 'closure'));
    assert.ok(typeMatches('method', 'bound_method'));
    assert.ok(typeMatches('Point', 'Point'));
    assert.ok(!typeMatches('Point', 'Point3'));
    assert.ok(!typeMatches('function', 'generator'));
  });
});

describe('value comparison edge cases', function () {
  it('text after a complete value is not accepted', function () {
    no('[1, 2]', '[1, 2] (2 items)');
    no('42', '42 43');
  });
  it('a cut string is a prefix of the expected one', function () {
    ok("'xxxxyyyy'", "'xxxx…' (1200 chars)");
    ok("'xxxxyyyy'", "'xxxx…");
    no("'xxxxyyyy'", "'xxy…'");
    ok("['xxxxyyyy', 2]", "['xxxx…', 2]");
    no("['xxxxyyyy', 2]", "['xxxx…', 3]");
  });
  it('a cut needs an ellipsis', function () {
    no("{'a': 1, 'b': 2}", "{'a': ");
    ok("{'a': 1, 'b': 2}", "{'a': …");
    no("'xxxx'", "'xx");
  });
});
