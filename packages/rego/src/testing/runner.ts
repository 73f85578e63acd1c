// Runs the tests of a unit as `opa test` does: all modules compiled together (a compile error fails
// the whole run), each test evaluated on its own with its own time budget. A test passes when its
// rule is `true`; it fails when false, undefined or any other value; it errors when evaluation
// raises an error. Builtin errors make the call undefined, as in `opa test` (which does not raise
// them) unless `strictBuiltinErrors` is set.
import { RegoError } from '../errors.js';
import { compileUnit, parseModules, type UnitOptions } from '../files/unit.js';
import type { JsonValue } from '../value.js';
import type { ModuleSource } from '../index.js';
import { discoverTests, type TestCase } from './discovery.js';

/** Options of `runTests`. */
export interface TestRunOptions extends UnitOptions {
  /**
   * Only tests whose full name (`data.pkg.test_x`) matches run. A string is read as a regular
   * expression; a leading Go flag group such as `(?i)` is honoured.
   */
  run?: string | RegExp;
  /** Wall-clock budget of each test in ms; default (and when 0) 5000, as `opa test --timeout`. */
  timeoutMs?: number;
  /** Step budget of each test; default unlimited. */
  maxSteps?: number;
  /** Builtin errors abort the test (status `error`) instead of making the call undefined. */
  strictBuiltinErrors?: boolean;
}

/** Outcome of one test. */
export type TestStatus = 'pass' | 'fail' | 'error' | 'skip';

/** One entry of a test that builds an object of cases (`test_x[name] := …`). */
export interface SubResult {
  name: string;
  fail: boolean;
  /** Nested cases, sorted by name; empty for a leaf. */
  subResults: SubResult[];
}

/** The result of one test. */
export interface TestResult {
  /** `data.pkg` */
  package: string;
  /** `test_x` (or `test_x#01` for a repeated definition) */
  name: string;
  location: { file: string; row: number; col: number };
  status: TestStatus;
  /** Evaluation time in nanoseconds (0 for skipped tests). */
  durationNs: number;
  /** Why the test errored. */
  error?: RegoError;
  /** Lines the test printed with `print()`. */
  output: string[];
  /** Cases of a test that builds an object, sorted by name; empty otherwise. */
  subResults: SubResult[];
}

/** Default per-test budget, OPA's `opa test --timeout` default. */
export const DEFAULT_TEST_TIMEOUT_MS = 5000;

/**
 * Compiles `modules` (plus `options.data` as base documents) as one unit and runs every test.
 * Throws RegoParseError / RegoCompileError when the unit does not compile, and an Error for an
 * invalid `run` pattern. Results are ordered by file, then by position in the file.
 */
export function runTests(modules: ModuleSource[], options: TestRunOptions = {}): TestResult[] {
  const filter = testFilter(options.run);
  const { run: _run, timeoutMs, maxSteps, strictBuiltinErrors, ...unitOptions } = options;
  // Discovery reads the syntax trees (parseModules reports every module's syntax errors); the unit
  // is then compiled from the sources with repeated tests renamed.
  const discovered = discoverTests(parseModules(modules, unitOptions.regoVersion), modules);
  const { policy } = compileUnit(discovered.modules, unitOptions);
  const selected = discovered.tests
    .filter((t) => !filter || filter.test(t.fullName))
    .sort((a, b) => (a.location.file < b.location.file ? -1 : a.location.file > b.location.file ? 1 : 0));
  return selected.map((test) => {
    if (test.skip) return result(test, 'skip', 0, []);
    const output: string[] = [];
    const started = process.hrtime.bigint();
    let value: JsonValue | undefined;
    let error: RegoError | undefined;
    try {
      value = policy.evaluate(test.ref, {
        data: options.data,
        // 0 means unset, as `opa test --timeout 0`.
        timeoutMs: timeoutMs || DEFAULT_TEST_TIMEOUT_MS,
        maxSteps,
        strictBuiltinErrors,
        print: (line) => output.push(line),
      });
    } catch (e) {
      error = e instanceof RegoError ? e : new RegoError('internal_error', `internal error: ${String(e)}`);
    }
    const durationNs = Number(process.hrtime.bigint() - started);
    if (error) return { ...result(test, 'error', durationNs, output), error };
    if (test.partialObject && isObject(value)) {
      const subResults = casesOf(value);
      const failed = subResults.some((s) => s.fail);
      return { ...result(test, failed ? 'fail' : 'pass', durationNs, output), subResults };
    }
    return result(test, value === true ? 'pass' : 'fail', durationNs, output);
  });
}

function result(test: TestCase, status: TestStatus, durationNs: number, output: string[]): TestResult {
  return {
    package: test.package,
    name: test.name,
    location: test.location,
    status,
    durationNs,
    output,
    subResults: [],
  };
}

function isObject(v: JsonValue | undefined): v is { [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The cases of an object-building test: `true` passes, an object nests, anything else fails. */
function casesOf(value: { [key: string]: JsonValue }): SubResult[] {
  return Object.keys(value)
    .sort()
    .map((name) => {
      const v = value[name]!;
      if (isObject(v)) {
        const subResults = casesOf(v);
        return { name, fail: subResults.some((s) => s.fail), subResults };
      }
      return { name, fail: v !== true, subResults: [] };
    });
}

/** The `--run` pattern as a RegExp; Go's leading `(?flags)` group becomes JavaScript flags. */
export function testFilter(run: string | RegExp | undefined): RegExp | undefined {
  if (run === undefined || run === '') return undefined;
  if (run instanceof RegExp) return run;
  const flags = /^\(\?([imsU]+)\)/.exec(run);
  const source = flags ? run.slice(flags[0].length) : run;
  const jsFlags = flags ? [...new Set(flags[1]!.replace('U', ''))].join('') : '';
  try {
    return new RegExp(source, jsFlags + 'u');
  } catch (e) {
    throw new Error(
      `error parsing regexp: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`,
    );
  }
}
