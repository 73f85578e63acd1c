import { fileType } from '../files.js';
import { threadParent, threadSummary } from '../threads.js';
import { unfurlAttachments } from '../unfurls.js';
import type { Store } from '../store.js';
import type { Channel, Ephemeral, Message, SimFile, Team, User } from '../types.js';

// Slack's wire shapes for the simulator's entities, as the Web API and interaction payloads carry them.

function avatar(id: string, size: number): string {
  return `https://avatars.slack-edge.example/${id}_${size}.png`;
}

export function renderUser(store: Store, u: User): Record<string, unknown> {
  const team = store.teams.get(u.teamId);
  const enterprise = team?.enterpriseId ? store.enterprises.get(team.enterpriseId) : undefined;
  const profile: Record<string, unknown> = {
    title: u.title,
    phone: '',
    skype: '',
    real_name: u.realName,
    real_name_normalized: u.realName,
    display_name: u.displayName,
    display_name_normalized: u.displayName,
    fields: null,
    status_text: '',
    status_emoji: '',
    status_expiration: 0,
    avatar_hash: u.id.toLowerCase().slice(-12),
    first_name: u.realName.split(' ')[0] ?? '',
    last_name: u.realName.split(' ').slice(1).join(' '),
    image_24: avatar(u.id, 24),
    image_32: avatar(u.id, 32),
    image_48: avatar(u.id, 48),
    image_72: avatar(u.id, 72),
    image_192: avatar(u.id, 192),
    image_512: avatar(u.id, 512),
    team: u.teamId,
  };
  if (!u.isBot) profile.email = u.email;
  if (u.isBot) {
    profile.bot_id = u.botId;
    profile.api_app_id = u.appId;
    profile.always_active = true;
  }
  const out: Record<string, unknown> = {
    id: u.id,
    team_id: u.teamId,
    name: u.name,
    deleted: u.deleted,
    color: '9f69e7',
    real_name: u.realName,
    tz: u.tz,
    tz_label: u.tzLabel,
    tz_offset: u.tzOffset,
    profile,
    is_admin: u.isAdmin,
    is_owner: u.isOwner,
    is_primary_owner: u.isPrimaryOwner,
    is_restricted: u.isRestricted,
    is_ultra_restricted: u.isUltraRestricted,
    is_bot: u.isBot,
    is_app_user: false,
    updated: 1_700_000_000,
    is_email_confirmed: !u.isBot,
    who_can_share_contact_card: 'EVERYONE',
  };
  if (u.has2fa !== undefined) out.has_2fa = u.has2fa;
  if (u.isStranger !== undefined) out.is_stranger = u.isStranger;
  if (enterprise) {
    out.enterprise_user = {
      id: u.id,
      enterprise_id: enterprise.id,
      enterprise_name: enterprise.name,
      is_admin: u.isAdmin,
      is_owner: u.isOwner,
      is_primary_owner: u.isPrimaryOwner,
      teams: store.teamsOfEnterprise(enterprise.id).map((t) => t.id),
    };
  }
  if (u.deleted) {
    // Slack strips most of a deleted user's profile but keeps the object.
    out.is_admin = false;
    out.is_owner = false;
  }
  return out;
}

export function renderTeam(store: Store, t: Team): Record<string, unknown> {
  const enterprise = t.enterpriseId ? store.enterprises.get(t.enterpriseId) : undefined;
  const out: Record<string, unknown> = {
    id: t.id,
    name: t.name,
    url: `https://${t.domain}.slack.com/`,
    domain: t.domain,
    email_domain: t.emailDomain,
    icon: {
      image_default: true,
      image_34: avatar(t.id, 34),
      image_44: avatar(t.id, 44),
      image_68: avatar(t.id, 68),
      image_88: avatar(t.id, 88),
      image_102: avatar(t.id, 102),
      image_132: avatar(t.id, 132),
      image_230: avatar(t.id, 230),
    },
    avatar_base_url: 'https://ca.slack-edge.example/',
    is_verified: false,
  };
  if (enterprise) {
    out.enterprise_id = enterprise.id;
    out.enterprise_name = enterprise.name;
    out.enterprise_domain = enterprise.domain;
  }
  return out;
}

export function renderChannel(c: Channel, viewerUserId: string | null): Record<string, unknown> {
  if (c.isIm) {
    // IMs have no name and no is_private; `user` is the other party.
    return {
      id: c.id,
      created: c.created,
      is_archived: c.isArchived,
      is_im: true,
      is_org_shared: false,
      context_team_id: c.teamId,
      updated: c.created * 1000,
      user: c.members.find((m) => m !== viewerUserId) ?? c.members[0],
      is_user_deleted: false,
      priority: 0,
      is_open: true,
    };
  }
  return {
    id: c.id,
    name: c.name,
    is_channel: !c.isPrivate,
    is_group: false,
    is_im: false,
    is_mpim: false,
    is_private: c.isPrivate,
    created: c.created,
    is_archived: c.isArchived,
    is_general: c.isGeneral,
    unlinked: 0,
    name_normalized: c.name,
    is_shared: false,
    is_org_shared: false,
    is_ext_shared: false,
    is_pending_ext_shared: false,
    pending_shared: [],
    context_team_id: c.teamId,
    updated: c.created * 1000,
    parent_conversation: null,
    creator: c.creator,
    shared_team_ids: [c.teamId],
    pending_connected_team_ids: [],
    is_member: viewerUserId !== null && c.members.includes(viewerUserId),
    topic: { value: c.topic, creator: c.topic ? c.creator : '', last_set: 0 },
    purpose: { value: c.purpose, creator: c.purpose ? c.creator : '', last_set: 0 },
    previous_names: [],
  };
}

export interface MessageRenderOptions {
  /**
   * How much of the metadata to show: `all` (what the poster gets back, and history with
   * include_all_metadata) or `event_type` (history and replies without it).
   */
  metadata?: 'all' | 'event_type';
}

/** A message as chat.* methods return it, as history lists it and as `block_actions` payloads carry it. */
export function renderMessage(
  store: Store,
  m: Message | Ephemeral,
  options: MessageRenderOptions = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = { type: 'message', text: m.text };
  const broadcast = 'replyBroadcast' in m && m.replyBroadcast;
  if (broadcast) out.subtype = 'thread_broadcast';
  if (m.botId) {
    if (!broadcast) out.subtype = 'bot_message';
    out.bot_id = m.botId;
    if (m.appId) out.app_id = m.appId;
    const app = m.appId ? store.apps.get(m.appId) : undefined;
    if (app) {
      out.bot_profile = {
        id: m.botId,
        app_id: app.id,
        name: app.name,
        deleted: false,
        team_id: m.teamId,
        updated: 1_700_000_000,
      };
    }
  }
  out.user = m.user;
  out.ts = m.ts;
  out.team = m.teamId;
  if (m.blocks) out.blocks = m.blocks;
  const attachments = [...(m.attachments ?? []), ...('unfurls' in m ? unfurlAttachments(m) : [])];
  if (attachments.length > 0) out.attachments = attachments;
  if ('files' in m && m.files.length > 0) {
    out.files = m.files
      .map((id) => store.files.get(id))
      .filter((x) => x !== undefined)
      .map((x) => renderFile(store, x));
    out.upload = true;
    out.display_as_bot = false;
  }
  if ('threadTs' in m) Object.assign(out, threadFields(store, m, broadcast));
  if ('edited' in m && m.edited) out.edited = m.edited;
  if ('metadata' in m && m.metadata) {
    out.metadata = options.metadata === 'event_type' ? { event_type: m.metadata.event_type } : m.metadata;
  }
  return out;
}

/** A reply names its thread and parent's author; a parent with replies summarizes its thread. */
function threadFields(store: Store, m: Message, broadcast: boolean): Record<string, unknown> {
  if (m.threadTs) {
    const parent = threadParent(store, m);
    const out: Record<string, unknown> = { thread_ts: m.threadTs };
    if (parent) out.parent_user_id = parent.user;
    if (broadcast && parent) out.root = renderMessage(store, parent);
    return out;
  }
  const summary = threadSummary(store, m);
  if (!summary) return {};
  return { thread_ts: m.ts, ...summary, is_locked: false, subscribed: false };
}

/** A file object, as messages carry it and files.* methods describe it. */
export function renderFile(store: Store, f: SimFile): Record<string, unknown> {
  const shares: Record<string, Record<string, unknown[]>> = {};
  for (const s of f.shares) {
    const channel = store.channels.get(s.channel);
    const kind = channel?.isPrivate || channel?.isIm ? 'private' : 'public';
    ((shares[kind] ??= {})[s.channel] ??= []).push({
      ts: s.ts,
      channel_name: channel?.name ?? '',
      team_id: f.teamId,
      share_user_id: f.userId,
    });
  }
  const sharedTo = (pick: (c: Channel) => boolean) =>
    [...new Set(f.shares.map((s) => s.channel))].filter((id) => {
      const c = store.channels.get(id);
      return c !== undefined && pick(c);
    });
  return {
    id: f.id,
    created: f.created,
    timestamp: f.created,
    name: f.filename,
    title: f.title,
    ...fileType(f),
    user: f.userId,
    user_team: f.teamId,
    editable: false,
    size: f.size,
    mode: 'hosted',
    is_external: false,
    external_type: '',
    is_public: sharedTo((c) => !c.isPrivate && !c.isIm).length > 0,
    public_url_shared: false,
    display_as_bot: false,
    username: '',
    url_private: f.urlPrivate,
    url_private_download: `${f.urlPrivate}?download=1`,
    permalink: f.urlPrivate,
    has_rich_preview: false,
    file_access: 'visible',
    ...(f.altText ? { alt_txt: f.altText } : {}),
    shares,
    channels: sharedTo((c) => !c.isPrivate && !c.isIm),
    groups: sharedTo((c) => c.isPrivate && !c.isIm),
    ims: sharedTo((c) => c.isIm),
  };
}
