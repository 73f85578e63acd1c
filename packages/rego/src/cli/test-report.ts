// `opa test` reports. Pretty: the tests that did not pass (all with `--verbose`) grouped under their
// file, `data.pkg.test_x: PASS (172.75µs)` lines, print() output and errors indented below them,
// then a rule and the `PASS: n/m`, `FAIL: n/m`, `SKIPPED: n/m`, `ERROR: n/m` summary. Verbose runs
// with failures start with a FAILURES section (OPA adds an evaluation trace there; this engine has
// no tracer, so the section names the failed tests only). JSON: OPA's array of result objects.
import type { RegoError } from '../errors.js';
import type { SubResult, TestResult } from '../testing/runner.js';
import { errorJSON } from './error-text.js';
import { goDuration } from './go-duration.js';
import { goJSON } from './go-json.js';

const RULE = '-'.repeat(80);
const OUTCOME = { pass: 'PASS', fail: 'FAIL', error: 'ERROR', skip: 'SKIPPED' } as const;

/** Counts of a report; object-building tests count each leaf case. */
export interface TestCounts {
  pass: number;
  fail: number;
  skip: number;
  error: number;
}

/** Counts results as OPA's summary does. */
export function countResults(results: TestResult[]): TestCounts {
  const counts: TestCounts = { pass: 0, fail: 0, skip: 0, error: 0 };
  const leaves = (subs: SubResult[]): void => {
    for (const s of subs) {
      if (s.subResults.length > 0) leaves(s.subResults);
      else if (s.fail) counts.fail++;
      else counts.pass++;
    }
  };
  for (const r of results) {
    if (r.status === 'skip') counts.skip++;
    else if (r.status === 'error') counts.error++;
    else if (r.subResults.length > 0) leaves(r.subResults);
    else counts[r.status]++;
  }
  return counts;
}

function headline(r: TestResult): string {
  const name = `${r.package}.${r.name}: ${OUTCOME[r.status]}`;
  return r.status === 'skip' ? name : `${name} (${goDuration(r.durationNs)})`;
}

function subResultLines(subs: SubResult[], onlyFailed: boolean, depth = 1): string[] {
  const out: string[] = [];
  for (const s of subs) {
    if (onlyFailed && !s.fail) continue;
    out.push(`${'  '.repeat(depth)}${s.name}: ${s.fail ? 'FAIL' : 'PASS'}`);
    out.push(...subResultLines(s.subResults, onlyFailed, depth + 1));
  }
  return out;
}

function indented(text: string): string {
  return text.replace(/^/gm, '  ');
}

/** The pretty report, ending with a newline (empty when there are no results). */
export function prettyReport(results: TestResult[], verbose: boolean): string {
  const out: string[] = [];
  const counts = countResults(results);
  if (verbose && counts.fail > 0) {
    out.push('FAILURES', RULE);
    for (const r of results.filter((x) => x.status === 'fail')) {
      out.push(headline(r), '', '');
      const subs = subResultLines(r.subResults, true);
      if (subs.length > 0) out.push(...subs, '');
    }
    out.push('SUMMARY', RULE);
  }
  let lastFile: string | undefined;
  let printed = false;
  for (const r of results) {
    if (verbose || r.status !== 'pass') {
      if (r.location.file !== lastFile) {
        if (lastFile !== undefined) out.push('');
        out.push(`${r.location.file}:`);
        lastFile = r.location.file;
      }
      printed = true;
      out.push(headline(r), ...subResultLines(r.subResults, !verbose));
      if (r.output.length > 0) out.push('', indented(r.output.join('\n').trim()), '');
    }
    if (r.error) out.push(`  ${r.error.message}`);
  }
  if (printed) out.push(RULE);
  const total = counts.pass + counts.fail + counts.skip + counts.error;
  if (counts.pass > 0) out.push(`PASS: ${counts.pass}/${total}`);
  if (counts.fail > 0) out.push(`FAIL: ${counts.fail}/${total}`);
  if (counts.skip > 0) out.push(`SKIPPED: ${counts.skip}/${total}`);
  if (counts.error > 0) out.push(`ERROR: ${counts.error}/${total}`);
  return out.length > 0 ? out.join('\n') + '\n' : '';
}

function subResultsJSON(subs: SubResult[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of subs) {
    const entry: Record<string, unknown> = {};
    if (s.subResults.length > 0) entry.sub_results = subResultsJSON(s.subResults);
    entry.name = s.name;
    if (s.fail) entry.fail = true;
    out[s.name] = entry;
  }
  return out;
}

/** A test's error as OPA's JSON report writes a topdown error: code, message, location. */
function errorObject(e: RegoError): Record<string, unknown> {
  const { code, message, location } = errorJSON(e)[0] ?? { message: e.message };
  return location === undefined ? { code, message } : { code, message, location };
}

/** The JSON report: OPA's result objects, fields in OPA's order, ending with a newline. */
export function jsonReport(results: TestResult[]): string {
  const report = results.map((r) => {
    const o: Record<string, unknown> = {};
    if (r.error) o.error = errorObject(r.error);
    o.location = r.location;
    if (r.subResults.length > 0) o.sub_results = subResultsJSON(r.subResults);
    o.package = r.package;
    o.name = r.name;
    if (r.output.length > 0)
      o.output = Buffer.from(r.output.map((l) => `${l}\n`).join('')).toString('base64');
    o.duration = r.durationNs;
    if (r.status === 'fail') o.fail = true;
    if (r.status === 'skip') o.skip = true;
    return o;
  });
  return goJSON(report) + '\n';
}
