// The run message (docs/slack.md): one coloured attachment holding stack, run, trigger, commit, state, delta and timing,
// and the action buttons while the run waits for confirmation. Pure: run + stack in, Slack message body out.
import type { Run } from '../../domain/runs.js';
import type { RunState } from '../../domain/run-states.js';
import { isTerminal } from '../../domain/run-states.js';
import { escapeMrkdwn } from '../platform/mrkdwn.js';
import { RUN_ACTIONS, runActionButtons } from '../platform/run-actions.js';

export interface MessageStack {
  id: string;
  name: string;
}

export interface RunMessage {
  /** Notification / fallback text (screen readers, push notifications). */
  text: string;
  attachments: Array<Record<string, unknown>>;
}

const COLOURS = {
  finished: '#2eb67d',
  failed: '#e01e5a',
  unconfirmed: '#ecb22e',
  ended: '#9e9ea6',
  progress: '#36c5f0',
} as const;

export function stateColour(state: RunState): string {
  if (state === 'FINISHED') return COLOURS.finished;
  if (state === 'FAILED') return COLOURS.failed;
  if (state === 'UNCONFIRMED') return COLOURS.unconfirmed;
  if (isTerminal(state)) return COLOURS.ended;
  return COLOURS.progress;
}

/** `slack:U123` → a mention; anything else (API key login, push, system) as plain text. */
export function actorText(actor: string | null): string {
  if (!actor) return 'Liftoff';
  const m = /^slack:([A-Z0-9]+)$/i.exec(actor);
  if (m) return `<@${m[1]}>`;
  if (actor === 'system') return 'Liftoff';
  if (actor === 'push' || actor.startsWith('push:')) return 'a Git push';
  return `\`${escapeMrkdwn(actor)}\``;
}

const DONE_BY: Partial<Record<RunState, string>> = {
  CONFIRMED: 'Confirmed',
  DISCARDED: 'Discarded',
  STOPPED: 'Stopped',
  CANCELED: 'Canceled',
};

function duration(fromIso: string, toIso: string): string {
  const s = Math.max(0, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

function slackDate(iso: string): string {
  const epoch = Math.floor(Date.parse(iso) / 1000);
  return `<!date^${epoch}^{date_short_pretty} {time_secs}|${iso}>`;
}

export function renderRunMessage(run: Run, stack: MessageStack, publicUrl: string): RunMessage {
  const stackUrl = `${publicUrl}/stacks/${encodeURIComponent(stack.id)}`;
  const runUrl = `${stackUrl}/runs/${encodeURIComponent(run.id)}`;
  const stackLink = `<${stackUrl}|${escapeMrkdwn(stack.name)}>`;
  const runLink = `<${runUrl}|${run.id}>`;
  const trigger = actorText(run.triggered_by);

  const fields: Array<{ type: 'mrkdwn'; text: string }> = [
    { type: 'mrkdwn', text: `*Current state*\n${run.state}` },
    {
      type: 'mrkdwn',
      text: `*Delta*\n${run.delta ? `${run.delta.add} to add, ${run.delta.change} to change, ${run.delta.destroy} to destroy` : '—'}`,
    },
  ];
  if (run.commit) {
    const title = escapeMrkdwn(run.commit.message.split('\n')[0] ?? '').slice(0, 140);
    fields.push({
      type: 'mrkdwn',
      text: `*Commit*\n\`${run.commit.hash.slice(0, 12)}\`${title ? ` ${title}` : ''}${run.commit.author ? ` — ${escapeMrkdwn(run.commit.author)}` : ''}`,
    });
  }
  const end = isTerminal(run.state) ? run.updated_at : null;
  fields.push({
    type: 'mrkdwn',
    text: `*${end ? 'Took' : 'Started'}*\n${end ? duration(run.created_at, end) : slackDate(run.created_at)}`,
  });

  const blocks: Array<Record<string, unknown>> = [
    {
      type: 'section',
      block_id: 'liftoff_run_summary',
      text: { type: 'mrkdwn', text: `*${stackLink}* · run ${runLink}\nTracked run triggered by ${trigger}` },
    },
    { type: 'section', block_id: 'liftoff_run_fields', fields },
  ];

  // Who acted: the newest history entry of a user-driven state ("Confirmed by <@U…>").
  const acted = run.history
    .filter((h) => DONE_BY[h.state] && h.by && h.by !== 'system')
    .map((h) => `${DONE_BY[h.state]} by ${actorText(h.by)} ${slackDate(h.at)}`);
  const notes = run.history.filter((h) => h.state === run.state && h.note).map((h) => escapeMrkdwn(h.note!));
  const context = [...acted, ...notes.slice(-1)];
  if (context.length > 0)
    blocks.push({
      type: 'context',
      block_id: 'liftoff_run_context',
      elements: context.map((text) => ({ type: 'mrkdwn', text })),
    });

  if (run.state === 'UNCONFIRMED') {
    const actions = runActionButtons({ stackId: stack.id, runId: run.id }, { unconfirmed: true });
    // Discarding throws the plan away: ask first.
    const elements = actions.elements.map((e) =>
      e.action_id === RUN_ACTIONS.discard
        ? {
            ...e,
            confirm: {
              title: { type: 'plain_text', text: 'Discard this run?' },
              text: { type: 'mrkdwn', text: `The planned changes of ${run.id} will not be applied.` },
              confirm: { type: 'plain_text', text: 'Discard' },
              deny: { type: 'plain_text', text: 'Keep it' },
              style: 'danger',
            },
          }
        : e,
    );
    blocks.push({ ...actions, elements });
  }

  return {
    text: `${stack.name}: run ${run.id} is ${run.state}`,
    attachments: [
      {
        color: stateColour(run.state),
        fallback: `${stack.name}: run ${run.id} is ${run.state}`,
        blocks,
      },
    ],
  };
}
