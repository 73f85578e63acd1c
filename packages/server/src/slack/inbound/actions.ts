// Button clicks on run messages (ids and value format in run-actions.ts): confirm and discard need write access,
// show planned changes needs read. Denials and errors are answered to the clicker only (ephemeral) and change
// nothing; a successful confirm/discard is announced in the message's thread ("Confirmed by <@U…>").
import type { WebClient } from '@slack/web-api';
import { AccessDeniedError, IllegalTransitionError, NotFoundError } from '../../domain/errors.js';
import type { Services } from '../../domain/services.js';
import { escapeMrkdwn } from '../platform/mrkdwn.js';
import type { SlackInstallation } from '../platform/installation.js';
import type { SlackRequest } from '../platform/request.js';
import type { Requesters } from './requester.js';
import { parseRunActionValue, RUN_ACTIONS, type RunActionId } from '../platform/run-actions.js';
import { plannedChangesText } from './planned-changes.js';
import type { Run } from '../../domain/runs.js';

export interface ActionDeps {
  services: Services;
  requesters: Requesters;
  publicUrl: string;
}

/** The clicked button: which action, and its value (the run). */
export interface Click {
  actionId: RunActionId;
  value: string | undefined;
}

/** What to tell whom: `thread` goes to the channel (in the message's thread), `ephemeral` to the clicker. */
export type ActionOutcome = { ephemeral: string } | { thread: string };

/** Plan output shown in Slack: the tail (where the summary is) fits a message comfortably. */
export const PLAN_OUTPUT_LIMIT = 2_800;

/**
 * `command` is what policies see as input.slack.command for a click (clicks carry no slash command); the listener
 * puts it in the SlackRequest.
 */
export const VERBS: Record<
  RunActionId,
  { name: string; command: string; level: 'Read' | 'Write'; done?: string }
> = {
  [RUN_ACTIONS.confirm]: { name: 'confirm', command: 'confirm', level: 'Write', done: 'Confirmed' },
  [RUN_ACTIONS.discard]: { name: 'discard', command: 'discard', level: 'Write', done: 'Discarded' },
  [RUN_ACTIONS.showPlan]: { name: 'show planned changes', command: 'show_planned_changes', level: 'Read' },
};

export async function runAction(
  deps: ActionDeps,
  client: WebClient,
  inst: SlackInstallation,
  request: SlackRequest,
  click: Click,
): Promise<ActionOutcome> {
  const verb = VERBS[click.actionId];
  const ref = parseRunActionValue(click.value);
  if (!ref) return { ephemeral: 'This button does not point at a Liftoff run.' };
  const resolved = await deps.requesters.resolve(client, inst, request);
  if ('answer' in resolved) return { ephemeral: resolved.answer };
  const { subject } = resolved;
  const runLink = `<${deps.publicUrl}/stacks/${ref.stackId}/runs/${ref.runId}|${ref.runId}>`;
  try {
    if (click.actionId === RUN_ACTIONS.showPlan) {
      const { run, chunks } = await deps.services.runs.logs(subject, ref.stackId, ref.runId);
      // Read from the saved plan: the resources, not a log full of shell command lines.
      if (run.resource_changes !== null)
        return {
          ephemeral: `Planned changes of run ${runLink} (\`${ref.stackId}\`)${deltaText(run)}:\n${plannedChangesText(run.resource_changes)}`,
        };
      const plan = chunks
        .filter((c) => c.phase === 'plan')
        .map((c) => c.text)
        .join('');
      if (plan.trim() === '')
        return { ephemeral: `Run ${runLink} has no plan output yet (it is ${run.state}).` };
      return { ephemeral: `Planned changes of run ${runLink} (\`${ref.stackId}\`):\n${codeBlock(plan)}` };
    }
    const run =
      click.actionId === RUN_ACTIONS.confirm
        ? await deps.services.runs.confirm(subject, ref.stackId, ref.runId)
        : await deps.services.runs.discard(subject, ref.stackId, ref.runId);
    return { thread: `${verb.done} by <@${request.userId}>: run ${runLink} is ${run.state}.` };
  } catch (err) {
    if (err instanceof NotFoundError)
      return {
        ephemeral: `I can't find run ${ref.runId} of a stack available to this channel. Buttons to ${verb.name} need ${verb.level} access to the stack, granted by its stack access policies.`,
      };
    if (err instanceof AccessDeniedError)
      return {
        ephemeral: `You cannot ${verb.name} this run from here: that needs ${verb.level} access to stack \`${ref.stackId}\`, and this request only has Read access.`,
      };
    if (err instanceof IllegalTransitionError)
      return { ephemeral: `Nothing to ${verb.name}: run ${runLink} is already ${err.from}.` };
    throw err;
  }
}

/** A trimmed, escaped code block (``` inside the output would end the block early). */
function codeBlock(output: string): string {
  // Terminal colour codes mean nothing in Slack.
  // eslint-disable-next-line no-control-regex
  let text = output.replace(/\u001b\[[0-9;]*m/g, '').trimEnd();
  if (text.length > PLAN_OUTPUT_LIMIT)
    text = `… (trimmed; full output on the run page)\n${text.slice(-PLAN_OUTPUT_LIMIT)}`;
  return '```\n' + escapeMrkdwn(text).replace(/```/g, "'''") + '\n```';
}

function deltaText(run: Run): string {
  const d = run.delta;
  return d ? `: ${d.add} to add, ${d.change} to change, ${d.destroy} to destroy` : '';
}
