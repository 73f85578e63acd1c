// Command-line flags with the syntax of OPA's (cobra/pflag): `--name value`, `--name=value`, `-n value`,
// `-nvalue`, grouped short booleans (`-vz`), flags before or after arguments, `--` ends flags.
// Mistakes are UsageErrors worded as cobra words them (`unknown flag: --x`).

/** Kinds of flag value. */
export type FlagKind = 'bool' | 'string' | 'list' | 'duration';

/** A flag a command accepts. */
export interface FlagSpec {
  name: string;
  short?: string;
  kind: FlagKind;
  /** Allowed values of a string flag. */
  choices?: string[];
  /** Value placeholder and description for `--help`. */
  help: string;
}

/** Parsed flags: booleans, strings, repeated strings, durations in ms. */
export type FlagValues = Record<string, boolean | string | string[] | number | undefined>;

/** A mistake in the command line; the message is shown after `Error: `. */
export class UsageError extends Error {}

/** Parses `args` against `specs`; returns the flag values and the positional arguments. */
export function parseFlags(args: string[], specs: FlagSpec[]): { flags: FlagValues; positional: string[] } {
  const flags: FlagValues = {};
  const positional: string[] = [];
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const spec = byName.get(name);
      if (!spec) throw new UsageError(`unknown flag: --${name}`);
      const inline = eq < 0 ? undefined : arg.slice(eq + 1);
      if (spec.kind === 'bool') {
        set(flags, spec, inline === undefined ? 'true' : inline);
      } else {
        const value = inline ?? args[++i];
        if (value === undefined) throw new UsageError(`flag needs an argument: --${name}`);
        set(flags, spec, value);
      }
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      // Grouped shorthands: every letter is a boolean flag, except that a value flag takes the rest.
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j]!;
        const spec = byShort.get(letter);
        if (!spec) throw new UsageError(`unknown shorthand flag: '${letter}' in ${arg}`);
        if (spec.kind === 'bool') {
          set(flags, spec, 'true');
          continue;
        }
        let value: string | undefined = arg.slice(j + 1).replace(/^=/, '');
        if (value === '') value = args[++i];
        if (value === undefined) throw new UsageError(`flag needs an argument: '${letter}' in ${arg}`);
        set(flags, spec, value);
        break;
      }
      continue;
    }
    positional.push(arg);
  }
  return { flags, positional };
}

function set(flags: FlagValues, spec: FlagSpec, value: string): void {
  const invalid = (why: string) =>
    new UsageError(
      `invalid argument ${JSON.stringify(value)} for "${spec.short ? `-${spec.short}, ` : ''}--${spec.name}" flag: ${why}`,
    );
  switch (spec.kind) {
    case 'bool':
      if (!/^(true|false|1|0|t|f|TRUE|FALSE|True|False)$/.test(value)) throw invalid('not a boolean');
      flags[spec.name] = /^(true|1|t|TRUE|True)$/.test(value);
      return;
    case 'string':
      if (spec.choices && !spec.choices.includes(value)) {
        throw invalid(`must be one of ${spec.choices.join(', ')}`);
      }
      flags[spec.name] = value;
      return;
    case 'list':
      flags[spec.name] = [...((flags[spec.name] as string[] | undefined) ?? []), value];
      return;
    case 'duration': {
      const ms = parseGoDuration(value);
      if (ms === undefined) throw invalid('not a duration such as 500ms, 5s or 1m30s');
      flags[spec.name] = ms;
      return;
    }
  }
}

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** A Go duration (`300ms`, `1.5s`, `1m30s`, `0`) in milliseconds; undefined when malformed. */
export function parseGoDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let total = 0;
  let at = 0;
  while (at < text.length) {
    part.lastIndex = at;
    const m = part.exec(text);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    at = part.lastIndex;
  }
  return text.length > 0 ? total : undefined;
}

/** The `Flags:` section of a command's help. */
export function flagsHelp(specs: FlagSpec[]): string {
  const rows = specs.map((s) => {
    const names = `${s.short ? `-${s.short}, ` : '    '}--${s.name}`;
    const value = s.kind === 'bool' ? '' : s.kind === 'duration' ? ' duration' : ' string';
    return [`  ${names}${value}`, s.help];
  });
  const width = Math.max(...rows.map(([left]) => left!.length)) + 3;
  return rows.map(([left, help]) => left!.padEnd(width) + help).join('\n');
}
