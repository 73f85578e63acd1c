// A stack's fields as the domain takes them (StackService/StackRepository), for suites and benchmarks that create
// stacks below the API.
import type { StackFields } from '../../src/domain/stacks.js';

export function stackFields(overrides: Partial<StackFields> = {}): StackFields {
  return {
    name: 'stack',
    description: '',
    labels: [],
    repository: null,
    branch: null,
    project_root: null,
    autodeploy: false,
    administrative: false,
    tool: null,
    commands: { init: null, plan: 'exit 0', apply: 'true' },
    env: {},
    locked_by: null,
    namespace: null,
    terraform_version: null,
    ...overrides,
  };
}
