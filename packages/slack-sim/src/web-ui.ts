import { esc, mrkdwn, renderBlocks, textOf } from './ui-markup.js';
import { unfurlAttachments } from './unfurls.js';
import type { Control } from './control.js';
import type { Driver } from './driver.js';
import type { Names } from './ui-markup.js';
import type { Block, Channel, Ephemeral, Message, SimFile, User } from './types.js';

// A small read-and-click view of the simulated workspace for people running the demo: pick who you
// are and a channel, see the messages the app posted (with their buttons) and your ephemeral
// answers, run slash commands, click buttons. Everything goes through the same driver the tests use.
//   GET  /_sim/ui?user=U…&channel=C…   (or &home=A… for an app's Home tab)
//   POST /_sim/ui/command     (form: user, channel, command)
//   POST /_sim/ui/click       (form: user, channel, ts, action_id, block_id)
//   POST /_sim/ui/home        (form: user, app) opens the Home tab: app_home_opened
//   POST /_sim/ui/view-click  (form: user, view_id, action_id, block_id) a Home tab button

export interface UiAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function clock(ts: string): string {
  return new Date(Number(ts) * 1000).toISOString().slice(11, 19);
}

/** What rendering needs besides the message: who is looking, and names of everything it refers to. */
interface Viewer {
  me: User;
  names: Names;
  apps: Map<string, string>;
  files: Map<string, SimFile>;
}

function renderFiles(ids: string[], files: Map<string, SimFile>): string {
  return ids
    .map((id) => files.get(id))
    .filter((f): f is SimFile => f !== undefined)
    .map(
      (f) =>
        `<div class="file">📎 <a href="/_sim/files/${esc(f.id)}/content">${esc(f.title)}</a> <span class="meta">${esc(f.filename)}, ${f.size} bytes</span></div>`,
    )
    .join('');
}

function renderMessage(m: Message | Ephemeral, viewer: Viewer, ephemeral: boolean): string {
  const { me, names, apps } = viewer;
  const users = names.users;
  // An ephemeral's `user` is its recipient; the author is the app.
  const author =
    m.appId && apps.has(m.appId) ? `${apps.get(m.appId)} APP` : (users.get(m.user)?.realName ?? m.user);
  const click = (block: Block, el: Record<string, unknown>) =>
    `<form method="post" action="/_sim/ui/click" style="display:inline">` +
    `<input type="hidden" name="user" value="${esc(me.id)}"><input type="hidden" name="channel" value="${esc(m.channel)}">` +
    `<input type="hidden" name="ts" value="${esc(m.ts)}"><input type="hidden" name="action_id" value="${esc(el.action_id)}">` +
    `<input type="hidden" name="block_id" value="${esc(block.block_id)}">` +
    `<button class="${esc(el.style)}">${textOf(el.text, names)}</button></form>`;
  // The message's attachments, then the previews apps unfurled into it.
  const attachments = [...(m.attachments ?? []), ...('unfurls' in m ? unfurlAttachments(m) : [])]
    .map((a) => {
      const by = a.is_app_unfurl
        ? `<div class="meta">${esc(apps.get(String(a.app_id)) ?? a.app_id)} · preview of ${esc(a.app_unfurl_url)}</div>`
        : '';
      return `<div class="att" style="border-color:${esc(a.color ?? '#ddd')}">${by}${a.text ? mrkdwn(String(a.text), names) : ''}${renderBlocks((a.blocks as Block[]) ?? null, click, names)}</div>`;
    })
    .join('');
  const body =
    (m.blocks ? renderBlocks(m.blocks, click, names) : mrkdwn(m.text, names)) +
    ('files' in m ? renderFiles(m.files, viewer.files) : '');
  const broadcast = 'replyBroadcast' in m && m.replyBroadcast ? ' · also sent to the channel' : '';
  const edited = m.history.length > 1 ? ` <span class="meta">(edited ${m.history.length - 1}×)</span>` : '';
  return (
    `<div class="msg${ephemeral ? ' eph' : ''}"><div class="meta"><b>${esc(author)}</b> ${clock(m.ts)} UTC${broadcast}${edited}` +
    `${ephemeral ? ' · only visible to you' : ''}</div>${body}${attachments}</div>`
  );
}

/** A channel as a person sees it: the timeline, each parent followed by its thread, and their ephemerals. */
function renderFeed(control: Control, channel: Channel, viewer: Viewer): string {
  const messages = control.messages(channel.id);
  const byTs = new Map(messages.map((m) => [m.ts, m]));
  const timeline = messages.filter((m) => m.threadTs === null || m.replyBroadcast);
  const entries = [
    ...timeline.map((m) => {
      const replies = m.replies
        .map((ts) => byTs.get(ts))
        .filter((r): r is Message => r !== undefined)
        .map((r) => renderMessage(r, viewer, false))
        .join('');
      const thread = replies ? `<div class="thread">${replies}</div>` : '';
      return { ts: m.ts, html: renderMessage(m, viewer, false) + thread };
    }),
    ...control
      .ephemerals({ channel: channel.id, user: viewer.me.id })
      .map((e) => ({ ts: e.ts, html: renderMessage(e, viewer, true) })),
  ];
  return entries
    .sort((a, b) => Number(a.ts) - Number(b.ts))
    .map((x) => x.html)
    .join('');
}

/** An app's Home tab as the person sees it, with its buttons. */
function renderHome(control: Control, appId: string, viewer: Viewer): string {
  const view = control.homeView(appId, viewer.me.id);
  if (!view) return '<p class="meta">The app has not published a Home tab for you (yet).</p>';
  const click = (block: Block, el: Record<string, unknown>) =>
    `<form method="post" action="/_sim/ui/view-click" style="display:inline">` +
    `<input type="hidden" name="user" value="${esc(viewer.me.id)}"><input type="hidden" name="view_id" value="${esc(view.id)}">` +
    `<input type="hidden" name="action_id" value="${esc(el.action_id)}"><input type="hidden" name="block_id" value="${esc(block.block_id)}">` +
    `<button class="${esc(el.style)}">${textOf(el.text, viewer.names)}</button></form>`;
  return `<div class="msg">${renderBlocks((view.definition.blocks as Block[]) ?? [], click, viewer.names)}</div>`;
}

function renderPage(control: Control, query: URLSearchParams, notice: string | null): string {
  const state = control.state();
  const users = new Map(state.users.map((u) => [u.id, u]));
  const apps = new Map(state.apps.map((a) => [a.id, a.name]));
  const people = state.users.filter((u) => !u.isBot && !u.deleted);
  const me = users.get(query.get('user') ?? '') ?? people.find((u) => u.isAdmin) ?? people[0];
  if (!me) return '<!doctype html><p>No users yet: seed the simulator first.</p>';
  const visible = state.channels.filter(
    (c) => c.teamId === me.teamId && !c.isIm && (!c.isPrivate || c.members.includes(me.id)),
  );
  const channel: Channel | undefined = visible.find((c) => c.id === query.get('channel')) ?? visible[0];
  const link = (u: string, c: string | undefined) =>
    `/_sim/ui?user=${encodeURIComponent(u)}${c ? `&channel=${encodeURIComponent(c)}` : ''}`;
  const names: Names = {
    users,
    groups: new Map(state.userGroups.map((g) => [g.id, g])),
    channels: new Map(state.channels.map((c) => [c.id, c])),
  };
  const viewer: Viewer = { me, names, apps, files: new Map(control.files().map((f) => [f.id, f])) };
  const home = query.get('home');
  const installed = control.appsInstalledIn(me.teamId).map((a) => a.id);
  const feed = home ? renderHome(control, home, viewer) : channel ? renderFeed(control, channel, viewer) : '';
  const appLinks = installed
    .map(
      (id) =>
        `<form method="post" action="/_sim/ui/home"><input type="hidden" name="user" value="${esc(me.id)}"><input type="hidden" name="app" value="${esc(id)}">` +
        `<button class="navlink${home === id ? ' on' : ''}">${esc(apps.get(id) ?? id)} · Home</button></form>`,
    )
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>slack-sim</title><style>
body{font:14px system-ui,sans-serif;margin:0;display:flex;height:100vh}nav{width:15rem;background:#3f0e40;color:#fff;padding:1rem;overflow:auto}
nav a{color:#ddd;display:block;padding:.2rem 0;text-decoration:none}nav a.on{color:#fff;font-weight:bold}main{flex:1;display:flex;flex-direction:column}
#feed{flex:1;overflow:auto;padding:1rem}.msg{padding:.5rem 0;border-bottom:1px solid #eee}.eph{background:#f6f6ff}.meta{color:#888;font-size:12px}
.att{border-left:4px solid;padding-left:.6rem;margin:.3rem 0}.fields{display:grid;grid-template-columns:1fr 1fr;gap:.3rem;margin:.3rem 0}
.ctx{color:#666;font-size:12px}.file{margin:.3rem 0}.thread{margin-left:2rem;border-left:2px solid #eee;padding-left:.6rem}.mention{color:#1264a3;background:#e8f5fa}button{margin:.2rem .2rem 0 0;padding:.3rem .8rem;border:1px solid #bbb;border-radius:4px;background:#fff;cursor:pointer}
button.primary{background:#007a5a;color:#fff;border-color:#007a5a}button.danger{background:#e01e5a;color:#fff;border-color:#e01e5a}
form.cmd{display:flex;padding:1rem;border-top:1px solid #ddd}form.cmd input[name=command]{flex:1;padding:.5rem}.notice{padding:.5rem 1rem;background:#fff4d6}
button.navlink{background:none;border:0;color:#ddd;padding:.2rem 0;margin:0;font:inherit}button.navlink.on{color:#fff;font-weight:bold}
</style></head><body><nav><b>${esc(state.teams.find((t) => t.id === me.teamId)?.name)}</b><p>You are:</p>
${people
  .filter((u) => u.teamId === me.teamId)
  .map(
    (u) =>
      `<a class="${u.id === me.id ? 'on' : ''}" href="${link(u.id, channel?.id)}">${esc(u.name)}${u.isAdmin ? ' (admin)' : ''}</a>`,
  )
  .join('')}
<p>Channels:</p>${visible.map((c) => `<a class="${!home && c.id === channel?.id ? 'on' : ''}" href="${link(me.id, c.id)}"># ${esc(c.name)}${c.isPrivate ? ' <small>(private)</small>' : ''}${c.isArchived ? ' <small>(archived)</small>' : ''}</a>`).join('')}
${appLinks ? `<p>Apps:</p>${appLinks}` : ''}
</nav><main>${notice ? `<div class="notice">${esc(notice)}</div>` : ''}<div id="feed">${feed || '<p class="meta">No messages yet.</p>'}</div>
${channel && !home ? `<form class="cmd" method="post" action="/_sim/ui/command"><input type="hidden" name="user" value="${esc(me.id)}"><input type="hidden" name="channel" value="${esc(channel.id)}"><input name="command" placeholder="/liftoff help" autocomplete="off"><button>Send</button></form>` : ''}
</main><script>
const feed=document.getElementById('feed');feed.scrollTop=feed.scrollHeight;
// Refresh to show what the app posts after its ack, unless someone is typing.
setInterval(()=>{const i=document.querySelector('input[name=command]');if(!i||(document.activeElement!==i&&!i.value))location.reload()},3000);
</script></body></html>`;
}

/** Handle `/_sim/ui…`; null when the path is not the UI's. */
export async function handleWebUi(
  control: Control,
  driver: Driver,
  method: string,
  url: URL,
  rawBody: string,
): Promise<UiAnswer | null> {
  const html = (status: number, body: string): UiAnswer => ({
    status,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body,
  });
  if (url.pathname === '/_sim/ui' && method === 'GET')
    return html(200, renderPage(control, url.searchParams, url.searchParams.get('notice')));
  const actions = ['/_sim/ui/command', '/_sim/ui/click', '/_sim/ui/home', '/_sim/ui/view-click'];
  if (method !== 'POST' || !actions.includes(url.pathname)) return null;

  const form = new URLSearchParams(rawBody);
  const user = form.get('user') ?? '';
  const channel = form.get('channel') ?? '';
  const home = url.pathname === '/_sim/ui/home' ? (form.get('app') ?? '') : (form.get('home') ?? '');
  let notice: string | null = null;
  const answered = (r: { status: number | null; error: string | null }) => {
    if (r.status !== 200) notice = `The app answered ${r.status ?? r.error}`;
  };
  try {
    if (url.pathname === '/_sim/ui/command') {
      const line = (form.get('command') ?? '').trim();
      const m = /^(\/\S+)\s*([\s\S]*)$/.exec(line);
      if (!m) notice = 'A slash command starts with /, e.g. /liftoff help';
      else answered(await driver.slashCommand({ user, channel, command: m[1]!, text: m[2] }));
    } else if (url.pathname === '/_sim/ui/click') {
      answered(
        await driver.clickButton({
          user,
          channel,
          ts: form.get('ts') ?? '',
          actionId: form.get('action_id') ?? undefined,
          blockId: form.get('block_id') ?? undefined,
        }),
      );
    } else if (url.pathname === '/_sim/ui/home') {
      answered(await driver.openAppHome({ user, appId: home }));
    } else {
      const viewId = form.get('view_id') ?? '';
      answered(
        await driver.clickViewButton({
          user,
          viewId,
          actionId: form.get('action_id') ?? undefined,
          blockId: form.get('block_id') ?? undefined,
        }),
      );
      return redirect({ user, home: control.views().find((v) => v.id === viewId)?.appId ?? '' }, notice);
    }
  } catch (err) {
    notice = err instanceof Error ? err.message : String(err);
  }
  return redirect(home ? { user, home } : { user, channel }, notice);
}

/** Post/redirect/get, so reloading the page does not run the command again. */
function redirect(where: Record<string, string>, notice: string | null): UiAnswer {
  const back = new URLSearchParams({ ...where, ...(notice ? { notice } : {}) });
  return { status: 303, headers: { location: `/_sim/ui?${back}` }, body: '' };
}
