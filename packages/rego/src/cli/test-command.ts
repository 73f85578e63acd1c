// `liftoff-rego test`: OPA's `opa test`. Exit codes as OPA's: 0 when every test passed, 2 when a test
// failed, errored or was skipped (unless -z), 1 when the files do not load or compile.
import { loadPolicyFiles } from '../files/load.js';
import { runTests, type TestResult } from '../testing/runner.js';
import {
  IGNORE_FLAG,
  PRETTY_OR_JSON_FLAG,
  V0_FLAG,
  V1_FLAG,
  regoVersionOf,
  type Command,
} from './command.js';
import { errorText } from './error-text.js';
import { UsageError } from './flags.js';
import { jsonReport, prettyReport } from './test-report.js';

export const testCommand: Command = {
  name: 'test',
  usage: 'test [flags] <path> [path [...]]',
  summary: 'Execute Rego test cases',
  description: `Execute Rego test cases.

The 'test' command takes a file or directory path as input and executes all test cases
discovered in matching files. Test cases are rules whose names have the prefix "test_";
rules prefixed "todo_test_" are reported as skipped. All *.rego, *.json, *.yaml and *.yml
files under the paths are loaded and compiled as one unit; a data file in directory a/b
(below a directory given) is loaded at data.a.b.`,
  flags: [
    { name: 'verbose', short: 'v', kind: 'bool', help: 'set verbose reporting mode' },
    { name: 'run', short: 'r', kind: 'string', help: 'run only test cases matching the regular expression' },
    PRETTY_OR_JSON_FLAG,
    { name: 'timeout', kind: 'duration', help: 'set test timeout (default 5s)' },
    { name: 'exit-zero-on-skipped', short: 'z', kind: 'bool', help: 'skipped tests return status 0' },
    { name: 'fail-on-empty', kind: 'bool', help: 'fail when no test was run' },
    IGNORE_FLAG,
    V0_FLAG,
    V1_FLAG,
  ],
  run(flags, paths, io) {
    if (paths.length === 0) throw new UsageError('specify at least one file');
    let results: TestResult[];
    try {
      const { modules, data } = loadPolicyFiles(paths, { ignore: flags.ignore as string[] | undefined });
      results = runTests(modules, {
        data,
        regoVersion: regoVersionOf(flags),
        run: flags.run as string | undefined,
        timeoutMs: flags.timeout as number | undefined,
      });
    } catch (e) {
      io.stderr(errorText(e) + '\n');
      return 1;
    }
    io.stdout(flags.format === 'json' ? jsonReport(results) : prettyReport(results, flags.verbose === true));
    if (results.length === 0 && flags['fail-on-empty'] === true) {
      io.stderr('no tests were run\n');
      return 1;
    }
    const skipOk = flags['exit-zero-on-skipped'] === true;
    return results.some((r) => r.status !== 'pass' && !(r.status === 'skip' && skipOk)) ? 2 : 0;
  },
};
