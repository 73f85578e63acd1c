// Import rules of the layers (docs/architecture.md), checked by `npm run lint`:
//   cli → app → {http, slack, runner} → domain ← storage
// The domain imports nothing of the adapters; only storage/ touches the database drivers and Kysely; adapters do not
// import each other; HTTP and the runner never see storage, the Slack adapter only its types (the composition root,
// app.ts, makes every instance); and no import cycle anywhere.
const SERVER = '^packages/server/src/';
const ADAPTERS = 'app|cli|http|slack|runner|policy-engine|storage|notifications';

/** Where cycles are forbidden. (slack-sim: services.ts ↔ socket-mode.ts ↔ app-transport.ts, type-only, still to untangle.) */
const NO_CYCLES_IN = '^packages/(server|web|rego)/src/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'Import cycles make the layering meaningless and modules impossible to load or test alone.',
      from: { path: NO_CYCLES_IN },
      to: { circular: true },
    },
    {
      name: 'domain-knows-no-adapter',
      severity: 'error',
      comment:
        'domain/ is the core: it knows nothing of HTTP, Slack, SQL, the runner or configuration. Ports are declared ' +
        'in domain/ and implemented by the adapters.',
      from: { path: `${SERVER}domain/` },
      to: { path: `${SERVER}(?!domain/)` },
    },
    {
      name: 'database-only-in-storage',
      severity: 'error',
      comment: 'All SQL lives in storage/: nothing else imports Kysely or a database driver.',
      from: { path: '^(packages/[^/]+/src|bench|scripts)/', pathNot: `${SERVER}storage/` },
      to: { path: '(^|/)node_modules/(kysely|better-sqlite3|pg)/' },
    },
    {
      name: 'storage-implements-domain-only',
      severity: 'error',
      comment: 'storage/ implements the domain ports; it does not reach into the adapters above it.',
      from: { path: `${SERVER}storage/` },
      to: { path: `${SERVER}(${ADAPTERS.replace('|storage', '')})(/|\\.ts$)` },
    },
    {
      name: 'adapters-do-not-import-each-other',
      severity: 'error',
      comment:
        'http/, slack/ and runner/ meet only in app.ts; one reaches another through a port it declares (e.g. ' +
        'http/routes/slack-integration.ts).',
      from: { path: `${SERVER}(http|slack|runner)/` },
      // Within one adapter anything goes: $1 is the importing adapter.
      to: { path: `${SERVER}(http|slack|runner)/`, pathNot: `${SERVER}$1/` },
    },
    {
      name: 'http-and-runner-never-see-storage',
      severity: 'error',
      comment: 'HTTP and the runner get what they need as domain ports, made in app.ts.',
      from: { path: `${SERVER}(http|runner|policy-engine)/` },
      to: { path: `${SERVER}storage/` },
    },
    {
      name: 'slack-sees-storage-as-types-only',
      severity: 'error',
      comment: 'The Slack adapter names its repositories by type; app.ts makes the instances.',
      from: { path: `${SERVER}slack/` },
      to: { path: `${SERVER}storage/`, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'web-client-stays-a-client',
      severity: 'error',
      comment: "The web UI knows the server only through its API (and the API's generated types).",
      from: { path: '^packages/web/src/' },
      to: { path: '^packages/server/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^packages/[^/]+/dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      conditionNames: ['source', 'import', 'require', 'node', 'default'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
