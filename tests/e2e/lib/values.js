'use strict';
// Comparing a value string shown by mpdbg with the one debugpy showed for the
// same variable under CPython (the oracle fixture).
//
// Equal strings always match. Otherwise both are parsed as Python reprs and
// compared structurally, with exactly these allowances:
// - dict and set items may come in any order (MicroPython's dicts are not
//   insertion-ordered, and set order differs between the interpreters);
// - an elision in the expected value (`[...]`, `(...)`, `{...}`, a trailing
//   `...` item: debugpy's nesting and length limits) matches anything there;
// - an elision in mpdbg's value (`...` or `…`, where it cut a long repr)
//   matches the rest of the expected value; a token cut by it must be a
//   prefix of the expected token; text after such a cut is ignored (a length
//   note like "(500 items)");
// - object reprs `<...>` inside containers match any object repr (addresses
//   and module prefixes differ).
// Scalars (numbers, strings, bytes, None, True, False) must be token-for-token
// identical: `'h\xe9llo'` does not match `'héllo'`.

class ParseError extends Error {}

const ELLIPSIS = { kind: 'ellipsis' };

function tokenize(text, tolerant) {
  const toks = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\n' || c === '\t') { i++; continue; }
    if (text.startsWith('...', i)) { toks.push({ t: 'ellipsis', pos: i }); i += 3; continue; }
    if (c === '…') { toks.push({ t: 'ellipsis', pos: i }); i += 1; continue; }
    if ('[](){},:'.includes(c)) { toks.push({ t: c, pos: i }); i++; continue; }
    let m;
    // string or bytes literal
    if ((m = /^[bBrRuU]{0,2}(['"])/.exec(text.slice(i, i + 3)))) {
      const q = m[1];
      let j = i + m[0].length;
      let closed = false;
      while (j < n) {
        if (text[j] === '\\') { j += 2; continue; }
        if (text[j] === q) { closed = true; j++; break; }
        j++;
      }
      if (!closed) {
        // A string cut by mpdbg: keep what is before its last ellipsis.
        const rest = text.slice(i);
        const cutAt = Math.max(rest.lastIndexOf('…'), rest.lastIndexOf('...'));
        if (!tolerant || cutAt < 0) throw new ParseError(`unterminated string at ${i}`);
        toks.push({ t: 'atom', raw: rest.slice(0, cutAt), partial: true, pos: i });
        toks.push({ t: 'ellipsis', pos: n });
        i = n;
        continue;
      }
      const raw = text.slice(i, j);
      if (tolerant && raw.endsWith('…' + q)) {
        // A string mpdbg cut and closed: 'xxxx…'
        toks.push({ t: 'atom', raw: raw.slice(0, -2), partial: true, closed: true, pos: i });
      } else {
        toks.push({ t: 'atom', raw, pos: i });
      }
      i = j;
      continue;
    }
    if ((m = /^-?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|inf|nan)j?/.exec(text.slice(i)))) {
      toks.push({ t: 'atom', raw: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    if ((m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i)))) {
      toks.push({ t: 'name', raw: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    if (c === '<') {
      let depth = 0;
      let j = i;
      for (; j < n; j++) {
        if (text[j] === '<') depth++;
        else if (text[j] === '>' && --depth === 0) break;
      }
      if (j >= n) {
        if (!tolerant) throw new ParseError(`unterminated <...> at ${i}`);
        toks.push({ t: 'obj', raw: text.slice(i), partial: true, pos: i });
        i = n;
        continue;
      }
      toks.push({ t: 'obj', raw: text.slice(i, j + 1), pos: i });
      i = j + 1;
      continue;
    }
    if (tolerant) { toks.push({ t: 'junk', raw: text.slice(i), pos: i }); break; }
    throw new ParseError(`unexpected ${JSON.stringify(c)} at ${i}`);
  }
  return toks;
}

/**
 * Parses a repr. In tolerant mode (mpdbg's side) an ellipsis that is not a
 * complete item ends everything: the node is marked `cut` and the rest of
 * the text is ignored.
 */
function parse(text, tolerant) {
  const toks = tokenize(text, tolerant);
  let p = 0;
  let cut = false;
  const peek = () => toks[p];
  const take = () => toks[p++];
  // mpdbg may cut a repr only with an ellipsis: an anomaly right after one
  // ends the parse; any other anomaly is an error.
  const afterEllipsis = () => p > 0 && toks[p - 1].t === 'ellipsis';
  const anomaly = (why) => {
    if (tolerant && (afterEllipsis() || (peek() && peek().t === 'ellipsis'))) { cut = true; return true; }
    throw new ParseError(why);
  };

  function value() {
    const t = take();
    if (!t) {
      p--; // undo take(): afterEllipsis() looks at the last real token
      anomaly('unexpected end');
      return ELLIPSIS;
    }
    if (t.t === 'ellipsis') return ELLIPSIS;
    if (t.t === 'atom') {
      if (t.partial) {
        if (!t.closed) cut = true;
        return { kind: 'atom', raw: t.raw, partial: true };
      }
      return { kind: 'atom', raw: t.raw };
    }
    if (t.t === 'obj') return { kind: 'obj', raw: t.raw };
    if (t.t === 'name') {
      if (peek() && peek().t === '(') {
        take();
        const args = items(')');
        return { kind: 'call', name: t.raw, items: args.items, cut: args.cut };
      }
      return { kind: 'atom', raw: t.raw };
    }
    if (t.t === '[') { const r = items(']'); return { kind: 'list', items: r.items, cut: r.cut }; }
    if (t.t === '(') {
      const r = items(')');
      // "(x)" is x; a one-item tuple is "(x,)".
      if (r.items.length === 1 && !r.trailingComma && !r.cut) return r.items[0];
      return { kind: 'tuple', items: r.items, cut: r.cut };
    }
    if (t.t === '{') return brace();
    p--;
    anomaly(`unexpected token ${t.t} at ${t.pos}`);
    return ELLIPSIS;
  }

  // Items up to `close`, separated by commas.
  function items(close) {
    const out = [];
    let trailingComma = false;
    for (;;) {
      if (cut) return { items: out, cut: true };
      const t = peek();
      if (!t) {
        anomaly(`missing ${close}`);
        return { items: out, cut: true };
      }
      if (t.t === close) { take(); return { items: out, cut: false, trailingComma }; }
      out.push(value());
      trailingComma = false;
      if (cut) return { items: out, cut: true };
      const sep = peek();
      if (sep && sep.t === ',') { take(); trailingComma = true; continue; }
      if (sep && sep.t === close) { take(); return { items: out, cut: false, trailingComma }; }
      if (sep && sep.t === 'ellipsis') {
        // "…, 12…": the item before the cut may itself be cut.
        const last = out[out.length - 1];
        if (last && last.kind === 'atom') last.partial = true;
      }
      anomaly(`expected , or ${close} at ${sep ? sep.pos : 'end'}`);
      return { items: out, cut: true };
    }
  }

  function brace() {
    // {} is a dict; {...} is an elided dict or set; {k: v, ...} a dict; {a, b} a set.
    const entries = [];
    let kind = null;
    for (;;) {
      if (cut) return { kind: kind || 'dict', items: entries, cut: true };
      const t = peek();
      if (!t) {
        anomaly('missing }');
        return { kind: kind || 'dict', items: entries, cut: true };
      }
      if (t.t === '}') { take(); return { kind: kind || (entries.length ? 'brace' : 'dict'), items: entries, cut: false }; }
      const k = value();
      if (cut) return { kind: kind || 'dict', items: entries, cut: true };
      let item = k;
      if (k !== ELLIPSIS && peek() && peek().t === ':') {
        take();
        kind = 'dict';
        item = { kind: 'pair', key: k, value: value() };
        if (cut) { entries.push(item); return { kind, items: entries, cut: true }; }
      } else if (k !== ELLIPSIS) {
        kind = 'set';
      }
      entries.push(item);
      const sep = peek();
      if (sep && sep.t === ',') { take(); continue; }
      if (sep && sep.t === '}') { take(); return { kind: kind || 'brace', items: entries, cut: false }; }
      if (sep && sep.t === 'ellipsis' && item.kind === 'pair' && item.value.kind === 'atom') item.value.partial = true;
      else if (sep && sep.t === 'ellipsis' && item.kind === 'atom') item.partial = true;
      anomaly(`expected , or } at ${sep ? sep.pos : 'end'}`);
      return { kind: kind || 'dict', items: entries, cut: true };
    }
  }

  const v = value();
  // Text after the value is allowed only after a cut (a length note).
  if (!cut && p !== toks.length && !(v.kind === 'atom' && v.partial)) {
    throw new ParseError(`trailing text at ${toks[p].pos}`);
  }
  return v;
}

const isEllipsis = (x) => x === ELLIPSIS;

function match(e, a) {
  if (isEllipsis(e) || isEllipsis(a)) return true;
  if (a.kind === 'atom' && a.partial) return e.kind === 'atom' && e.raw.startsWith(a.raw);
  if (e.kind === 'atom' || a.kind === 'atom') return e.kind === a.kind && e.raw === a.raw;
  if (e.kind === 'obj' || a.kind === 'obj') return e.kind === a.kind;
  if (e.kind === 'call') return a.kind === 'call' && e.name === a.name && seq(e, a);
  if (e.kind === 'list' || e.kind === 'tuple') return a.kind === e.kind && seq(e, a);
  if (e.kind === 'brace') return (a.kind === 'dict' || a.kind === 'set' || a.kind === 'brace'); // {...}
  if (e.kind === 'dict' || e.kind === 'set') return (a.kind === e.kind || a.kind === 'brace') && unordered(e, a);
  if (e.kind === 'pair') return a.kind === 'pair' && match(e.key, a.key) && match(e.value, a.value);
  return false;
}

function seq(e, a) {
  const n = Math.max(e.items.length, a.items.length);
  for (let i = 0; i < n; i++) {
    const x = e.items[i];
    const y = a.items[i];
    if (x && isEllipsis(x)) return true;
    if (y && isEllipsis(y)) return true;
    if (x === undefined) return false; // mpdbg shows more items
    if (y === undefined) return !!a.cut; // mpdbg shows fewer: only if it cut
    if (!match(x, y)) return false;
  }
  return true;
}

function unordered(e, a) {
  const eItems = e.items.filter((x) => !isEllipsis(x));
  const aItems = a.items.filter((x) => !isEllipsis(x) && !(x.kind === 'atom' && x.partial) &&
    !(x.kind === 'pair' && (isEllipsis(x.value) || x.value.partial || x.value.cut)));
  const eOpen = eItems.length !== e.items.length;
  const aOpen = a.cut || aItems.length !== a.items.length;
  const used = new Set();
  const find = (x, pool) => pool.findIndex((y, i) => !used.has(i) && match(x, y));
  if (!eOpen && !aOpen) {
    if (eItems.length !== a.items.length) return false;
    return eItems.every((x) => { const i = find(x, aItems); if (i < 0) return false; used.add(i); return true; });
  }
  // Something elided: every complete item mpdbg shows must be in the expected
  // value (when debugpy showed it all), and vice versa.
  if (!eOpen) {
    return aItems.every((y) => { const i = eItems.findIndex((x, k) => !used.has(k) && match(x, y)); if (i < 0) return false; used.add(i); return true; });
  }
  if (!aOpen) {
    return eItems.every((x) => { const i = find(x, aItems); if (i < 0) return false; used.add(i); return true; });
  }
  return true;
}

/**
 * Does mpdbg's value string `actual` show the same value as debugpy's
 * `expected`? Returns {ok, why}.
 */
function valueMatches(expected, actual) {
  if (typeof actual !== 'string') return { ok: false, why: `value is ${JSON.stringify(actual)}, not a string` };
  if (expected === actual) return { ok: true };
  let e;
  try {
    e = parse(expected, false);
  } catch (err) {
    return { ok: false, why: `differs (the expected value is not a parsable repr: ${err.message})` };
  }
  let a;
  try {
    a = parse(actual, true);
  } catch (err) {
    return { ok: false, why: `not a parsable repr (${err.message})` };
  }
  return match(e, a) ? { ok: true } : { ok: false, why: 'differs' };
}

/**
 * MicroPython's names for some types differ from CPython's; the left name
 * (mpdbg's, from MicroPython) is accepted where the oracle has the right one.
 */
const TYPE_ALIASES = {
  closure: 'function',
  bound_method: 'method',
};

function typeMatches(expected, actual) {
  return expected === actual || TYPE_ALIASES[actual] === expected;
}

module.exports = { valueMatches, typeMatches, parse, TYPE_ALIASES, ParseError };
