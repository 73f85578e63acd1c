// `liftoff-rego eval`: OPA's `opa eval`. Loads `--data` paths (modules and data files, as `test`
// does), reads `--input`, evaluates the query and prints OPA's result set. Exit codes as OPA's: 0 on
// success (also when undefined), 2 on any error, 1 with `--fail` when the result is undefined or
// with `--fail-defined` when it is defined.
import { readFileSync } from 'node:fs';
import { loadPolicyFiles, parseJSONOrYAML } from '../files/load.js';
import { compileUnit } from '../files/unit.js';
import {
  IGNORE_FLAG,
  STRICT_FLAG,
  V0_FLAG,
  V1_FLAG,
  regoVersionOf,
  type CliIO,
  type Command,
} from './command.js';
import { errorJSON, errorText } from './error-text.js';
import { UsageError, type FlagValues } from './flags.js';
import { goJSON, sortedKeys } from './go-json.js';
import { evalResultSet, type QueryResult } from './result-set.js';

const FORMATS = ['json', 'values', 'bindings', 'pretty', 'raw'];

export const evalCommand: Command = {
  name: 'eval',
  usage: 'eval [flags] <query>',
  summary: 'Evaluate a Rego query',
  description: `Evaluate a Rego query and print the result.

Examples:

    liftoff-rego eval 'x := 1; y := 2; x < y'
    liftoff-rego eval --data policy.rego --input input.json 'data.spacelift.allow'

The --data flag loads *.rego, *.json, *.yaml and *.yml files (directories recursively);
a data file in directory a/b below a directory given is loaded at data.a.b.`,
  flags: [
    { name: 'data', short: 'd', kind: 'list', help: 'set policy or data file(s); repeatable' },
    { name: 'input', short: 'i', kind: 'string', help: 'set input file path (JSON or YAML)' },
    { name: 'stdin-input', short: 'I', kind: 'bool', help: 'read input document from stdin' },
    { name: 'stdin', kind: 'bool', help: 'read query from stdin' },
    {
      name: 'format',
      short: 'f',
      kind: 'string',
      choices: FORMATS,
      help: `set output format (${FORMATS.join(', ')})`,
    },
    {
      name: 'fail',
      kind: 'bool',
      help: 'exits with non-zero exit code on undefined/empty result and errors',
    },
    {
      name: 'fail-defined',
      kind: 'bool',
      help: 'exits with non-zero exit code on defined/non-empty result and errors',
    },
    { name: 'timeout', kind: 'duration', help: 'set eval timeout (default unlimited)' },
    {
      name: 'strict-builtin-errors',
      kind: 'bool',
      help: 'treat the first built-in function error encountered as fatal',
    },
    STRICT_FLAG,
    IGNORE_FLAG,
    V0_FLAG,
    V1_FLAG,
  ],
  run(flags, args, io) {
    const query = queryOf(flags, args, io);
    let input: unknown;
    try {
      input = inputOf(flags, io);
    } catch (e) {
      io.stderr(`${(e as Error).message}\n`);
      return 2;
    }
    const format = (flags.format as string | undefined) ?? 'json';
    let results: QueryResult[];
    try {
      const { modules, data } = loadPolicyFiles((flags.data as string[] | undefined) ?? [], {
        ignore: flags.ignore as string[] | undefined,
      });
      const unit = compileUnit(modules, {
        regoVersion: regoVersionOf(flags),
        strict: flags.strict === true,
        data,
      });
      results = evalResultSet(unit.policy, query, unit.modules, {
        input,
        data,
        // `--timeout 0` is OPA's default: no limit.
        timeoutMs: (flags.timeout as number | undefined) || undefined,
        strictBuiltinErrors: flags['strict-builtin-errors'] === true,
      });
    } catch (e) {
      if (format === 'json') io.stdout(goJSON({ errors: errorJSON(e) }) + '\n');
      else io.stderr(errorText(e) + '\n');
      return 2;
    }
    io.stdout(render(format, results));
    const defined = results.length > 0;
    return (flags.fail === true && !defined) || (flags['fail-defined'] === true && defined) ? 1 : 0;
  },
};

function queryOf(flags: FlagValues, args: string[], io: CliIO): string {
  if (flags.stdin === true) {
    if (args.length > 0) throw new UsageError('specify query argument or --stdin but not both');
    if (flags['stdin-input'] === true) throw new UsageError('specify --stdin or --stdin-input but not both');
    return io.readStdin();
  }
  if (args.length === 0) throw new UsageError('specify query argument or --stdin');
  if (args.length > 1) throw new UsageError('specify at most one query argument');
  if (flags['stdin-input'] === true && flags.input !== undefined) {
    throw new UsageError('specify --stdin-input or --input but not both');
  }
  if (flags.fail === true && flags['fail-defined'] === true) {
    throw new UsageError('specify --fail or --fail-defined but not both');
  }
  return args[0]!;
}

/** The input document: JSON, else YAML (as OPA's util.Unmarshal); undefined when none is given. */
function inputOf(flags: FlagValues, io: CliIO): unknown {
  let text: string;
  if (flags['stdin-input'] === true) text = io.readStdin();
  else if (typeof flags.input === 'string') {
    try {
      text = readFileSync(flags.input, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new Error(
        `open ${flags.input}: ${code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`,
      );
    }
  } else return undefined;
  try {
    return parseJSONOrYAML(text);
  } catch (e) {
    throw new Error(`unable to parse input: ${(e as Error).message}`);
  }
}

function render(format: string, results: QueryResult[]): string {
  switch (format) {
    case 'values':
      return results.map((r) => goJSON(sortedKeys(r.expressions.map((e) => e.value))) + '\n').join('');
    case 'bindings':
      return results.map((r) => goJSON(sortedKeys(r.bindings ?? {})) + '\n').join('');
    case 'raw':
      return results
        .map(
          (r) =>
            r.expressions.map((e) => (typeof e.value === 'string' ? e.value : compact(e.value))).join(' ') +
            '\n',
        )
        .join('');
    case 'pretty':
      return pretty(results);
    default:
      return goJSON(results.length > 0 ? { result: results.map(withSortedValues) } : {}) + '\n';
  }
}

/** A result with map keys sorted inside values and bindings, the structure's keys in OPA's order. */
function withSortedValues(r: QueryResult): unknown {
  const expressions = r.expressions.map((e) => ({
    value: sortedKeys(e.value),
    text: e.text,
    location: e.location,
  }));
  return r.bindings ? { expressions, bindings: sortedKeys(r.bindings) } : { expressions };
}

function compact(value: unknown): string {
  return goJSON(sortedKeys(value), false);
}

/** OPA's pretty output: `undefined`, one value as indented JSON, or a table of bindings and values. */
function pretty(results: QueryResult[]): string {
  if (results.length === 0) return 'undefined\n';
  const first = results[0]!;
  if (
    results.length === 1 &&
    first.bindings === undefined &&
    (first.expressions.length === 1 || first.expressions.every((e) => typeof e.value === 'boolean'))
  ) {
    return goJSON(sortedKeys(first.expressions[0]!.value)) + '\n';
  }
  const vars = Object.keys(first.bindings ?? {}).sort();
  const exprs = first.expressions
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => typeof e.value !== 'boolean' || vars.length === 0);
  const header = [...vars, ...exprs.map(({ e }) => e.text)];
  const rows = results.map((r) => [
    ...vars.map((v) => cell(r.bindings?.[v])),
    ...exprs.map(({ i }) => cell(r.expressions[i]!.value)),
  ]);
  return table(header, rows);
}

const PRETTY_LIMIT = 80;

function cell(value: unknown): string {
  const text = compact(value ?? null);
  return text.length > PRETTY_LIMIT ? text.slice(0, PRETTY_LIMIT) + '...' : text;
}

/** An ASCII table as OPA's table writer draws it: centred header, left-aligned cells. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const rule = '+' + widths.map((w) => '-'.repeat(w + 2)).join('+') + '+';
  const centre = (text: string, w: number) => {
    const left = Math.floor((w - text.length) / 2);
    return ' '.repeat(left) + text + ' '.repeat(w - text.length - left);
  };
  const line = (cells: string[], align: (t: string, w: number) => string) =>
    '| ' + cells.map((t, c) => align(t, widths[c]!)).join(' | ') + ' |';
  return (
    [rule, line(header, centre), rule, ...rows.map((r) => line(r, (t, w) => t.padEnd(w))), rule].join('\n') +
    '\n'
  );
}
