import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BOT_SCOPES, demoFixture, platformError, webClient } from './helpers.js';
import type { Fixture } from './helpers.js';

const HISTORY = [...BOT_SCOPES, 'channels:history', 'groups:history', 'im:history'];

describe('threads, conversations.history/replies and message metadata (real WebClient)', () => {
  let f: Fixture;
  before(async () => {
    f = await demoFixture({ scopes: HISTORY });
    f.sim.control.inviteBot(f.demo.channels.general.id, f.demo.app.id);
  });
  after(() => f.sim.close());
  const general = () => f.demo.channels.general.id;

  test('replies update the parent: reply_count, reply_users, latest_reply; replies carry parent_user_id', async () => {
    const parent = await f.client.chat.postMessage({ channel: general(), text: 'Run 1 queued' });
    const r1 = await f.client.chat.postMessage({
      channel: general(),
      text: 'planning',
      thread_ts: parent.ts,
    });
    assert.equal(r1.message?.thread_ts, parent.ts);
    assert.equal((r1.message as { parent_user_id?: string }).parent_user_id, f.install.botUserId);
    // Naming a reply puts the message into the same thread (threads are one level deep).
    const r2 = await f.client.chat.postMessage({ channel: general(), text: 'applying', thread_ts: r1.ts });
    assert.equal(r2.message?.thread_ts, parent.ts);

    const thread = await f.client.conversations.replies({ channel: general(), ts: parent.ts! });
    assert.deepEqual(
      thread.messages?.map((m) => m.text),
      ['Run 1 queued', 'planning', 'applying'],
    );
    const head = thread.messages![0]!;
    assert.equal(head.reply_count, 2);
    assert.equal(head.reply_users_count, 1);
    assert.deepEqual(head.reply_users, [f.install.botUserId]);
    assert.equal(head.latest_reply, r2.ts);
    assert.equal(head.thread_ts, parent.ts);
    // A reply's ts names its whole thread too.
    const again = await f.client.conversations.replies({ channel: general(), ts: r1.ts! });
    assert.equal(again.messages?.length, 3);
  });

  test('history lists top-level messages and broadcast replies, newest first; thread replies stay in the thread', async () => {
    const ch = f.sim.control.createChannel({
      teamId: f.demo.team.id,
      name: 'thread-history',
      members: [f.demo.users.alice.id],
    });
    f.sim.control.inviteBot(ch.id, f.demo.app.id);
    const parent = await f.client.chat.postMessage({ channel: ch.id, text: 'parent' });
    await f.client.chat.postMessage({ channel: ch.id, text: 'quiet reply', thread_ts: parent.ts });
    const loud = await f.client.chat.postMessage({
      channel: ch.id,
      text: 'FAILED',
      thread_ts: parent.ts!,
      reply_broadcast: true,
    });
    const h = await f.client.conversations.history({ channel: ch.id });
    assert.deepEqual(
      h.messages?.map((m) => m.text),
      ['FAILED', 'parent'],
    );
    const broadcast = h.messages![0]!;
    assert.equal(broadcast.subtype, 'thread_broadcast');
    assert.equal(broadcast.thread_ts, parent.ts);
    assert.equal(broadcast.ts, loud.ts);
    assert.equal((broadcast as { root?: { text?: string } }).root?.text, 'parent');
    assert.equal(h.messages![1]!.reply_count, 2);
    assert.equal(h.has_more, false);
  });

  test('chat.update broadcasts an existing reply, but not with new content or for a top-level message', async () => {
    const parent = await f.client.chat.postMessage({ channel: general(), text: 'p' });
    const reply = await f.client.chat.postMessage({ channel: general(), text: 'r', thread_ts: parent.ts });
    assert.equal(
      (
        await platformError(
          f.client.apiCall('chat.update', { channel: general(), ts: parent.ts!, reply_broadcast: true }),
        )
      ).error,
      'cant_broadcast_message',
    );
    assert.equal(
      (
        await platformError(
          f.client.chat.update({ channel: general(), ts: reply.ts!, text: 'x', reply_broadcast: true }),
        )
      ).error,
      'no_dual_broadcast_content_update',
    );
    await f.client.apiCall('chat.update', { channel: general(), ts: reply.ts!, reply_broadcast: true });
    const h = await f.client.conversations.history({ channel: general(), limit: 1 });
    assert.equal(h.messages?.[0]?.ts, reply.ts);
    assert.equal(h.messages?.[0]?.subtype, 'thread_broadcast');
  });

  test('thread_ts: malformed is invalid_thread_ts; well-formed but unknown is accepted and invisible, as on Slack', async () => {
    const bad = await platformError(
      f.client.chat.postMessage({ channel: general(), text: 'x', thread_ts: '0' }),
    );
    assert.equal(bad.error, 'invalid_thread_ts');
    assert.deepEqual((bad.response_metadata as { messages: string[] }).messages, [
      '[ERROR] 0 is not a valid thread_ts',
    ]);
    const orphan = await f.client.chat.postMessage({
      channel: general(),
      text: 'lost',
      thread_ts: '1000000000.000001',
    });
    assert.equal(orphan.ok, true);
    const h = await f.client.conversations.history({ channel: general() });
    assert.ok(!h.messages?.some((m) => m.text === 'lost'));
    assert.equal(
      (await platformError(f.client.conversations.replies({ channel: general(), ts: '1000000000.000001' })))
        .error,
      'thread_not_found',
    );
  });

  test('history pages with cursors (WebClient.paginate), honours oldest/latest/inclusive and limit', async () => {
    const ch = f.sim.control.createChannel({ teamId: f.demo.team.id, name: 'paging', members: [] });
    f.sim.control.inviteBot(ch.id, f.demo.app.id);
    const ts: string[] = [];
    for (let i = 0; i < 7; i++)
      ts.push((await f.client.chat.postMessage({ channel: ch.id, text: `m${i}` })).ts!);

    const first = await f.client.conversations.history({ channel: ch.id, limit: 3 });
    assert.deepEqual(
      first.messages?.map((m) => m.text),
      ['m6', 'm5', 'm4'],
    );
    assert.equal(first.has_more, true);
    assert.ok(first.response_metadata?.next_cursor);

    const all: string[] = [];
    for await (const p of f.client.paginate('conversations.history', { channel: ch.id, limit: 2 })) {
      all.push(...(p as unknown as { messages: { text: string }[] }).messages.map((m) => m.text));
    }
    assert.deepEqual(all, ['m6', 'm5', 'm4', 'm3', 'm2', 'm1', 'm0']);

    const window = await f.client.conversations.history({ channel: ch.id, oldest: ts[2], latest: ts[5] });
    assert.deepEqual(
      window.messages?.map((m) => m.text),
      ['m4', 'm3'],
    );
    const inclusive = await f.client.conversations.history({
      channel: ch.id,
      oldest: ts[2],
      latest: ts[5],
      inclusive: true,
    });
    assert.deepEqual(
      inclusive.messages?.map((m) => m.text),
      ['m5', 'm4', 'm3', 'm2'],
    );
    assert.equal(
      (await platformError(f.client.conversations.history({ channel: ch.id, latest: 'yesterday' }))).error,
      'invalid_ts_latest',
    );
    assert.equal(
      (await platformError(f.client.conversations.history({ channel: ch.id, cursor: 'bm9wZQ==' }))).error,
      'invalid_cursor',
    );
  });

  test('replies page with cursors; the parent leads the first page only', async () => {
    const parent = await f.client.chat.postMessage({ channel: general(), text: 'long thread' });
    for (let i = 0; i < 5; i++)
      await f.client.chat.postMessage({ channel: general(), text: `r${i}`, thread_ts: parent.ts });
    const pages: string[][] = [];
    for await (const p of f.client.paginate('conversations.replies', {
      channel: general(),
      ts: parent.ts!,
      limit: 2,
    })) {
      pages.push((p as unknown as { messages: { text: string }[] }).messages.map((m) => m.text));
    }
    assert.deepEqual(pages, [
      ['long thread', 'r0'],
      ['r1', 'r2'],
      ['r3', 'r4'],
    ]);
  });

  test('metadata: stored, returned to the poster; history shows event_type only unless include_all_metadata', async () => {
    const metadata = { event_type: 'liftoff_run', event_payload: { run_id: 'run-42', stack: 'prod' } };
    const posted = await f.client.chat.postMessage({ channel: general(), text: 'Run 42', metadata });
    assert.deepEqual(posted.message?.metadata, metadata);
    const stored = f.sim.control.messages(general()).find((m) => m.ts === posted.ts)!;
    assert.deepEqual(stored.metadata, metadata);

    const plain = await f.client.conversations.history({ channel: general(), limit: 1 });
    assert.deepEqual(plain.messages?.[0]?.metadata, { event_type: 'liftoff_run' });
    const full = await f.client.conversations.history({
      channel: general(),
      limit: 1,
      include_all_metadata: true,
    });
    assert.deepEqual(full.messages?.[0]?.metadata, metadata);

    // chat.update keeps metadata it is not given, replaces it when given, and {} removes it.
    await f.client.chat.update({ channel: general(), ts: posted.ts!, text: 'Run 42 planning' });
    assert.deepEqual(stored.metadata, metadata);
    const next = { event_type: 'liftoff_run', event_payload: { run_id: 'run-42', state: 'planning' } };
    await f.client.chat.update({ channel: general(), ts: posted.ts!, text: 'Run 42', metadata: next });
    assert.deepEqual(stored.metadata, next);
    await f.client.chat.update({
      channel: general(),
      ts: posted.ts!,
      text: 'Run 42',
      metadata: {} as never,
    });
    assert.equal(stored.metadata, null);
  });

  test('metadata errors as Slack names them', async () => {
    const raw = webClient(f.sim, f.install.botToken);
    assert.equal(
      (
        await platformError(
          raw.apiCall('chat.postMessage', { channel: general(), text: 'x', metadata: '{nope' }),
        )
      ).error,
      'invalid_metadata_format',
    );
    assert.equal(
      (
        await platformError(
          raw.apiCall('chat.postMessage', { channel: general(), text: 'x', metadata: { event_payload: {} } }),
        )
      ).error,
      'invalid_metadata_schema',
    );
  });

  test('history needs the *:history scope of the conversation kind, and membership', async () => {
    const noHistory = await demoFixture({ scopes: BOT_SCOPES });
    try {
      const e = await platformError(
        noHistory.client.conversations.history({ channel: noHistory.demo.channels.general.id }),
      );
      assert.equal(e.error, 'missing_scope');
      assert.equal(e.needed, 'channels:history');
    } finally {
      await noHistory.sim.close();
    }
    assert.equal(
      (await platformError(f.client.conversations.history({ channel: f.demo.channels.random.id }))).error,
      'not_in_channel',
    );
    assert.equal(
      (await platformError(f.client.conversations.history({ channel: f.demo.channels.devNotifications.id })))
        .error,
      'channel_not_found',
    );
  });
});
