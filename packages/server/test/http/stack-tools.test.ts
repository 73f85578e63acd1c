// Tool presets over the API (docs/runs.md): `tool` with or without commands, what is refused and why (400 naming
// the field), and the fields in the OpenAPI document.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer, type TestServer } from '../helpers/server.js';

type Err = { error: { code: string; message: string } };

describe('stack tool presets over the API', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({ runner: false });
  });
  after(async () => {
    await s?.close();
  });

  test('a tool without commands is its standard workflow; changing tools and commands', async () => {
    const created = await s.api<{ tool: string; commands: unknown; terraform_version: string }>(
      'POST',
      '/api/v1/stacks',
      { id: 'preset', tool: 'opentofu', terraform_version: '~> 1.8' },
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.tool, 'opentofu');
    assert.equal(created.body.commands, null);
    assert.equal(created.body.terraform_version, '~> 1.8');

    const custom = await s.api<{ commands: unknown }>('PATCH', '/api/v1/stacks/preset', {
      commands: { plan: 'tofu plan -out=p', apply: 'tofu apply p' },
    });
    assert.equal(custom.status, 200);
    assert.deepEqual(custom.body.commands, { init: null, plan: 'tofu plan -out=p', apply: 'tofu apply p' });
    const back = await s.api<{ commands: unknown }>('PATCH', '/api/v1/stacks/preset', { commands: null });
    assert.equal(back.status, 200);
    assert.equal(back.body.commands, null);

    const partial = await s.api<Err>('PATCH', '/api/v1/stacks/preset', { commands: { plan: 'x' } });
    assert.equal(partial.status, 400);
    assert.match(partial.body.error.message, /^body\.commands\.apply: required/);
    const noTool = await s.api<Err>('PATCH', '/api/v1/stacks/preset', { tool: null });
    assert.equal(noTool.status, 400);
    assert.equal(noTool.body.error.code, 'commands_required');
    assert.equal((await s.api<{ tool: string }>('GET', '/api/v1/stacks/preset')).body.tool, 'opentofu');
  });

  test('bad input names the field', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ id: 'a' }, /commands: required unless tool is "terraform" or "opentofu"/],
      [{ id: 'a', tool: 'pulumi' }, /tool: must be "terraform", "opentofu" or null/],
      [{ id: 'a', tool: 'terraform', terraform_version: 'banana' }, /terraform_version: must be a version/],
      [{ id: 'a', tool: 'terraform', project_root: '../elsewhere' }, /project_root: must be a relative path/],
      [{ id: 'a', tool: 'terraform', project_root: '/etc' }, /project_root: must be a relative path/],
      [{ id: 'a', tool: 'terraform', commands: { plan: 'x' } }, /commands\.apply/],
    ];
    for (const [body, message] of cases) {
      const res = await s.api<Err>('POST', '/api/v1/stacks', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.body.error.message, message);
    }
    assert.equal((await s.api('GET', '/api/v1/stacks/a')).status, 404, 'nothing was written');
  });

  test('the OpenAPI document has tool, nullable commands and resource changes', async () => {
    const doc = (
      await s.api<{ components: { schemas: Record<string, { properties: Record<string, unknown> }> } }>(
        'GET',
        '/api/v1/openapi.json',
      )
    ).body;
    const schemas = doc.components.schemas;
    assert.ok(schemas.StackCreate!.properties.tool);
    assert.ok(schemas.Stack!.properties.tool);
    assert.ok(schemas.Run!.properties.resource_changes);
    assert.ok(schemas.ResourceChange!.properties.address);
  });
});
