// `liftoff-rego`: OPA's `test`, `eval` and `check` commands on this engine, with OPA's flags, output
// and exit codes (see packages/rego/README.md). A mistake on the command line prints `Error: …` and
// exits 1, as cobra does; no failure ever prints a stack trace.
import { checkCommand } from './check-command.js';
import type { CliIO, Command } from './command.js';
import { evalCommand } from './eval-command.js';
import { UsageError, flagsHelp, parseFlags, type FlagSpec } from './flags.js';
import { testCommand } from './test-command.js';

const PROGRAM = 'liftoff-rego';
const COMMANDS: Command[] = [checkCommand, evalCommand, testCommand];
const HELP_FLAG: FlagSpec = { name: 'help', short: 'h', kind: 'bool', help: 'help for this command' };

function rootHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 4;
  return `Rego policy tools of Liftoff's engine, with the commands and output of OPA's CLI.

Usage:
  ${PROGRAM} [command]

Available Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join('\n')}

Use "${PROGRAM} [command] --help" for more information about a command.
`;
}

function commandHelp(c: Command): string {
  return `${c.description}

Usage:
  ${PROGRAM} ${c.usage}

Flags:
${flagsHelp([...c.flags, HELP_FLAG])}
`;
}

/** Runs the command line `argv` (without the program name); returns the exit code. */
export function main(argv: string[], io: CliIO): number {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout(rootHelp());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr(
      `Error: unknown command ${JSON.stringify(name)} for ${JSON.stringify(PROGRAM)}\nRun '${PROGRAM} --help' for usage.\n`,
    );
    return 1;
  }
  try {
    const { flags, positional } = parseFlags(rest, [...command.flags, HELP_FLAG]);
    if (flags.help === true) {
      io.stdout(commandHelp(command));
      return 0;
    }
    return command.run(flags, positional, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`Error: ${e.message}\nRun '${PROGRAM} ${command.name} --help' for usage.\n`);
      return 1;
    }
    // Commands report the errors they expect; anything else is a bug, reported without a stack trace.
    io.stderr(`internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
