import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoFixture, platformError } from './helpers.js';
import type { Fixture } from './helpers.js';

const button = (over: Record<string, unknown> = {}) => ({
  type: 'button',
  action_id: 'go',
  text: { type: 'plain_text', text: 'Go' },
  ...over,
});

describe('Block Kit limits (invalid_blocks as Slack reports it)', () => {
  let f: Fixture;
  before(async () => {
    f = await demoFixture();
  });
  after(() => f.sim.close());

  const post = (blocks: unknown[]) =>
    f.client.chat.postMessage({ channel: f.demo.channels.general.id, text: 'x', blocks: blocks as never });

  test('a realistic message passes', async () => {
    const r = await post([
      { type: 'header', text: { type: 'plain_text', text: 'Run 1' } },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: '*stack*' },
        fields: [{ type: 'mrkdwn', text: '*State*\nQUEUED' }],
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'by alice' }] },
      { type: 'divider' },
      {
        type: 'actions',
        elements: [
          button({ action_id: 'confirm', style: 'primary' }),
          button({
            action_id: 'discard',
            style: 'danger',
            confirm: {
              title: { type: 'plain_text', text: 'Sure?' },
              text: { type: 'mrkdwn', text: 'Really.' },
              confirm: { type: 'plain_text', text: 'Yes' },
              deny: { type: 'plain_text', text: 'No' },
            },
          }),
        ],
      },
    ]);
    assert.equal(r.ok, true);
  });

  test('too long texts, too many items, bad styles and duplicates are refused with json-pointers', async () => {
    const cases: Array<[unknown[], RegExp]> = [
      [
        [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }],
        /must be less than 3001 characters \[json-pointer:\/blocks\/0\/text\/text\]/,
      ],
      [
        [{ type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) }],
        /no more than 10 items allowed \[json-pointer:\/blocks\/0\/fields\]/,
      ],
      [
        [{ type: 'actions', elements: [button({ text: { type: 'plain_text', text: 'b'.repeat(76) } })] }],
        /\/blocks\/0\/elements\/0\/text\/text/,
      ],
      [
        [{ type: 'actions', elements: [button({ text: { type: 'mrkdwn', text: 'Go' } })] }],
        /\/blocks\/0\/elements\/0\/text\/type/,
      ],
      [[{ type: 'actions', elements: [button({ style: 'green' })] }], /\/blocks\/0\/elements\/0\/style/],
      [[{ type: 'actions', elements: [button(), button()] }], /duplicate action_id/],
      [
        [
          { type: 'section', block_id: 'a', text: { type: 'mrkdwn', text: 'a' } },
          { type: 'divider', block_id: 'a' },
        ],
        /duplicate block_id/,
      ],
      [[{ type: 'actions', elements: [] }], /must provide at least 1 item/],
      [[{ type: 'carousel' }], /unsupported type/],
      [
        [{ type: 'context', elements: [{ type: 'mrkdwn', text: 'n'.repeat(3001) }] }],
        /\/blocks\/0\/elements\/0\/text\]/,
      ],
      [
        Array.from({ length: 51 }, () => ({ type: 'divider' })),
        /no more than 50 items allowed \[json-pointer:\/blocks\]/,
      ],
    ];
    for (const [blocks, expected] of cases) {
      const data = await platformError(post(blocks));
      assert.equal(data.error, 'invalid_blocks');
      assert.match((data.errors as string[]).join('\n'), expected);
    }
  });

  test('blocks inside attachments are checked too, with their own pointer', async () => {
    const data = await platformError(
      f.client.chat.postMessage({
        channel: f.demo.channels.general.id,
        text: 'x',
        attachments: [
          { color: '#36a64f', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '' } }] },
        ],
      }),
    );
    assert.equal(data.error, 'invalid_blocks');
    assert.match((data.errors as string[])[0]!, /\[json-pointer:\/attachments\/0\/blocks\/0\/text\/text\]/);
  });
});
