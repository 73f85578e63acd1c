// Pure parts of delivery: the run message per state, mentions, rate budgets and the meaning of Slack's errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '@slack/web-api';
import type { Run } from '../../src/domain/runs.js';
import { actorText, renderRunMessage, stateColour } from '../../src/slack/outbound/message.js';
import { fresh, take, waitMs } from '../../src/slack/outbound/pacing.js';
import { classify } from '../../src/slack/platform/errors.js';

function run(state: Run['state'], extra: Partial<Run> = {}): Run {
  return {
    id: '01HZZZZZZZZZZZZZZZZZZZZZZZ',
    stack_id: 'prod',
    type: 'TRACKED',
    state,
    triggered_by: 'slack:U123',
    commit: { hash: 'abcdef0123456789', message: 'Add <bucket>\n\nbody', author: 'Ann' },
    delta: { add: 4, change: 1, destroy: 0 },
    resource_changes: null,
    history: [{ state: 'QUEUED', at: '2026-01-01T00:00:00.000Z', by: 'slack:U123', note: null }],
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:01:05.000Z',
    worker_id: null,
    ...extra,
  };
}

const body = (m: ReturnType<typeof renderRunMessage>) => JSON.stringify(m.attachments);
const actions = (m: ReturnType<typeof renderRunMessage>) =>
  (
    m.attachments[0]!.blocks as Array<{
      type: string;
      elements?: Array<{ action_id: string; style?: string; confirm?: unknown }>;
    }>
  ).find((b) => b.type === 'actions')?.elements ?? [];

describe('run message', () => {
  it('colours by state', () => {
    assert.equal(stateColour('FINISHED'), '#2eb67d');
    assert.equal(stateColour('FAILED'), '#e01e5a');
    assert.equal(stateColour('UNCONFIRMED'), '#ecb22e');
    for (const s of ['DISCARDED', 'CANCELED', 'STOPPED'] as const) assert.equal(stateColour(s), '#9e9ea6');
    for (const s of ['QUEUED', 'PLANNING', 'CONFIRMED', 'APPLYING'] as const)
      assert.equal(stateColour(s), '#36c5f0');
  });

  it('shows stack, run, trigger, commit, state, delta and timing; escapes what users wrote', () => {
    const m = renderRunMessage(
      run('PLANNING'),
      { id: 'prod', name: 'Prod & <co>' },
      'https://liftoff.example',
    );
    const text = body(m);
    assert.match(text, /<https:\/\/liftoff.example\/stacks\/prod\|Prod &amp; &lt;co&gt;>/);
    assert.match(text, /runs\/01HZZZZZZZZZZZZZZZZZZZZZZZ\|01HZZZZZZZZZZZZZZZZZZZZZZZ>/);
    assert.match(text, /Tracked run triggered by <@U123>/);
    assert.match(text, /`abcdef012345` Add &lt;bucket&gt; — Ann/);
    assert.match(text, /\*Current state\*\\nPLANNING/);
    assert.match(text, /4 to add, 1 to change, 0 to destroy/);
    assert.match(text, /\*Started\*/);
    assert.deepEqual(actions(m), []);
  });

  it('offers Confirm (primary), Discard (danger, asks first) and Show planned changes only while UNCONFIRMED', () => {
    const els = actions(renderRunMessage(run('UNCONFIRMED'), { id: 'prod', name: 'Prod' }, 'http://x'));
    assert.deepEqual(
      els.map((e) => [e.action_id, e.style]),
      [
        ['liftoff_run_confirm', 'primary'],
        ['liftoff_run_discard', 'danger'],
        ['liftoff_run_show_plan', undefined],
      ],
    );
    assert.ok(els[1]!.confirm);
  });

  it('says who acted and how long it took once final', () => {
    const m = renderRunMessage(
      run('FINISHED', {
        history: [
          { state: 'QUEUED', at: '2026-01-01T00:00:00.000Z', by: 'admin', note: null },
          { state: 'UNCONFIRMED', at: '2026-01-01T00:00:30.000Z', by: null, note: null },
          { state: 'CONFIRMED', at: '2026-01-01T00:00:40.000Z', by: 'slack:U999', note: null },
          { state: 'FINISHED', at: '2026-01-01T00:01:05.000Z', by: null, note: null },
        ],
      }),
      { id: 'prod', name: 'Prod' },
      'http://x',
    );
    assert.match(body(m), /Confirmed by <@U999>/);
    assert.match(body(m), /\*Took\*\\n1m 5s/);
    assert.deepEqual(actions(m), []);
  });

  it('names actors', () => {
    assert.equal(actorText('slack:U1ABC'), '<@U1ABC>');
    assert.equal(actorText('ci-bot'), '`ci-bot`');
    assert.equal(actorText('push'), 'a Git push');
    assert.equal(actorText(null), 'Liftoff');
  });
});

describe('rate budget', () => {
  it('allows a burst, then one token per 1/rate seconds, and honours a block', () => {
    const spec = { capacity: 2, perSecond: 1 };
    const b = fresh(spec, 0);
    assert.equal(waitMs(spec, b, 0), 0);
    take(spec, b, 0);
    take(spec, b, 0);
    assert.equal(waitMs(spec, b, 0), 1000);
    assert.equal(waitMs(spec, b, 1000), 0);
    b.blockedUntilMs = 5000;
    assert.equal(waitMs(spec, b, 1000), 4000);
  });
});

describe('Slack errors', () => {
  const platform = (error: string) =>
    Object.assign(new Error(error), { code: ErrorCode.PlatformError, data: { ok: false, error } });
  it('classifies', () => {
    assert.deepEqual(
      classify(Object.assign(new Error('429'), { code: ErrorCode.RateLimitedError, retryAfter: 3 })),
      { kind: 'rate_limited', retryAfterMs: 3000 },
    );
    assert.deepEqual(
      classify(Object.assign(new Error('503'), { code: ErrorCode.HTTPError, statusCode: 503 })),
      { kind: 'transient', detail: 'HTTP 503', ambiguous: false },
    );
    assert.equal(
      classify(Object.assign(new Error('reset'), { code: ErrorCode.RequestError })).kind,
      'transient',
    );
    assert.equal(
      (
        classify(Object.assign(new Error('reset'), { code: ErrorCode.RequestError })) as {
          ambiguous: boolean;
        }
      ).ambiguous,
      true,
    );
    for (const c of ['invalid_auth', 'account_inactive', 'token_revoked', 'token_expired', 'not_authed'])
      assert.equal(classify(platform(c)).kind, 'token');
    for (const c of ['channel_not_found', 'is_archived', 'not_in_channel'])
      assert.equal(classify(platform(c)).kind, 'channel');
    assert.equal(classify(platform('message_not_found')).kind, 'message_gone');
    assert.equal(classify(platform('internal_error')).kind, 'transient');
    assert.equal(classify(platform('invalid_blocks')).kind, 'permanent');
  });
});
