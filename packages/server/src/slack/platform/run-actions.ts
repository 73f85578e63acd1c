// The buttons of a run message (docs/slack.md), shared by the notifications that render them and the handlers that act on
// them. A button carries `action_id` (what to do) and `value` (which run): `<stack id>/<run id>`. Stack ids are
// slugs and run ids ULIDs, so neither contains "/".
//
//   action_id                       needs   effect
//   liftoff_run_confirm             write   UNCONFIRMED → CONFIRMED, then "Confirmed by <@U…>" in the thread
//   liftoff_run_discard             write   UNCONFIRMED → DISCARDED, then "Discarded by <@U…>" in the thread
//   liftoff_run_show_plan           read    the plan output, trimmed, as an ephemeral answer to the clicker
//
// Render them with `runActionButtons(stackId, runId)` (an `actions` block), or build elements with `runActionValue`.
// Policies see a click as input.slack.command "confirm", "discard" or "show_planned_changes"; slash commands as
// their subcommand ("subscribe", "unsubscribe", "trigger", "list").

export const RUN_ACTIONS = {
  confirm: 'liftoff_run_confirm',
  discard: 'liftoff_run_discard',
  showPlan: 'liftoff_run_show_plan',
} as const;

export type RunActionId = (typeof RUN_ACTIONS)[keyof typeof RUN_ACTIONS];

/** block_id of the buttons block; `block_id`s must be unique within a message. */
export const RUN_ACTIONS_BLOCK_ID = 'liftoff_run_actions';

export interface RunRef {
  stackId: string;
  runId: string;
}

export function runActionValue(ref: RunRef): string {
  return `${ref.stackId}/${ref.runId}`;
}

/** Parses a button value; undefined when it is not one of ours. */
export function parseRunActionValue(value: string | undefined): RunRef | undefined {
  if (!value) return undefined;
  const m = /^([a-z0-9][a-z0-9_-]{0,63})\/([0-9A-Za-z]{1,64})$/.exec(value);
  return m ? { stackId: m[1]!, runId: m[2]! } : undefined;
}

/** The Confirm / Discard / Show planned changes buttons (Confirm and Discard only while UNCONFIRMED). */
export function runActionButtons(ref: RunRef, options: { unconfirmed: boolean } = { unconfirmed: true }) {
  const value = runActionValue(ref);
  const button = (action_id: RunActionId, text: string, style?: 'primary' | 'danger') => ({
    type: 'button' as const,
    action_id,
    text: { type: 'plain_text' as const, text },
    value,
    ...(style ? { style } : {}),
  });
  return {
    type: 'actions' as const,
    block_id: RUN_ACTIONS_BLOCK_ID,
    elements: [
      ...(options.unconfirmed
        ? [
            button(RUN_ACTIONS.confirm, 'Confirm', 'primary'),
            button(RUN_ACTIONS.discard, 'Discard', 'danger'),
          ]
        : []),
      button(RUN_ACTIONS.showPlan, 'Show planned changes'),
    ],
  };
}
