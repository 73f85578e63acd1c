// Finds the tests in a set of modules as `opa test` does: a rule is a test when an element of the
// ground prefix of its head ref starts with `test_` (`todo_test_` marks a skipped test), in any
// package; functions are not tests. Like OPA, a test defined more than once (several bodies under one
// name) is run once per definition: the second and later are renamed `name#01`, `name#02`, … so
// each reports on its own instead of being or-ed with the others.
import type { Module, Rule } from '../ast.js';
import type { ModuleSource } from '../index.js';

/** Rule names with this prefix are tests. */
export const TEST_PREFIX = 'test_';
/** Rule names with this prefix are tests that are reported as skipped. */
export const SKIP_PREFIX = 'todo_test_';

/** A test found in the modules. */
export interface TestCase {
  /** The package as OPA prints it, e.g. `data.k8sallowedrepos`. */
  package: string;
  /** The rule as OPA prints it, relative to the package: `test_x`, `a.test_x`, or `test_x#01` for a repeat. */
  name: string;
  /** `data.pkg.test_x` (`data.pkg["test_x#01"]`): what the `--run` filter matches, as in OPA. */
  fullName: string;
  /** The ref to evaluate in the compiled unit (repeats are renamed there). */
  ref: string;
  /** Where the rule is defined. */
  location: { file: string; row: number; col: number };
  /** A `todo_test_` rule: reported as skipped, never evaluated. */
  skip: boolean;
  /** The rule builds an object (`test_x[name] := …`) whose entries are sub-results. */
  partialObject: boolean;
}

/** The tests of a unit and the module sources to compile for it (repeats renamed). */
export interface DiscoveredTests {
  tests: TestCase[];
  modules: ModuleSource[];
}

const KEYWORDS = new Set([
  'as',
  'contains',
  'default',
  'else',
  'every',
  'false',
  'if',
  'import',
  'in',
  'not',
  'null',
  'package',
  'some',
  'true',
  'with',
]);

/** One ref segment as OPA's `Ref.String()` writes it: `.name` for identifiers, else `["…"]`. */
function segment(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !KEYWORDS.has(name)
    ? `.${name}`
    : `[${JSON.stringify(name)}]`;
}

/** The dotted ref `data.a.b` (or `data["a-b"]`) of a path below `data`. */
export function dataRef(path: string[]): string {
  return 'data' + path.map(segment).join('');
}

/** A rule's ref relative to its package as OPA prints it: the first element verbatim (`test_x#01`). */
function relativeRef(path: string[]): string {
  const [first, ...rest] = path;
  return first! + rest.map(segment).join('');
}

/** Index in the head ref of the test name segment, or -1 when the rule is not a test. */
function testSegment(rule: Rule): number {
  for (let i = 0; i < rule.ref.length; i++) {
    const t = rule.ref[i]!;
    if (t.type !== 'scalar' || typeof t.value !== 'string') return -1;
    if (t.value.startsWith(TEST_PREFIX) || t.value.startsWith(SKIP_PREFIX)) return i;
  }
  return -1;
}

/**
 * Finds the tests of parsed `modules` (same order as `sources`), in module order then rule order.
 * Returns them with the sources to compile, where repeated definitions of a test are renamed.
 */
export function discoverTests(modules: Module[], sources: ModuleSource[]): DiscoveredTests {
  const tests: TestCase[] = [];
  const seen = new Map<string, number>();
  const out: ModuleSource[] = [];
  modules.forEach((m, index) => {
    const source = sources[index]!;
    const edits: Edit[] = [];
    let lineStarts: number[] | undefined;
    for (const rule of m.rules) {
      const at = testSegment(rule);
      if (at < 0 || rule.args !== undefined) continue;
      const path = rule.ref.slice(0, at + 1).map((t) => (t.type === 'scalar' ? String(t.value) : ''));
      const pkg = dataRef(m.pkg);
      const key = `${pkg}.${relativeRef(path)}`;
      const repeat = seen.get(key) ?? 0;
      seen.set(key, repeat + 1);
      const reported = [...path];
      const evaluated = [...path];
      if (repeat > 0) {
        const name = path[at]!;
        reported[at] = `${name}#${String(repeat).padStart(2, '0')}`;
        lineStarts ??= lineOffsets(source.source);
        const { line, col } = rule.ref[at]!.pos;
        const edit = renameEdit(source.source, lineStarts[line - 1]! + col - 1, name, reported[at]!);
        if (edit) {
          edits.push(edit);
          evaluated[at] = edit.evaluated;
        }
      }
      const head = rule.ref[rule.ref.length - 1]!;
      tests.push({
        package: pkg,
        name: relativeRef(reported),
        fullName: dataRef([...m.pkg, ...reported]),
        ref: dataRef([...m.pkg, ...evaluated]),
        location: { file: m.file, row: rule.pos.line, col: rule.pos.col },
        skip: path[at]!.startsWith(SKIP_PREFIX),
        partialObject: rule.key === undefined && rule.value !== undefined && head.type !== 'scalar',
      });
    }
    out.push(edits.length === 0 ? source : { name: source.name, source: applyEdits(source.source, edits) });
  });
  return { tests, modules: out };
}

/** A replacement of `length` characters at `offset`; `evaluated` is the rule name it produces. */
interface Edit {
  offset: number;
  length: number;
  text: string;
  evaluated: string;
}

/**
 * How to rename the test name written at `offset`: a string segment (`a["test_x"]`) takes OPA's name
 * `test_x#01` itself; an identifier cannot hold `#`, so it becomes `test_x__liftoff_repeat_01` and
 * the report still says `test_x#01`. Undefined when the source does not hold the name there.
 */
function renameEdit(source: string, offset: number, name: string, reported: string): Edit | undefined {
  if (source.startsWith(name, offset)) {
    const evaluated = reported.replace('#', '__liftoff_repeat_');
    return { offset, length: name.length, text: evaluated, evaluated };
  }
  const literal = JSON.stringify(name);
  if (source.startsWith(literal, offset)) {
    return { offset, length: literal.length, text: JSON.stringify(reported), evaluated: reported };
  }
  return undefined;
}

function lineOffsets(source: string): number[] {
  const starts = [0];
  for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function applyEdits(source: string, edits: Edit[]): string {
  let out = source;
  for (const e of [...edits].sort((a, b) => b.offset - a.offset)) {
    out = out.slice(0, e.offset) + e.text + out.slice(e.offset + e.length);
  }
  return out;
}
