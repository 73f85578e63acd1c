// The slash command (any name Slack sends, e.g. /liftoff or /spacelift): subscribe, unsubscribe, trigger, list, help.
// Access per docs/policies.md: subscribe, unsubscribe and list need read; trigger needs write; help needs nothing. A channel
// may always remove its own existing subscription, so losing read access never traps it with notifications.
// A stack that does not exist and one this request may not read get the same answer.
import type { WebClient } from '@slack/web-api';
import { AccessDeniedError, NotFoundError } from '../../domain/errors.js';
import type { Services } from '../../domain/services.js';
import { SLUG_PATTERN, type Stack } from '../../domain/stacks.js';
import type { Subject } from '../../domain/subjects.js';
import { slackErrorCode } from '../platform/errors.js';
import type { SlackInstallation } from '../platform/installation.js';
import { escapeMrkdwn } from '../platform/mrkdwn.js';
import type { SlackRequest } from '../platform/request.js';
import { giveWay } from './after-ack.js';
import type { Requesters } from './requester.js';
import type { SubscriptionStore } from '../../storage/slack-subscriptions.js';

export type ParsedCommand =
  | { kind: 'help' }
  | { kind: 'list' }
  | { kind: 'subscribe' | 'unsubscribe' | 'trigger'; stackId: string }
  | { kind: 'usage'; message: string };

const NEEDS_STACK = new Set(['subscribe', 'unsubscribe', 'trigger']);

export function parseCommand(text: string): ParsedCommand {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const verb = (words[0] ?? '').toLowerCase();
  if (verb === 'list' && words.length === 1) return { kind: 'list' };
  if (NEEDS_STACK.has(verb)) {
    if (words.length !== 2) return { kind: 'usage', message: `Usage: \`${verb} <stack id>\`` };
    return { kind: verb as 'subscribe' | 'unsubscribe' | 'trigger', stackId: words[1]! };
  }
  return { kind: 'help' };
}

export function helpText(command: string): string {
  return [
    `*Liftoff* — infrastructure stacks from Slack. Usage: \`${command} <subcommand>\``,
    `• \`${command} subscribe <stack>\` — post this stack's run updates in this channel (needs Read access)`,
    `• \`${command} unsubscribe <stack>\` — stop posting them here (needs Read access, or the channel's own subscription)`,
    `• \`${command} trigger <stack>\` — start a tracked run (needs Write access)`,
    `• \`${command} list\` — stacks readable from this channel and its subscriptions`,
    `• \`${command} help\` — this message`,
    'Access comes from the stack access policies attached to each stack; Slack requests are denied unless a policy allows them.',
  ].join('\n');
}

export interface CommandDeps {
  services: Services;
  subscriptions: SubscriptionStore;
  requesters: Requesters;
  publicUrl: string;
}

const LIST_LIMIT = 50;

/** Runs one command after the ack; returns the (ephemeral) answer. */
export async function runCommand(
  deps: CommandDeps,
  client: WebClient,
  inst: SlackInstallation,
  request: SlackRequest,
  parsed: Exclude<ParsedCommand, { kind: 'help' | 'usage' }>,
): Promise<string> {
  const resolved = await deps.requesters.resolve(client, inst, request);
  if ('answer' in resolved) return resolved.answer;
  const { subject } = resolved;
  await giveWay();
  switch (parsed.kind) {
    case 'list':
      return list(deps, subject, request);
    case 'trigger':
      return trigger(deps, subject, parsed.stackId);
    case 'subscribe':
    case 'unsubscribe':
      return changeSubscription(deps, client, subject, request, parsed.kind, parsed.stackId);
  }
}

/** Same words for "no such stack" and "may not read it", so policies do not leak which stacks exist. */
function unknownStack(stackId: string, command: string, level: 'Read' | 'Write'): string {
  return `I can't find a stack \`${escapeMrkdwn(stackId)}\` available to this channel. \`${command}\` needs ${level} access to the stack, granted by its stack access policies.`;
}

/** The stack when the request may read it (the same check as every other action); undefined otherwise. */
async function readable(deps: CommandDeps, subject: Subject, stackId: string): Promise<Stack | undefined> {
  if (!SLUG_PATTERN.test(stackId)) return undefined;
  try {
    return await deps.services.runs.readableStack(subject, stackId);
  } catch (err) {
    if (err instanceof NotFoundError) return undefined;
    throw err;
  }
}

async function changeSubscription(
  deps: CommandDeps,
  client: WebClient,
  subject: Subject,
  request: SlackRequest,
  kind: 'subscribe' | 'unsubscribe',
  stackId: string,
): Promise<string> {
  const action = `slack.${kind}`;
  const where = `<#${request.channel.id}>`;
  const stack = await readable(deps, subject, stackId);
  // A channel whose read access was taken away must still be able to stop its own notifications; removing this
  // channel's existing subscription tells it nothing it did not already know (it was receiving the runs).
  if (!stack && kind === 'unsubscribe' && SLUG_PATTERN.test(stackId)) {
    if (await deps.subscriptions.remove(stackId, request.channel.id)) {
      await deps.services.audit.allowed(
        subject,
        action,
        `stack:${stackId}`,
        'own subscription, no read access',
      );
      return `${where} is no longer subscribed to \`${stackId}\`.`;
    }
  }
  if (!stack) {
    await deps.services.audit.denied(
      subject,
      action,
      `stack:${stackId.slice(0, 100)}`,
      'no read access or no such stack',
    );
    return unknownStack(stackId, kind, 'Read');
  }
  if (kind === 'unsubscribe') {
    const removed = await deps.subscriptions.remove(stack.id, request.channel.id);
    await deps.services.audit.allowed(
      subject,
      action,
      `stack:${stack.id}`,
      removed ? null : 'was not subscribed',
    );
    return removed
      ? `${where} is no longer subscribed to *${escapeMrkdwn(stack.name)}* (\`${stack.id}\`).`
      : `${where} was not subscribed to *${escapeMrkdwn(stack.name)}* (\`${stack.id}\`).`;
  }
  const postable = await channelPostable(deps, client, request.channel.id);
  if (postable !== true) {
    await deps.services.audit.denied(subject, action, `stack:${stack.id}`, postable);
    return postable;
  }
  const added = await deps.subscriptions.add({
    stackId: stack.id,
    channelId: request.channel.id,
    channelName: request.channel.name,
    teamId: request.team.id,
    createdBy: subject.actor,
  });
  await deps.services.audit.allowed(
    subject,
    action,
    `stack:${stack.id}`,
    added ? null : 'already subscribed',
  );
  return added
    ? `${where} is now subscribed to *${escapeMrkdwn(stack.name)}* (\`${stack.id}\`): its runs will be posted and updated here.`
    : `${where} is already subscribed to *${escapeMrkdwn(stack.name)}* (\`${stack.id}\`).`;
}

/**
 * Run messages are posted by the bot: a private channel needs the bot as a member (public ones work through
 * chat:write.public). Returns true, or the answer explaining what to do.
 */
async function channelPostable(
  deps: CommandDeps,
  client: WebClient,
  channelId: string,
): Promise<true | string> {
  const invite = `This is a private channel I am not a member of, so I cannot post run updates here. Invite me first (\`/invite @Liftoff\`), then subscribe again.`;
  try {
    const r = await client.conversations.info({ channel: channelId });
    const c = r.channel as {
      is_private?: boolean;
      is_member?: boolean;
      is_im?: boolean;
      is_mpim?: boolean;
      is_archived?: boolean;
    };
    if (c.is_im || c.is_mpim)
      return 'Subscriptions are for channels: run this command in the channel that should get run updates.';
    if (c.is_archived) return 'This channel is archived.';
    if (c.is_private && !c.is_member) return invite;
    return true;
  } catch (err) {
    // Slack hides private channels from non-members: channel_not_found is the "not invited" case.
    if (slackErrorCode(err) === 'channel_not_found') return invite;
    return deps.requesters.explain(err, 'check this channel');
  }
}

async function trigger(deps: CommandDeps, subject: Subject, stackId: string): Promise<string> {
  if (!SLUG_PATTERN.test(stackId)) return unknownStack(stackId, 'trigger', 'Write');
  try {
    const run = await deps.services.runs.trigger(subject, stackId);
    return `Triggered run <${deps.publicUrl}/stacks/${run.stack_id}/runs/${run.id}|${run.id}> of stack \`${run.stack_id}\`. It is ${run.state}.`;
  } catch (err) {
    if (err instanceof NotFoundError) return unknownStack(stackId, 'trigger', 'Write');
    if (err instanceof AccessDeniedError)
      return `You can read stack \`${escapeMrkdwn(stackId)}\` from here but not trigger it: \`trigger\` needs Write access.`;
    throw err;
  }
}

async function list(deps: CommandDeps, subject: Subject, request: SlackRequest): Promise<string> {
  // Subscribed stacks, with the reason notification delivery stopped for a disabled one.
  const subscribed = new Map(
    (await deps.subscriptions.ofChannel(request.channel.id)).map(
      (s) => [s.stack_id, s.disabled_reason] as const,
    ),
  );
  const lines: string[] = [];
  let more = 0;
  for (const stack of await deps.services.stacks.list()) {
    await giveWay();
    let level: 'read' | 'write';
    try {
      level = await deps.services.access.require(subject, stack, 'read', 'slack.list');
    } catch (err) {
      if (err instanceof NotFoundError) continue;
      throw err;
    }
    if (lines.length >= LIST_LIMIT) {
      more += 1;
      continue;
    }
    const disabled = subscribed.get(stack.id);
    const mark = !subscribed.has(stack.id)
      ? ''
      : disabled
        ? ` · :no_bell: notifications stopped: ${escapeMrkdwn(disabled)} (subscribe again to resume)`
        : ' · :bell: subscribed';
    lines.push(
      `• \`${stack.id}\` — ${escapeMrkdwn(stack.name)} · ${stack.state} · ${level === 'write' ? 'Write' : 'Read'}${mark}`,
    );
  }
  if (lines.length === 0)
    return 'No stack can be read from this channel. Stack access policies decide which stacks Slack requests may use.';
  return [
    `Stacks readable from <#${request.channel.id}>:`,
    ...lines,
    ...(more > 0 ? [`…and ${more} more.`] : []),
  ].join('\n');
}
