import type { Clock } from './clock.js';
import type { IdFactory } from './ids.js';
import type {
  ApiCall,
  App,
  AppToken,
  Channel,
  Delivery,
  Enterprise,
  Ephemeral,
  Installation,
  Message,
  OAuthApproval,
  OAuthCode,
  RefreshToken,
  ResponseUrl,
  SimFile,
  SimView,
  Trigger,
  Team,
  Token,
  User,
  UserGroup,
} from './types.js';

export interface CreateTeamInput {
  name: string;
  domain?: string;
  emailDomain?: string;
  enterpriseId?: string | null;
  id?: string;
}

export interface CreateUserInput {
  teamId: string;
  name: string;
  realName?: string;
  displayName?: string;
  email?: string;
  title?: string;
  tz?: string;
  isAdmin?: boolean;
  isOwner?: boolean;
  isPrimaryOwner?: boolean;
  isRestricted?: boolean;
  isUltraRestricted?: boolean;
  has2fa?: boolean;
  isStranger?: boolean;
  id?: string;
}

export interface CreateChannelInput {
  teamId: string;
  name: string;
  isPrivate?: boolean;
  isArchived?: boolean;
  isGeneral?: boolean;
  members?: string[];
  creator?: string;
  topic?: string;
  purpose?: string;
  id?: string;
}

export interface CreateUserGroupInput {
  teamId: string;
  /** What people type after @, unique in the workspace (e.g. `security`). */
  handle: string;
  name?: string;
  description?: string;
  members?: string[];
  createdBy?: string;
  disabled?: boolean;
  id?: string;
}

export interface CreateAppInput {
  name?: string;
  clientId?: string;
  clientSecret?: string;
  signingSecret?: string;
  verificationToken?: string;
  requestUrl?: string | null;
  commandsUrl?: string | null;
  interactivityUrl?: string | null;
  eventsUrl?: string | null;
  redirectUrls?: string[];
  tokenRotation?: boolean;
  tokenLifetimeSeconds?: number;
  socketMode?: boolean;
  optionsLoadUrl?: string | null;
  homeTabEnabled?: boolean;
  unfurlDomains?: string[];
  id?: string;
}

/** Thrown by control operations given ids that do not exist; the control API answers it with 404. */
export class NotFoundError extends Error {
  constructor(what: string, id: string) {
    super(`${what} not found: ${id}`);
    this.name = 'NotFoundError';
  }
}

function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'team'
  );
}

/**
 * All simulator state: the workspaces and what happened in them. Handlers mutate it; the control
 * API reads and seeds it. It is in memory only: a simulator is started per test or demo.
 */
export class Store {
  enterprises = new Map<string, Enterprise>();
  teams = new Map<string, Team>();
  users = new Map<string, User>();
  channels = new Map<string, Channel>();
  userGroups = new Map<string, UserGroup>();
  apps = new Map<string, App>();
  installations = new Map<string, Installation>();
  tokens = new Map<string, Token>();
  refreshTokens = new Map<string, RefreshToken>();
  appTokens = new Map<string, AppToken>();
  messages = new Map<string, Message[]>();
  /** Messages by channel and ts, so lookups stay cheap in channels with thousands of messages. */
  private messageIndex = new Map<string, Message>();
  ephemerals: Ephemeral[] = [];
  responseUrls = new Map<string, ResponseUrl>();
  apiCalls: ApiCall[] = [];
  deliveries: Delivery[] = [];
  oauthCodes = new Map<string, OAuthCode>();
  files = new Map<string, SimFile>();
  triggers = new Map<string, Trigger>();
  views = new Map<string, SimView>();
  /** Each person's open modals, bottom first (Slack shows one stack per person). */
  modalStacks = new Map<string, string[]>();
  /** Published Home tabs by `appId|userId`. */
  homeViews = new Map<string, string>();
  /** File contents, apart from the JSON-able records. */
  fileContents = new Map<string, Buffer>();
  oauthApproval: OAuthApproval = { decision: 'approve' };
  private seq = 0;

  constructor(
    readonly ids: IdFactory,
    readonly clock: Clock,
  ) {}

  nextSeq(): number {
    return ++this.seq;
  }

  clear(): void {
    for (const m of [
      this.enterprises,
      this.teams,
      this.users,
      this.channels,
      this.userGroups,
      this.apps,
      this.installations,
      this.tokens,
      this.refreshTokens,
      this.appTokens,
      this.messages,
      this.responseUrls,
      this.oauthCodes,
      this.files,
      this.fileContents,
      this.triggers,
      this.views,
      this.modalStacks,
      this.homeViews,
    ]) {
      m.clear();
    }
    this.messageIndex.clear();
    this.ephemerals = [];
    this.apiCalls = [];
    this.deliveries = [];
    this.oauthApproval = { decision: 'approve' };
    this.seq = 0;
  }

  /** Forget every channel's messages, keep the channels. */
  clearMessages(): void {
    for (const id of this.messages.keys()) this.messages.set(id, []);
    this.messageIndex.clear();
  }

  // ---- workspaces -------------------------------------------------------------------------------

  createEnterprise(input: { name: string; domain?: string; id?: string }): Enterprise {
    const e: Enterprise = {
      id: input.id ?? this.ids.next('E'),
      name: input.name,
      domain: input.domain ?? slug(input.name),
    };
    this.enterprises.set(e.id, e);
    return e;
  }

  createTeam(input: CreateTeamInput): Team {
    if (input.enterpriseId != null) this.enterprise(input.enterpriseId);
    const domain = input.domain ?? slug(input.name);
    const t: Team = {
      id: input.id ?? this.ids.next('T'),
      name: input.name,
      domain,
      emailDomain: input.emailDomain ?? `${domain}.example.com`,
      enterpriseId: input.enterpriseId ?? null,
      deleted: false,
    };
    this.teams.set(t.id, t);
    return t;
  }

  createUser(input: CreateUserInput): User {
    const team = this.team(input.teamId);
    const realName = input.realName ?? input.name.charAt(0).toUpperCase() + input.name.slice(1);
    const u: User = {
      id: input.id ?? this.ids.next('U'),
      teamId: team.id,
      name: input.name,
      realName,
      displayName: input.displayName ?? input.name,
      email: input.email ?? `${input.name}@${team.emailDomain}`,
      title: input.title ?? '',
      tz: input.tz ?? 'Europe/Berlin',
      tzLabel: 'Central European Time',
      tzOffset: 3600,
      isAdmin: input.isAdmin ?? false,
      isOwner: input.isOwner ?? false,
      isPrimaryOwner: input.isPrimaryOwner ?? false,
      isRestricted: input.isRestricted ?? false,
      isUltraRestricted: input.isUltraRestricted ?? false,
      isBot: false,
      deleted: false,
    };
    if (input.has2fa !== undefined) u.has2fa = input.has2fa;
    if (input.isStranger !== undefined) u.isStranger = input.isStranger;
    this.users.set(u.id, u);
    return u;
  }

  createChannel(input: CreateChannelInput): Channel {
    const team = this.team(input.teamId);
    const name = input.name.replace(/^#/, '');
    for (const c of this.channels.values()) {
      if (c.teamId === team.id && c.name === name)
        throw new Error(`name_taken: #${name} exists in ${team.id}`);
    }
    const members = [...new Set(input.members ?? [])];
    for (const m of members) this.user(m);
    const c: Channel = {
      id: input.id ?? this.ids.next('C'),
      teamId: team.id,
      name,
      isPrivate: input.isPrivate ?? false,
      isArchived: input.isArchived ?? false,
      isGeneral: input.isGeneral ?? name === 'general',
      isIm: false,
      members,
      creator: input.creator ?? members[0] ?? '',
      created: this.clock.nowSeconds(),
      topic: input.topic ?? '',
      purpose: input.purpose ?? '',
    };
    this.channels.set(c.id, c);
    this.messages.set(c.id, []);
    return c;
  }

  /** The direct message between two users of a workspace, created on first use as on Slack. */
  directMessage(teamId: string, a: string, b: string): Channel {
    for (const c of this.channels.values()) {
      if (c.isIm && c.members.includes(a) && c.members.includes(b) && (a !== b || c.members.length === 1))
        return c;
    }
    this.team(teamId);
    this.user(a);
    this.user(b);
    const c: Channel = {
      id: this.ids.next('D'),
      teamId,
      name: '',
      isPrivate: true,
      isArchived: false,
      isGeneral: false,
      isIm: true,
      members: [...new Set([a, b])],
      creator: a,
      created: this.clock.nowSeconds(),
      topic: '',
      purpose: '',
    };
    this.channels.set(c.id, c);
    this.messages.set(c.id, []);
    return c;
  }

  createUserGroup(input: CreateUserGroupInput): UserGroup {
    const team = this.team(input.teamId);
    const handle = input.handle.replace(/^@/, '');
    if (!/^[a-z0-9][a-z0-9._-]{0,79}$/.test(handle))
      throw new Error(`bad handle "${input.handle}": lower-case letters, digits, . _ - (Slack's rule)`);
    for (const g of this.userGroups.values()) {
      if (g.teamId === team.id && g.handle === handle)
        throw new Error(`name_already_exists: @${handle} exists in ${team.id}`);
    }
    const members = this.teamMembers(team.id, input.members ?? []);
    const now = this.clock.nowSeconds();
    const g: UserGroup = {
      id: input.id ?? this.ids.next('S'),
      teamId: team.id,
      handle,
      name: input.name ?? handle,
      description: input.description ?? '',
      members,
      createdBy: input.createdBy ?? members[0] ?? 'USLACKBOT',
      createdAt: now,
      updatedAt: now,
      disabled: input.disabled ?? false,
      disabledAt: input.disabled ? now : 0,
    };
    this.userGroups.set(g.id, g);
    return g;
  }

  /** Distinct user ids, each a user of the workspace. */
  teamMembers(teamId: string, ids: string[]): string[] {
    const members = [...new Set(ids)];
    for (const id of members) {
      if (this.user(id).teamId !== teamId) throw new Error(`${id} is not a user of ${teamId}`);
    }
    return members;
  }

  userGroup(id: string): UserGroup {
    const g = this.userGroups.get(id);
    if (!g) throw new NotFoundError('user group', id);
    return g;
  }

  createApp(input: CreateAppInput = {}): App {
    const id = input.id ?? this.ids.next('A');
    const a: App = {
      id,
      name: input.name ?? 'Liftoff',
      clientId: input.clientId ?? this.clientIdFor(this.ids.sequence('client-id')),
      clientSecret: input.clientSecret ?? this.ids.secret('client-secret'),
      signingSecret: input.signingSecret ?? this.ids.secret('signing-secret'),
      verificationToken: input.verificationToken ?? this.ids.secret('verification-token', 24),
      requestUrl: input.requestUrl ?? null,
      commandsUrl: input.commandsUrl ?? null,
      interactivityUrl: input.interactivityUrl ?? null,
      eventsUrl: input.eventsUrl ?? null,
      redirectUrls: input.redirectUrls ?? [],
      tokenRotation: input.tokenRotation ?? false,
      tokenLifetimeSeconds: input.tokenLifetimeSeconds ?? 43_200,
      socketMode: input.socketMode ?? false,
      optionsLoadUrl: input.optionsLoadUrl ?? null,
      homeTabEnabled: input.homeTabEnabled ?? true,
      unfurlDomains: input.unfurlDomains ?? [],
    };
    this.apps.set(a.id, a);
    return a;
  }

  /** Slack client ids are two dot-separated numbers. */
  private clientIdFor(n: number): string {
    return `${1_000_000_000_000 + n}.${4_000_000_000_000 + n * 7919}`;
  }

  // ---- lookups (throwing, for the control API) ---------------------------------------------------

  enterprise(id: string): Enterprise {
    const e = this.enterprises.get(id);
    if (!e) throw new NotFoundError('enterprise', id);
    return e;
  }
  team(id: string): Team {
    const t = this.teams.get(id);
    if (!t) throw new NotFoundError('team', id);
    return t;
  }
  user(id: string): User {
    const u = this.users.get(id);
    if (!u) throw new NotFoundError('user', id);
    return u;
  }
  channel(id: string): Channel {
    const c = this.channels.get(id);
    if (!c) throw new NotFoundError('channel', id);
    return c;
  }
  app(id: string): App {
    const a = this.apps.get(id);
    if (!a) throw new NotFoundError('app', id);
    return a;
  }
  appByClientId(clientId: string): App | undefined {
    for (const a of this.apps.values()) if (a.clientId === clientId) return a;
    return undefined;
  }
  installation(id: string): Installation {
    const i = this.installations.get(id);
    if (!i) throw new NotFoundError('installation', id);
    return i;
  }

  /** Find a channel by id, or by `#name`/`name` within a team (chat.postMessage accepts names). */
  findChannel(ref: string, teamIds: string[]): Channel | undefined {
    const byId = this.channels.get(ref);
    if (byId) return byId;
    const name = ref.replace(/^#/, '');
    if (name === '') return undefined;
    for (const c of this.channels.values()) if (teamIds.includes(c.teamId) && c.name === name) return c;
    return undefined;
  }

  teamsOfEnterprise(enterpriseId: string): Team[] {
    return [...this.teams.values()].filter((t) => t.enterpriseId === enterpriseId);
  }

  /** The active installation of an app that covers a team: a workspace install or its org's install. */
  installationFor(appId: string, teamId: string): Installation | undefined {
    const team = this.teams.get(teamId);
    for (const i of this.installations.values()) {
      if (i.appId !== appId || !i.active) continue;
      if (i.teamId === teamId) return i;
      if (i.isEnterpriseInstall && team?.enterpriseId != null && i.enterpriseId === team.enterpriseId)
        return i;
    }
    return undefined;
  }

  channelMessages(channelId: string): Message[] {
    let list = this.messages.get(channelId);
    if (!list) {
      list = [];
      this.messages.set(channelId, list);
    }
    return list;
  }

  addMessage(m: Message): void {
    this.channelMessages(m.channel).push(m);
    this.messageIndex.set(`${m.channel}|${m.ts}`, m);
  }

  findMessage(channelId: string, ts: string): Message | undefined {
    return this.messageIndex.get(`${channelId}|${ts}`);
  }

  findEphemeral(ts: string): Ephemeral | undefined {
    return this.ephemerals.find((e) => e.ts === ts);
  }
}
