// `npm run bench:runner`: every section of the runner benchmark, i.e. each other module in this folder exporting
// `section` (plan artifacts here; managed state and the sandbox add theirs), one after another in name order, after
// one line naming the machine. `npm run bench:runner -- artifacts` runs the sections whose names are given.
import { readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { machineLine } from '../measure.js';

export interface BenchSection {
  name: string;
  run(): Promise<void>;
}

const wanted = process.argv.slice(2);
const files = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
  .sort();
console.log(machineLine());
console.log(
  `load average at start: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
for (const file of files) {
  const mod = (await import(pathToFileURL(`${import.meta.dirname}/${file}`).href)) as {
    section?: BenchSection;
  };
  if (!mod.section) continue;
  if (wanted.length > 0 && !wanted.includes(mod.section.name)) continue;
  console.log(`\n## ${mod.section.name} (bench/runner/${file})\n`);
  await mod.section.run();
}
