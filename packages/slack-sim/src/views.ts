import { normalizeBlocks } from './blocks.js';
import type { SimServices } from './services.js';
import type { Store } from './store.js';
import type { Block, SimView } from './types.js';

// Views: modals (a stack of up to three per person) and Home tabs (one per app and person). The
// simulator keeps what the app defined and what the person entered, and renders them as Slack's
// view objects (views.* answers, interaction payloads, app_home_opened).
// https://docs.slack.dev/surfaces/modals · https://docs.slack.dev/surfaces/app-home

/** Slack allows a modal and two views pushed on top of it. */
export const MAX_MODAL_STACK = 3;

export interface ViewOwner {
  appId: string;
  botId: string;
  teamId: string;
  userId: string;
}

function newHash(sim: SimServices): string {
  return `${sim.clock.nowSeconds()}.${sim.ids.secret('view-hash', 8)}`;
}

function normalizedDefinition(
  sim: SimServices,
  definition: Record<string, unknown>,
): Record<string, unknown> {
  return { ...definition, blocks: normalizeBlocks(sim, definition.blocks as Block[]) };
}

export function createView(
  sim: SimServices,
  owner: ViewOwner,
  definition: Record<string, unknown>,
  place: { rootViewId?: string; previousViewId?: string | null } = {},
): SimView {
  const id = sim.ids.next('V');
  const view: SimView = {
    id,
    ...owner,
    type: definition.type === 'home' ? 'home' : 'modal',
    definition: normalizedDefinition(sim, definition),
    hash: newHash(sim),
    rootViewId: place.rootViewId ?? id,
    previousViewId: place.previousViewId ?? null,
    state: {},
    open: definition.type !== 'home',
  };
  sim.store.views.set(id, view);
  return view;
}

/** views.update, response_action update, views.publish again: new content, new hash, same id. */
export function replaceDefinition(
  sim: SimServices,
  view: SimView,
  definition: Record<string, unknown>,
): void {
  view.definition = normalizedDefinition(sim, definition);
  view.hash = newHash(sim);
  // What was entered survives only for inputs that are still there.
  const kept = new Set(viewElements(view).map((e) => `${e.blockId}|${e.actionId}`));
  for (const [blockId, actions] of Object.entries(view.state)) {
    for (const actionId of Object.keys(actions))
      if (!kept.has(`${blockId}|${actionId}`)) delete actions[actionId];
    if (Object.keys(actions).length === 0) delete view.state[blockId];
  }
}

export interface ViewElement {
  blockId: string;
  actionId: string;
  element: Record<string, unknown>;
  /** The input block around it, when it is one (its label and `optional` flag). */
  input: Block | null;
}

/** The interactive elements of a view: input blocks' elements, actions' elements, accessories. */
export function viewElements(view: SimView): ViewElement[] {
  const out: ViewElement[] = [];
  for (const block of (view.definition.blocks as Block[] | undefined) ?? []) {
    const blockId = String(block.block_id);
    const add = (el: unknown, input: Block | null) => {
      if (el && typeof el === 'object' && typeof (el as Record<string, unknown>).action_id === 'string') {
        const element = el as Record<string, unknown>;
        out.push({ blockId, actionId: element.action_id as string, element, input });
      }
    };
    if (block.type === 'input') add(block.element, block);
    if (Array.isArray(block.elements)) for (const el of block.elements) add(el, null);
    if (block.accessory) add(block.accessory, null);
  }
  return out;
}

// ---- modal stacks -----------------------------------------------------------------------------

/** The person's open modals, bottom first. */
export function modalStack(store: Store, userId: string): SimView[] {
  return (store.modalStacks.get(userId) ?? []).map((id) => store.views.get(id)!).filter((v) => v.open);
}

export function topModal(store: Store, userId: string): SimView | undefined {
  return modalStack(store, userId).at(-1);
}

/** views.open: a new stack, replacing whatever the person had open. */
export function openModal(store: Store, view: SimView): void {
  for (const old of modalStack(store, view.userId)) old.open = false;
  store.modalStacks.set(view.userId, [view.id]);
}

export function pushModal(store: Store, view: SimView): void {
  store.modalStacks.set(view.userId, [...(store.modalStacks.get(view.userId) ?? []), view.id]);
}

/** Close the top modal (submission without a response_action, or "Back"); the one below shows again. */
export function popModal(store: Store, userId: string): SimView | undefined {
  const ids = store.modalStacks.get(userId) ?? [];
  const top = ids.at(-1);
  if (!top) return undefined;
  store.modalStacks.set(userId, ids.slice(0, -1));
  const view = store.views.get(top)!;
  view.open = false;
  return view;
}

/** Close every modal of the person (response_action clear, or the X). */
export function clearModals(store: Store, userId: string): SimView[] {
  const closed = modalStack(store, userId);
  for (const v of closed) v.open = false;
  store.modalStacks.set(userId, []);
  return closed;
}

// ---- Home tabs --------------------------------------------------------------------------------

export function homeView(store: Store, appId: string, userId: string): SimView | undefined {
  const id = store.homeViews.get(`${appId}|${userId}`);
  return id ? store.views.get(id) : undefined;
}

/** views.publish: the person's Home tab of this app, created on first publish and kept after. */
export function publishHome(
  sim: SimServices,
  owner: ViewOwner,
  definition: Record<string, unknown>,
): SimView {
  const existing = homeView(sim.store, owner.appId, owner.userId);
  if (existing) {
    replaceDefinition(sim, existing, definition);
    return existing;
  }
  const view = createView(sim, owner, definition);
  sim.store.homeViews.set(`${owner.appId}|${owner.userId}`, view.id);
  return view;
}

// ---- wire shape -------------------------------------------------------------------------------

/** A view object as Slack returns and sends it. */
export function renderView(view: SimView): Record<string, unknown> {
  const d = view.definition;
  const out: Record<string, unknown> = {
    id: view.id,
    team_id: view.teamId,
    type: view.type,
  };
  if (view.type === 'modal') out.title = d.title;
  Object.assign(out, {
    close: d.close ?? null,
    submit: d.submit ?? null,
    blocks: d.blocks ?? [],
    private_metadata: d.private_metadata ?? '',
    callback_id: d.callback_id ?? '',
    external_id: d.external_id ?? '',
    state: { values: view.state },
    hash: view.hash,
    clear_on_close: d.clear_on_close === true,
    notify_on_close: d.notify_on_close === true,
    root_view_id: view.rootViewId,
    previous_view_id: view.previousViewId,
    app_id: view.appId,
    app_installed_team_id: view.teamId,
    bot_id: view.botId,
  });
  if (d.submit_disabled !== undefined) out.submit_disabled = d.submit_disabled;
  return out;
}
