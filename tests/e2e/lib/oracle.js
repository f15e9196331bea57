'use strict';
// Comparing what mpdbg shows at a stop with what debugpy showed under CPython
// at the same stop (tests/oracle/fixtures, made by tests/oracle/oracle.py).
// Every comparison collects all its mismatches, so one failure lists them all.

const fs = require('fs');
const path = require('path');
const config = require('./config');
const { valueMatches, typeMatches } = require('./values');

const GROUPS = ['special variables', 'function variables', 'class variables', 'protected variables'];
// Types whose values debugpy files under "function variables" / "class
// variables" rather than at the top level: mpdbg may show them either way.
const CALLABLE_TYPES = new Set(['function', 'closure', 'type', 'bound_method', 'method', 'builtin_function_or_method', 'generator_function']);

function fixture(program) {
  const file = path.join(config.FIXTURES, `${program}.json`);
  if (!fs.existsSync(file)) throw new Error(`no oracle fixture ${file}: run python3 tests/oracle/oracle.py`);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function scenarios() {
  return fixture('scenarios').scenarios;
}

const isDunder = (name) => /^__.*__$/.test(name);
const isGroup = (v) => GROUPS.includes(v.name) || (v.presentationHint && v.presentationHint.kind === 'virtual' && !v.evaluateName);

/** Splits a variables response into {top: {name: var}, groups: [var]}. */
function split(vars) {
  const top = {};
  const groups = [];
  for (const v of vars) {
    if (isGroup(v)) groups.push(v);
    else top[v.name] = v;
  }
  return { top, groups };
}

/** Names inside mpdbg's groups (one level). */
async function groupNames(s, groups) {
  const names = new Set();
  for (const g of groups) {
    if (g.variablesReference > 0) for (const v of await s.variables(g.variablesReference)) names.add(v.name);
  }
  return names;
}

const show = (v) => (v ? `${JSON.stringify(v.value)} (type ${JSON.stringify(v.type)}, ref ${v.variablesReference})` : 'nothing');

/**
 * Compares one variable. `e` is the oracle's record, `a` mpdbg's Variable.
 * Pushes mismatch strings onto `out`.
 */
async function compareVar(s, e, a, where, out, depth = 1) {
  if (!a) {
    out.push(`${where}: missing (debugpy shows ${JSON.stringify(e.value)}, type ${e.type})`);
    return;
  }
  const objectRepr = e.value.startsWith('<') && e.type !== 'str';
  if (!a.type) {
    out.push(`${where}: no type (the client announced supportsVariableType); debugpy's type is ${e.type}`);
  } else if (!typeMatches(e.type, a.type)) {
    out.push(`${where}: type ${JSON.stringify(a.type)}, debugpy shows type ${JSON.stringify(e.type)}`);
  }
  if (!objectRepr) {
    const m = valueMatches(e.value, a.value);
    if (!m.ok) out.push(`${where}: value ${JSON.stringify(a.value)}, debugpy shows ${JSON.stringify(e.value)} (${m.why})`);
  }
  const eChildren = (e.children || []).filter((c) => c.name !== 'len()');
  const expandable = a.variablesReference > 0;
  if (!e.expandable && expandable) out.push(`${where}: expandable (ref ${a.variablesReference}) but debugpy's is not`);
  if (eChildren.length && !expandable) {
    out.push(`${where}: not expandable (variablesReference 0) but has ${eChildren.length}+ children in debugpy`);
    return;
  }
  if (!eChildren.length || !expandable || depth <= 0) return;
  const { top, groups } = split(await s.variables(a.variablesReference));
  const inGroups = await groupNames(s, groups);
  const capped = (e.children || []).length >= 40;
  const seqType = ['list', 'tuple'].includes(e.type);
  if (e.type === 'set' || e.type === 'frozenset') {
    // Items have no stable names: compare values as a multiset.
    const pool = Object.values(top).filter((v) => v.name !== 'len()');
    for (const c of eChildren) {
      const i = pool.findIndex((v) => valueMatches(c.value, v.value).ok);
      if (i < 0) out.push(`${where}: no item ${c.value} among ${pool.map((v) => v.value).join(', ')}`);
      else pool.splice(i, 1);
    }
    if (!capped && pool.length) out.push(`${where}: extra items ${pool.map((v) => v.value).join(', ')}`);
    return;
  }
  const seen = new Set();
  for (const c of eChildren) {
    // debugpy pads indices of long sequences ('000'); mpdbg uses '0'.
    const name = seqType && /^\d+$/.test(c.name) ? String(Number(c.name)) : c.name;
    seen.add(name);
    const child = top[name];
    if (!child && inGroups.has(name) && CALLABLE_TYPES.has(c.type)) continue;
    await compareVar(s, c, child, `${where}.${name}`, out, depth - 1);
  }
  if (!capped) {
    const extra = Object.keys(top).filter((n) => !seen.has(n) && n !== 'len()' && !isDunder(n) && !CALLABLE_TYPES.has(top[n].type));
    if (extra.length) out.push(`${where}: children ${extra.join(', ')} that debugpy does not show`);
  }
}

/**
 * Compares the locals of mpdbg's frame `frameId` with a fixture snapshot.
 */
async function compareLocals(s, frameId, snap, where, out) {
  const scopes = await s.scopes(frameId);
  const names = scopes.map((x) => x.name);
  if (names[0] !== 'Locals' || names[1] !== 'Globals') out.push(`${where}: scopes ${JSON.stringify(names)}, expected ["Locals", "Globals", ...]`);
  const loc = scopes.find((x) => x.name === 'Locals');
  if (!loc) return;
  const { top, groups } = split(await s.variables(loc.variablesReference));
  const inGroups = await groupNames(s, groups);
  const expected = new Set(snap.locals.map((v) => v.name));
  for (const e of snap.locals) await compareVar(s, e, top[e.name], `${where} local ${e.name}`, out);
  const groupedByDebugpy = new Set([].concat(...Object.entries(snap.locals_groups || {})
    .filter(([g]) => g !== 'special variables').map(([, ns]) => ns)));
  for (const [name, v] of Object.entries(top)) {
    if (expected.has(name)) continue;
    if (isDunder(name)) out.push(`${where}: shows ${name} at the top of Locals; debugpy files dunders under 'special variables'`);
    else if (!groupedByDebugpy.has(name) && !CALLABLE_TYPES.has(v.type)) {
      out.push(`${where}: shows local ${name} = ${show(v)} which debugpy does not (unbound, or not a local?)`);
    }
  }
  for (const name of groupedByDebugpy) {
    if (!top[name] && !inGroups.has(name)) out.push(`${where}: ${name} (a function or class) is not shown in Locals or its groups`);
  }
}

/** Compares mpdbg's whole stack and the top frame's locals with a snapshot. */
async function compareStop(s, snap, program, where) {
  const out = [];
  const file = path.join(config.REPO, 'examples', program);
  const st = await s.stackTrace({});
  const frames = st.stackFrames;
  const got = frames.map((f) => `${f.name}:${f.line}`).join(' < ');
  const want = snap.stack.map((f) => `${f.name}:${f.line}`).join(' < ');
  if (got !== want) out.push(`${where}: stack is ${got}; debugpy's is ${want}`);
  if (st.totalFrames !== undefined && st.totalFrames !== snap.totalFrames) {
    out.push(`${where}: totalFrames ${st.totalFrames}, expected ${snap.totalFrames}`);
  }
  frames.forEach((f, i) => {
    const p = f.source && f.source.path;
    if (p !== file) out.push(`${where}: frame ${i} (${f.name}) has source.path ${JSON.stringify(p)}, expected ${file}`);
  });
  if (frames.length) await compareLocals(s, frames[0].id, snap, where, out);
  return out;
}

module.exports = { fixture, scenarios, compareStop, compareLocals, compareVar, split, GROUPS, CALLABLE_TYPES, isDunder };
