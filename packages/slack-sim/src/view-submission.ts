import { viewErrors } from './block-kit-limits.js';
import { delivered } from './app-transport.js';
import {
  MAX_MODAL_STACK,
  clearModals,
  createView,
  modalStack,
  popModal,
  pushModal,
  replaceDefinition,
  viewElements,
} from './views.js';
import type { DeliveryResult } from './app-transport.js';
import type { SimServices } from './services.js';
import type { SimView } from './types.js';

// What Slack does with an app's answer to a view_submission: close the modal (empty answer), show
// errors next to inputs, update the modal, push another, or clear the whole stack.
// https://docs.slack.dev/surfaces/modals#updating_response

export type ResponseAction = 'errors' | 'update' | 'push' | 'clear';

export interface SubmissionOutcome {
  /** The response_action the app answered with; null for an empty answer (the modal closes). */
  responseAction: ResponseAction | null;
  /** With `errors`: the messages by input block_id, as the person sees them. */
  errors: Record<string, string> | null;
  /** Why the answer could not be used; Slack then shows the person an error and leaves the modal open. */
  responseError: string | null;
}

function refused(responseAction: ResponseAction | null, reason: string): SubmissionOutcome {
  return { responseAction, errors: null, responseError: reason };
}

export function applySubmissionResponse(
  sim: SimServices,
  view: SimView,
  result: DeliveryResult,
): SubmissionOutcome {
  if (!delivered(result)) return refused(null, result.error ?? `the app answered HTTP ${result.status}`);
  const body = result.body.trim();
  if (
    body === '' ||
    (result.json !== null && typeof result.json === 'object' && Object.keys(result.json).length === 0)
  ) {
    popModal(sim.store, view.userId);
    return { responseAction: null, errors: null, responseError: null };
  }
  if (result.json === null || typeof result.json !== 'object' || Array.isArray(result.json))
    return refused(null, 'the answer is not a JSON object');
  const answer = result.json as Record<string, unknown>;
  const action = answer.response_action;
  switch (action) {
    case 'errors': {
      const errors = answer.errors;
      if (errors === null || typeof errors !== 'object' || Array.isArray(errors))
        return refused(action, 'errors must be an object of block_id → message');
      const inputs = new Set(
        viewElements(view)
          .filter((e) => e.input)
          .map((e) => e.blockId),
      );
      const unknown = Object.keys(errors).filter((k) => !inputs.has(k));
      if (unknown.length > 0)
        return refused(action, `errors name blocks that are not inputs of the view: ${unknown.join(', ')}`);
      if (Object.values(errors).some((m) => typeof m !== 'string'))
        return refused(action, 'each error must be a string');
      return { responseAction: action, errors: errors as Record<string, string>, responseError: null };
    }
    case 'update':
    case 'push': {
      const problems = viewErrors(answer.view, ['modal']);
      if (problems.length > 0) return refused(action, `invalid view: ${problems.join('; ')}`);
      const definition = answer.view as Record<string, unknown>;
      if (action === 'update') {
        replaceDefinition(sim, view, definition);
      } else {
        const stack = modalStack(sim.store, view.userId);
        if (stack.length >= MAX_MODAL_STACK) return refused(action, 'push_limit_reached');
        const pushed = createView(
          sim,
          { appId: view.appId, botId: view.botId, teamId: view.teamId, userId: view.userId },
          definition,
          { rootViewId: stack[0]!.id, previousViewId: view.id },
        );
        pushModal(sim.store, pushed);
      }
      return { responseAction: action, errors: null, responseError: null };
    }
    case 'clear':
      clearModals(sim.store, view.userId);
      return { responseAction: action, errors: null, responseError: null };
    default:
      return refused(null, `unknown response_action ${JSON.stringify(action)}`);
  }
}
