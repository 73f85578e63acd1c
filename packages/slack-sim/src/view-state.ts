import { viewElements } from './views.js';
import type { SimView, ViewStateValue } from './types.js';

// What a person entered in a view, as Slack reports it in `view.state.values`: one value object
// per element, shaped by the element's type. Tests give plain values ("prod", ["a", "b"], a user
// id) and this turns them into Slack's shapes, refusing what the person could not have chosen.

/** A value for one element: plain (string, list, number), an option, or Slack's full state object. */
export type EnteredValue = string | number | string[] | null | Record<string, unknown>;
/** `{ [block_id]: { [action_id]: value } }` */
export type EnteredValues = Record<string, Record<string, EnteredValue>>;

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The options an element offers (its own, and those in option groups). */
function offered(element: Json): Json[] {
  const own = Array.isArray(element.options) ? (element.options as Json[]) : [];
  const grouped = Array.isArray(element.option_groups)
    ? (element.option_groups as Json[]).flatMap((g) =>
        Array.isArray(g.options) ? (g.options as Json[]) : [],
      )
    : [];
  return [...own, ...grouped];
}

function valueOf(given: unknown): string {
  return isObject(given) ? String(given.value) : String(given);
}

/** One of the element's own options (static selects, checkboxes, radio buttons). */
function pickOffered(element: Json, given: unknown): Json {
  const value = valueOf(given);
  const option = offered(element).find((o) => o.value === value);
  if (!option) {
    const values = offered(element).map((o) => String(o.value));
    throw new Error(
      `"${value}" is not one of the options of ${String(element.action_id)}: ${values.join(', ')}`,
    );
  }
  return option;
}

/**
 * An option of an external select: whatever the app returned for block_suggestion. A plain string
 * stands for an option whose text is its value.
 */
function externalOption(given: unknown): Json {
  if (isObject(given)) {
    const text = isObject(given.text)
      ? given.text
      : { type: 'plain_text', text: String(given.text ?? given.value) };
    return { text, value: String(given.value) };
  }
  return { text: { type: 'plain_text', text: String(given) }, value: String(given) };
}

function list(given: EnteredValue): unknown[] {
  return Array.isArray(given) ? given : given === null ? [] : [given];
}

/** Slack's state object for an element of `type`, from a plain value. */
export function stateValue(element: Json, given: EnteredValue): ViewStateValue {
  const type = String(element.type);
  if (isObject(given) && typeof given.type === 'string') return given as ViewStateValue;
  switch (type) {
    case 'plain_text_input':
    case 'email_text_input':
    case 'url_text_input':
    case 'number_input':
      return { type, value: given === null ? null : String(given) };
    case 'static_select':
    case 'radio_buttons':
      return { type, selected_option: given === null ? null : pickOffered(element, given) };
    case 'external_select':
      return { type, selected_option: given === null ? null : externalOption(given) };
    case 'multi_static_select':
    case 'checkboxes':
      return { type, selected_options: list(given).map((g) => pickOffered(element, g)) };
    case 'multi_external_select':
      return { type, selected_options: list(given).map(externalOption) };
    case 'users_select':
      return { type, selected_user: given };
    case 'multi_users_select':
      return { type, selected_users: list(given) };
    case 'conversations_select':
      return { type, selected_conversation: given };
    case 'multi_conversations_select':
      return { type, selected_conversations: list(given) };
    case 'channels_select':
      return { type, selected_channel: given };
    case 'multi_channels_select':
      return { type, selected_channels: list(given) };
    case 'datepicker':
      return { type, selected_date: given };
    case 'timepicker':
      return { type, selected_time: given };
    case 'datetimepicker':
      return { type, selected_date_time: given === null ? null : Number(given) };
    default:
      throw new Error(`give the full state object ({type: "${type}", …}) for ${String(element.action_id)}`);
  }
}

/** Whether a state value holds nothing (an untouched input). */
function isEmpty(v: ViewStateValue): boolean {
  return Object.entries(v).every(
    ([k, x]) =>
      k === 'type' || x === null || x === undefined || x === '' || (Array.isArray(x) && x.length === 0),
  );
}

/**
 * The state a submission carries: what was entered before (by interactions), plus `entered`, plus
 * an empty value for every untouched optional input. A required input left empty throws: Slack's
 * client would not let the person submit.
 */
export function submissionState(view: SimView, entered: EnteredValues): SimView['state'] {
  const elements = viewElements(view);
  const state: SimView['state'] = structuredClone(view.state);
  for (const [blockId, actions] of Object.entries(entered)) {
    for (const [actionId, given] of Object.entries(actions)) {
      const el = elements.find((e) => e.blockId === blockId && e.actionId === actionId);
      if (!el) {
        const known = elements.map((e) => `${e.blockId}/${e.actionId}`).join(', ');
        throw new Error(
          `view ${view.id} has no element ${blockId}/${actionId}; it has: ${known || '(none)'}`,
        );
      }
      (state[blockId] ??= {})[actionId] = stateValue(el.element, given);
    }
  }
  for (const el of elements) {
    if (!el.input) continue;
    const current = state[el.blockId]?.[el.actionId];
    if (current && !isEmpty(current)) continue;
    if (el.input.optional !== true)
      throw new Error(`input ${el.blockId} is required: Slack would not let the person submit without it`);
    (state[el.blockId] ??= {})[el.actionId] = current ?? stateValue(el.element, emptyFor(el.element));
  }
  return state;
}

function emptyFor(element: Json): EnteredValue {
  return String(element.type).startsWith('multi_') || element.type === 'checkboxes' ? [] : null;
}
