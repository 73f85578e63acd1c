// The simulator's model of a Slack platform: plain data, so it can be inspected over HTTP as JSON.
// Field names are the simulator's own (camelCase); the Web API handlers render Slack's wire shapes.

export type Block = Record<string, unknown> & { type: string; block_id?: string };
export type Attachment = Record<string, unknown>;

export interface Enterprise {
  id: string;
  name: string;
  domain: string;
}

export interface Team {
  id: string;
  name: string;
  domain: string;
  emailDomain: string;
  enterpriseId: string | null;
  /** A deleted workspace: its tokens answer `account_inactive`. */
  deleted: boolean;
}

export interface User {
  id: string;
  teamId: string;
  name: string;
  realName: string;
  displayName: string;
  email: string;
  title: string;
  tz: string;
  tzLabel: string;
  tzOffset: number;
  isAdmin: boolean;
  isOwner: boolean;
  isPrimaryOwner: boolean;
  isRestricted: boolean;
  isUltraRestricted: boolean;
  isBot: boolean;
  /** Slack omits `has_2fa` unless the workspace exposes it; `undefined` renders as absent. */
  has2fa?: boolean;
  /** Set for users of another organisation met through Slack Connect. */
  isStranger?: boolean;
  deleted: boolean;
  botId?: string;
  appId?: string;
}

export interface Channel {
  id: string;
  teamId: string;
  name: string;
  isPrivate: boolean;
  isArchived: boolean;
  isGeneral: boolean;
  /** A direct message between two users (id `D…`, no name); `members` holds both. */
  isIm: boolean;
  /** User ids (people and bot users) in the channel. */
  members: string[];
  creator: string;
  created: number;
  topic: string;
  purpose: string;
}

/** A user group (Slack calls them subteams, ids S…): a handle people mention, and its members. */
export interface UserGroup {
  id: string;
  teamId: string;
  handle: string;
  name: string;
  description: string;
  members: string[];
  createdBy: string;
  /** Seconds, as Slack reports date_create/date_update/date_delete. */
  createdAt: number;
  updatedAt: number;
  /** Disabled groups keep their members but are left out of lists unless asked for. */
  disabled: boolean;
  disabledAt: number;
}

/**
 * A file uploaded through Slack's external upload: reserved by files.getUploadURLExternal, its bytes
 * POSTed to the upload URL, then completed (and shared) by files.completeUploadExternal.
 */
export interface SimFile {
  id: string;
  teamId: string;
  appId: string | null;
  /** The uploader: the bot user for bot tokens. */
  userId: string;
  filename: string;
  title: string;
  /** The `length` the app announced; `size` is what it actually sent. */
  declaredLength: number;
  size: number;
  snippetType: string | null;
  altText: string | null;
  /** The secret part of the upload URL. */
  uploadTicket: string;
  /** Where the file's bytes are served (`url_private`), with a token of its workspace. */
  urlPrivate: string;
  /** Seconds, as Slack's `created`. */
  created: number;
  uploaded: boolean;
  completed: boolean;
  /** Where it was shared: one message per conversation. */
  shares: { channel: string; ts: string }[];
}

export interface App {
  id: string;
  name: string;
  clientId: string;
  clientSecret: string;
  signingSecret: string;
  /** Deprecated verification token Slack still sends in payloads as `token`. */
  verificationToken: string;
  /** Where slash commands, interactivity and events go unless a more specific URL is set. */
  requestUrl: string | null;
  commandsUrl: string | null;
  interactivityUrl: string | null;
  eventsUrl: string | null;
  redirectUrls: string[];
  /** Token rotation on: `oauth.v2.access` returns `refresh_token`/`expires_in` and tokens expire. */
  tokenRotation: boolean;
  /** Lifetime of rotated access tokens (Slack: 12 hours). */
  tokenLifetimeSeconds: number;
  /**
   * Socket Mode on: commands, interactions and events go over the app's WebSocket connections
   * (opened with apps.connections.open) instead of to its request URLs.
   */
  socketMode: boolean;
  /** Where block_suggestion requests go (Slack's "Options Load URL"); default: the request URL. */
  optionsLoadUrl: string | null;
  /** The App Home's Home tab is on: views.publish answers not_enabled otherwise. */
  homeTabEnabled: boolean;
  /** Domains whose links the app unfurls: messages linking there send it `link_shared`. */
  unfurlDomains: string[];
}

/**
 * A trigger_id: what lets an app open a modal in answer to a person's action. Valid for 3 seconds
 * and for one views.open/push.
 */
export interface Trigger {
  id: string;
  appId: string;
  teamId: string;
  userId: string;
  /** Simulator clock, ms. */
  createdAt: number;
  used: boolean;
  /** The modal the action happened in, which views.push adds to. */
  viewId: string | null;
}

/** One entry of a view's `state.values[block_id][action_id]`. */
export type ViewStateValue = Record<string, unknown> & { type: string };

/** A modal or a Home tab, as an app defined it and a person filled it in. */
export interface SimView {
  id: string;
  teamId: string;
  appId: string;
  botId: string;
  /** The person it is shown to. */
  userId: string;
  type: 'modal' | 'home';
  /** The view object the app sent (blocks normalized as Slack stores them). */
  definition: Record<string, unknown>;
  hash: string;
  rootViewId: string;
  previousViewId: string | null;
  /** What the person entered so far, by block_id and action_id. */
  state: Record<string, Record<string, ViewStateValue>>;
  /** Modals: still on the person's screen. */
  open: boolean;
}

export interface Installation {
  id: string;
  appId: string;
  /** `null` for an Enterprise Grid org-wide install. */
  teamId: string | null;
  enterpriseId: string | null;
  isEnterpriseInstall: boolean;
  botUserId: string;
  botId: string;
  scopes: string[];
  userScopes: string[];
  installerUserId: string;
  /** False once uninstalled: commands and clicks for it are no longer delivered. */
  active: boolean;
  installedAt: number;
}

export interface Token {
  value: string;
  kind: 'bot' | 'user';
  installationId: string;
  userId: string;
  scopes: string[];
  revoked: boolean;
  /** Epoch ms on the simulator clock, or null for non-expiring tokens. */
  expiresAt: number | null;
}

/** An app-level token (`xapp-…`): the app itself, not a workspace; Socket Mode needs connections:write. */
export interface AppToken {
  value: string;
  appId: string;
  scopes: string[];
  revoked: boolean;
}

export interface RefreshToken {
  value: string;
  kind: 'bot' | 'user';
  installationId: string;
  userId: string;
  revoked: boolean;
}

export type MessageSource =
  | 'chat.postMessage'
  | 'chat.update'
  | 'response_url'
  | 'command_ack'
  | 'chat.postEphemeral'
  | 'files.completeUploadExternal'
  /** A person typed it (driver.postMessage). */
  | 'user';

/** Slack's message metadata: how apps leave structured data on the messages they post. */
export interface MessageMetadata {
  event_type: string;
  event_payload: Record<string, unknown>;
}

export interface MessageContent {
  text: string;
  blocks: Block[] | null;
  attachments: Attachment[] | null;
}

export interface LinkShare {
  appId: string;
  unfurlId: string;
  links: { domain: string; url: string }[];
}

export interface AppUnfurl {
  appId: string;
  url: string;
  /** The attachment (or `{blocks}`) the app gave for the URL. */
  unfurl: Record<string, unknown>;
}

export interface MessageVersion extends MessageContent {
  /** Simulator clock (epoch ms) when this version was written. */
  at: number;
  by: MessageSource;
}

export interface Message extends MessageContent {
  channel: string;
  ts: string;
  teamId: string;
  /** The author: a bot user for app posts, the invoking user for in_channel command replies. */
  user: string;
  botId: string | null;
  appId: string | null;
  /** For a reply: the ts of its thread's parent. Null for top-level messages. */
  threadTs: string | null;
  /** A reply also shown in the channel (`reply_broadcast`). */
  replyBroadcast: boolean;
  /** For a parent: the ts of its replies, oldest first. */
  replies: string[];
  metadata: MessageMetadata | null;
  /** Ids of the files shared with this message (files.completeUploadExternal). */
  files: string[];
  /** The link_shared events this message caused: which app was told about which links. */
  linkShares: LinkShare[];
  /** What apps attached to its links with chat.unfurl. */
  unfurls: AppUnfurl[];
  deleted: boolean;
  edited: { user: string; ts: string } | null;
  source: MessageSource;
  /** Every version, oldest first; the last one equals the current content. */
  history: MessageVersion[];
}

export interface Ephemeral extends MessageContent {
  /** Ephemeral messages also get a `ts` (Slack's `message_ts`), unique across the simulator. */
  ts: string;
  channel: string;
  teamId: string;
  /** The only user who sees it. */
  user: string;
  appId: string | null;
  botId: string | null;
  source: MessageSource;
  deleted: boolean;
  history: MessageVersion[];
}

export interface MessageRef {
  kind: 'message' | 'ephemeral';
  channel: string;
  ts: string;
}

export interface ResponseUrlPost {
  at: number;
  body: unknown;
  status: number;
  /** What the post did, or why it was refused. */
  effect: 'posted' | 'posted_ephemeral' | 'replaced' | 'deleted' | 'rejected';
  error?: string;
  target?: MessageRef;
}

export interface ResponseUrl {
  id: string;
  url: string;
  kind: 'commands' | 'actions';
  appId: string;
  teamId: string;
  channelId: string;
  userId: string;
  createdAt: number;
  uses: number;
  /** The message a `block_actions` response_url may replace or delete (the clicked one). */
  original: MessageRef | null;
  /** The last message this response_url produced; a command's replace_original targets it. */
  last: MessageRef | null;
  posts: ResponseUrlPost[];
}

export interface ApiCall {
  seq: number;
  at: number;
  method: string;
  /** Parameters as received (after decoding JSON-encoded fields), without the token. */
  params: Record<string, unknown>;
  token: string | null;
  contentType: string | null;
  httpStatus: number;
  ok: boolean | null;
  error: string | null;
  /** What the call was attributed to, when the token resolved. */
  appId: string | null;
  teamId: string | null;
}

export interface Delivery {
  seq: number;
  at: number;
  kind:
    | 'slash_command'
    | 'block_actions'
    | 'shortcut'
    | 'view_submission'
    | 'view_closed'
    | 'block_suggestion'
    | 'event'
    | 'raw';
  /** How it reached the app: a signed HTTP request, or an envelope over a Socket Mode connection. */
  transport: 'http' | 'socket';
  appId: string | null;
  url: string;
  status: number | null;
  ackMs: number;
  error: string | null;
}

/** Who approves `/oauth/v2/authorize`, and whether they do. */
export interface OAuthApproval {
  /** `prompt` shows a small Allow/Cancel page, for people clicking through the demo. */
  decision: 'approve' | 'deny' | 'prompt';
  /** The approving user; default: the first admin (else first user) of the chosen workspace. */
  userId?: string;
  /** The workspace installed into; default: `team` query parameter, else the user's, else the first. */
  teamId?: string;
  /** Install org-wide into the workspace's Enterprise Grid org instead of the workspace. */
  enterpriseInstall?: boolean;
}

export interface OAuthCode {
  code: string;
  appId: string;
  teamId: string | null;
  enterpriseId: string | null;
  userId: string;
  scopes: string[];
  userScopes: string[];
  /** The redirect_uri given to authorize; oauth.v2.access must repeat it. */
  redirectUri: string | null;
  expiresAt: number;
  used: boolean;
}
