// Who is asking. An HTTP session (API key) or a Slack user; the access input document differs between the two
// (docs/policies.md), so a subject carries its own part of the input and the domain adds `stack`.
import type { JsonObject } from './json.js';

export interface Subject {
  /** Recorded in run history and audit events: API key login, `slack:<user id>`, or `system`. */
  actor: string;
  /** HTTP admin sessions bypass access policies; Slack users never do. */
  admin: boolean;
  /** Where the request came from (Slack channel id); null for HTTP. */
  channel: string | null;
  /** The input document without `stack`: `{request, session}` for HTTP, `{slack}` for Slack. */
  input: JsonObject;
}

export interface HttpSession {
  admin: boolean;
  login: string;
  name: string;
  teams: string[];
  machine: boolean;
}

/** Builds the HTTP subject with the input fields of docs/policies.md (contract: names exactly as there). */
export function httpSubject(session: HttpSession, remoteIp: string, now: Date = new Date()): Subject {
  return {
    actor: session.login,
    admin: session.admin,
    channel: null,
    input: {
      request: { remote_ip: remoteIp, timestamp_ns: now.getTime() * 1_000_000 },
      session: {
        admin: session.admin,
        creator_ip: remoteIp,
        login: session.login,
        name: session.name,
        teams: [...session.teams],
        machine: session.machine,
      },
    },
  };
}

/** The service itself (runner, bootstrap). */
export const SYSTEM: Subject = { actor: 'system', admin: true, channel: null, input: {} };
