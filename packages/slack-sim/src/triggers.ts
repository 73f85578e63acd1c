import type { SimServices } from './services.js';
import type { Trigger } from './types.js';

// trigger_id: handed to the app with a person's action (slash command, click, shortcut, view
// submission); views.open/views.push exchange it, once, within 3 seconds.
// https://docs.slack.dev/interactivity/handling-user-interaction#modal_responses

export const TRIGGER_LIFETIME_MS = 3000;

export function issueTrigger(
  sim: SimServices,
  input: { appId: string; teamId: string; userId: string; viewId?: string | null },
): Trigger {
  // Slack's shape: "<number>.<number>.<hex>".
  const id = `${1000 + sim.ids.sequence('trigger')}.${input.teamId.replace(/\D/g, '') || '0'}.${sim.ids.secret('trigger', 32)}`;
  const trigger: Trigger = {
    id,
    appId: input.appId,
    teamId: input.teamId,
    userId: input.userId,
    createdAt: sim.clock.now(),
    used: false,
    viewId: input.viewId ?? null,
  };
  sim.store.triggers.set(id, trigger);
  return trigger;
}
