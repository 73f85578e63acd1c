// The `slack` policy input document is a contract (docs/policies.md): exact field names, unknown booleans false,
// display_name from the profile, `enterprise` from enterprise_user and absent outside Enterprise Grid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { slackInput, slackSubject } from '../../src/slack/inbound/slack-subject.js';

const request = { command: 'trigger', team: { id: 'T1', name: 'Acme' }, channel: { id: 'C1', name: 'dev' } };

test('a workspace user: every field, unknown booleans false, no enterprise', () => {
  const input = slackInput(
    {
      id: 'U1',
      real_name: 'Alice Admin',
      tz: 'Europe/Berlin',
      is_admin: true,
      profile: { display_name: 'alice', real_name: 'Alice A.' },
    },
    request,
  );
  assert.deepEqual(input, {
    slack: {
      command: 'trigger',
      user: {
        id: 'U1',
        deleted: false,
        display_name: 'alice',
        has_2fa: false,
        is_admin: true,
        is_owner: false,
        is_primary_owner: false,
        is_restricted: false,
        is_ultra_restricted: false,
        is_stranger: false,
        real_name: 'Alice Admin',
        tz: 'Europe/Berlin',
      },
      team: { id: 'T1', name: 'Acme' },
      channel: { id: 'C1', name: 'dev' },
    },
  });
});

test('an Enterprise Grid user carries enterprise_user as `enterprise`', () => {
  const input = slackInput(
    {
      id: 'W1',
      has_2fa: true,
      enterprise_user: {
        id: 'W1',
        enterprise_id: 'E1',
        enterprise_name: 'Globex',
        is_admin: true,
        teams: ['T1', 'T2'],
      },
    },
    request,
  ) as { slack: { user: Record<string, unknown> } };
  assert.deepEqual(input.slack.user.enterprise, {
    id: 'W1',
    enterprise_id: 'E1',
    enterprise_name: 'Globex',
    is_admin: true,
    is_owner: false,
    teams: ['T1', 'T2'],
  });
  assert.equal(input.slack.user.has_2fa, true);
});

test('a Slack subject is never an admin and is recorded as slack:<user id> with its channel', () => {
  const s = slackSubject({ id: 'U9', is_admin: true, is_owner: true }, request);
  assert.equal(s.admin, false);
  assert.equal(s.actor, 'slack:U9');
  assert.equal(s.channel, 'C1');
});
