// A stack on the Terraform preset, made in the browser: no commands to write; its run page shows the saved plan's
// resource changes (address, action) instead of the raw log, which stays one click away (docs/runs.md). The
// terraform-like fixture CLI stands in for Terraform so the test runs wherever Chromium does.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { FIXTURE_BIN, GitRepo } from '../../server/test/helpers/terraform.js';
import { browserUnavailable, startHarness, type Harness } from './helpers/harness.js';

const unavailable = browserUnavailable();
if (unavailable) console.log(`# skipping browser tests: ${unavailable}`);

describe('planned resource changes in the web UI', { skip: unavailable ?? false, timeout: 120_000 }, () => {
  let h: Harness;
  let admin: { page: Page; errors: string[] };
  let repo: GitRepo;

  before(async () => {
    h = await startHarness();
    admin = await h.newPage();
    await h.signIn(admin.page);
    repo = new GitRepo();
    repo.commit(
      {
        'fixture.json': JSON.stringify({
          backend_path: join(repo.dir, '..', `${repo.dir.split('/').pop()}.tfstate`),
          resources: { bucket: 'a', queue: 'b' },
        }),
      },
      'two resources',
    );
  });
  after(async () => {
    await h?.close();
    repo?.remove();
  });

  test('Terraform preset from the form; the run page lists the planned changes, logs on demand', async () => {
    const { page, errors } = admin;
    await page.goto('/stacks/new');
    await page.getByLabel('Name').fill('Preset');
    await page.getByLabel('Tool', { exact: true }).selectOption('terraform');
    assert.equal(await page.getByLabel('Plan', { exact: true }).count(), 0, 'no commands to write');
    await page.getByLabel('Repository').fill(repo.url);
    await page.getByLabel('Environment').fill(`PATH=${FIXTURE_BIN}:${process.env.PATH}`);
    await page.getByRole('button', { name: 'Create stack' }).click();
    await page.getByRole('heading', { name: /Preset/ }).waitFor();
    assert.match(await page.locator('.stack-summary').innerText(), /Runs with\s+Terraform/i);

    await page.getByRole('button', { name: 'Trigger run' }).click();
    await page.locator('.page-header [data-state="UNCONFIRMED"]').waitFor({ timeout: 30_000 });
    const changes = page.getByRole('region', { name: 'Planned changes' });
    await changes.getByText('fixture_data.queue').waitFor();
    assert.deepEqual(
      (await changes.locator('tbody tr').allInnerTexts()).map((r) => r.replace(/\s+/g, ' ').trim()),
      ['+ create fixture_data.bucket', '+ create fixture_data.queue'],
    );
    assert.equal(
      await page.getByRole('log', { name: 'Run logs' }).count(),
      0,
      'the raw log waits for a click',
    );
    await page.getByRole('button', { name: 'Show logs' }).click();
    await page
      .getByRole('log', { name: 'Run logs' })
      .getByText('plan -input=false -detailed-exitcode')
      .waitFor();

    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.locator('.page-header [data-state="FINISHED"]').waitFor({ timeout: 30_000 });
    assert.deepEqual(errors, []);
  });
});
