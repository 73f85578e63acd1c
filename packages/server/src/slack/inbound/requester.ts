// Who is asking, for commands and clicks alike: the Slack user (users.info, cached) turned into a domain Subject.
// Slack failures become an answer for the user instead of an exception; a dead token deactivates the installation.
import type { WebClient } from '@slack/web-api';
import type { Subject } from '../../domain/subjects.js';
import { slackErrorCode } from '../platform/errors.js';
import type { InstallationStore, SlackInstallation } from '../platform/installation.js';
import type { SlackRequest } from '../platform/request.js';
import { slackSubject } from './slack-subject.js';
import type { UserDirectory } from '../platform/user-directory.js';

export const NOT_CONNECTED =
  'Liftoff is not connected to this Slack workspace any more. A Liftoff admin can reconnect it under Settings → Slack.';

export type Resolved = { subject: Subject } | { answer: string };

export class Requesters {
  constructor(
    private readonly users: UserDirectory,
    private readonly installations: InstallationStore,
  ) {}

  async resolve(client: WebClient, inst: SlackInstallation, request: SlackRequest): Promise<Resolved> {
    let user;
    try {
      user = await this.users.get(client, inst.enterpriseId ?? inst.teamId ?? '', request.userId);
    } catch (err) {
      return { answer: await this.explain(err, 'look up your Slack profile') };
    }
    // An org-wide install covers many workspaces; their names are not in the installation (the request carries the
    // workspace domain instead).
    const teamName = inst.teamId === request.team.id && inst.teamName ? inst.teamName : request.team.name;
    return { subject: slackSubject(user, { ...request, team: { id: request.team.id, name: teamName } }) };
  }

  /** A user-facing sentence for a failed Slack call (never the token or raw request data). */
  async explain(err: unknown, what: string): Promise<string> {
    if (await this.installations.onSlackError(err)) return NOT_CONNECTED;
    const retryAfter = (err as { retryAfter?: unknown }).retryAfter;
    if (typeof retryAfter === 'number')
      return `Slack is rate-limiting Liftoff right now, so I could not ${what}. Try again in ${retryAfter} s.`;
    const code = slackErrorCode(err);
    return `I could not ${what}: Slack answered ${code ?? 'with an error'}. Try again in a moment.`;
  }
}
