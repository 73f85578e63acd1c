// "Show planned changes" for a run whose saved plan was read (docs/runs.md): the resource changes, one line each
// as Terraform marks them, instead of the raw plan log. A plan can touch thousands of resources; the answer stays
// within what Slack shows of a message, listing the first ones and summing up the rest by action.
import type { ResourceAction, RunResourceChange } from '../../domain/runs.js';
import { escapeMrkdwn } from '../platform/mrkdwn.js';

/** Characters of resource lines at most (Slack shows about 4,000 characters of a message's text). */
export const CHANGES_TEXT_LIMIT = 2_800;
/** Resources listed at most; the rest are counted. */
export const CHANGES_LISTED = 50;

const MARKS: Record<ResourceAction, string> = {
  create: '+',
  update: '~',
  delete: '-',
  replace: '-/+',
  read: '<=',
  forget: '.',
  other: '?',
};

const VERBS: Record<ResourceAction, string> = {
  create: 'to create',
  update: 'to update',
  delete: 'to destroy',
  replace: 'to replace',
  read: 'to read',
  forget: 'to forget',
  other: 'other',
};

/** The list as Slack mrkdwn: a code block of `mark address` lines, and a line counting what did not fit. */
export function plannedChangesText(changes: readonly RunResourceChange[]): string {
  if (changes.length === 0) return 'No resource changes.';
  const lines: string[] = [];
  let size = 0;
  for (const change of changes) {
    if (lines.length === CHANGES_LISTED) break;
    const line = `${MARKS[change.action].padEnd(3)} ${escapeMrkdwn(change.address).replace(/```/g, "'''")}`;
    if (size + line.length + 1 > CHANGES_TEXT_LIMIT) break;
    lines.push(line);
    size += line.length + 1;
  }
  let text = '```\n' + lines.join('\n') + '\n```';
  const rest = changes.slice(lines.length);
  if (rest.length > 0) {
    const counts = new Map<ResourceAction, number>();
    for (const c of rest) counts.set(c.action, (counts.get(c.action) ?? 0) + 1);
    const summary = (Object.keys(VERBS) as ResourceAction[])
      .filter((action) => counts.has(action))
      .map((action) => `${counts.get(action)} ${VERBS[action]}`)
      .join(', ');
    text += `\n… and ${rest.length} more (${summary}); the run page lists them all.`;
  }
  return text;
}
