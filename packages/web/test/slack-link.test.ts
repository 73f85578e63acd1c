// Settings → Slack against the real Slack app and the Slack simulator: configured but not linked → "Connect to
// Slack" → the simulator's authorize page → Allow → back in Liftoff → "integrated with <workspace>" → Disconnect.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SlackSim } from '@liftoff/slack-sim';
import { browserUnavailable, startHarnessWithSlackSim, type Harness } from './helpers/harness.js';

const unavailable = browserUnavailable();
if (unavailable) console.log(`# skipping Slack linking browser test: ${unavailable}`);

describe(
  'Settings → Slack linking through the simulator',
  { skip: unavailable ?? false, timeout: 120_000 },
  () => {
    let sim: SlackSim;
    let h: Harness;

    before(async () => {
      // The simulator shows its Allow/Cancel page instead of approving instantly: the browser clicks through it.
      ({ h, sim } = await startHarnessWithSlackSim('prompt'));
    });
    after(async () => {
      await h?.close();
      await sim?.close();
    });

    test('connect, approve on the authorize page, see the link, disconnect', async () => {
      const { page, errors } = await h.newPage();
      await h.signIn(page);
      await page.goto('/settings/slack');
      await page.locator('[data-slack-state="not-linked"]').waitFor();

      await page.getByRole('link', { name: 'Connect to Slack' }).click();
      await page.waitForURL((url) => url.href.startsWith(sim.authorizeUrl));
      await page.getByText('is requesting permission').waitFor();
      await page.getByRole('link', { name: 'Allow' }).click();
      await page.waitForURL((url) => url.href.startsWith(h.url));

      // Slack's success page links back into the UI; the session survives the round trip.
      await page.getByRole('link', { name: /Settings/ }).click();
      await page.locator('[data-slack-state="linked"]').waitFor();
      await page.getByText('Liftoff is integrated with Acme.').waitFor();
      await page.getByText('chat:write', { exact: true }).waitFor();
      assert.match(await page.locator('.facts').innerText(), /admin/);
      assert.equal(sim.control.installations().length, 1);

      page.once('dialog', (d) => void d.accept());
      await page.getByRole('button', { name: 'Disconnect' }).click();
      await page.locator('[data-slack-state="not-linked"]').waitFor();
      await page.getByText(/The link to Slack ended/).waitFor();
      // The authorize page belongs to the simulator (Slack's side); only Liftoff's pages are held to no errors.
      assert.deepEqual(
        errors.filter((e) => e.includes(h.url)),
        [],
      );
    });
  },
);
