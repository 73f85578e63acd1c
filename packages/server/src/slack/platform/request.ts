// A request from Slack (a slash command or a button click) as one value: who asked, from which team and channel,
// and what policies see as `input.slack.command`. Built once from the payload by the inbound listeners; the
// requester turns it into a domain Subject.

export interface SlackRequest {
  /** The Slack user who typed the command or clicked. */
  userId: string;
  /** The subcommand (`subscribe`, `trigger`, …) or the button's verb (`confirm`, `show_planned_changes`, …). */
  command: string;
  /** The team the request came from; `name` is the workspace domain until the requester knows the team's name. */
  team: { id: string; name: string };
  channel: { id: string; name: string };
}
