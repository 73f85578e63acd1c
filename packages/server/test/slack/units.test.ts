// Small pieces of the Slack app on their own: token encryption, the after-ack queue, command parsing, button values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { AfterAckQueue } from '../../src/slack/inbound/after-ack.js';
import { parseCommand } from '../../src/slack/inbound/commands.js';
import { requestKey } from '../../src/slack/inbound/receiver.js';
import {
  parseRunActionValue,
  runActionButtons,
  runActionValue,
  RUN_ACTIONS,
} from '../../src/slack/platform/run-actions.js';
import { SecretCipher } from '../../src/secret-cipher.js';

test('token cipher: round trip, fresh IV each time, bound to its purpose, tamper and wrong key detected', () => {
  const key = randomBytes(32);
  const c = new SecretCipher(key);
  const a = c.encrypt('xoxb-secret', 'slack.bot_token');
  const b = c.encrypt('xoxb-secret', 'slack.bot_token');
  assert.notEqual(a, b);
  assert.ok(!a.includes('xoxb'));
  assert.equal(c.decrypt(a, 'slack.bot_token'), 'xoxb-secret');
  assert.throws(() => c.decrypt(a, 'slack.bot_refresh_token'), /cannot be decrypted/);
  const [v, iv, tag, body] = a.split(':');
  const flipped = Buffer.from(body!, 'base64');
  flipped[0]! ^= 1;
  assert.throws(() => c.decrypt([v, iv, tag, flipped.toString('base64')].join(':'), 'slack.bot_token'));
  assert.throws(() => new SecretCipher(randomBytes(32)).decrypt(a, 'slack.bot_token'), /cannot be decrypted/);
  assert.throws(() => c.decrypt('plain', 'slack.bot_token'), /unknown format/);
  // Error messages never carry the value.
  try {
    new SecretCipher(randomBytes(32)).decrypt(a, 'slack.bot_token');
  } catch (err) {
    assert.ok(!String(err).includes(a));
  }
});

test('after-ack queue: bounded concurrency, in order, busy when too long or too old', async () => {
  let now = 0;
  const q = new AfterAckQueue(pino({ level: 'silent' }), 2, 3, 1000, () => now);
  let running = 0;
  let peak = 0;
  const done: number[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const job = (i: number) => async () => {
    running++;
    peak = Math.max(peak, running);
    await gate;
    running--;
    done.push(i);
  };
  for (let i = 0; i < 5; i++) assert.equal(q.push(job(i)), true);
  await new Promise((r) => setImmediate(r));
  assert.equal(q.full, true, '3 waiting = full');
  assert.equal(q.push(job(99)), false);
  release();
  await q.drained();
  assert.equal(peak, 2);
  assert.deepEqual(done, [0, 1, 2, 3, 4]);
  assert.equal(q.full, false);

  const stuck = new Promise<void>(() => {});
  q.push(() => stuck);
  q.push(() => stuck);
  q.push(async () => {});
  assert.equal(q.full, false);
  now = 1001;
  assert.equal(q.full, true, 'the oldest waiting job is too old');
});

test('commands: verbs, stack argument, anything else is help', () => {
  assert.deepEqual(parseCommand('subscribe demo'), { kind: 'subscribe', stackId: 'demo' });
  assert.deepEqual(parseCommand('  TRIGGER   demo  '), { kind: 'trigger', stackId: 'demo' });
  assert.deepEqual(parseCommand('list'), { kind: 'list' });
  assert.equal(parseCommand('').kind, 'help');
  assert.equal(parseCommand('help').kind, 'help');
  assert.equal(parseCommand('deploy demo').kind, 'help');
  assert.equal(parseCommand('trigger').kind, 'usage');
  assert.equal(parseCommand('trigger a b').kind, 'usage');
});

test('run buttons: value round trip, ids as documented', () => {
  const ref = { stackId: 'demo', runId: '01M86DMQR09ZJAAMF7WEFDEEAH' };
  assert.equal(runActionValue(ref), 'demo/01M86DMQR09ZJAAMF7WEFDEEAH');
  assert.deepEqual(parseRunActionValue(runActionValue(ref)), ref);
  assert.equal(parseRunActionValue('../etc'), undefined);
  assert.equal(parseRunActionValue(undefined), undefined);
  const block = runActionButtons(ref);
  assert.deepEqual(
    block.elements.map((e) => e.action_id),
    [RUN_ACTIONS.confirm, RUN_ACTIONS.discard, RUN_ACTIONS.showPlan],
  );
  assert.deepEqual(
    runActionButtons(ref, { unconfirmed: false }).elements.map((e) => e.action_id),
    [RUN_ACTIONS.showPlan],
  );
});

test('request keys are stable per delivery: event id, else trigger id', () => {
  assert.equal(requestKey({ event_id: 'Ev1', trigger_id: 'x' }), 'event:Ev1');
  assert.equal(requestKey({ command: '/liftoff', trigger_id: '1.2.3' }), 'command:1.2.3');
  assert.equal(requestKey({ type: 'block_actions', trigger_id: '1.2.3' }), 'block_actions:1.2.3');
  assert.equal(requestKey({ type: 'url_verification' }), undefined);
});
