// Object, array, set, JSON-path and graph builtins (OPA `object.go`, `json.go`, `array.go`,
// `sets.go`, `subset.go`, `walk.go`, `graphs.go`).
import { equals } from '../compare.js';
import { ObjectValue, SetValue, keyOf, typeName, type Value } from '../value.js';
import {
  BuiltinError,
  OperandTypeError,
  expectArray,
  expectObject,
  expectSet,
  operandError,
  type BuiltinContext,
  type BuiltinDef,
} from './registry.js';
import { intOperand } from './operands.js';

// ---------------------------------------------------------------------------------------------
// Objects

function mergeWithOverwrite(a: ObjectValue, b: ObjectValue): ObjectValue {
  const out = ObjectValue.from(a.entries());
  for (const [k, v] of b.entries()) {
    const old = out.get(k);
    out.set(k, old instanceof ObjectValue && v instanceof ObjectValue ? mergeWithOverwrite(old, v) : v);
  }
  return out;
}

// object.union_n: later objects win; a non-object value overwriting an object freezes the key.
class MergeNode {
  readonly entries = new Map<string, { key: Value; val: Value | MergeNode; frozen: boolean }>();

  static of(o: ObjectValue): MergeNode {
    const n = new MergeNode();
    for (const [k, v] of o.entries())
      n.entries.set(keyOf(k), { key: k, val: MergeNode.wrap(v), frozen: false });
    return n;
  }

  static wrap(v: Value): Value | MergeNode {
    return v instanceof ObjectValue ? MergeNode.of(v) : v;
  }

  // Merges `other` underneath this node: existing keys keep their values (we go back to front).
  mergeUnder(other: ObjectValue): void {
    for (const [k, v] of other.entries()) {
      const kt = keyOf(k);
      const cur = this.entries.get(kt);
      if (!cur) this.entries.set(kt, { key: k, val: MergeNode.wrap(v), frozen: false });
      else if (cur.val instanceof MergeNode && v instanceof ObjectValue) {
        if (!cur.frozen) cur.val.mergeUnder(v);
      } else cur.frozen = true;
    }
  }

  render(): ObjectValue {
    const o = new ObjectValue();
    for (const { key, val } of this.entries.values())
      o.set(key, val instanceof MergeNode ? val.render() : val);
    return o;
  }
}

function unionN(objs: ObjectValue[]): ObjectValue {
  const root = new MergeNode();
  for (let i = objs.length - 1; i >= 0; i--) root.mergeUnder(objs[i]!);
  return root.render();
}

function keysParam(v: Value): SetValue {
  if (Array.isArray(v)) return SetValue.from(v);
  if (v instanceof SetValue) return v;
  if (v instanceof ObjectValue) return SetValue.from(v.keys());
  throw operandError(2, 'one of {object, set, array}', v);
}

// ast.Object.Filter: keep the parts of `v` selected by the filter tree (null = whole value).
function filterValue(v: Value, filter: Value): Value {
  if (filter === null) return v;
  if (!(filter instanceof ObjectValue)) throw new BuiltinError('invalid filter value, expected an object');
  if (Array.isArray(v)) {
    const out: Value[] = [];
    v.forEach((x, i) => {
      const sub = filter.get(String(i));
      if (sub !== undefined) out.push(filterValue(x, sub));
    });
    return out;
  }
  if (v instanceof SetValue) {
    const out = new SetValue();
    for (const x of v.values()) {
      const sub = filter.get(x);
      if (sub !== undefined) out.add(filterValue(x, sub));
    }
    return out;
  }
  if (v instanceof ObjectValue) {
    const out = new ObjectValue();
    for (const [k, x] of v.entries()) {
      const sub = filter.get(k);
      if (sub !== undefined) out.set(k, filterValue(x, sub));
    }
    return out;
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// JSON paths

function parsePath(p: Value): Value[] {
  if (typeof p === 'string') {
    if (p === '') return [];
    return p
      .replace(/^\/+/, '')
      .split('/')
      .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
  }
  if (Array.isArray(p)) return p;
  throw new OperandTypeError(
    `operand 2 must be one of {set, array} containing string paths or array of path segments but got ${typeName(p)}`,
  );
}

function jsonPaths(v: Value): Value[][] {
  if (Array.isArray(v)) return v.map(parsePath);
  if (v instanceof SetValue) return v.values().map(parsePath);
  throw operandError(2, 'one of {set, array}', v);
}

// Builds the filter tree {seg: {seg: null}} from paths; a shorter path wins over longer ones.
function pathsToObject(paths: Value[][]): ObjectValue {
  interface T {
    kids: Map<string, { key: Value; node: T | null }>;
  }
  const root: T = { kids: new Map() };
  for (const path of paths) {
    if (path.length === 0) continue;
    let node = root;
    let done = false;
    for (let i = 0; i < path.length - 1 && !done; i++) {
      const kt = keyOf(path[i]!);
      const child = node.kids.get(kt);
      if (!child) {
        const n: T = { kids: new Map() };
        node.kids.set(kt, { key: path[i]!, node: n });
        node = n;
      } else if (child.node === null) done = true;
      else node = child.node;
    }
    if (!done) node.kids.set(keyOf(path[path.length - 1]!), { key: path[path.length - 1]!, node: null });
  }
  const render = (t: T): ObjectValue =>
    ObjectValue.from(
      [...t.kids.values()].map(({ key, node }) => [key, node === null ? null : render(node)] as const),
    );
  return render(root);
}

// json.remove: drop the leaves of the filter tree.
function jsonRemove(a: Value, b: Value | undefined): Value | undefined {
  if (b === undefined) return a;
  if (b === null) return undefined;
  if (!(b instanceof ObjectValue)) return a;
  if (a instanceof ObjectValue) {
    const out = new ObjectValue();
    for (const [k, v] of a.entries()) {
      const d = jsonRemove(v, b.get(k));
      if (d !== undefined) out.set(k, d);
    }
    return out;
  }
  if (a instanceof SetValue) {
    const out = new SetValue();
    for (const v of a.values()) {
      const d = jsonRemove(v, b.get(v));
      if (d !== undefined) out.add(d);
    }
    return out;
  }
  if (Array.isArray(a)) {
    const out: Value[] = [];
    a.forEach((v, i) => {
      const d = jsonRemove(v, b.get(String(i)));
      if (d !== undefined) out.push(d);
    });
    return out;
  }
  return a;
}

// ---------------------------------------------------------------------------------------------
// JSON Patch (RFC 6902) on immutable values; any failure makes the result undefined.

class PatchFailure extends Error {}

function arrayIndex(seg: Value, len: number, allowEnd: boolean): number {
  let n: number;
  if (typeof seg === 'number') n = seg;
  else if (typeof seg === 'string' && /^(0|[1-9]\d*)$/.test(seg)) n = Number(seg);
  else if (seg === '-' && allowEnd) return len;
  else throw new PatchFailure('bad index');
  if (!Number.isInteger(n) || n < 0 || n > (allowEnd ? len : len - 1))
    throw new PatchFailure('index out of range');
  return n;
}

function getAt(doc: Value, path: Value[]): Value {
  let cur = doc;
  for (const seg of path) {
    if (cur instanceof ObjectValue) {
      const v = cur.get(seg);
      if (v === undefined) throw new PatchFailure('missing');
      cur = v;
    } else if (Array.isArray(cur)) cur = cur[arrayIndex(seg, cur.length, false)]!;
    else if (cur instanceof SetValue) {
      if (!cur.has(seg)) throw new PatchFailure('missing');
      cur = seg;
    } else throw new PatchFailure('not a container');
  }
  return cur;
}

// Applies `edit` to the parent container of the path's last segment, rebuilding the spine.
function editAt(doc: Value, path: Value[], edit: (parent: Value, last: Value) => Value): Value {
  if (path.length === 0) throw new PatchFailure('root');
  const rec = (cur: Value, i: number): Value => {
    if (i === path.length - 1) return edit(cur, path[i]!);
    const seg = path[i]!;
    if (cur instanceof ObjectValue) {
      const child = cur.get(seg);
      if (child === undefined) throw new PatchFailure('missing');
      const out = ObjectValue.from(cur.entries());
      out.set(seg, rec(child, i + 1));
      return out;
    }
    if (Array.isArray(cur)) {
      const idx = arrayIndex(seg, cur.length, false);
      const out = cur.slice();
      out[idx] = rec(cur[idx]!, i + 1);
      return out;
    }
    if (cur instanceof SetValue) {
      if (!cur.has(seg)) throw new PatchFailure('missing');
      const next = rec(seg, i + 1);
      return SetValue.from(cur.values().map((x) => (equals(x, seg) ? next : x)));
    }
    throw new PatchFailure('not a container');
  };
  return rec(doc, 0);
}

function insertAt(doc: Value, path: Value[], value: Value): Value {
  if (path.length === 0) return value;
  return editAt(doc, path, (parent, last) => {
    if (parent instanceof ObjectValue) {
      const out = ObjectValue.from(parent.entries());
      out.set(last, value);
      return out;
    }
    if (Array.isArray(parent)) {
      const idx = arrayIndex(last, parent.length, true);
      return [...parent.slice(0, idx), value, ...parent.slice(idx)];
    }
    if (parent instanceof SetValue) {
      if (!equals(last, value)) throw new PatchFailure('set key must equal value');
      return SetValue.from([...parent.values(), value]);
    }
    throw new PatchFailure('not a container');
  });
}

function deleteAt(doc: Value, path: Value[]): Value {
  if (path.length === 0) throw new PatchFailure('cannot delete root');
  return editAt(doc, path, (parent, last) => {
    if (parent instanceof ObjectValue) {
      if (!parent.has(last)) throw new PatchFailure('missing');
      const out = ObjectValue.from(parent.entries());
      out.delete(last);
      return out;
    }
    if (Array.isArray(parent)) {
      const idx = arrayIndex(last, parent.length, false);
      return [...parent.slice(0, idx), ...parent.slice(idx + 1)];
    }
    if (parent instanceof SetValue) {
      if (!parent.has(last)) throw new PatchFailure('missing');
      return SetValue.from(parent.values().filter((x) => !equals(x, last)));
    }
    throw new PatchFailure('not a container');
  });
}

function applyPatch(doc: Value, ops: Value[]): Value {
  let cur = doc;
  for (const op of ops) {
    if (!(op instanceof ObjectValue)) throw new PatchFailure('not an object');
    const attr = (name: string): Value => {
      const v = op.get(name);
      if (v === undefined) throw new PatchFailure(`missing '${name}' attribute`);
      return v;
    };
    const kind = attr('op');
    const toPath = (v: Value): Value[] => {
      if (typeof v !== 'string' && !Array.isArray(v)) throw new PatchFailure('bad path');
      return parsePath(v);
    };
    const path = toPath(attr('path'));
    switch (kind) {
      case 'add':
        cur = insertAt(cur, path, attr('value'));
        break;
      case 'remove':
        cur = deleteAt(cur, path);
        break;
      case 'replace':
        if (path.length === 0) cur = attr('value');
        else cur = insertAt(deleteAt(cur, path), path, attr('value'));
        break;
      case 'move': {
        const from = toPath(attr('from'));
        const v = getAt(cur, from);
        cur = insertAt(from.length === 0 ? cur : deleteAt(cur, from), path, v);
        break;
      }
      case 'copy': {
        const from = toPath(attr('from'));
        cur = insertAt(cur, path, getAt(cur, from));
        break;
      }
      case 'test':
        if (!equals(getAt(cur, path), attr('value'))) throw new PatchFailure('test failed');
        break;
      default:
        throw new PatchFailure('unrecognized op');
    }
  }
  return cur;
}

// ---------------------------------------------------------------------------------------------
// Subset

function arraySubset(sup: Value[], sub: Value[]): boolean {
  if (sub.length === 0) return true;
  outer: for (let i = 0; i + sub.length <= sup.length; i++) {
    for (let j = 0; j < sub.length; j++) if (!equals(sup[i + j]!, sub[j]!)) continue outer;
    return true;
  }
  return false;
}

function subset(sup: Value, sub: Value): boolean {
  if (sup instanceof ObjectValue && sub instanceof ObjectValue) {
    for (const [k, v] of sub.entries()) {
      const s = sup.get(k);
      if (s === undefined || !subset(s, v)) return false;
    }
    return true;
  }
  if (sup instanceof SetValue && sub instanceof SetValue) return sub.values().every((x) => sup.has(x));
  if (Array.isArray(sup) && Array.isArray(sub)) return arraySubset(sup, sub);
  if (Array.isArray(sup) && sub instanceof SetValue)
    return sub.values().every((x) => sup.some((y) => equals(x, y)));
  return equals(sup, sub);
}

// ---------------------------------------------------------------------------------------------
// Graphs

function neighbours(graph: ObjectValue, node: Value): Value[] {
  const edges = graph.get(node);
  if (edges === undefined || edges === null) return [];
  if (Array.isArray(edges)) return edges;
  if (edges instanceof SetValue) return edges.values();
  return [];
}

function initialNodes(v: Value): Value[] {
  if (Array.isArray(v)) return v;
  if (v instanceof SetValue) return v.values();
  throw operandError(2, 'one of {set, array}', v);
}

function graphOperand(args: Value[]): ObjectValue {
  const g = expectObject(args, 0);
  for (const v of g.values()) {
    if (v !== null && !Array.isArray(v) && !(v instanceof SetValue))
      throw operandError(1, 'object[any: one of {set, array}]', g);
  }
  return g;
}

function reachable(graph: ObjectValue, start: Value[]): SetValue {
  const seen = new SetValue();
  const queue = [...start];
  while (queue.length > 0) {
    const n = queue.shift()!;
    if (!graph.has(n) || seen.has(n)) continue;
    seen.add(n);
    queue.push(...neighbours(graph, n));
  }
  return seen;
}

// OPA's reachable_paths: a depth-first walk per edge of each start node. The `reached` set is
// shared across one such walk (not per path), which decides where cycles cut paths short.
function reachablePaths(graph: ObjectValue, start: Value[], ctx: BuiltinContext): SetValue {
  const out = new SetValue();
  const build = (root: Value, path: Value[], reached: SetValue): void => {
    // The number of paths can grow exponentially with the graph: bill each step.
    ctx.charge(1);
    const edges = graph.get(root);
    if (edges === undefined) {
      out.add(path);
      return;
    }
    const next = neighbours(graph, root);
    if (next.length === 0) {
      out.add([...path, root]);
      return;
    }
    for (const n of next) {
      if (reached.has(n)) out.add([...path, root]);
      else {
        reached.add(root);
        build(n, [...path, root], reached);
      }
    }
  };
  for (const s of start) {
    if (!graph.has(s)) continue;
    const next = neighbours(graph, s);
    if (next.length === 0) out.add([s]);
    for (const n of next) build(n, [s], SetValue.from([s]));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// walk

/** Every [path, value] pair of `v`, charging the budget per pair: documents can be huge. */
function walkValue(v: Value, path: Value[], out: Value[], ctx: BuiltinContext): void {
  ctx.charge(1);
  ctx.allocate(8 * path.length + 64);
  out.push([path, v]);
  if (Array.isArray(v)) v.forEach((x, i) => walkValue(x, [...path, i], out, ctx));
  else if (v instanceof ObjectValue) for (const [k, x] of v.entries()) walkValue(x, [...path, k], out, ctx);
  else if (v instanceof SetValue) for (const x of v.values()) walkValue(x, [...path, x], out, ctx);
}

/** The `collections` builtins. */
export const collectionBuiltins: BuiltinDef[] = [
  {
    name: 'object.union',
    arity: 2,
    fn: (args) => mergeWithOverwrite(expectObject(args, 0), expectObject(args, 1)),
  },
  {
    name: 'object.union_n',
    arity: 1,
    fn: (args) => {
      const arr = expectArray(args, 0);
      for (const x of arr) {
        if (!(x instanceof ObjectValue)) {
          throw new OperandTypeError(
            `operand 1 must be array of objects but got array containing ${typeName(x)}`,
          );
        }
      }
      return unionN(arr as ObjectValue[]);
    },
  },
  {
    name: 'object.remove',
    arity: 2,
    fn: (args) => {
      const obj = expectObject(args, 0);
      const keys = keysParam(args[1]!);
      return ObjectValue.from(obj.entries().filter(([k]) => !keys.has(k)));
    },
  },
  {
    name: 'object.filter',
    arity: 2,
    fn: (args) => {
      const obj = expectObject(args, 0);
      const keys = keysParam(args[1]!);
      return ObjectValue.from(obj.entries().filter(([k]) => keys.has(k)));
    },
  },
  {
    name: 'object.get',
    arity: 3,
    fn: (args) => {
      const obj = expectObject(args, 0);
      const key = args[1]!;
      const dflt = args[2]!;
      if (!Array.isArray(key)) return obj.get(key) ?? dflt;
      let cur: Value = obj;
      for (const seg of key) {
        let next: Value | undefined;
        if (cur instanceof ObjectValue) next = cur.get(seg);
        else if (Array.isArray(cur))
          next = typeof seg === 'number' && Number.isInteger(seg) ? cur[seg] : undefined;
        else if (cur instanceof SetValue) next = cur.has(seg) ? seg : undefined;
        if (next === undefined) return dflt;
        cur = next;
      }
      return cur;
    },
  },
  { name: 'object.keys', arity: 1, fn: (args) => SetValue.from(expectObject(args, 0).keys()) },
  {
    name: 'object.subset',
    arity: 2,
    fn: (args) => {
      const [a, b] = [args[0]!, args[1]!];
      const ok = (v: Value): boolean => v instanceof ObjectValue || v instanceof SetValue || Array.isArray(v);
      if (!ok(a)) throw operandError(1, 'one of {object, set, array}', a);
      if (!ok(b)) throw operandError(2, 'one of {object, set, array}', b);
      if (a instanceof ObjectValue !== b instanceof ObjectValue) {
        throw new BuiltinError('both arguments object.subset must be of the same type or array and set');
      }
      if (a instanceof SetValue && Array.isArray(b)) {
        throw new BuiltinError('both arguments object.subset must be of the same type or array and set');
      }
      return subset(a, b);
    },
  },
  {
    name: 'json.filter',
    arity: 2,
    fn: (args) => filterValue(expectObject(args, 0), pathsToObject(jsonPaths(args[1]!))),
  },
  {
    name: 'json.remove',
    arity: 2,
    fn: (args) => jsonRemove(expectObject(args, 0), pathsToObject(jsonPaths(args[1]!))),
  },
  {
    name: 'json.patch',
    arity: 2,
    fn: (args) => {
      const ops = expectArray(args, 1);
      try {
        return applyPatch(args[0]!, ops);
      } catch (e) {
        if (e instanceof PatchFailure || e instanceof BuiltinError) return undefined;
        throw e;
      }
    },
  },
  // Arrays
  {
    name: 'array.concat',
    arity: 2,
    fn: (args, ctx) => {
      const a = expectArray(args, 0);
      const b = expectArray(args, 1);
      ctx.allocate(8 * (a.length + b.length));
      return a.concat(b);
    },
  },
  {
    name: 'array.slice',
    arity: 3,
    fn: (args) => {
      const a = expectArray(args, 0);
      let i = intOperand(args, 1);
      let j = intOperand(args, 2);
      const len = BigInt(a.length);
      if (j > len) j = len;
      if (j < 0n) j = 0n;
      if (i > j) i = j;
      if (i < 0n) i = 0n;
      return a.slice(Number(i), Number(j));
    },
  },
  { name: 'array.reverse', arity: 1, fn: (args) => expectArray(args, 0).slice().reverse() },
  {
    name: 'array.flatten',
    arity: 1,
    fn: (args) => {
      // One level only, like OPA.
      const out: Value[] = [];
      for (const x of expectArray(args, 0)) {
        if (Array.isArray(x)) out.push(...x);
        else out.push(x);
      }
      return out;
    },
  },
  // Sets
  {
    name: 'intersection',
    arity: 1,
    fn: (args) => {
      const s = args[0]!;
      if (!(s instanceof SetValue)) throw operandError(1, 'set', s);
      const sets = s.values();
      for (const x of sets) if (!(x instanceof SetValue)) throw operandError(1, 'set', x);
      if (sets.length === 0) return new SetValue();
      let acc = (sets[0] as SetValue).values();
      for (const x of sets.slice(1)) acc = acc.filter((v) => (x as SetValue).has(v));
      return SetValue.from(acc);
    },
  },
  {
    name: 'union',
    arity: 1,
    fn: (args) => {
      const s = args[0]!;
      if (!(s instanceof SetValue)) throw operandError(1, 'set', s);
      const out = new SetValue();
      for (const x of s.values()) {
        if (!(x instanceof SetValue)) throw operandError(1, 'set', x);
        for (const v of x.values()) out.add(v);
      }
      return out;
    },
  },
  {
    // Deprecated (v0): a - b on sets.
    name: 'set_diff',
    arity: 2,
    fn: (args) => {
      const a = expectSet(args, 0);
      const b = expectSet(args, 1);
      return SetValue.from(a.values().filter((x) => !b.has(x)));
    },
  },
  // Deprecated (v0) casts: identity on the right type, type error otherwise.
  ...(
    [
      [
        'cast_array',
        'array',
        (v: Value) => (Array.isArray(v) ? v : v instanceof SetValue ? v.values() : undefined),
      ],
      [
        'cast_set',
        'set',
        (v: Value) => (v instanceof SetValue ? v : Array.isArray(v) ? SetValue.from(v) : undefined),
      ],
      ['cast_string', 'string', (v: Value) => (typeof v === 'string' ? v : undefined)],
      ['cast_boolean', 'boolean', (v: Value) => (typeof v === 'boolean' ? v : undefined)],
      ['cast_null', 'null', (v: Value) => (v === null ? v : undefined)],
      ['cast_object', 'object', (v: Value) => (v instanceof ObjectValue ? v : undefined)],
    ] as const
  ).map(([name, type, cast]): BuiltinDef => ({
    name,
    arity: 1,
    fn: (args) => {
      const r = cast(args[0]!);
      if (r === undefined) throw operandError(1, type, args[0]!);
      return r;
    },
  })),
  // Graphs
  {
    name: 'graph.reachable',
    arity: 2,
    fn: (args) => reachable(graphOperand(args), initialNodes(args[1]!)),
  },
  {
    name: 'graph.reachable_paths',
    arity: 2,
    fn: (args, ctx) => reachablePaths(graphOperand(args), initialNodes(args[1]!), ctx),
  },
  {
    name: 'walk',
    arity: 1,
    relation: true,
    fn: (args, ctx) => {
      const out: Value[] = [];
      walkValue(args[0]!, [], out, ctx);
      return out;
    },
  },
];
