import { AppTransport, NoRequestUrlError, delivered } from './app-transport.js';
import { buttonsOf } from './blocks.js';
import { applyResponse, createResponseUrl } from './response-url.js';
import { renderMessage } from './web-api/render.js';
import type { DeliveryOptions, DeliveryResult } from './app-transport.js';
import type { SimServices } from './services.js';
import type {
  App,
  Channel,
  Delivery,
  Ephemeral,
  Installation,
  Message,
  ResponseUrl,
  Token,
  User,
} from './types.js';

export type { DeliveryOptions, DeliveryResult } from './app-transport.js';

// The driver plays Slack's side towards an app: it sends what Slack sends when a user runs a slash
// command, clicks a button, or when something happens that the app subscribed to — signed with the
// app's signing secret — and reports how the app answered.

export interface SlashCommandInput {
  appId?: string;
  /** Channel id (or `#name` within the user's workspace). */
  channel: string;
  user: string;
  command: string;
  text?: string;
}

export interface SlashCommandResult extends DeliveryResult {
  responseUrl: string;
  triggerId: string;
  /** The form fields sent. */
  payload: Record<string, string>;
}

export interface ClickInput {
  /** The channel of the message, and its ts (an ephemeral's `message_ts` works too). */
  channel: string;
  ts: string;
  /** The clicking user. */
  user: string;
  /** Which button: by action_id, and/or value, and/or block_id. Default: the only/first button. */
  actionId?: string;
  value?: string;
  blockId?: string;
}

export interface ClickResult extends DeliveryResult {
  responseUrl: string;
  triggerId: string;
  payload: Record<string, unknown>;
}

export interface EventInput {
  appId?: string;
  /** Workspace the event happened in (for org installs any workspace of the org). */
  teamId: string;
  event: Record<string, unknown>;
}

export interface EventResult extends DeliveryResult {
  payload: Record<string, unknown>;
  /** Every delivery attempt (more than one with `slackRetries`); the result fields are the last one's. */
  attempts: DeliveryResult[];
}

export class DriverError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DriverError';
  }
}

export class Driver {
  private readonly transport: AppTransport;

  constructor(private readonly sim: SimServices) {
    this.transport = new AppTransport(sim);
  }

  /** Release pooled connections (the simulator's close() calls this). */
  close(): void {
    this.transport.close();
  }

  private async deliver(
    kind: Delivery['kind'],
    app: App,
    configuredUrl: string | null,
    rawBody: string,
    contentType: string,
    options: DeliveryOptions,
  ): Promise<DeliveryResult> {
    try {
      return await this.transport.send(kind, app, configuredUrl, rawBody, contentType, options);
    } catch (err) {
      if (err instanceof NoRequestUrlError) throw new DriverError(err.message);
      throw err;
    }
  }

  // ---- slash commands --------------------------------------------------------------------------

  async slashCommand(input: SlashCommandInput, options: DeliveryOptions = {}): Promise<SlashCommandResult> {
    const { store } = this.sim;
    const user = store.user(input.user);
    const channel = this.channel(input.channel, user.teamId);
    this.mayAct(user, channel);
    const app = this.app(input.appId);
    const installation = this.installed(app, channel.teamId, options);
    const team = store.team(channel.teamId);
    const enterprise = team.enterpriseId ? store.enterprise(team.enterpriseId) : null;
    const responseUrl = createResponseUrl(this.sim, {
      kind: 'commands',
      appId: app.id,
      teamId: team.id,
      channelId: channel.id,
      userId: user.id,
    });
    const triggerId = this.triggerId(team.id);
    const command = input.command.startsWith('/') ? input.command : `/${input.command}`;
    // Field order as Slack sends them.
    const payload: Record<string, string> = {
      token: app.verificationToken,
      team_id: team.id,
      team_domain: team.domain,
      ...(enterprise ? { enterprise_id: enterprise.id, enterprise_name: enterprise.name } : {}),
      channel_id: channel.id,
      // Slack's fixed name for DMs in command payloads.
      channel_name: channel.isIm ? 'directmessage' : channel.name,
      user_id: user.id,
      user_name: user.name,
      command,
      text: input.text ?? '',
      api_app_id: app.id,
      is_enterprise_install: String(installation.isEnterpriseInstall),
      response_url: responseUrl.url,
      trigger_id: triggerId,
    };
    const body = new URLSearchParams(payload).toString();
    const result = await this.deliver(
      'slash_command',
      app,
      app.commandsUrl ?? app.requestUrl,
      body,
      'application/x-www-form-urlencoded',
      options,
    );
    this.showAckBody(responseUrl, result);
    return { ...result, responseUrl: responseUrl.url, triggerId, payload };
  }

  /** Slack shows a slash command's synchronous answer to the user (ephemeral unless in_channel). */
  private showAckBody(r: ResponseUrl, result: DeliveryResult): void {
    if (result.status !== 200 || result.body.trim() === '') return;
    const body =
      result.json !== null && typeof result.json === 'object' && !Array.isArray(result.json)
        ? (result.json as Record<string, unknown>)
        : { text: result.body };
    if (body.text === undefined && body.blocks === undefined && body.attachments === undefined) return;
    applyResponse(this.sim, r, body, 'command_ack');
  }

  // ---- interactivity ----------------------------------------------------------------------------

  async clickButton(input: ClickInput, options: DeliveryOptions = {}): Promise<ClickResult> {
    const { store } = this.sim;
    const user = store.user(input.user);
    const channel = this.channel(input.channel, user.teamId);
    this.mayAct(user, channel);
    const posted = store.findMessage(channel.id, input.ts);
    const message: Message | Ephemeral | undefined = posted ?? store.findEphemeral(input.ts);
    if (!message || message.channel !== channel.id || message.deleted)
      throw new DriverError(`no message ${input.ts} in ${channel.id}`);
    const isEphemeral = posted === undefined;
    if (isEphemeral && message.user !== user.id)
      throw new DriverError(`ephemeral ${input.ts} is only visible to ${message.user}`);
    if (!message.appId) throw new DriverError(`message ${input.ts} was not posted by an app`);
    const app = store.app(message.appId);
    const installation = this.installed(app, channel.teamId, options);

    const candidates = buttonsOf(message).filter(
      ({ block, element }) =>
        (input.actionId === undefined || element.action_id === input.actionId) &&
        (input.value === undefined || element.value === input.value) &&
        (input.blockId === undefined || block.block_id === input.blockId),
    );
    const hit = candidates[0];
    if (!hit) {
      const all = buttonsOf(message).map(
        ({ block, element }) =>
          `${String(block.block_id)}/${String(element.action_id)}=${String(element.value)}`,
      );
      throw new DriverError(`no such button on ${input.ts}; buttons: ${all.join(', ') || '(none)'}`);
    }

    const team = store.team(channel.teamId);
    const enterprise = team.enterpriseId ? store.enterprise(team.enterpriseId) : null;
    const responseUrl = createResponseUrl(this.sim, {
      kind: 'actions',
      appId: app.id,
      teamId: team.id,
      channelId: channel.id,
      userId: user.id,
      original: { kind: isEphemeral ? 'ephemeral' : 'message', channel: channel.id, ts: message.ts },
    });
    const triggerId = this.triggerId(team.id);
    const action: Record<string, unknown> = {
      action_id: hit.element.action_id,
      block_id: hit.block.block_id,
      text: hit.element.text,
      ...(hit.element.value !== undefined ? { value: hit.element.value } : {}),
      ...(hit.element.style !== undefined ? { style: hit.element.style } : {}),
      type: 'button',
      action_ts: this.sim.ids.messageTs(this.sim.clock.now()),
    };
    const payload: Record<string, unknown> = {
      type: 'block_actions',
      user: { id: user.id, username: user.name, name: user.name, team_id: user.teamId },
      api_app_id: app.id,
      token: app.verificationToken,
      // A button inside an attachment's blocks reports the attachment as its container.
      container:
        hit.attachmentId === null
          ? { type: 'message', message_ts: message.ts, channel_id: channel.id, is_ephemeral: isEphemeral }
          : {
              type: 'message_attachment',
              message_ts: message.ts,
              attachment_id: hit.attachmentId,
              channel_id: channel.id,
              is_ephemeral: isEphemeral,
              is_app_unfurl: false,
            },
      trigger_id: triggerId,
      team: {
        id: team.id,
        domain: team.domain,
        ...(enterprise ? { enterprise_id: enterprise.id, enterprise_name: enterprise.name } : {}),
      },
      enterprise: enterprise ? { id: enterprise.id, name: enterprise.name } : null,
      is_enterprise_install: installation.isEnterpriseInstall,
      channel: { id: channel.id, name: channel.isIm ? 'directmessage' : channel.name },
      // Slack does not include the message for ephemeral containers.
      ...(isEphemeral ? {} : { message: renderMessage(store, message) }),
      state: { values: {} },
      response_url: responseUrl.url,
      actions: [action],
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const result = await this.deliver(
      'block_actions',
      app,
      app.interactivityUrl ?? app.requestUrl,
      body,
      'application/x-www-form-urlencoded',
      options,
    );
    return { ...result, responseUrl: responseUrl.url, triggerId, payload };
  }

  // ---- Events API -------------------------------------------------------------------------------

  /** Deliver an `event_callback` envelope around `event`. */
  async event(input: EventInput, options: DeliveryOptions = {}): Promise<EventResult> {
    const { store } = this.sim;
    const app = this.app(input.appId);
    const team = store.team(input.teamId);
    const inst = [...store.installations.values()].find(
      (i) =>
        i.appId === app.id &&
        (i.teamId === team.id || (i.isEnterpriseInstall && i.enterpriseId === team.enterpriseId)),
    );
    return this.sendEvent(app, team.id, inst ?? null, input.event, options);
  }

  /** Slack's check of a new Events request URL: the app must echo `challenge`. */
  async urlVerification(
    appId?: string,
    options: DeliveryOptions = {},
  ): Promise<EventResult & { challenge: string }> {
    const app = this.app(appId);
    const challenge = this.sim.ids.secret('challenge', 40);
    const payload = { token: app.verificationToken, challenge, type: 'url_verification' };
    const result = await this.deliver(
      'event',
      app,
      app.eventsUrl ?? app.requestUrl,
      JSON.stringify(payload),
      'application/json',
      options,
    );
    return { ...result, payload, challenge, attempts: [result] };
  }

  async appUninstalled(
    appId: string | undefined,
    teamId: string,
    options: DeliveryOptions = {},
  ): Promise<EventResult> {
    return this.event({ appId, teamId, event: { type: 'app_uninstalled' } }, options);
  }

  async tokensRevoked(
    appId: string | undefined,
    teamId: string,
    tokens: { oauth?: string[]; bot?: string[] },
    options: DeliveryOptions = {},
  ): Promise<EventResult> {
    return this.event(
      {
        appId,
        teamId,
        event: { type: 'tokens_revoked', tokens: { oauth: tokens.oauth ?? [], bot: tokens.bot ?? [] } },
      },
      options,
    );
  }

  /** Slack's periodic certificate check of a command URL: `ssl_check=1&token=…`, signed. */
  async sslCheck(appId?: string, options: DeliveryOptions = {}): Promise<DeliveryResult> {
    const app = this.app(appId);
    const body = new URLSearchParams({ ssl_check: '1', token: app.verificationToken }).toString();
    return this.deliver(
      'raw',
      app,
      app.commandsUrl ?? app.requestUrl,
      body,
      'application/x-www-form-urlencoded',
      options,
    );
  }

  /** Send any body to the app, signed per `options` (for malformed-request tests). */
  async raw(
    input: { appId?: string; body: string; contentType?: string; url?: string },
    options: DeliveryOptions = {},
  ): Promise<DeliveryResult> {
    const app = this.app(input.appId);
    return this.deliver(
      'raw',
      app,
      input.url ?? app.requestUrl,
      input.body,
      input.contentType ?? 'application/x-www-form-urlencoded',
      options,
    );
  }

  /** Called by the simulator after auth.revoke / uninstall: tell the app, in Slack's order. */
  async notifyRevoked(installation: Installation, tokens: Token[], uninstalled: boolean): Promise<void> {
    const app = this.sim.store.apps.get(installation.appId);
    if (!app || !(app.eventsUrl ?? app.requestUrl)) return;
    const teamId =
      installation.teamId ?? this.sim.store.teamsOfEnterprise(installation.enterpriseId ?? '')[0]?.id;
    if (!teamId) return;
    if (tokens.length > 0) {
      const tokenUsers = {
        oauth: [...new Set(tokens.filter((t) => t.kind === 'user').map((t) => t.userId))],
        bot: [...new Set(tokens.filter((t) => t.kind === 'bot').map((t) => t.userId))],
      };
      await this.sendEvent(
        app,
        teamId,
        installation,
        { type: 'tokens_revoked', tokens: tokenUsers },
        { slackRetries: true },
      );
    }
    if (uninstalled)
      await this.sendEvent(app, teamId, installation, { type: 'app_uninstalled' }, { slackRetries: true });
  }

  private async sendEvent(
    app: App,
    teamId: string,
    inst: Installation | null,
    event: Record<string, unknown>,
    options: DeliveryOptions,
  ): Promise<EventResult> {
    const team = this.sim.store.team(teamId);
    const now = this.sim.clock.now();
    const eventTs = this.sim.ids.messageTs(now);
    const payload: Record<string, unknown> = {
      token: app.verificationToken,
      team_id: team.id,
      ...(team.enterpriseId ? { enterprise_id: team.enterpriseId } : {}),
      api_app_id: app.id,
      event: { ...event, event_ts: event.event_ts ?? eventTs },
      type: 'event_callback',
      event_id: `Ev${1000 + this.sim.ids.sequence('event')}${this.sim.ids.secret('event', 6).toUpperCase()}`,
      event_time: Math.floor(now / 1000),
      authorizations: [
        {
          enterprise_id: team.enterpriseId,
          team_id: inst?.isEnterpriseInstall ? null : team.id,
          user_id: inst?.botUserId ?? null,
          is_bot: true,
          is_enterprise_install: inst?.isEnterpriseInstall ?? false,
        },
      ],
      is_ext_shared_channel: false,
    };
    const url = app.eventsUrl ?? app.requestUrl;
    const body = JSON.stringify(payload);
    let result = await this.deliver('event', app, url, body, 'application/json', options);
    const attempts = [result];
    // Slack redelivers a failed event up to 3 times (after ~0 s, 1 min, 5 min; here at once), with the
    // same event_id, unless the app said X-Slack-No-Retry: 1.
    if (options.slackRetries) {
      for (let retry = 1; retry <= 3 && !delivered(result); retry++) {
        if (result.headers['x-slack-no-retry'] === '1') break;
        const reason = result.timedOut || result.status === null ? 'http_timeout' : 'http_error';
        result = await this.deliver('event', app, url, body, 'application/json', {
          ...options,
          retryNum: retry,
          retryReason: reason,
        });
        attempts.push(result);
      }
    }
    return { ...result, payload, attempts };
  }

  // ---- plumbing ----------------------------------------------------------------------------------

  private app(appId: string | undefined): App {
    if (appId) return this.sim.store.app(appId);
    const apps = [...this.sim.store.apps.values()];
    if (apps.length !== 1) throw new DriverError(`say which app (appId): there are ${apps.length}`);
    return apps[0]!;
  }

  /** What Slack's client would not let a person do at all. */
  private mayAct(user: User, channel: Channel): void {
    if (user.deleted) throw new DriverError(`${user.id} is deactivated and cannot use Slack`);
    if (channel.isArchived)
      throw new DriverError(`${channel.id} is archived: nobody can type or click there`);
    if (channel.isPrivate && !channel.members.includes(user.id)) {
      throw new DriverError(
        `${user.id} is not in private channel ${channel.id}: Slack would not show it to them`,
      );
    }
  }

  private channel(ref: string, teamId: string): Channel {
    const c = this.sim.store.findChannel(ref, [teamId]);
    if (!c) throw new DriverError(`no channel ${ref}`);
    return c;
  }

  /** Slack only routes commands and clicks to apps installed in the workspace. */
  private installed(
    app: App,
    teamId: string,
    options: DeliveryOptions,
  ): Pick<Installation, 'isEnterpriseInstall'> {
    const inst = this.sim.store.installationFor(app.id, teamId);
    if (inst) return inst;
    if (options.evenIfUninstalled) {
      // Describe it as the last installation did, if there was one.
      const team = this.sim.store.team(teamId);
      const past = [...this.sim.store.installations.values()].find(
        (i) =>
          i.appId === app.id &&
          (i.teamId === teamId || (i.isEnterpriseInstall && i.enterpriseId === team.enterpriseId)),
      );
      return { isEnterpriseInstall: past?.isEnterpriseInstall ?? false };
    }
    throw new DriverError(
      `app ${app.id} is not installed in ${teamId}: Slack would not deliver this (evenIfUninstalled overrides)`,
    );
  }

  private triggerId(teamId: string): string {
    return `${1000 + this.sim.ids.sequence('trigger')}.${teamId.replace(/\D/g, '') || '0'}.${this.sim.ids.secret('trigger', 32)}`;
  }
}
