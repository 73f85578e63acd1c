// "Show planned changes" on a tool-preset run, through slack-sim over HTTP: the saved plan's resource changes
// (docs/runs.md), not the raw log; a plan touching hundreds of resources stays within what Slack shows.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunResourceChange } from '../../src/domain/runs.js';
import { CHANGES_LISTED, plannedChangesText } from '../../src/slack/inbound/planned-changes.js';
import { runActionButtons } from '../../src/slack/platform/run-actions.js';
import { GitRepo, TOOLS } from '../helpers/terraform.js';
import { attachPolicy, installViaOAuth, responseTo, startSlackWorld, type SlackWorld } from './helpers.js';

const fixture = TOOLS.find((t) => t.name === 'fixture CLI')!;

describe('Show planned changes from a saved plan', () => {
  let w: SlackWorld;
  let repo: GitRepo;
  before(async () => {
    w = await startSlackWorld();
    assert.equal((await installViaOAuth(w)).status, 200);
    repo = new GitRepo();
  });
  after(async () => {
    await w?.close();
    repo?.remove();
  });

  test('lists the resource changes with their actions, not the log', async () => {
    const resources = Object.fromEntries(
      Array.from({ length: 120 }, (_, i) => [`r${String(i).padStart(3, '0')}`, 'x']),
    );
    repo.commit(
      { 'fixture.json': JSON.stringify({ backend_path: `${w.server.dir}/state.json`, resources }) },
      '120 resources',
    );
    const created = await w.server.api('POST', '/api/v1/stacks', {
      id: 'preset',
      tool: 'terraform',
      repository: repo.url,
      env: fixture.env,
    });
    assert.equal(created.status, 201);
    await attachPolicy(w, 'preset', 'readers', 'package spacelift\n\nread { true }');
    const run = (await w.server.api<{ id: string }>('POST', '/api/v1/stacks/preset/runs')).body;
    await w.server.waitForRun('preset', run.id, ['UNCONFIRMED'], 30_000);

    const channel = w.demo.channels.random.id;
    const bot = await w.server.liftoff.slack.botClient();
    const posted = await bot!.client.chat.postMessage({
      channel,
      text: 'run',
      blocks: [runActionButtons({ stackId: 'preset', runId: run.id })],
    });
    const click = await w.sim.driver.clickButton({
      channel,
      ts: posted.ts!,
      user: w.demo.users.alice.id,
      actionId: 'liftoff_run_show_plan',
    });
    assert.equal(click.status, 200);
    const { text, body } = await responseTo(w, click);
    assert.equal(body.response_type, 'ephemeral');
    assert.match(text, /: 120 to add, 0 to change, 0 to destroy:\n```\n\+ {3}fixture_data\.r000\n/);
    assert.match(text, /… and 70 more \(70 to create\); the run page lists them all\./);
    assert.ok(!text.includes('$ '), 'no shell command lines');
    assert.ok(text.length < 4000, `${text.length} characters`);
  });
});

test('the text stays bounded with long addresses and mixed actions', () => {
  const actions = ['create', 'update', 'delete', 'replace', 'read'] as const;
  const changes: RunResourceChange[] = Array.from({ length: 500 }, (_, i) => ({
    address: `module.m${i}.aws_s3_bucket.${'x'.repeat(200)}["<${i}>"]`,
    action: actions[i % 5]!,
    actions: [],
  }));
  const text = plannedChangesText(changes);
  assert.ok(text.length < 3_300, `${text.length}`);
  assert.ok(!text.includes('<0>'), 'addresses are escaped for mrkdwn');
  const listed = text.split('\n').filter((l) => /^(\+|~|-|-\/\+|<=)\s/.test(l)).length;
  assert.ok(listed > 0 && listed <= CHANGES_LISTED);
  const more = /… and (\d+) more \((.+)\)/.exec(text);
  assert.equal(Number(more?.[1]), 500 - listed);
  assert.match(more![2]!, /to create, \d+ to update, \d+ to destroy, \d+ to replace, \d+ to read/);
  assert.equal(plannedChangesText([]), 'No resource changes.');
});
