// The tools the plan/apply suites run with (docs/runs.md, "Tests"): real Terraform where it is installed, and the
// terraform-like fixture CLI (test/fixtures/fake-terraform) always, so the same path is covered everywhere. Both
// keep state in a local file outside the workspace (managed state is another feature), read back in Terraform's
// format: {serial, lineage, outputs: {v: {value}}}.
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURE_BIN = fileURLToPath(new URL('../fixtures/fake-terraform', import.meta.url));

export interface ToolUnderTest {
  name: string;
  /** Why this tool's suite is skipped, if it is. */
  skip?: string;
  /** Stack env making the runner find this tool. */
  env: Record<string, string>;
  /** Resource address of the value `v`. */
  address: string;
  /** The version the runner will find. */
  version: string;
  /** Infrastructure code keeping state at `statePath`, with one value `v` (overridable by TF_VAR_v). */
  files(statePath: string, value: string): Record<string, string>;
}

function realTerraform(): ToolUnderTest {
  let version = '';
  let skip: string | undefined;
  try {
    const out = execFileSync('terraform', ['version', '-json'], { encoding: 'utf8' });
    version = (JSON.parse(out) as { terraform_version: string }).terraform_version;
  } catch (err) {
    skip = `terraform is not on PATH (${(err as Error).message.split('\n')[0]}); the fixture CLI covers the same path`;
    console.log(`# skipping real Terraform suites: ${skip}`);
  }
  return {
    name: 'Terraform',
    skip,
    env: {},
    address: 'terraform_data.v',
    version,
    files: (statePath, value) => ({
      'main.tf': [
        'terraform {',
        `  backend "local" { path = ${JSON.stringify(statePath)} }`,
        '}',
        `variable "v" { default = ${JSON.stringify(value)} }`,
        'resource "terraform_data" "v" { input = var.v }',
        'output "v" { value = terraform_data.v.output }',
        '',
      ].join('\n'),
    }),
  };
}

function fixtureTerraform(): ToolUnderTest {
  return {
    name: 'fixture CLI',
    env: { PATH: `${FIXTURE_BIN}:${process.env.PATH ?? ''}` },
    address: 'fixture_data.v',
    version: '1.11.0',
    files: (statePath, value) => ({
      'fixture.json': JSON.stringify({ backend_path: statePath, resources: { v: value } }),
    }),
  };
}

export const TOOLS: readonly ToolUnderTest[] = [realTerraform(), fixtureTerraform()];

/** A local git repository to use as a stack's `repository` (file:// URL), one branch `main`. */
export class GitRepo {
  readonly dir = mkdtempSync(join(tmpdir(), 'liftoff-repo-'));
  readonly url = `file://${this.dir}`;

  constructor() {
    this.git('init', '-q', '-b', 'main');
    this.git('config', 'user.email', 'dev@example.com');
    this.git('config', 'user.name', 'Dev');
    this.git('commit', '-q', '--allow-empty', '-m', 'start');
  }

  /** Writes the files and commits them; returns the commit hash. */
  commit(files: Record<string, string>, message: string): string {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(this.dir, path)), { recursive: true });
      writeFileSync(join(this.dir, path), text);
    }
    this.git('add', '-A');
    this.git('commit', '-q', '-m', message);
    return this.git('rev-parse', 'HEAD').trim();
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, encoding: 'utf8' });
  }

  remove(): void {
    execSync(`rm -rf ${JSON.stringify(this.dir)}`);
  }
}

/** The state file's outputs and serial (Terraform's format; the fixture writes the same). */
export function readState(path: string): { serial: number; v: string | undefined } | undefined {
  if (!existsSync(path)) return undefined;
  const state = JSON.parse(readFileSync(path, 'utf8')) as {
    serial: number;
    outputs?: { v?: { value: string } };
  };
  return { serial: state.serial, v: state.outputs?.v?.value };
}
