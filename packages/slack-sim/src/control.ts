import { install, revokeTokens, uninstall } from './installations.js';
import { NotFoundError } from './store.js';
import { homeView, modalStack } from './views.js';
import type { DisconnectReason, SocketFaults } from './socket-mode.js';
import type { InstallInput } from './installations.js';
import type { FaultSpec } from './faults.js';
import type { RateLimitConfig } from './rate-limits.js';
import type { SimServices } from './services.js';
import type {
  CreateAppInput,
  CreateChannelInput,
  CreateTeamInput,
  CreateUserGroupInput,
  CreateUserInput,
} from './store.js';
import type {
  App,
  Channel,
  Enterprise,
  Installation,
  OAuthApproval,
  SimFile,
  SimView,
  Team,
  User,
  UserGroup,
} from './types.js';

/** What a direct install hands back: the same things an app learns from oauth.v2.access. */
export interface InstallSummary {
  installationId: string;
  appId: string;
  teamId: string | null;
  enterpriseId: string | null;
  isEnterpriseInstall: boolean;
  botToken: string;
  botUserId: string;
  botId: string;
  scopes: string[];
  refreshToken: string | null;
  userToken: string | null;
}

export interface MessageFilter {
  channel?: string;
  user?: string;
  appId?: string;
  includeDeleted?: boolean;
}

export interface CallFilter {
  method?: string;
  appId?: string;
  teamId?: string;
  since?: number;
}

/**
 * Seeding, steering and inspecting the simulator — the same operations in process and over HTTP
 * (`POST /_sim/control/<name>` with the arguments as a JSON array). Results are the live records
 * (plain data): read them, and change state through these operations.
 */
export class Control {
  constructor(private readonly sim: SimServices) {}

  // ---- workspaces -------------------------------------------------------------------------------

  createEnterprise(input: { name: string; domain?: string; id?: string }): Enterprise {
    return this.sim.store.createEnterprise(input);
  }
  createTeam(input: CreateTeamInput): Team {
    return this.sim.store.createTeam(input);
  }
  createUser(input: CreateUserInput): User {
    return this.sim.store.createUser(input);
  }
  updateUser(id: string, patch: Partial<Omit<User, 'id' | 'teamId' | 'isBot'>>): User {
    return Object.assign(this.sim.store.user(id), patch);
  }
  /** A deactivated user: users.info shows `deleted: true`, their user tokens answer account_inactive. */
  deleteUser(id: string): User {
    return Object.assign(this.sim.store.user(id), { deleted: true });
  }
  /** A deleted workspace: every token of it answers account_inactive. */
  deleteTeam(id: string): Team {
    return Object.assign(this.sim.store.team(id), { deleted: true });
  }
  createChannel(input: CreateChannelInput): Channel {
    return this.sim.store.createChannel(input);
  }
  joinChannel(channelId: string, userId: string): Channel {
    const c = this.sim.store.channel(channelId);
    this.sim.store.user(userId);
    if (!c.members.includes(userId)) c.members.push(userId);
    return c;
  }
  leaveChannel(channelId: string, userId: string): Channel {
    const c = this.sim.store.channel(channelId);
    c.members = c.members.filter((m) => m !== userId);
    return c;
  }
  /** `/invite @app`: put the app's bot user of the channel's workspace into the channel. */
  inviteBot(channelId: string, appId: string): Channel {
    const c = this.sim.store.channel(channelId);
    const inst = this.sim.store.installationFor(appId, c.teamId);
    if (!inst) throw new NotFoundError(`installation of ${appId} covering`, c.teamId);
    return this.joinChannel(channelId, inst.botUserId);
  }
  /** The DM between two people (opened if needed), e.g. to run a slash command there. */
  directMessage(userId: string, otherUserId: string): Channel {
    const u = this.sim.store.user(userId);
    return this.sim.store.directMessage(u.teamId, userId, otherUserId);
  }
  /** The DM between a person and an app's bot (its "Messages" tab). */
  appDirectMessage(appId: string, userId: string): Channel {
    const u = this.sim.store.user(userId);
    const inst = this.sim.store.installationFor(appId, u.teamId);
    if (!inst) throw new NotFoundError(`installation of ${appId} covering`, u.teamId);
    return this.sim.store.directMessage(u.teamId, inst.botUserId, userId);
  }
  archiveChannel(channelId: string): Channel {
    return Object.assign(this.sim.store.channel(channelId), { isArchived: true });
  }
  unarchiveChannel(channelId: string): Channel {
    return Object.assign(this.sim.store.channel(channelId), { isArchived: false });
  }

  /** A user group (`@handle`, id S…) with members, as usergroups.list will show it. */
  createUserGroup(input: CreateUserGroupInput): UserGroup {
    return this.sim.store.createUserGroup(input);
  }
  /** Change a group: members (replaced), name, description, or `disabled`. */
  updateUserGroup(
    id: string,
    patch: Partial<Pick<UserGroup, 'name' | 'description' | 'members' | 'disabled'>>,
  ): UserGroup {
    const { store, clock } = this.sim;
    const g = store.userGroup(id);
    const now = clock.nowSeconds();
    if (patch.members) g.members = store.teamMembers(g.teamId, patch.members);
    if (patch.name !== undefined) g.name = patch.name;
    if (patch.description !== undefined) g.description = patch.description;
    if (patch.disabled !== undefined && patch.disabled !== g.disabled) {
      g.disabled = patch.disabled;
      g.disabledAt = patch.disabled ? now : 0;
    }
    g.updatedAt = now;
    return g;
  }
  userGroups(teamId?: string): UserGroup[] {
    return [...this.sim.store.userGroups.values()].filter((g) => !teamId || g.teamId === teamId);
  }

  // ---- apps and installs ------------------------------------------------------------------------

  createApp(input: CreateAppInput = {}): App {
    return this.sim.store.createApp(input);
  }
  /**
   * E.g. set `requestUrl` once the app under test listens, or `socketMode: true` to send it
   * everything over its Socket Mode connections (switching it off sends them `link_disabled`).
   */
  updateApp(id: string, patch: Partial<Omit<App, 'id'>>): App {
    const app = this.sim.store.app(id);
    const wasSocketMode = app.socketMode;
    Object.assign(app, patch);
    if (wasSocketMode && !app.socketMode) this.sim.socketMode.disconnectApp(id, 'link_disabled');
    return app;
  }
  /** An app-level token (`xapp-…`), as made on the app's settings page; default scope connections:write. */
  createAppToken(
    appId: string,
    options: { scopes?: string[] } = {},
  ): { token: string; appId: string; scopes: string[] } {
    const app = this.sim.store.app(appId);
    const n = this.sim.ids.sequence('app-token');
    const token = `xapp-1-${app.id}-${1000 + n}-${this.sim.ids.secret('app-token', 64)}`;
    const scopes = options.scopes ?? ['connections:write'];
    this.sim.store.appTokens.set(token, { value: token, appId: app.id, scopes, revoked: false });
    return { token, appId: app.id, scopes };
  }
  revokeAppToken(token: string): void {
    const t = this.sim.store.appTokens.get(token);
    if (!t) throw new NotFoundError('app token', token);
    t.revoked = true;
  }
  /** Install without the OAuth dance (tests that are not about OAuth). */
  install(input: InstallInput): InstallSummary {
    const r = install(this.sim, input);
    return {
      installationId: r.installation.id,
      appId: r.installation.appId,
      teamId: r.installation.teamId,
      enterpriseId: r.installation.enterpriseId,
      isEnterpriseInstall: r.installation.isEnterpriseInstall,
      botToken: r.botToken.value,
      botUserId: r.installation.botUserId,
      botId: r.installation.botId,
      scopes: r.installation.scopes,
      refreshToken: r.botRefreshToken?.value ?? null,
      userToken: r.userToken?.value ?? null,
    };
  }
  /** Configure who approves `/oauth/v2/authorize` and whether they deny. */
  setOAuthApproval(approval: OAuthApproval): OAuthApproval {
    this.sim.store.oauthApproval = { ...approval };
    return this.sim.store.oauthApproval;
  }
  /** The apps a workspace has installed (itself, or through its org). */
  appsInstalledIn(teamId: string): App[] {
    return [...this.sim.store.apps.values()].filter((a) => this.sim.store.installationFor(a.id, teamId));
  }
  installations(appId?: string): Installation[] {
    return [...this.sim.store.installations.values()].filter((i) => !appId || i.appId === appId);
  }
  /** Revoke one token, as an admin would; the app gets `tokens_revoked` (and `app_uninstalled` if none is left). */
  revokeToken(token: string, options: { notify?: boolean } = {}): void {
    const t = this.sim.store.tokens.get(token);
    if (!t) throw new NotFoundError('token', token);
    revokeTokens(this.sim, [t], options.notify ?? true);
  }
  /** Make a token expire now (rotation tests): calls answer token_expired. */
  expireToken(token: string): void {
    const t = this.sim.store.tokens.get(token);
    if (!t) throw new NotFoundError('token', token);
    t.expiresAt = this.sim.clock.now();
  }
  /** Remove the app from a workspace (or org): tokens revoked, events sent unless notify is false. */
  uninstall(appId: string, teamOrEnterpriseId: string, options: { notify?: boolean } = {}): void {
    const inst = [...this.sim.store.installations.values()].find(
      (i) =>
        i.appId === appId &&
        i.active &&
        (i.teamId === teamOrEnterpriseId || (i.isEnterpriseInstall && i.enterpriseId === teamOrEnterpriseId)),
    );
    if (!inst) throw new NotFoundError(`active installation of ${appId} in`, teamOrEnterpriseId);
    uninstall(this.sim, inst, options.notify ?? true);
  }

  // ---- knobs -------------------------------------------------------------------------------------

  setRateLimits(config: RateLimitConfig): RateLimitConfig {
    this.sim.rateLimits.configure(config);
    return config;
  }
  injectFault(spec: FaultSpec): { id: string } {
    return { id: this.sim.faults.inject(spec).id };
  }
  clearFaults(id?: string): void {
    this.sim.faults.clear(id);
  }
  faults() {
    return this.sim.faults.active();
  }
  /** Socket Mode faults: drop sockets every N envelopes, recycle connections after a while. `{}` clears them. */
  socketFaults(faults: SocketFaults): SocketFaults {
    return this.sim.socketMode.setFaults(faults);
  }
  /**
   * Send `disconnect` to live connections (of an app, or one): they take no new envelopes, and get
   * the message once their envelopes in flight are acked (`immediate`: at once). Returns how many.
   */
  socketDisconnect(
    target: { appId?: string; connectionId?: string; reason?: DisconnectReason; immediate?: boolean } = {},
  ): number {
    const connections = this.sim.socketMode.find(target);
    for (const c of connections)
      this.sim.socketMode.disconnect(c, target.reason ?? 'refresh_requested', target.immediate ?? false);
    return connections.length;
  }
  /** End live connections without a close frame, as a network failure would. Returns how many. */
  socketDrop(target: { appId?: string; connectionId?: string } = {}): number {
    const connections = this.sim.socketMode.find(target);
    for (const c of connections) this.sim.socketMode.drop(c);
    return connections.length;
  }
  /** Move the simulator clock (response_url and token expiry, OAuth codes, rate-limit refill). */
  advanceClock(ms: number): number {
    this.sim.clock.advance(ms);
    return this.sim.clock.now();
  }

  // ---- inspection --------------------------------------------------------------------------------

  /** Everything, as JSON-able data (tokens included: this is a test double). */
  state() {
    const s = this.sim.store;
    return {
      enterprises: [...s.enterprises.values()],
      teams: [...s.teams.values()],
      users: [...s.users.values()],
      channels: [...s.channels.values()],
      userGroups: [...s.userGroups.values()],
      apps: [...s.apps.values()],
      installations: [...s.installations.values()],
      tokens: [...s.tokens.values()],
      oauthApproval: s.oauthApproval,
      rateLimits: this.sim.rateLimits.current,
      faults: this.sim.faults.active(),
    };
  }
  findUser(name: string, teamId?: string): User | undefined {
    return [...this.sim.store.users.values()].find(
      (u) => u.name === name && (!teamId || u.teamId === teamId),
    );
  }
  findChannel(name: string, teamId?: string): Channel | undefined {
    return [...this.sim.store.channels.values()].find(
      (c) => c.name === name.replace(/^#/, '') && (!teamId || c.teamId === teamId),
    );
  }
  /** Messages of a channel in posting order, each with its `history` of versions. */
  messages(channelId: string, options: { includeDeleted?: boolean } = {}) {
    this.sim.store.channel(channelId);
    return this.sim.store.channelMessages(channelId).filter((m) => options.includeDeleted || !m.deleted);
  }
  ephemerals(filter: MessageFilter = {}) {
    return this.sim.store.ephemerals.filter(
      (e) =>
        (!filter.channel || e.channel === filter.channel) &&
        (!filter.user || e.user === filter.user) &&
        (!filter.appId || e.appId === filter.appId) &&
        (filter.includeDeleted || !e.deleted),
    );
  }
  responseUrls(filter: { channel?: string; user?: string } = {}) {
    return [...this.sim.store.responseUrls.values()].filter(
      (r) =>
        (!filter.channel || r.channelId === filter.channel) && (!filter.user || r.userId === filter.user),
    );
  }
  apiCalls(filter: CallFilter = {}) {
    return this.sim.store.apiCalls.filter(
      (c) =>
        (!filter.method || c.method === filter.method) &&
        (!filter.appId || c.appId === filter.appId) &&
        (!filter.teamId || c.teamId === filter.teamId) &&
        (filter.since === undefined || c.seq > filter.since),
    );
  }
  deliveries() {
    return this.sim.store.deliveries;
  }
  /** Socket Mode connections, open and closed, in order of opening. */
  socketConnections(appId?: string) {
    return this.sim.socketMode.connectionInfo(appId);
  }
  /** Every envelope sent over Socket Mode and what became of it (acked, timeout, connection_closed…). */
  socketEnvelopes(appId?: string) {
    return this.sim.socketMode.envelopeLog(appId);
  }
  /** The Home tab an app published for a person (views.publish), or null. */
  homeView(appId: string, userId: string): SimView | null {
    return homeView(this.sim.store, appId, userId) ?? null;
  }
  /** The person's open modals, bottom first; the last one is on their screen. */
  modals(userId: string): SimView[] {
    return modalStack(this.sim.store, userId);
  }
  /** Every view ever opened or published (closed modals have `open: false`). */
  views(filter: { user?: string; appId?: string } = {}): SimView[] {
    return [...this.sim.store.views.values()].filter(
      (v) => (!filter.user || v.userId === filter.user) && (!filter.appId || v.appId === filter.appId),
    );
  }
  /** Uploaded files (reserved, uploaded, completed), optionally only those shared in a channel. */
  files(filter: { channel?: string } = {}): SimFile[] {
    return [...this.sim.store.files.values()].filter(
      (f) => !filter.channel || f.shares.some((s) => s.channel === filter.channel),
    );
  }
  /** What was uploaded for a file: as text (UTF-8) and base64, for binary files. */
  fileContent(id: string): {
    id: string;
    name: string;
    title: string;
    size: number;
    text: string;
    base64: string;
  } {
    const f = this.sim.store.files.get(id);
    if (!f) throw new NotFoundError('file', id);
    const bytes = this.sim.store.fileContents.get(id) ?? Buffer.alloc(0);
    return {
      id,
      name: f.filename,
      title: f.title,
      size: bytes.length,
      text: bytes.toString('utf8'),
      base64: bytes.toString('base64'),
    };
  }

  /** Forget what happened (messages, files, views, calls, response_urls, deliveries), keep the workspaces. */
  clearHistory(): void {
    const s = this.sim.store;
    s.clearMessages();
    for (const m of [s.files, s.fileContents, s.triggers, s.views, s.modalStacks, s.homeViews]) m.clear();
    s.ephemerals = [];
    s.responseUrls.clear();
    s.apiCalls = [];
    s.deliveries = [];
    this.sim.socketMode.clearHistory();
    this.sim.rateLimits.reset();
  }

  /** Back to empty: no workspaces, apps, history or faults; the clock back to real time. The rate-limit configuration stays. */
  reset(): void {
    this.socketDrop();
    this.sim.store.clear();
    this.sim.ids.reset();
    this.sim.faults.clear();
    this.sim.rateLimits.reset();
    this.sim.clock.reset();
  }
}
