import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { App } from '@slack/bolt';
import { DriverError } from '../src/index.js';
import { demoFixture, platformError, quietLogger } from './helpers.js';
import type { AddressInfo } from 'node:net';
import type { Fixture } from './helpers.js';

const STACKS = ['prod-eu', 'prod-us', 'staging'];

/** The trigger modal of issue 14: a stack picker (external_select) and a note. */
function triggerModal(extra: Record<string, unknown> = {}) {
  return {
    type: 'modal' as const,
    callback_id: 'trigger',
    title: { type: 'plain_text' as const, text: 'Trigger a run' },
    submit: { type: 'plain_text' as const, text: 'Trigger' },
    close: { type: 'plain_text' as const, text: 'Cancel' },
    notify_on_close: true,
    blocks: [
      {
        type: 'input' as const,
        block_id: 'stack',
        label: { type: 'plain_text' as const, text: 'Stack' },
        element: { type: 'external_select' as const, action_id: 'stack', min_query_length: 2 },
      },
      {
        type: 'input' as const,
        block_id: 'note',
        optional: true,
        label: { type: 'plain_text' as const, text: 'Note' },
        element: { type: 'plain_text_input' as const, action_id: 'note' },
      },
      {
        type: 'actions' as const,
        block_id: 'more',
        elements: [
          {
            type: 'button' as const,
            action_id: 'details',
            text: { type: 'plain_text' as const, text: 'Details' },
          },
        ],
      },
    ],
    ...extra,
  };
}

describe('views, App Home and modal interactions with a real Bolt app (HTTP)', () => {
  let f: Fixture;
  let bolt: App;
  const seen = {
    submissions: [] as Array<Record<string, unknown>>,
    closed: [] as Array<Record<string, unknown>>,
    shortcuts: 0,
    homeOpened: [] as Array<Record<string, unknown>>,
    suggestions: [] as string[],
    homeClicks: [] as string[],
    pushErrors: [] as string[],
  };

  before(async () => {
    f = await demoFixture();
    bolt = new App({
      token: f.install.botToken,
      signingSecret: f.demo.app.signingSecret,
      clientOptions: { slackApiUrl: f.sim.apiUrl, retryConfig: { retries: 0 } },
      logger: quietLogger,
    });
    bolt.command('/liftoff', async ({ ack, command, client }) => {
      await ack();
      if (command.text === 'trigger')
        await client.views.open({ trigger_id: command.trigger_id, view: triggerModal() });
    });
    bolt.shortcut('trigger_run', async ({ ack, shortcut, client }) => {
      await ack();
      seen.shortcuts++;
      await client.views.open({ trigger_id: shortcut.trigger_id, view: triggerModal() });
    });
    bolt.options<'block_suggestion'>({ action_id: 'stack' }, async ({ ack, options }) => {
      seen.suggestions.push(options.value);
      await ack({
        options: STACKS.filter((s) => s.includes(options.value)).map((s) => ({
          text: { type: 'plain_text' as const, text: s },
          value: s,
        })),
      });
    });
    bolt.action('details', async ({ ack, body, client }) => {
      await ack();
      try {
        await client.views.push({
          trigger_id: (body as { trigger_id: string }).trigger_id,
          view: {
            type: 'modal',
            title: { type: 'plain_text', text: 'Details' },
            blocks: [
              {
                type: 'section',
                text: { type: 'mrkdwn', text: 'Runs plan, then apply.' },
                accessory: {
                  type: 'button',
                  action_id: 'details',
                  text: { type: 'plain_text', text: 'More' },
                },
              },
            ],
          },
        });
      } catch (err) {
        seen.pushErrors.push((err as { data?: { error?: string } }).data?.error ?? String(err));
      }
    });
    bolt.view('trigger', async ({ ack, view }) => {
      seen.submissions.push(view.state.values);
      const stack = view.state.values.stack?.stack?.selected_option?.value;
      if (stack === 'staging')
        return ack({ response_action: 'errors', errors: { stack: 'You may not write staging from here' } });
      if (stack === 'prod-us')
        return ack({
          response_action: 'update',
          view: {
            type: 'modal',
            title: { type: 'plain_text', text: 'Queued' },
            blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Run queued' } }],
          },
        });
      await ack();
    });
    bolt.view({ callback_id: 'trigger', type: 'view_closed' }, async ({ ack, body }) => {
      await ack();
      seen.closed.push(body as unknown as Record<string, unknown>);
    });
    bolt.event('app_home_opened', async ({ event, client }) => {
      seen.homeOpened.push(event as unknown as Record<string, unknown>);
      await client.views.publish({
        user_id: event.user,
        view: {
          type: 'home',
          blocks: [
            { type: 'section', text: { type: 'mrkdwn', text: `Runs waiting for <@${event.user}>` } },
            {
              type: 'actions',
              elements: [
                {
                  type: 'button',
                  action_id: 'approve',
                  value: 'run-1',
                  text: { type: 'plain_text', text: 'Approve' },
                },
              ],
            },
          ],
        },
      });
    });
    bolt.action('approve', async ({ ack, action }) => {
      await ack();
      seen.homeClicks.push((action as { value: string }).value);
    });
    const server = (await bolt.start(0)) as unknown as { address(): AddressInfo };
    f.sim.control.updateApp(f.demo.app.id, {
      requestUrl: `http://127.0.0.1:${server.address().port}/slack/events`,
    });
  });
  after(async () => {
    await bolt.stop();
    await f.sim.close();
  });
  const alice = () => f.demo.users.alice.id;

  test('a slash command opens the modal; typing asks the app for options; a bad choice comes back as errors', async () => {
    await f.sim.driver.slashCommand({
      channel: f.demo.channels.general.id,
      user: alice(),
      command: '/liftoff',
      text: 'trigger',
    });
    const modal = await f.sim.waitFor(() => f.sim.control.modals(alice())[0], { what: 'the modal' });
    assert.equal(modal.definition.callback_id, 'trigger');

    const suggestion = await f.sim.driver.blockSuggestion({
      user: alice(),
      actionId: 'stack',
      value: 'prod',
    });
    assert.equal(suggestion.status, 200);
    assert.deepEqual(
      suggestion.options?.map((o) => o.value),
      ['prod-eu', 'prod-us'],
    );
    assert.equal((suggestion.payload as { type: string }).type, 'block_suggestion');
    // Slack asks only once min_query_length characters are typed.
    await assert.rejects(
      f.sim.driver.blockSuggestion({ user: alice(), actionId: 'stack', value: 'p' }),
      DriverError,
    );

    const refused = await f.sim.driver.submitView({ user: alice(), values: { stack: { stack: 'staging' } } });
    assert.equal(refused.responseAction, 'errors');
    assert.deepEqual(refused.errors, { stack: 'You may not write staging from here' });
    assert.equal(refused.view?.id, modal.id);
    const state = seen.submissions.at(-1) as {
      stack: { stack: { selected_option: { value: string } } };
      note: { note: { value: null } };
    };
    assert.equal(state.stack.stack.selected_option.value, 'staging');
    assert.equal(state.note.note.value, null);

    // The option the app offered, as the person picks it from the list.
    const accepted = await f.sim.driver.submitView({
      user: alice(),
      values: { stack: { stack: suggestion.options![0]! }, note: { note: 'deploy #42' } },
    });
    assert.equal(accepted.responseAction, null);
    assert.equal(accepted.responseError, null);
    assert.equal(accepted.view, null);
    assert.deepEqual(f.sim.control.modals(alice()), []);
  });

  test("a required input left empty is refused as Slack's client would; response_action update replaces the modal", async () => {
    const r = await f.sim.driver.shortcut({ user: alice(), callbackId: 'trigger_run' });
    assert.equal(r.status, 200);
    assert.match(r.triggerId, /^\d+\.\d+\.[0-9a-f]+$/);
    const modal = await f.sim.waitFor(() => f.sim.control.modals(alice())[0]);
    await assert.rejects(f.sim.driver.submitView({ user: alice(), values: {} }), /required/);
    const updated = await f.sim.driver.submitView({ user: alice(), values: { stack: { stack: 'prod-us' } } });
    assert.equal(updated.responseAction, 'update');
    assert.equal(updated.view?.id, modal.id);
    assert.equal((updated.view?.definition.title as { text: string }).text, 'Queued');
    await f.sim.driver.closeView({ user: alice() });
  });

  test("a button in the modal pushes a view with the click's trigger; closing with notify_on_close sends view_closed", async () => {
    await f.sim.driver.shortcut({ user: alice(), callbackId: 'trigger_run' });
    const root = await f.sim.waitFor(() => f.sim.control.modals(alice())[0]);
    const click = await f.sim.driver.clickViewButton({ user: alice(), actionId: 'details' });
    assert.equal((click.payload.container as { type: string }).type, 'view');
    const pushed = await f.sim.waitFor(() => f.sim.control.modals(alice())[1]);
    assert.equal(pushed.rootViewId, root.id);
    assert.equal(pushed.previousViewId, root.id);
    // "Back" on the pushed view shows the root again; the X closes everything and tells the app.
    await f.sim.driver.closeView({ user: alice() });
    assert.equal(f.sim.control.modals(alice()).at(-1)?.id, root.id);
    const closing = await f.sim.driver.closeView({ user: alice(), all: true });
    assert.equal(closing.delivery?.status, 200);
    await f.sim.waitFor(() => seen.closed.length > 0);
    assert.equal(seen.closed.at(-1)!.is_cleared, true);
    assert.equal((seen.closed.at(-1)!.view as { id: string }).id, root.id);
  });

  test("App Home: app_home_opened → views.publish; the sim keeps each person's Home view and delivers its buttons", async () => {
    const first = await f.sim.driver.openAppHome({ user: alice() });
    assert.equal(first.status, 200);
    const event = seen.homeOpened.at(-1)!;
    assert.equal(event.tab, 'home');
    assert.match(String(event.channel), /^D/);
    assert.equal(event.view, undefined);
    const home = await f.sim.waitFor(() => f.sim.control.homeView(f.demo.app.id, alice()));
    assert.equal(home.type, 'home');
    // Opened again: the event carries the published view.
    await f.sim.driver.openAppHome({ user: alice() });
    assert.equal((seen.homeOpened.at(-1)!.view as { id: string }).id, home.id);

    await f.sim.driver.clickViewButton({ user: alice(), viewId: home.id, actionId: 'approve' });
    assert.deepEqual(seen.homeClicks, ['run-1']);

    // The web view: opening the Home tab sends app_home_opened, its buttons click through the driver.
    const form = (fields: Record<string, string>) => ({
      method: 'POST',
      redirect: 'manual' as const,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    const opened = seen.homeOpened.length;
    const open = await fetch(`${f.sim.url}/_sim/ui/home`, form({ user: alice(), app: f.demo.app.id }));
    assert.equal(open.status, 303);
    assert.equal(seen.homeOpened.length, opened + 1);
    const page = await (await fetch(new URL(open.headers.get('location')!, f.sim.url))).text();
    assert.match(page, /Runs waiting for <b class="mention">@alice<\/b>/);
    assert.match(page, /Approve/);
    const click = await fetch(
      `${f.sim.url}/_sim/ui/view-click`,
      form({
        user: alice(),
        view_id: home.id,
        action_id: 'approve',
        block_id: String(
          home.definition.blocks && (home.definition.blocks as Array<{ block_id: string }>)[1]!.block_id,
        ),
      }),
    );
    assert.equal(click.status, 303);
    assert.deepEqual(seen.homeClicks, ['run-1', 'run-1']);
  });

  test('trigger_id: one use, 3 seconds, this app only', async () => {
    const r = await f.sim.driver.slashCommand({
      channel: f.demo.channels.general.id,
      user: alice(),
      command: '/liftoff',
      text: 'noop',
    });
    await f.client.views.open({ trigger_id: r.triggerId, view: triggerModal() });
    assert.equal(
      (await platformError(f.client.views.open({ trigger_id: r.triggerId, view: triggerModal() }))).error,
      'exchanged_trigger_id',
    );
    const late = await f.sim.driver.slashCommand({
      channel: f.demo.channels.general.id,
      user: alice(),
      command: '/liftoff',
      text: 'noop',
    });
    f.sim.control.advanceClock(3001);
    assert.equal(
      (await platformError(f.client.views.open({ trigger_id: late.triggerId, view: triggerModal() }))).error,
      'expired_trigger_id',
    );
    assert.equal(
      (await platformError(f.client.views.open({ trigger_id: 'nope', view: triggerModal() }))).error,
      'invalid_trigger_id',
    );
    assert.equal(
      (await platformError(f.client.views.open({ trigger_id: '1.2.abc', view: triggerModal() }))).error,
      'invalid_trigger_id',
    );
    await f.sim.driver.closeView({ user: alice(), all: true });
  });

  test('views are checked like Slack checks them', async () => {
    const r = await f.sim.driver.slashCommand({
      channel: f.demo.channels.general.id,
      user: alice(),
      command: '/liftoff',
      text: 'noop',
    });
    const long = await platformError(
      f.client.views.open({
        trigger_id: r.triggerId,
        view: triggerModal({ title: { type: 'plain_text', text: 'x'.repeat(25) } }),
      }),
    );
    assert.equal(long.error, 'invalid_arguments');
    assert.deepEqual((long.response_metadata as { messages: string[] }).messages, [
      '[ERROR] must be less than 25 characters [json-pointer:/view/title/text]',
    ]);
    const noSubmit = await platformError(
      f.client.views.open({ trigger_id: r.triggerId, view: triggerModal({ submit: undefined }) }),
    );
    assert.match((noSubmit.response_metadata as { messages: string[] }).messages[0]!, /\/view\/submit/);

    const publish = (view: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      f.client.apiCall('views.publish', { user_id: alice(), view, ...extra });
    const tooMany = await platformError(
      publish({ type: 'home', blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) }),
    );
    assert.deepEqual((tooMany.response_metadata as { messages: string[] }).messages, [
      '[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]',
    ]);
    assert.equal(
      (await platformError(publish({ type: 'modal', title: { type: 'plain_text', text: 'x' }, blocks: [] })))
        .error,
      'invalid_arguments',
    );
    assert.equal(
      (
        await platformError(
          f.client.apiCall('views.publish', { user_id: 'UNOPE', view: { type: 'home', blocks: [] } }),
        )
      ).error,
      'invalid_arguments',
    );
    const home = await publish({ type: 'home', blocks: [] });
    const hash = (home as unknown as { view: { hash: string } }).view.hash;
    await publish({ type: 'home', blocks: [] }, { hash });
    assert.equal(
      (await platformError(publish({ type: 'home', blocks: [] }, { hash }))).error,
      'hash_conflict',
    );
    assert.equal(
      (await platformError(f.client.views.update({ view_id: 'VNOPE', view: { type: 'home', blocks: [] } })))
        .error,
      'not_found',
    );

    f.sim.control.updateApp(f.demo.app.id, { homeTabEnabled: false });
    try {
      assert.equal((await platformError(publish({ type: 'home', blocks: [] }))).error, 'not_enabled');
    } finally {
      f.sim.control.updateApp(f.demo.app.id, { homeTabEnabled: true });
    }
  });

  test('views.push is refused without an open modal, and past three views', async () => {
    const r = await f.sim.driver.slashCommand({
      channel: f.demo.channels.general.id,
      user: alice(),
      command: '/liftoff',
      text: 'noop',
    });
    assert.equal(
      (await platformError(f.client.views.push({ trigger_id: r.triggerId, view: triggerModal() }))).error,
      'not_found',
    );
    const open = await f.sim.driver.slashCommand({
      channel: f.demo.channels.general.id,
      user: alice(),
      command: '/liftoff',
      text: 'trigger',
    });
    assert.equal(open.status, 200);
    await f.sim.waitFor(() => f.sim.control.modals(alice()).length === 1);
    for (let i = 0; i < 2; i++) {
      await f.sim.driver.clickViewButton({ user: alice(), actionId: 'details' });
      await f.sim.waitFor(() => f.sim.control.modals(alice()).length === i + 2);
    }
    // A fourth view: Slack refuses the push.
    await f.sim.driver.clickViewButton({ user: alice(), actionId: 'details' });
    await f.sim.waitFor(() => seen.pushErrors.length > 0);
    assert.deepEqual(seen.pushErrors, ['push_limit_reached']);
    assert.equal(f.sim.control.modals(alice()).length, 3);
    await f.sim.driver.closeView({ user: alice(), all: true });
  });
});
