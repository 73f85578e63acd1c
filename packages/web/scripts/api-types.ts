// Generates src/lib/api-types.generated.ts from the server's OpenAPI document, built in-process (nothing listens).
// `--check` fails when the checked-in file differs from a fresh generation: run by `npm run lint`, so a server
// change that the client's types do not follow fails the build. Regenerate with `npm run api-types`.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import prettier from 'prettier';
import ts from 'typescript';
import { openApiDocument } from '../../server/src/http/openapi.js';

const TARGET = resolve(import.meta.dirname, '../src/lib/api-types.generated.ts');
const HEADER = [
  "// Generated from the server's OpenAPI document (packages/server/src/http/openapi.ts) by",
  '// packages/web/scripts/api-types.ts: do not edit. Regenerate with `npm run api-types`.',
  '',
].join('\n');

async function generate(): Promise<string> {
  // The server URL is part of the document only; a fixed one keeps the output stable.
  const document = openApiDocument('http://localhost:3000');
  // The client types its requests and answers: the document's schemas. The operations and the shared error
  // answers would only repeat the same parameter and header boilerplate for every route.
  const schemas = { ...document, paths: {}, components: { schemas: document.components.schemas } };
  const ast = await openapiTS(schemas as unknown as Parameters<typeof openapiTS>[0], {
    alphabetize: true,
    exportType: true,
  });
  const components = ast.filter((node) => ts.isTypeAliasDeclaration(node) && node.name.text === 'components');
  if (components.length !== 1) throw new Error('openapi-typescript produced no `components` type');
  const source = HEADER + astToString(components);
  const options = (await prettier.resolveConfig(TARGET)) ?? {};
  return prettier.format(source, { ...options, filepath: TARGET });
}

const fresh = await generate();
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(TARGET, 'utf8');
  } catch {
    // Missing counts as different.
  }
  if (current !== fresh) {
    process.stderr.write(
      `${TARGET} is not what the server's OpenAPI document generates: run \`npm run api-types\` and commit it.\n`,
    );
    process.exit(1);
  }
} else {
  writeFileSync(TARGET, fresh);
  process.stdout.write(`wrote ${TARGET}\n`);
}
