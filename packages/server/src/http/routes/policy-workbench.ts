// POST /api/v1/policies/evaluate (admin): evaluates a draft policy body against an input document, the way the
// service would for its type, without saving anything. Backs the editor's "Test this policy" panel.
import type { FastifyInstance } from 'fastify';
import { combine } from '../../domain/access.js';
import type { JsonValue } from '../../domain/json.js';
import { PolicyEvaluationError, type Deadline, type PolicyEngine } from '../../domain/policy-engine.js';
import { POLICY_RULES } from '../../domain/policies.js';
import { requireAdmin } from '../auth.js';
import { policyEvaluateSchema } from '../schemas.js';
import { parseBody } from '../validation.js';

/** The same budget a real request gets for all its policies. */
const BUDGET_MS = 500;

/** A fresh budget per request, on the wall clock. */
function budget(ms: number): Deadline {
  const ends = Date.now() + ms;
  return { remainingMs: () => ends - Date.now() };
}

/**
 * `engine` must be the workbench's own: drafts must never share a cache slot with stored policies. One slot is
 * enough, as the cache recompiles when the body changes.
 */
export function policyWorkbenchRoutes(app: FastifyInstance, engine: PolicyEngine) {
  app.post('/api/v1/policies/evaluate', async (request) => {
    requireAdmin(request);
    const {
      body,
      rego_version = 'v1',
      type = 'ACCESS',
      input,
    } = parseBody(policyEvaluateSchema, request.body);
    // Compile errors are a 400 with line and column, like saving the policy.
    engine.validate('workbench', body, rego_version);
    const source = { id: 'workbench', revision: 0, body, rego_version };
    const names = POLICY_RULES[type];
    try {
      const values = engine.evaluateValues(source, names, input as JsonValue, budget(BUDGET_MS));
      const rules = Object.fromEntries(names.map((rule) => [rule, values[rule] === true]));
      const defined = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
      const access = type === 'ACCESS' ? combine([{ policyId: 'workbench', rules }]) : 'none';
      return { type, rules, values: defined, access, error: null };
    } catch (err) {
      if (!(err instanceof PolicyEvaluationError)) throw err;
      // A failing policy counts as deny for the request it was evaluated for.
      // The engine's messages usually name their code already ("…: eval_cancel_error: …"); say it once.
      const error = err.message.includes(`${err.code}:`) ? err.message : `${err.code}: ${err.message}`;
      return { type, rules: {}, values: {}, access: 'none' as const, error };
    }
  });
}
