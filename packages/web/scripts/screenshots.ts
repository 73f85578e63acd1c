// `npm run screenshots`: a PNG of each page in docs/screenshots/, from a real server with demo data, in Chromium.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import {
  browserUnavailable,
  startHarness,
  startHarnessWithSlackSim,
  type Harness,
} from '../test/helpers/harness.js';

const OUT = resolve(import.meta.dirname, '../../../docs/screenshots');

const unavailable = browserUnavailable();
if (unavailable) {
  console.error(`screenshots need Chromium: ${unavailable}`);
  process.exit(1);
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  await notConfiguredShot();

  // The Slack simulator stands in for slack.com: the workspace is linked through the real OAuth exchange.
  const { h, sim, demo } = await startHarnessWithSlackSim('approve');
  try {
    const ids = await seed(h);
    const { page } = await h.newPage({ width: 1280, height: 860 });

    await page.goto('/');
    await page.getByLabel('API key').waitFor();
    await shot(page, 'sign-in');
    await h.signIn(page);

    if (h.liftoff.http?.hasRoute({ method: 'GET', url: '/slack/install' })) {
      await page.goto('/settings/slack');
      await page.locator('[data-slack-state="not-linked"]').waitFor();
      await shot(page, 'settings-slack-not-linked');
      await page.getByRole('link', { name: 'Connect to Slack' }).click();
      await page.waitForURL((url) => url.href.startsWith(h.url) && url.pathname === '/slack/oauth_redirect');
      await page.goto('/settings/slack');
      await page.locator('[data-slack-state="linked"]').waitFor();
      await shot(page, 'settings-slack-linked');

      // A private channel subscribes to production; a policy lets that channel read it (Slack's default is deny).
      await h.api('POST', '/api/v1/policies', {
        id: 'dev-notifications',
        name: '#dev-notifications may write',
        type: 'ACCESS',
        labels: ['autoattach:env:prod'],
        body: 'package spacelift\n\nwrite if input.slack.channel.name == "dev-notifications"\n',
      });
      sim.control.inviteBot(demo.channels.devNotifications.id, demo.app.id);
      for (const channel of ['#dev-notifications']) {
        await sim.driver.slashCommand({
          channel,
          user: demo.users.alice.id,
          command: '/liftoff',
          text: 'subscribe production',
        });
      }
      // The command is acknowledged at once and handled afterwards: wait for the subscription to exist.
      for (let i = 0; i < 100; i++) {
        const subs = await h.api<unknown[]>('GET', '/api/v1/stacks/production/subscriptions');
        if (Array.isArray(subs.body) && subs.body.length > 0) break;
        if (i === 99)
          console.warn(
            'subscription did not appear:',
            JSON.stringify(sim.control.responseUrls()).slice(0, 800),
          );
        await new Promise((r) => setTimeout(r, 50));
      }
    } else {
      console.warn('the Slack app is not on this server: skipping the linked Slack screenshots');
    }

    await page.goto('/stacks');
    await page.locator('table').waitFor();
    await shot(page, 'stacks');

    await page.goto('/stacks/production');
    await page.getByRole('heading', { name: 'Runs' }).waitFor();
    await page
      .getByRole('button', { name: /Detach/ })
      .first()
      .waitFor();
    await shot(page, 'stack');

    await page.goto(`/stacks/production/runs/${ids.unconfirmed}`);
    await page.getByText('Plan: 3 to add').waitFor();
    await shot(page, 'run-unconfirmed');

    await page.goto(`/stacks/networking/runs/${ids.finished}`);
    await page.getByText('Apply complete!').waitFor();
    await page.getByText('complete', { exact: true }).waitFor();
    await shot(page, 'run-finished');

    await page.goto(`/stacks/billing/runs/${ids.failed}`);
    await page.getByText('Error: ').first().waitFor();
    await shot(page, 'run-failed');

    await page.goto('/policies');
    await page.locator('table').waitFor();
    await shot(page, 'policies');

    await page.goto('/stacks/new');
    await page.getByLabel('Name').fill('Edge CDN');
    await page.getByLabel('Labels').fill('env:prod, team:edge');
    await shot(page, 'stack-new');

    await page.goto('/stacks/production/edit');
    await page.getByLabel('Plan', { exact: true }).waitFor();
    await shot(page, 'stack-edit');

    // What a read-only user sees: the same run, no Confirm or Discard.
    const engineer = await h.newPage({ width: 1280, height: 860 });
    await h.signIn(engineer.page, ids.engineerKey);
    await engineer.page.goto(`/stacks/production/runs/${ids.unconfirmed}`);
    await engineer.page.getByText('waits for confirmation').waitFor();
    await shot(engineer.page, 'run-read-only');

    await page.goto('/policies/office-hours');
    await page.getByLabel('Body').waitFor();
    await page.getByRole('button', { name: 'Evaluate' }).click();
    await page.locator('.workbench-result').waitFor();
    await shot(page, 'policy-editor');

    await page.getByLabel('Body').fill('package spacelift\n\nwrite if {\n\tinput.session.teams[_] ==\n}\n');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#policy-error').waitFor();
    await shot(page, 'policy-compile-error');

    await page.goto('/settings/api-keys');
    await page.getByLabel('Name').fill('CI deploys');
    await page.getByLabel('Teams').fill('Platform');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByLabel('New API key secret').waitFor();
    await shot(page, 'api-keys');

    await page.goto('/settings/audit');
    await page.locator('table').waitFor();
    await shot(page, 'audit-log');

    const phone = await h.newPage({ width: 390, height: 844 });
    await h.signIn(phone.page);
    await phone.page.goto('/stacks');
    await phone.page.locator('table').waitFor();
    await shot(phone.page, 'phone-stacks');
    await phone.page.goto(`/stacks/production/runs/${ids.unconfirmed}`);
    await phone.page.getByText('Plan: 3 to add').waitFor();
    await shot(phone.page, 'phone-run');
    console.log(`screenshots written to ${OUT}`);
  } finally {
    await h.close();
    await sim.close();
  }
}

/** Settings → Slack on a server without Slack credentials. */
async function notConfiguredShot() {
  const bare = await startHarness();
  try {
    const { page } = await bare.newPage({ width: 1280, height: 860 });
    await bare.signIn(page);
    await page.goto('/settings/slack');
    await page.locator('[data-slack-state="not-configured"]').waitFor();
    await page
      .getByRole('button', { name: 'Show app manifest' })
      .click({ timeout: 2000 })
      .catch(() => {});
    await page
      .locator('.manifest pre')
      .waitFor({ timeout: 2000 })
      .catch(() => {});
    await shot(page, 'settings-slack-not-configured');
  } finally {
    await bare.close();
  }
}

async function shot(page: Page, name: string) {
  // Let fonts and the last live update settle so images are stable.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
}

/** Demo data: stacks in every interesting state, policies, API keys. */
async function seed(h: Harness) {
  const stack = (
    id: string,
    name: string,
    labels: string[],
    plan: string | { plan: string; env: Record<string, string> },
    extra: Record<string, unknown> = {},
  ) =>
    h.api('POST', '/api/v1/stacks', {
      id,
      name,
      labels,
      description: '',
      repository: null,
      commands: {
        init: 'echo "Initializing the backend..."; echo "Terraform has been successfully initialized!"',
        plan: typeof plan === 'string' ? plan : plan.plan,
        apply: APPLY,
      },
      env: typeof plan === 'string' ? {} : plan.env,
      ...extra,
    });
  await stack('production', 'Production', ['env:prod', 'team:platform'], planWith(3, 1, 0), {
    description:
      'Core production infrastructure: VPC peering, EKS node groups and the public load balancers.',
    repository: null,
  });
  await stack('networking', 'Networking', ['env:prod', 'team:network'], planWith(2, 0, 1));
  await stack(
    'billing',
    'Billing service',
    ['env:prod', 'team:payments'],
    'echo "Error: creating IAM role: AccessDenied"; exit 1',
  );
  await stack('staging', 'Staging', ['env:staging'], planWith(0, 0, 0, 0));
  await stack('sandbox', 'Sandbox', ['env:dev'], planWith(1, 0, 0));
  await stack('data-lake', 'Data lake', ['team:data'], planWith(4, 2, 0));

  const trigger = async (id: string) =>
    (await h.api<{ id: string }>('POST', `/api/v1/stacks/${id}/runs`, {})).body.id;
  const finished = await trigger('networking');
  await h.waitForRun('networking', finished, ['UNCONFIRMED']);
  await h.api('POST', `/api/v1/stacks/networking/runs/${finished}/confirm`, {});
  await h.waitForRun('networking', finished, ['FINISHED']);
  const failed = await trigger('billing');
  await h.waitForRun('billing', failed, ['FAILED']);
  const staging = await trigger('staging');
  await h.waitForRun('staging', staging, ['FINISHED']);
  const sandbox = await trigger('sandbox');
  await h.waitForRun('sandbox', sandbox, ['UNCONFIRMED']);
  await h.api('POST', `/api/v1/stacks/sandbox/runs/${sandbox}/discard`, {});
  const earlier = await trigger('production');
  await h.waitForRun('production', earlier, ['UNCONFIRMED']);
  await h.api('POST', `/api/v1/stacks/production/runs/${earlier}/confirm`, {});
  await h.waitForRun('production', earlier, ['FINISHED']);
  const unconfirmed = await trigger('production');
  await h.waitForRun('production', unconfirmed, ['UNCONFIRMED']);

  await h.api('POST', '/api/v1/policies', {
    id: 'engineering-read',
    name: 'Engineering can read',
    type: 'ACCESS',
    labels: ['autoattach:env:prod'],
    body: 'package spacelift\n\nread if {\n\tsome team in input.session.teams\n\tteam == "Engineering"\n}\n',
  });
  await h.api('POST', '/api/v1/policies', {
    id: 'office-hours',
    name: 'Platform writes in office hours',
    type: 'ACCESS',
    labels: [],
    body: OFFICE_HOURS,
  });
  await h.api('PUT', '/api/v1/stacks/production/policies/office-hours');
  const engineer = await h.api<{ secret: string }>('POST', '/api/v1/api-keys', {
    name: 'Grafana dashboards',
    admin: false,
    teams: ['Engineering'],
  });
  await h.api('POST', '/api/v1/api-keys', { name: 'Release bot', admin: false, teams: ['Platform'] });
  return { unconfirmed, finished, failed, engineerKey: engineer.body.secret };
}

/**
 * A plan with the given delta, coloured like terraform's own output (the UI renders the colours). The resource
 * lines travel in the stack's env so the command echoed in the logs stays short.
 */
function planWith(add: number, change: number, destroy: number, exit = 2) {
  const line = (sign: string, color: number, what: string) =>
    `  \\033[${color}m${sign}\\033[0m \\033[1m${what}\\033[0m`;
  const lines = [
    ...Array.from({ length: add }, (_, i) => line('+', 32, `aws_instance.web[${i}]`) + ' will be created'),
    ...Array.from(
      { length: change },
      (_, i) => line('~', 33, `aws_lb.public[${i}]`) + ' will be updated in-place',
    ),
    ...Array.from({ length: destroy }, (_, i) => line('-', 31, `aws_eip.old[${i}]`) + ' will be destroyed'),
  ];
  return {
    plan: `echo "Refreshing state..."; sleep 0.2; printf "$PLAN_DETAIL"; echo "Plan: ${add} to add, ${change} to change, ${destroy} to destroy."; exit ${exit}`,
    env: { PLAN_DETAIL: lines.map((l) => `${l}\\n`).join('') },
  };
}

const APPLY = 'echo "aws_instance.web[0]: Creating..."; sleep 0.2; echo "Apply complete! Resources applied."';

const OFFICE_HOURS = `package spacelift

# Platform engineers may change stacks during office hours, from the office network.
now := input.request.timestamp_ns
clock := time.clock([now, "Europe/Berlin"])
weekend := {"Saturday", "Sunday"}

write if {
\tsome team in input.session.teams
\tteam == "Platform"
}

deny_write if weekend[time.weekday(now)]
deny_write if clock[0] < 9
deny_write if clock[0] > 17
deny_write if not net.cidr_contains("10.0.0.0/8", input.request.remote_ip)
`;

// Last, so every constant above is initialised.
await main();
