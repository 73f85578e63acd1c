// The web UI in a real browser against a real server: sign-in, stacks, live runs, confirm, read-only access,
// the policy editor, Settings → Slack and API keys. Every page must finish without console errors.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { ADMIN_TOKEN, browserUnavailable, demoStack, startHarness, type Harness } from './helpers/harness.js';

const unavailable = browserUnavailable();
if (unavailable) console.log(`# skipping browser tests: ${unavailable}`);

describe('web UI in Chromium', { skip: unavailable ?? false, timeout: 180_000 }, () => {
  let h: Harness;
  let admin: { page: Page; errors: string[] };

  before(async () => {
    h = await startHarness();
    admin = await h.newPage();
  });
  after(async () => {
    await h?.close();
  });

  test('sign in with an API key; the session is an httpOnly SameSite=Strict cookie', async () => {
    const { page, errors } = admin;
    await page.goto('/stacks');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('API key').fill('not-a-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'not valid' }).waitFor();
    // A failed sign-in is an expected 401; it is the only console error we tolerate, and we clear it.
    errors.length = 0;

    await page.getByLabel('API key').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Stacks', exact: true }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/stacks');
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'liftoff_session');
    assert.ok(session, 'session cookie set');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');
    assert.equal(await page.evaluate(() => document.cookie), '', 'scripts cannot read the session');
    assert.deepEqual(errors, []);
  });

  test('create a stack, trigger a run, watch it reach UNCONFIRMED live, confirm, see FINISHED and logs', async () => {
    const { page, errors } = admin;
    await page.getByRole('link', { name: 'New stack' }).click();
    await page.getByLabel('Name').fill('Web demo');
    assert.equal(await page.getByLabel('ID', { exact: true }).inputValue(), 'web-demo');
    await page.getByLabel('Labels').fill('team:web, demo');
    await page.getByLabel('Init').fill('echo "Initializing the backend..."');
    await page
      .getByLabel('Plan', { exact: true })
      .fill(
        'sleep 1; echo "  + aws_s3_bucket.assets"; echo "Plan: 2 to add, 1 to change, 0 to destroy."; exit 2',
      );
    await page
      .getByLabel('Apply', { exact: true })
      .fill('echo "Apply complete! Resources: 2 added, 1 changed."');
    await page.getByRole('button', { name: 'Create stack' }).click();
    await page.getByRole('heading', { name: /Web demo/ }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/stacks/web-demo');

    // Mark the document: if the page reloads, the mark is gone.
    await page.evaluate(() => ((window as unknown as { __mark: number }).__mark = 42));
    await page.getByRole('button', { name: 'Trigger run' }).click();
    await page.waitForURL(/\/stacks\/web-demo\/runs\/[0-9A-Z]{26}$/);
    const header = page.locator('.page-header');
    await header.locator('[data-state="UNCONFIRMED"]').waitFor({ timeout: 20_000 });
    assert.equal(
      await page.evaluate(() => (window as unknown as { __mark?: number }).__mark),
      42,
      'no reload',
    );
    await page.getByText('Plan: 2 to add, 1 to change, 0 to destroy.').waitFor();
    assert.match(await page.locator('.run-facts').innerText(), /\+2\s+~1\s+−0/);

    await page.getByRole('button', { name: 'Confirm' }).click();
    await header.locator('[data-state="FINISHED"]').waitFor({ timeout: 20_000 });
    await page.getByText('Apply complete! Resources: 2 added, 1 changed.').waitFor();
    const timeline = await page.locator('.timeline').innerText();
    for (const state of ['QUEUED', 'PLANNING', 'UNCONFIRMED', 'CONFIRMED', 'APPLYING', 'FINISHED']) {
      assert.ok(timeline.includes(state), `timeline has ${state}: ${timeline}`);
    }
    assert.match(timeline, /CONFIRMED[\s\S]*by admin/);
    assert.equal(await page.getByRole('button', { name: 'Confirm' }).count(), 0);

    // The stacks list shows the state badge, labels and latest run.
    await page.getByRole('link', { name: 'Stacks', exact: true }).first().click();
    const row = page.getByRole('row').filter({ hasText: 'Web demo' });
    await row.locator('[data-state="FINISHED"]').waitFor();
    assert.match(await row.innerText(), /team:web/);
    assert.match(await row.innerText(), /by admin/);
    assert.deepEqual(errors, []);
  });

  test('the policy editor shows a compile error at its line and column; the workbench evaluates drafts', async () => {
    const { page, errors } = admin;
    await page.goto('/policies/new');
    await page.getByLabel('Name').fill('Readers');
    await page.getByLabel('ID', { exact: true }).fill('readers');
    const body = page.getByLabel('Body');
    await body.fill('package spacelift\n\nread if {\n\tinput.session.teams[_] ==\n}\n');
    await page.getByRole('button', { name: 'Create policy' }).click();
    const error = page.locator('#policy-error');
    await error.waitFor();
    assert.equal(await error.getAttribute('data-line'), '5');
    assert.equal(await error.getAttribute('data-column'), '1');
    assert.match(await error.innerText(), /Line 5, column 1/);
    assert.equal((await page.locator('.gutter-error').innerText()).trim(), '5');
    assert.equal(await body.getAttribute('aria-invalid'), 'true');
    // A 400 with the compile error is expected here.
    errors.splice(0, errors.length, ...errors.filter((e) => !e.includes('400')));

    await body.fill(
      'package spacelift\n\n# Readers may look, not touch.\nread if {\n\tinput.session.teams[_] == "Readers"\n}\n',
    );
    // Highlighting: keywords, rule heads and strings get their own classes.
    await page.locator('.editor-highlight .tok-keyword', { hasText: 'package' }).waitFor();
    await page.locator('.editor-highlight .tok-rule', { hasText: 'read' }).waitFor();
    await page.locator('.editor-highlight .tok-string', { hasText: '"Readers"' }).waitFor();

    await page.getByRole('button', { name: 'Evaluate' }).click();
    await page.locator('.workbench-result').getByText('NONE').waitFor();
    const input = page.getByLabel('Input (JSON)');
    await input.fill((await input.inputValue()).replace('"Engineering"', '"Readers"'));
    await page.getByRole('button', { name: 'Evaluate' }).click();
    await page.locator('.workbench-result').getByText('READ', { exact: true }).waitFor();

    await page.getByRole('button', { name: 'Create policy' }).click();
    await page.waitForURL(/\/policies\/readers$/);
    await page.getByRole('heading', { name: 'Readers' }).waitFor();

    // The seed's example (Rego v0) against a Slack command from #dev-notifications: write access.
    await body.fill('package spacelift\n\nwrite {\n  input.slack.channel.name = "dev-notifications"\n}\n');
    await page.getByLabel('Rego version').selectOption('v0');
    await page.getByLabel('Start from').selectOption('slack');
    await page.getByRole('button', { name: 'Evaluate' }).click();
    await page.locator('.workbench-result').getByText('WRITE', { exact: true }).waitFor();
    await page.getByLabel('Rego version').selectOption('v1');
    await page.getByRole('button', { name: 'Evaluate' }).click();
    // In v1 syntax the same body is a compile error (rule bodies need `if`).
    await page.locator('#policy-error').waitFor();
    assert.match(await page.locator('.workbench').innerText(), /does not compile \(line \d+, column \d+\)/);
    errors.splice(0, errors.length, ...errors.filter((e) => !e.includes('400')));
    assert.deepEqual(errors, []);
  });

  test('attach a policy on the stack page; a read-only user sees no Confirm button and gets 403 if forced', async () => {
    const { page, errors } = admin;
    await page.goto('/stacks/web-demo');
    await page.getByLabel('Policy to attach').selectOption('readers');
    await page.getByRole('button', { name: 'Attach' }).click();
    await page.getByRole('button', { name: 'Detach Readers' }).waitFor();

    const key = await h.api<{ secret: string }>('POST', '/api/v1/api-keys', {
      name: 'Reader',
      admin: false,
      teams: ['Readers'],
    });
    assert.equal(key.status, 201);
    const run = await h.api<{ id: string }>('POST', '/api/v1/stacks/web-demo/runs', {});
    await h.waitForRun('web-demo', run.body.id, ['UNCONFIRMED']);

    const reader = await h.newPage();
    await h.signIn(reader.page, key.body.secret);
    // Admin-only navigation is not offered.
    assert.equal(await reader.page.getByRole('link', { name: 'Policies' }).count(), 0);
    await reader.page.getByRole('row').filter({ hasText: 'Web demo' }).getByText('read only').waitFor();
    assert.equal(await reader.page.getByRole('link', { name: 'New stack' }).count(), 0);
    await reader.page.goto(`/stacks/web-demo/runs/${run.body.id}`);
    await reader.page.locator('.page-header [data-state="UNCONFIRMED"]').waitFor();
    await reader.page.getByText('waits for confirmation by someone with write access').waitFor();
    assert.equal(await reader.page.getByRole('button', { name: 'Confirm' }).count(), 0);
    assert.equal(await reader.page.getByRole('button', { name: 'Discard' }).count(), 0);
    await reader.page.goto('/stacks/web-demo');
    await reader.page.getByText('read only').waitFor();
    assert.equal(await reader.page.getByRole('button', { name: 'Trigger run' }).count(), 0);

    // Forcing it with the reader's session cookie is refused by the API.
    const forced = await reader.page.request.post(`/api/v1/stacks/web-demo/runs/${run.body.id}/confirm`, {
      data: {},
    });
    assert.equal(forced.status(), 403);
    assert.equal(((await forced.json()) as { error: { code: string } }).error.code, 'access_denied');
    assert.equal(
      (await h.api<{ state: string }>('GET', `/api/v1/stacks/web-demo/runs/${run.body.id}`)).body.state,
      'UNCONFIRMED',
    );

    // The admin still can: discard from the UI.
    await page.goto(`/stacks/web-demo/runs/${run.body.id}`);
    await page.getByRole('button', { name: 'Discard' }).click();
    await page.locator('.page-header [data-state="DISCARDED"]').waitFor();
    assert.deepEqual(reader.errors, []);
    assert.deepEqual(errors, []);
  });

  test('Stop ends a run that is planning', async () => {
    const { page, errors } = admin;
    await h.api(
      'POST',
      '/api/v1/stacks',
      demoStack('slow', { commands: { init: null, plan: 'echo planning; sleep 30', apply: 'true' } }),
    );
    const run = await h.api<{ id: string }>('POST', '/api/v1/stacks/slow/runs', {});
    await page.goto(`/stacks/slow/runs/${run.body.id}`);
    await page.locator('.page-header [data-state="PLANNING"]').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.locator('.page-header [data-state="STOPPED"]').waitFor({ timeout: 20_000 });
    assert.equal(await page.getByRole('button', { name: 'Stop' }).count(), 0);
    assert.deepEqual(errors, []);
  });

  test('Settings → Slack shows what to configure when Slack credentials are missing', async () => {
    const { page, errors } = admin;
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Slack integration' }).waitFor();
    const state = page.locator('[data-slack-state]');
    assert.equal(await state.getAttribute('data-slack-state'), 'not-configured');
    for (const name of ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_SIGNING_SECRET']) {
      await page.getByText(name, { exact: true }).waitFor();
    }
    assert.deepEqual(errors, []);
  });

  test('API keys: create shows the secret once, list, revoke; a revoked key ends its sessions', async () => {
    const { page, errors } = admin;
    await page.goto('/settings/api-keys');
    await page.getByLabel('Name').fill('Deploy bot');
    await page.getByLabel('Teams').fill('Platform, Readers');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = await page.getByLabel('New API key secret').inputValue();
    assert.match(secret, /^lft_/);
    await page.getByRole('listitem').filter({ hasText: 'Deploy bot' }).waitFor();

    const bot = await h.newPage();
    await h.signIn(bot.page, secret);
    await page.getByRole('button', { name: 'Done' }).click();
    assert.equal(await page.getByLabel('New API key secret').count(), 0, 'the secret is not shown again');

    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Revoke Deploy bot' }).click();
    await page.getByRole('listitem').filter({ hasText: 'Deploy bot' }).waitFor({ state: 'detached' });
    const me = await bot.page.request.get('/api/v1/me');
    assert.equal(me.status(), 401, 'the revoked key’s session is gone');
    assert.deepEqual(errors, []);
  });

  test('the audit log lists who did what, including denied attempts', async () => {
    const { page, errors } = admin;
    await page.goto('/settings/audit');
    const confirm = page
      .getByRole('row')
      .filter({ hasText: 'run.confirm' })
      .filter({ hasText: 'ALLOWED' })
      .first();
    await confirm.waitFor();
    assert.match(await confirm.innerText(), /admin/);
    // The read-only user's forced confirm is on record as denied.
    await page
      .getByRole('row')
      .filter({ hasText: 'run.confirm' })
      .filter({ hasText: 'DENIED' })
      .first()
      .waitFor();
    assert.deepEqual(errors, []);
  });

  test('sign-out ends the session server-side', async () => {
    const { page, errors } = admin;
    const cookie = (await page.context().cookies()).find((c) => c.name === 'liftoff_session')!;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const res = await fetch(`${h.url}/api/v1/me`, { headers: { cookie: `liftoff_session=${cookie.value}` } });
    assert.equal(res.status, 401);
    assert.deepEqual(errors, []);
  });

  test('phone width: pages fit without horizontal scrolling', async () => {
    const phone = await h.newPage({ width: 390, height: 844 });
    await h.signIn(phone.page);
    for (const path of [
      '/stacks',
      '/stacks/web-demo',
      '/policies/readers',
      '/settings/slack',
      '/settings/api-keys',
      '/settings/audit',
    ]) {
      await phone.page.goto(path);
      await phone.page.locator('main h1').first().waitFor();
      const overflow = await phone.page.evaluate(
        () => document.documentElement.scrollWidth - window.innerWidth,
      );
      assert.ok(overflow <= 0, `${path} overflows by ${overflow}px`);
    }
    assert.deepEqual(phone.errors, []);
  });

  test('keyboard only: sign in with Enter, skip link, focus moves to the page on navigation; text contrast ≥ 4.5', async () => {
    const { page, errors } = await h.newPage();
    await page.goto('/');
    await page.getByLabel('API key').waitFor();
    // The key field has focus on arrival.
    await page.keyboard.type(ADMIN_TOKEN);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Stacks', exact: true }).waitFor();

    // After signing in, focus is on the page content.
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
    // On a fresh load the first Tab reaches the skip link.
    await page.reload();
    await page.getByRole('heading', { name: 'Stacks', exact: true }).waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');

    // A client-side navigation puts focus on the new page, as a page load would for screen readers.
    await page.getByRole('link', { name: 'Policies' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Policies' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
    assert.equal(await page.title(), 'Policies · Liftoff');

    // WCAG contrast of every badge, tag, hint and muted text on the stacks page (states of all colours are there).
    await page.goto('/stacks');
    await page.locator('.badge').first().waitFor();
    const worst = await page.evaluate<{ ratio: number; text: string }>(LOWEST_CONTRAST);
    assert.ok(worst.ratio >= 4.5, `lowest contrast ${worst.ratio.toFixed(2)} at ${worst.text}`);
    assert.deepEqual(errors, []);
  });

  test('a stack page also updates live', async () => {
    await h.api('POST', '/api/v1/stacks', demoStack('live-list'));
    const viewer = await h.newPage();
    await h.signIn(viewer.page);
    await viewer.page.goto('/stacks/live-list');
    await viewer.page.getByText('No runs yet.').waitFor();
    const list = await h.newPage();
    await h.signIn(list.page);
    await list.page.goto('/stacks');
    const listRow = list.page.getByRole('row').filter({ hasText: 'Stack live-list' });
    await listRow.getByText('never run').waitFor();
    const run = await h.api<{ id: string }>('POST', '/api/v1/stacks/live-list/runs', {});
    // The stacks list follows too: state badge and latest run, without reloading.
    await listRow.locator('[data-state="UNCONFIRMED"]').waitFor({ timeout: 20_000 });
    await listRow.getByText('by admin').waitFor();
    await viewer.page
      .getByRole('row')
      .filter({ hasText: run.body.id })
      .locator('[data-state="UNCONFIRMED"]')
      .waitFor({ timeout: 20_000 });
    await h.api('POST', `/api/v1/stacks/live-list/runs/${run.body.id}/discard`, {});
    await viewer.page.locator('.page-header [data-state="DISCARDED"]').waitFor();

    // Admins edit and delete stacks from the stack page.
    await viewer.page.getByRole('link', { name: 'Edit' }).click();
    await viewer.page.getByLabel('Description').fill('Edited from the UI');
    await viewer.page.getByLabel('Environment').fill('TF_IN_AUTOMATION=1');
    await viewer.page.getByRole('button', { name: 'Save' }).click();
    await viewer.page.getByText('Edited from the UI').waitFor();
    const stack = await h.api<{ description: string; env: Record<string, string> }>(
      'GET',
      '/api/v1/stacks/live-list',
    );
    assert.equal(stack.body.description, 'Edited from the UI');
    assert.deepEqual(stack.body.env, { TF_IN_AUTOMATION: '1' });
    await viewer.page.getByRole('link', { name: 'Edit' }).click();
    viewer.page.once('dialog', (d) => void d.accept());
    await viewer.page.getByRole('button', { name: 'Delete stack' }).click();
    await viewer.page.waitForURL(/\/stacks$/);
    assert.equal((await h.api('GET', '/api/v1/stacks/live-list')).status, 404);
    assert.deepEqual(viewer.errors, []);
    assert.deepEqual(list.errors, []);
  });
});

/**
 * Lowest WCAG contrast ratio of text on the page, as source text: functions passed to page.evaluate from tsx get
 * esbuild helpers (`__name`) that do not exist in the browser.
 */
const LOWEST_CONTRAST = `(() => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = (c) => {
    const [r, g, b] = rgb(c).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const bg = getComputedStyle(e).backgroundColor;
      if (bg && bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent') return bg;
    }
    return 'rgb(255, 255, 255)';
  };
  let min = { ratio: 99, text: '' };
  for (const el of document.querySelectorAll('.badge, .tag, .muted, .hint, .small, a, th, td, h1, h2')) {
    const [l1, l2] = [lum(getComputedStyle(el).color), lum(background(el))].sort((a, b) => b - a);
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    if (ratio < min.ratio) min = { ratio, text: el.className + ': ' + (el.textContent || '').slice(0, 30) };
  }
  return min;
})()`;
