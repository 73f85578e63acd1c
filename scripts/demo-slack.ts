// `npm run demo:slack -- "<command> <text>" --channel <name> --user <name>`: a slash command through the Slack
// simulator, exactly as Slack sends it (signed), then the answer the app gave (ack and response_url).
// `npm run demo:slack -- click <confirm|discard|show_plan> --channel <name> --user <name>`: clicks that button on the
// latest message of the channel that has it. `npm run demo:slack -- messages --channel <name>`: the channel.
//   SLACK_SIM_URL (default http://127.0.0.1:3001)
import { parseArgs } from 'node:util';

const SIM = (process.env.SLACK_SIM_URL ?? 'http://127.0.0.1:3001').replace(/\/$/, '');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    channel: { type: 'string', default: 'dev-notifications' },
    user: { type: 'string', default: 'alice' },
    wait: { type: 'string', default: '10' },
  },
});

interface SimState {
  users: Array<{ id: string; name: string; teamId: string }>;
  channels: Array<{ id: string; name: string; teamId: string }>;
}
interface SimMessage {
  ts: string;
  text: string;
  threadTs: string | null;
  user: string;
  blocks: Array<Record<string, unknown>> | null;
  attachments: Array<{ blocks?: Array<Record<string, unknown>> }> | null;
  history: unknown[];
}
interface ResponseUrlInfo {
  url: string;
  posts: Array<{ body: { text?: string; response_type?: string }; effect: string }>;
}

async function sim<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const r = await fetch(`${SIM}${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await r.json()) as T & { error?: string };
  if (r.status >= 300) throw new Error(`${path}: ${json.error ?? r.status}`);
  return json;
}

async function lookup() {
  const state = await sim<SimState>('GET', '/_sim/state');
  const user = state.users.find((u) => u.name === values.user || u.id === values.user);
  if (!user) throw new Error(`no user ${values.user}; users: ${state.users.map((u) => u.name).join(', ')}`);
  const name = values.channel!.replace(/^#/, '');
  const channel = state.channels.find((c) => (c.name === name || c.id === name) && c.teamId === user.teamId);
  if (!channel)
    throw new Error(`no channel #${name}; channels: ${state.channels.map((c) => c.name).join(', ')}`);
  return { user, channel };
}

/** Prints what the app posted to a response_url, waiting for it (the app acks first and answers later). */
async function printAnswers(responseUrl: string, minimum: number) {
  const deadline = Date.now() + Number(values.wait) * 1000;
  let shown = 0;
  while (Date.now() < deadline) {
    const urls = await sim<ResponseUrlInfo[]>('GET', '/_sim/response-urls');
    const posts = urls.find((u) => u.url === responseUrl)?.posts ?? [];
    for (; shown < posts.length; shown++) {
      const p = posts[shown]!;
      console.log(`\n[${p.body.response_type ?? 'ephemeral'} answer]\n${p.body.text ?? ''}`);
    }
    if (shown >= minimum) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (shown === 0) console.log('\n(no answer through response_url yet)');
}

function buttons(m: SimMessage): Array<{ action_id: string; value?: string }> {
  const blocks = [...(m.blocks ?? []), ...(m.attachments ?? []).flatMap((a) => a.blocks ?? [])];
  return blocks
    .filter((b) => b.type === 'actions')
    .flatMap((b) => (b.elements as Array<{ type: string; action_id: string; value?: string }>) ?? [])
    .filter((e) => e.type === 'button');
}

async function main() {
  const [first, second] = positionals;
  if (!first) {
    console.error(
      'usage: demo:slack -- "/liftoff <text>" | click <confirm|discard|show_plan> | messages  [--channel c] [--user u]',
    );
    process.exit(2);
  }
  const { user, channel } = await lookup();

  if (first === 'messages') {
    for (const m of await sim<SimMessage[]>('GET', `/_sim/channels/${channel.id}/messages`)) {
      const b = buttons(m).map((x) => x.action_id.replace(/^liftoff_run_/, ''));
      const thread = m.threadTs && m.threadTs !== m.ts ? `  (in thread ${m.threadTs})` : '';
      console.log(
        `${m.ts}${thread}  ${m.text}${b.length ? `  [buttons: ${b.join(', ')}]` : ''}${m.history.length > 1 ? `  (edited ${m.history.length - 1}×)` : ''}`,
      );
    }
    return;
  }

  if (first === 'click') {
    const actionId = `liftoff_run_${second ?? ''}`;
    const messages = await sim<SimMessage[]>('GET', `/_sim/channels/${channel.id}/messages`);
    const target = [...messages].reverse().find((m) => buttons(m).some((b) => b.action_id === actionId));
    if (!target)
      throw new Error(
        `no message in #${channel.name} has a ${second} button (run messages come with notifications of subscribed channels)`,
      );
    const r = await sim<{ status: number; responseUrl: string }>('POST', '/_sim/driver/clickButton', {
      channel: channel.id,
      ts: target.ts,
      user: user.id,
      actionId,
    });
    console.log(`clicked ${second} on ${target.ts} as ${user.name} → HTTP ${r.status}`);
    await printAnswers(r.responseUrl, second === 'show_plan' ? 1 : 0);
    if (second !== 'show_plan') {
      await new Promise((r) => setTimeout(r, 1000));
      const replies = (await sim<SimMessage[]>('GET', `/_sim/channels/${channel.id}/messages`)).filter(
        (m) => m.threadTs === target.ts,
      );
      for (const m of replies) console.log(`\n[thread reply] ${m.text}`);
    }
    return;
  }

  const [command, ...rest] = first.trim().split(/\s+/);
  const r = await sim<{ status: number; body: string; json: { text?: string } | null; responseUrl: string }>(
    'POST',
    '/_sim/driver/slashCommand',
    { channel: channel.id, user: user.id, command, text: rest.join(' ') },
  );
  console.log(`${first}  (as ${user.name} in #${channel.name}) → HTTP ${r.status}`);
  if (r.json?.text) console.log(`\n[ack]\n${r.json.text}`);
  else await printAnswers(r.responseUrl, 1);
}

main().catch((err: unknown) => {
  console.error(`demo:slack: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
