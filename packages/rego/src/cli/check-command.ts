// `liftoff-rego check`: OPA's `opa check`. Parses and compiles the .rego files under the paths as one
// unit; prints nothing and exits 0 when they compile, prints every error and exits 1 otherwise.
import { loadPolicyFiles } from '../files/load.js';
import { compileUnit } from '../files/unit.js';
import {
  IGNORE_FLAG,
  PRETTY_OR_JSON_FLAG,
  STRICT_FLAG,
  V0_FLAG,
  V1_FLAG,
  regoVersionOf,
  type Command,
} from './command.js';
import { errorJSON, errorText } from './error-text.js';
import { UsageError } from './flags.js';
import { goJSON } from './go-json.js';

export const checkCommand: Command = {
  name: 'check',
  usage: 'check [flags] <path> [path [...]]',
  summary: 'Check Rego source files',
  description: `Check Rego source files for parse and compilation errors.

If the 'check' command succeeds in parsing and compiling the source file(s), no output
is produced. If the parsing or compiling fails, 'check' will output the errors
and exit with a non-zero exit code.`,
  flags: [STRICT_FLAG, PRETTY_OR_JSON_FLAG, IGNORE_FLAG, V0_FLAG, V1_FLAG],
  run(flags, paths, io) {
    if (paths.length === 0) throw new UsageError('specify at least one file');
    try {
      const { modules } = loadPolicyFiles(paths, {
        regoOnly: true,
        ignore: flags.ignore as string[] | undefined,
      });
      compileUnit(modules, { regoVersion: regoVersionOf(flags), strict: flags.strict === true });
      return 0;
    } catch (e) {
      io.stderr(flags.format === 'json' ? goJSON({ errors: errorJSON(e) }) + '\n' : errorText(e) + '\n');
      return 1;
    }
  },
};
