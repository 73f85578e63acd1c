// What `opa test`, `opa eval --data` and `opa check` do, as a library (`@liftoff/rego/testing`):
// load files and directories as OPA's loader does, compile them as one unit, run their tests.
// Kept apart from the engine's main entry because loading reads the file system.
export { loadPolicyFiles, parseJSONOrYAML, PolicyLoadError } from '../files/load.js';
export type { LoadedFiles, LoadOptions, LoadProblem } from '../files/load.js';
export type { JsonObject } from '../files/data-document.js';
export { compileUnit, parseModules } from '../files/unit.js';
export type { CompiledUnit, UnitOptions } from '../files/unit.js';
export { discoverTests, SKIP_PREFIX, TEST_PREFIX } from './discovery.js';
export type { DiscoveredTests, TestCase } from './discovery.js';
export { DEFAULT_TEST_TIMEOUT_MS, runTests, testFilter } from './runner.js';
export type { SubResult, TestResult, TestRunOptions, TestStatus } from './runner.js';
