import { requireAuth } from './context.js';
import { SlackApiError, invalidArguments } from './errors.js';
import { jsonParam, optionalString } from './params.js';
import { viewErrors } from '../block-kit-limits.js';
import { TRIGGER_LIFETIME_MS } from '../triggers.js';
import {
  MAX_MODAL_STACK,
  createView,
  homeView,
  modalStack,
  openModal,
  publishHome,
  pushModal,
  renderView,
  replaceDefinition,
} from '../views.js';
import type { ApiContext, CallAuth } from './context.js';
import type { MethodSpec } from './method.js';
import type { SimView, Trigger } from '../types.js';
import type { ViewOwner } from '../views.js';

// views.open / views.push (modals, needing a fresh trigger_id), views.update, views.publish (Home tab).
// https://docs.slack.dev/reference/methods/views.open · …/views.push · …/views.update · …/views.publish

const MAX_VIEW_BYTES = 250 * 1024;

/** The `view` argument, checked like Slack checks it (type, title, blocks and their limits). */
export function viewParam(ctx: ApiContext, types: string[]): Record<string, unknown> {
  const raw = ctx.params.view;
  const size =
    typeof raw === 'string' ? Buffer.byteLength(raw) : Buffer.byteLength(JSON.stringify(raw ?? null));
  if (size > MAX_VIEW_BYTES) throw new SlackApiError('view_too_large');
  const v = jsonParam(ctx.params, 'view', () => invalidArguments('view must be a JSON object'));
  if (v === undefined) throw invalidArguments('missing required field: view');
  const problems = viewErrors(v, types);
  if (problems.length > 0) throw invalidArguments(...problems);
  return v as Record<string, unknown>;
}

/** Exchange a trigger_id (or interactivity_pointer): once, within 3 seconds, by the app it was given to. */
function exchangeTrigger(ctx: ApiContext, auth: CallAuth): Trigger {
  const id = optionalString(ctx.params, 'trigger_id') ?? optionalString(ctx.params, 'interactivity_pointer');
  if (id === undefined) throw invalidArguments('invalid `trigger_id`');
  if (!/^\d+\.\d+\.[0-9a-f]+$/.test(id)) throw new SlackApiError('invalid_trigger_id');
  const trigger = ctx.sim.store.triggers.get(id);
  if (!trigger || trigger.appId !== auth.app.id || !auth.teamIds.includes(trigger.teamId))
    throw new SlackApiError('invalid_trigger_id');
  if (ctx.sim.clock.now() - trigger.createdAt > TRIGGER_LIFETIME_MS)
    throw new SlackApiError('expired_trigger_id');
  if (trigger.used) throw new SlackApiError('exchanged_trigger_id');
  trigger.used = true;
  return trigger;
}

/** external_id names one view of a team at a time. */
function requireFreeExternalId(
  ctx: ApiContext,
  teamId: string,
  definition: Record<string, unknown>,
  self?: SimView,
): void {
  const externalId = definition.external_id;
  if (typeof externalId !== 'string' || externalId === '') return;
  for (const v of ctx.sim.store.views.values()) {
    if (v === self || v.teamId !== teamId || (v.type === 'modal' && !v.open)) continue;
    if (v.definition.external_id === externalId) throw new SlackApiError('duplicate_external_id');
  }
}

function owner(auth: CallAuth, teamId: string, userId: string): ViewOwner {
  return { appId: auth.app.id, botId: auth.installation.botId, teamId, userId };
}

function requireHash(ctx: ApiContext, view: SimView | undefined): void {
  const hash = optionalString(ctx.params, 'hash');
  if (hash !== undefined && view && hash !== view.hash) throw new SlackApiError('hash_conflict');
}

export const viewMethods: Record<string, MethodSpec> = {
  'views.open': {
    auth: true,
    handler(ctx) {
      const auth = requireAuth(ctx);
      const definition = viewParam(ctx, ['modal']);
      const trigger = exchangeTrigger(ctx, auth);
      requireFreeExternalId(ctx, trigger.teamId, definition);
      const view = createView(ctx.sim, owner(auth, trigger.teamId, trigger.userId), definition);
      openModal(ctx.sim.store, view);
      return { view: renderView(view) };
    },
  },
  'views.push': {
    auth: true,
    handler(ctx) {
      const auth = requireAuth(ctx);
      const definition = viewParam(ctx, ['modal']);
      const trigger = exchangeTrigger(ctx, auth);
      const stack = modalStack(ctx.sim.store, trigger.userId);
      const top = stack.at(-1);
      // Pushing needs a modal of this app on the person's screen.
      if (!top || top.appId !== auth.app.id) throw new SlackApiError('not_found');
      if (stack.length >= MAX_MODAL_STACK) throw new SlackApiError('push_limit_reached');
      requireFreeExternalId(ctx, trigger.teamId, definition);
      const view = createView(ctx.sim, owner(auth, trigger.teamId, trigger.userId), definition, {
        rootViewId: stack[0]!.id,
        previousViewId: top.id,
      });
      pushModal(ctx.sim.store, view);
      return { view: renderView(view) };
    },
  },
  'views.update': {
    auth: true,
    handler(ctx) {
      const auth = requireAuth(ctx);
      const viewId = optionalString(ctx.params, 'view_id');
      const externalId = optionalString(ctx.params, 'external_id');
      if (viewId === undefined && externalId === undefined)
        throw invalidArguments('missing required field: view_id or external_id');
      const view = [...ctx.sim.store.views.values()].find(
        (v) =>
          v.appId === auth.app.id &&
          auth.teamIds.includes(v.teamId) &&
          (v.type === 'home' || v.open) &&
          (viewId !== undefined ? v.id === viewId : v.definition.external_id === externalId),
      );
      const definition = viewParam(ctx, view ? [view.type] : ['modal', 'home']);
      if (!view) throw new SlackApiError('not_found');
      requireHash(ctx, view);
      requireFreeExternalId(ctx, view.teamId, definition, view);
      replaceDefinition(ctx.sim, view, definition);
      return { view: renderView(view) };
    },
  },
  'views.publish': {
    auth: true,
    handler(ctx) {
      const auth = requireAuth(ctx);
      if (auth.token.kind !== 'bot') throw new SlackApiError('not_allowed_token_type');
      const userId = optionalString(ctx.params, 'user_id');
      const user = userId ? ctx.sim.store.users.get(userId) : undefined;
      if (!user || user.isBot || !auth.teamIds.includes(user.teamId))
        throw invalidArguments('invalid `user_id`');
      const definition = viewParam(ctx, ['home']);
      if (!auth.app.homeTabEnabled) throw new SlackApiError('not_enabled');
      requireHash(ctx, homeView(ctx.sim.store, auth.app.id, user.id));
      requireFreeExternalId(ctx, user.teamId, definition, homeView(ctx.sim.store, auth.app.id, user.id));
      const view = publishHome(ctx.sim, owner(auth, user.teamId, user.id), definition);
      return { view: renderView(view) };
    },
  },
};
