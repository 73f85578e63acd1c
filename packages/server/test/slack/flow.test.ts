// The issue's flow, over HTTP only: OAuth install, default deny, the seed's example policy (#dev-notifications gets
// write), subscribe / trigger / confirm from Slack, users.info data in the policy input, list, unsubscribe, help.
import { after, before, describe, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { runActionButtons } from '../../src/slack/platform/run-actions.js';
import { backendSchema, type PgSchema } from '../helpers/postgres.js';
import {
  answerTo,
  attachPolicy,
  createStack,
  installViaOAuth,
  responseTo,
  startSlackWorld,
  type SlackWorld,
} from './helpers.js';

const SEED_POLICY = 'package spacelift\n\nwrite {\n  input.slack.channel.name = "dev-notifications"\n}';

for (const backend of ['SQLite', 'PostgreSQL'] as const)
  describe(`Slack flow (${backend})`, () => {
    let w: SlackWorld;
    let pg: PgSchema | undefined;
    let skip: string | undefined;
    const alice = () => w.demo.users.alice.id;
    const bob = () => w.demo.users.bob.id;
    const random = () => w.demo.channels.random.id;
    const dev = () => w.demo.channels.devNotifications.id;

    const command = async (channel: string, user: string, text: string) => {
      const r = await w.sim.driver.slashCommand({ channel, user, command: '/spacelift', text });
      assert.equal(r.status, 200, `ack of "${text}"`);
      return answerTo(w, r);
    };

    /** Posts a run message with the run buttons as the bot, as the notifications do, and returns its ts. */
    const postRunMessage = async (channel: string, stackId: string, runId: string) => {
      const bot = await w.server.liftoff.slack.botClient();
      assert.ok(bot, 'Slack is connected');
      const r = await bot.client.chat.postMessage({
        channel,
        text: `Run ${runId} is UNCONFIRMED`,
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: `Run ${runId} is UNCONFIRMED` } },
          runActionButtons({ stackId, runId }),
        ],
      });
      return r.ts!;
    };

    const click = async (channel: string, ts: string, user: string, actionId: string) => {
      const r = await w.sim.driver.clickButton({ channel, ts, user, actionId });
      assert.equal(r.status, 200);
      return r;
    };

    const run = async (runId: string) =>
      (
        await w.server.api<{ state: string; history: Array<{ state: string; by: string | null }> }>(
          'GET',
          `/api/v1/stacks/demo/runs/${runId}`,
        )
      ).body;

    before(async () => {
      ({ pg, skip } = await backendSchema(backend));
      if (skip) return;
      w = await startSlackWorld({ databaseUrl: pg?.url });
      await createStack(w, 'demo');
    });
    after(async () => {
      await w?.close();
      await pg?.drop();
    });
    // Skipped (outside CI) when PostgreSQL is unreachable.
    const test = (name: string, fn: () => Promise<void>) =>
      nodeTest(name, (t) => (skip ? t.skip(skip) : fn()));

    test('installing needs a Liftoff admin; the OAuth exchange stores the installation, token encrypted', async () => {
      const anonymous = await fetch(`${w.server.url}/slack/install`, { redirect: 'manual' });
      assert.equal(anonymous.status, 401);
      const key = await w.server.api<{ secret: string }>('POST', '/api/v1/api-keys', {
        name: 'dev',
        admin: false,
      });
      const nonAdmin = await installViaOAuth(w, key.body.secret);
      assert.equal(nonAdmin.status, 403);

      const before = await w.server.api<{ connected: boolean; configured: boolean }>(
        'GET',
        '/api/v1/integrations/slack',
      );
      assert.deepEqual([before.body.connected, before.body.configured], [false, true]);

      const r = await installViaOAuth(w);
      assert.equal(r.status, 200, r.body);
      assert.match(r.body, /connected to the Slack workspace Acme/);
      const status = await w.server.api<Record<string, unknown>>('GET', '/api/v1/integrations/slack');
      assert.equal(status.body.connected, true);
      assert.deepEqual(status.body.team, { id: w.demo.team.id, name: 'Acme' });
      assert.equal(status.body.enterprise, null);
      assert.equal(status.body.installed_by, 'admin');
      assert.ok((status.body.scopes as string[]).includes('chat:write.public'));

      const token = w.sim.control.state().tokens.find((t) => t.kind === 'bot' && !t.revoked)!.value;
      const row = await w.server.liftoff.storage.db
        .selectFrom('slack_installations' as never)
        .selectAll()
        .executeTakeFirstOrThrow();
      const stored = JSON.stringify(row);
      assert.ok(!stored.includes(token), 'the bot token is not stored in clear');
      assert.match((row as { bot_token: string }).bot_token, /^v1:/);
    });

    test('default deny: no policy attached → subscribe from #random is refused, same answer as an unknown stack', async () => {
      const denied = await command(random(), alice(), 'subscribe demo');
      const unknown = await command(random(), alice(), 'subscribe no-such-stack');
      assert.match(denied, /can't find a stack `demo`/);
      assert.match(denied, /needs Read access/);
      assert.equal(denied.replace('demo', 'X'), unknown.replace('no-such-stack', 'X'));
      assert.equal((await w.server.liftoff.slack.subscriptions.ofStack('demo')).length, 0);
    });

    test("the seed's example policy: #dev-notifications may subscribe, trigger and confirm; #random may not", async () => {
      await attachPolicy(w, 'demo', 'slack-dev-notifications', SEED_POLICY, 'v0');

      // The private channel: the bot must be invited before run updates can be posted there.
      assert.match(await command(dev(), alice(), 'subscribe demo'), /private channel.*Invite me/s);
      w.sim.control.inviteBot(dev(), w.demo.app.id);
      assert.match(await command(dev(), alice(), 'subscribe demo'), /is now subscribed to \*Stack demo\*/);
      assert.match(await command(dev(), alice(), 'subscribe demo'), /already subscribed/);
      assert.match(await command(random(), alice(), 'subscribe demo'), /can't find a stack `demo`/);
      const subs = await w.server.liftoff.slack.subscriptions.ofStack('demo');
      assert.deepEqual(
        subs.map((s) => [s.channel_id, s.channel_name, s.created_by]),
        [[dev(), 'dev-notifications', `slack:${alice()}`]],
      );

      const refused = await command(random(), alice(), 'trigger demo');
      assert.match(refused, /needs Write access/);
      const runsBefore = await w.server.api<unknown[]>('GET', '/api/v1/stacks/demo/runs');
      assert.equal(runsBefore.body.length, 0);

      const triggered = await command(dev(), alice(), 'trigger demo');
      const runId = /\|([0-9A-Z]{26})>/.exec(triggered)?.[1];
      assert.ok(runId, triggered);
      const unconfirmed = await w.server.waitForRun('demo', runId, ['UNCONFIRMED']);
      assert.equal(unconfirmed.triggered_by, `slack:${alice()}`);

      // Buttons clicked from #random: denied, ephemeral, run unchanged.
      const inRandom = await postRunMessage(random(), 'demo', runId);
      const deniedConfirm = await responseTo(
        w,
        await click(random(), inRandom, alice(), 'liftoff_run_confirm'),
      );
      assert.match(deniedConfirm.text, /need Write access/);
      assert.equal(deniedConfirm.body.response_type, 'ephemeral');
      const deniedPlan = await responseTo(
        w,
        await click(random(), inRandom, alice(), 'liftoff_run_show_plan'),
      );
      assert.match(deniedPlan.text, /need Read access/);
      assert.equal((await run(runId)).state, 'UNCONFIRMED');

      // From #dev-notifications: show planned changes (read), then confirm (write).
      const inDev = await postRunMessage(dev(), 'demo', runId);
      const plan = await responseTo(w, await click(dev(), inDev, alice(), 'liftoff_run_show_plan'));
      assert.match(plan.text, /```\n[\s\S]*Plan: 1 to add, 0 to change, 0 to destroy\.[\s\S]*```/);
      assert.equal(plan.body.response_type, 'ephemeral');

      await click(dev(), inDev, alice(), 'liftoff_run_confirm');
      const reply = await w.sim.waitFor(
        () => w.sim.control.messages(dev()).find((m) => m.threadTs === inDev && /Confirmed by/.test(m.text)),
        { what: 'the thread reply' },
      );
      assert.match(reply.text, new RegExp(`Confirmed by <@${alice()}>`));
      const finished = await w.server.waitForRun('demo', runId, ['FINISHED']);
      assert.ok(finished.history.some((h) => h.state === 'CONFIRMED' && h.by === `slack:${alice()}`));

      // Clicking again changes nothing and says why.
      const again = await responseTo(w, await click(dev(), inDev, alice(), 'liftoff_run_discard'));
      assert.match(again.text, /Nothing to discard: run .* is already FINISHED/);

      const audit = await w.server.api<Array<Record<string, unknown>>>(
        'GET',
        '/api/v1/audit-events?limit=1000',
      );
      const slackEvents = audit.body.filter((e) => String(e.actor).startsWith('slack:'));
      const find = (action: string, decision: string, channel: string) =>
        slackEvents.find((e) => e.action === action && e.decision === decision && e.channel === channel);
      assert.ok(find('slack.subscribe', 'allowed', dev()));
      assert.ok(find('slack.subscribe', 'denied', random()));
      assert.ok(find('run.trigger', 'allowed', dev()));
      assert.ok(find('run.trigger', 'denied', random()));
      assert.ok(find('run.confirm', 'denied', random()));
      assert.ok(find('run.confirm', 'allowed', dev()));
    });

    test('users.info reaches the policy: write for Slack workspace admins only', async () => {
      await createStack(w, 'admins-only');
      await attachPolicy(
        w,
        'admins-only',
        'slack-admins',
        'package spacelift\n\nwrite if input.slack.user.is_admin\n',
        'v1',
      );
      assert.match(await command(random(), alice(), 'trigger admins-only'), /Triggered run/);
      assert.match(
        await command(random(), bob(), 'trigger admins-only'),
        /can't find a stack `admins-only`.*Write/s,
      );
    });

    test('list shows the stacks readable from the channel and its subscriptions', async () => {
      const inDev = await command(dev(), alice(), 'list');
      assert.match(inDev, /`demo` — Stack demo · \w+ · Write · :bell: subscribed/);
      assert.match(inDev, /`admins-only`/); // alice is a workspace admin
      const inRandomAsBob = await command(random(), bob(), 'list');
      assert.match(inRandomAsBob, /No stack can be read from this channel/);
    });

    test('unsubscribe', async () => {
      assert.match(await command(dev(), alice(), 'unsubscribe demo'), /no longer subscribed/);
      assert.match(await command(dev(), alice(), 'unsubscribe demo'), /was not subscribed/);
      assert.equal((await w.server.liftoff.slack.subscriptions.ofStack('demo')).length, 0);
    });

    test('a channel that lost read access can still unsubscribe itself, and learns nothing else', async () => {
      await createStack(w, 'revoked');
      await attachPolicy(w, 'revoked', 'revoked-read', SEED_POLICY, 'v0');
      assert.match(await command(dev(), alice(), 'subscribe revoked'), /now subscribed/);
      const detach = await w.server.api('DELETE', '/api/v1/stacks/revoked/policies/revoked-read');
      assert.equal(detach.status, 204);
      // Without read access: the subscription of this very channel can go, anything else reads as unknown.
      assert.match(await command(random(), alice(), 'unsubscribe revoked'), /can't find a stack `revoked`/);
      assert.match(await command(dev(), alice(), 'unsubscribe revoked'), /no longer subscribed to `revoked`/);
      assert.match(await command(dev(), alice(), 'unsubscribe revoked'), /can't find a stack `revoked`/);
      assert.equal((await w.server.liftoff.slack.subscriptions.ofStack('revoked')).length, 0);
    });

    test('help, empty and unknown subcommands answer with help, in the ack', async () => {
      for (const text of ['help', '', 'frobnicate demo', 'trigger']) {
        const r = await w.sim.driver.slashCommand({
          channel: random(),
          user: bob(),
          command: '/spacelift',
          text,
        });
        const ack = r.json as { text: string; response_type: string };
        assert.match(ack.text, /`\/spacelift subscribe <stack>`/, text);
        assert.equal(ack.response_type, 'ephemeral');
      }
    });
  });
