#!/usr/bin/env node
// Entry point of the `liftoff-rego` command. In the repository it runs the TypeScript sources through
// tsx (so it never runs a stale build); a published package, which ships only dist/, runs the build.
import { existsSync, readFileSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
let main;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(source.href));
} else {
  ({ main } = await import(new URL('../dist/cli/main.js', import.meta.url).href));
}

const io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readStdin: () => readFileSync(0, 'utf8'),
};
process.exitCode = main(process.argv.slice(2), io);
