import type { Block, Channel, User, UserGroup } from './types.js';

// Slack's markup turned into HTML for the web view: mrkdwn text with its mentions (<@U…>,
// <!subteam^S…>, <#C…>), text objects and the common blocks. Enough for a person to read what an
// app posted; not a full Block Kit renderer.

/** Who and what mentions refer to. */
export interface Names {
  users: Map<string, User>;
  groups: Map<string, UserGroup>;
  channels: Map<string, Channel>;
}

export function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** One `<…>` token of mrkdwn: a mention, a special mention, a date or a link. */
function token(inner: string, names: Names): string {
  const [target = '', label] = inner.split('|', 2) as [string, string | undefined];
  const mention = (text: string) => `<b class="mention">${esc(text)}</b>`;
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return mention(`@${names.users.get(id)?.name ?? label ?? id}`);
  }
  if (target.startsWith('!subteam^')) {
    const id = target.slice('!subteam^'.length);
    const handle = names.groups.get(id)?.handle;
    return mention(handle ? `@${handle}` : (label ?? `@${id}`));
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    return mention(`#${names.channels.get(id)?.name ?? label ?? id}`);
  }
  if (target === '!here' || target === '!channel' || target === '!everyone')
    return mention(`@${target.slice(1)}`);
  if (target.startsWith('!date^')) return esc(label ?? '');
  if (/^(https?|mailto):/.test(target)) return `<a href="${esc(target)}">${esc(label ?? target)}</a>`;
  return esc(`<${inner}>`);
}

/** Slack's mrkdwn, just enough to read: mentions, links, bold, code, line breaks. */
export function mrkdwn(text: string, names: Names): string {
  const out: string[] = [];
  let last = 0;
  for (const m of text.matchAll(/<([^<>]+)>/g)) {
    out.push(plain(text.slice(last, m.index)));
    out.push(token(m[1]!, names));
    last = m.index + m[0].length;
  }
  out.push(plain(text.slice(last)));
  return out.join('');
}

function plain(s: string): string {
  return esc(s)
    .replace(/\*([^*\n]+)\*/g, '<b>$1</b>')
    .replace(/`([^`\n]+)`/g, '<code>$1</code>')
    .replace(/\n/g, '<br>');
}

export function textOf(t: unknown, names: Names): string {
  if (!t || typeof t !== 'object') return '';
  const o = t as { type?: string; text?: string };
  return o.type === 'mrkdwn' ? mrkdwn(o.text ?? '', names) : esc(o.text);
}

/** Renders a button as the caller wants it (a form posting a click, or plain text). */
export type ButtonRenderer = (block: Block, element: Record<string, unknown>) => string;

export function renderBlocks(blocks: Block[] | null, button: ButtonRenderer, names: Names): string {
  return (blocks ?? [])
    .map((b) => {
      const parts: string[] = [];
      if (b.type === 'header') parts.push(`<h3>${textOf(b.text, names)}</h3>`);
      if (b.text && b.type === 'section') parts.push(`<div>${textOf(b.text, names)}</div>`);
      if (Array.isArray(b.fields))
        parts.push(
          `<div class="fields">${b.fields.map((f) => `<div>${textOf(f, names)}</div>`).join('')}</div>`,
        );
      if (b.type === 'context' && Array.isArray(b.elements))
        parts.push(`<div class="ctx">${b.elements.map((e) => textOf(e, names)).join(' · ')}</div>`);
      if (b.type === 'input') parts.push(`<div class="ctx">[input] ${textOf(b.label, names)}</div>`);
      if (b.type === 'divider') parts.push('<hr>');
      const buttons = [
        ...(b.type === 'actions' && Array.isArray(b.elements) ? b.elements : []),
        ...(b.accessory ? [b.accessory] : []),
      ].filter(
        (e): e is Record<string, unknown> =>
          !!e && typeof e === 'object' && (e as { type?: string }).type === 'button',
      );
      if (buttons.length)
        parts.push(`<div class="buttons">${buttons.map((el) => button(b, el)).join(' ')}</div>`);
      return parts.join('');
    })
    .join('');
}
