/**
 * A Web API error as Slack reports it: HTTP 200 with `{ok: false, error: <code>, ...extra}`.
 * Handlers throw it; the dispatcher renders it.
 */
export class SlackApiError extends Error {
  constructor(
    readonly code: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(code);
    this.name = 'SlackApiError';
  }
}

/** Slack's answer to arguments that are missing or malformed: `invalid_arguments` with the reasons. */
export function invalidArguments(...problems: string[]): SlackApiError {
  return new SlackApiError('invalid_arguments', {
    response_metadata: { messages: problems.map((p) => `[ERROR] ${p}`) },
  });
}
