import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BOT_SCOPES, demoFixture, platformError } from './helpers.js';
import type { Fixture } from './helpers.js';

describe('user groups (usergroups.list, usergroups.users.list) and mentions', () => {
  let f: Fixture;
  before(async () => {
    f = await demoFixture({ scopes: [...BOT_SCOPES, 'usergroups:read'] });
  });
  after(() => f.sim.close());

  test('groups made through the control API are listed as Slack lists them', async () => {
    const { alice, bob } = f.demo.users;
    const security = f.sim.control.createUserGroup({
      teamId: f.demo.team.id,
      handle: 'security',
      name: 'Security team',
      members: [alice.id],
    });
    assert.match(security.id, /^S/);
    f.sim.control.createUserGroup({ teamId: f.demo.team.id, handle: 'sre', members: [alice.id, bob.id] });
    const old = f.sim.control.createUserGroup({ teamId: f.demo.team.id, handle: 'old', disabled: true });

    const plain = await f.client.usergroups.list();
    assert.deepEqual(
      plain.usergroups?.map((g) => g.handle),
      ['security', 'sre'],
    );
    const g = plain.usergroups![0]!;
    assert.equal(g.id, security.id);
    assert.equal(g.name, 'Security team');
    assert.equal(g.team_id, f.demo.team.id);
    assert.equal(g.is_usergroup, true);
    assert.equal(g.date_delete, 0);
    assert.equal(g.users, undefined);

    const withUsers = await f.client.usergroups.list({
      include_users: true,
      include_count: true,
      include_disabled: true,
    });
    const byHandle = new Map(withUsers.usergroups!.map((x) => [x.handle, x]));
    assert.deepEqual(byHandle.get('sre')?.users, [alice.id, bob.id]);
    assert.equal(byHandle.get('sre')?.user_count, 2);
    assert.ok((byHandle.get('old')?.date_delete ?? 0) > 0);

    assert.deepEqual((await f.client.usergroups.users.list({ usergroup: security.id })).users, [alice.id]);
    assert.equal(
      (await platformError(f.client.usergroups.users.list({ usergroup: old.id }))).error,
      'no_such_subteam',
    );
    assert.deepEqual(
      (await f.client.usergroups.users.list({ usergroup: old.id, include_disabled: true })).users,
      [],
    );
    assert.equal(
      (await platformError(f.client.usergroups.users.list({ usergroup: 'SNOPE' }))).error,
      'no_such_subteam',
    );

    f.sim.control.updateUserGroup(security.id, { members: [alice.id, bob.id] });
    assert.deepEqual((await f.client.usergroups.users.list({ usergroup: security.id })).users, [
      alice.id,
      bob.id,
    ]);
    assert.throws(
      () => f.sim.control.createUserGroup({ teamId: f.demo.team.id, handle: 'sre' }),
      /name_already_exists/,
    );
  });

  test('usergroups:read is required', async () => {
    const other = await demoFixture();
    try {
      const e = await platformError(other.client.usergroups.list());
      assert.equal(e.error, 'missing_scope');
      assert.equal(e.needed, 'usergroups:read');
    } finally {
      await other.sim.close();
    }
  });

  test('the web view shows <@U…> as @name and <!subteam^S…> as @handle', async () => {
    const ch = f.demo.channels.general.id;
    f.sim.control.inviteBot(ch, f.demo.app.id);
    const group = f.sim.control.userGroups(f.demo.team.id).find((g) => g.handle === 'security')!;
    await f.client.chat.postMessage({
      channel: ch,
      text: `Waiting for <@${f.demo.users.bob.id}> and <!subteam^${group.id}> in <#${ch}>`,
    });
    const page = await (
      await fetch(`${f.sim.url}/_sim/ui?user=${f.demo.users.alice.id}&channel=${ch}`)
    ).text();
    assert.match(page, /<b class="mention">@bob<\/b>/);
    assert.match(page, /<b class="mention">@security<\/b>/);
    assert.match(page, /<b class="mention">#general<\/b>/);
  });
});
