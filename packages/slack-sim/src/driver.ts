import { AppTransport, NoRequestUrlError, delivered } from './app-transport.js';
import { buttonsOf } from './blocks.js';
import { enterprisePart, interactionBase, orgContext, teamPart, userPart } from './interaction-payloads.js';
import { applyResponse, createResponseUrl } from './response-url.js';
import { postMessage } from './messages.js';
import { issueTrigger } from './triggers.js';
import { linkShares, linkSharedEvent, unfurlButtons } from './unfurls.js';
import { submissionState } from './view-state.js';
import { applySubmissionResponse } from './view-submission.js';
import { clearModals, homeView, popModal, renderView, topModal, viewElements } from './views.js';
import { renderMessage } from './web-api/render.js';
import type { DeliveryOptions, DeliveryResult } from './app-transport.js';
import type { Actor } from './interaction-payloads.js';
import type { SimServices } from './services.js';
import type {
  App,
  Channel,
  Delivery,
  Ephemeral,
  Installation,
  Message,
  ResponseUrl,
  SimView,
  Token,
  User,
} from './types.js';
import type { EnteredValues } from './view-state.js';
import type { SubmissionOutcome } from './view-submission.js';

export type { DeliveryOptions, DeliveryResult } from './app-transport.js';

// The driver plays Slack's side towards an app: it sends what Slack sends when a person runs a
// slash command, clicks a button, uses a shortcut, types into a select, submits or closes a modal,
// opens the App Home, or when something happens that the app subscribed to — signed with the app's
// signing secret (or as envelopes over Socket Mode) — and reports how the app answered.

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

export interface PostMessageInput {
  /** The person posting. */
  user: string;
  /** Channel id (or `#name` within the user's workspace). */
  channel: string;
  text: string;
  /** Reply in this thread. */
  threadTs?: string;
}

export interface PostMessageResult {
  message: Message;
  /** One `link_shared` delivery per app whose unfurl domains the text links to. */
  linkShared: EventResult[];
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

/** A view of the person: `viewId`, or by default their top modal (of `appId`, if given). */
export interface ViewTarget {
  appId?: string;
  user: string;
  viewId?: string;
}

export interface ViewClickInput extends ViewTarget {
  actionId?: string;
  value?: string;
  blockId?: string;
}

export interface ViewClickResult extends DeliveryResult {
  triggerId: string;
  payload: Record<string, unknown>;
}

export interface ShortcutInput {
  appId?: string;
  user: string;
  /** The global shortcut's callback_id (as set in the app's configuration). */
  callbackId: string;
}

export interface ShortcutResult extends DeliveryResult {
  triggerId: string;
  payload: Record<string, unknown>;
}

export interface AppHomeInput {
  appId?: string;
  user: string;
  tab?: 'home' | 'messages';
}

export interface BlockSuggestionInput extends ViewTarget {
  /** The external_select (or multi_external_select) typed into. */
  actionId: string;
  blockId?: string;
  /** What the person typed. */
  value: string;
}

export interface BlockSuggestionResult extends DeliveryResult {
  payload: Record<string, unknown>;
  /** The `options` the app answered with, or null. */
  options: Record<string, unknown>[] | null;
  optionGroups: Record<string, unknown>[] | null;
}

export interface SubmitViewInput extends ViewTarget {
  /** What the person entered: `{ [block_id]: { [action_id]: value } }` (see view-state.ts). */
  values?: EnteredValues;
}

export interface SubmitViewResult extends DeliveryResult, SubmissionOutcome {
  payload: Record<string, unknown>;
  triggerId: string;
  /** The person's top modal afterwards (the same one after `errors`), or null when none is left. */
  view: SimView | null;
}

export interface CloseViewInput extends ViewTarget {
  /** Close the whole stack (the X) rather than the top view only (its close button). */
  all?: boolean;
}

export interface CloseViewResult {
  closed: SimView[];
  /** The view_closed delivery, when the view asked for it with notify_on_close. */
  delivery: DeliveryResult | null;
  payload: Record<string, unknown> | null;
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

/** One request to the app: its HTTP form, and the Socket Mode envelope that carries the same payload. */
export interface Outgoing {
  kind: Delivery['kind'];
  /** The URL configured for this kind of request. */
  url: string | null;
  body: string;
  contentType: string;
  envelope: {
    type: 'slash_commands' | 'interactive' | 'events_api';
    payload: unknown;
    /** Whether the ack may carry a response (commands, view submissions, options requests). */
    acceptsResponsePayload: boolean;
  };
}

function interactive(
  kind: Delivery['kind'],
  url: string | null,
  payload: unknown,
  acceptsResponsePayload = false,
): Outgoing {
  return {
    kind,
    url,
    body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
    contentType: 'application/x-www-form-urlencoded',
    envelope: { type: 'interactive', payload, acceptsResponsePayload },
  };
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

  /** To the app's request URL, or as an envelope over its Socket Mode connections when it uses them. */
  private async deliver(out: Outgoing, app: App, options: DeliveryOptions): Promise<DeliveryResult> {
    if (app.socketMode) {
      return this.sim.socketMode.deliver(app, out.kind, out.envelope, {
        timeoutMs: options.timeoutMs,
        retryAttempt: options.retryNum,
        // Socket Mode gives one reason for every redelivery.
        retryReason: options.retryNum !== undefined ? 'timeout' : undefined,
      });
    }
    try {
      return await this.transport.send(out.kind, app, out.url, out.body, out.contentType, options);
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
    const enterprise = enterprisePart(store, team.id);
    const responseUrl = createResponseUrl(this.sim, {
      kind: 'commands',
      appId: app.id,
      teamId: team.id,
      channelId: channel.id,
      userId: user.id,
    });
    const triggerId = issueTrigger(this.sim, { appId: app.id, teamId: team.id, userId: user.id }).id;
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
    const result = await this.deliver(
      {
        kind: 'slash_command',
        url: app.commandsUrl ?? app.requestUrl,
        body: new URLSearchParams(payload).toString(),
        contentType: 'application/x-www-form-urlencoded',
        envelope: { type: 'slash_commands', payload, acceptsResponsePayload: true },
      },
      app,
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

  // ---- people's messages ------------------------------------------------------------------------

  /**
   * A person posts a message. Links to an app's unfurl domains send that app `link_shared`
   * (retried as Slack retries events); the app answers with chat.unfurl.
   */
  async postMessage(input: PostMessageInput, options: DeliveryOptions = {}): Promise<PostMessageResult> {
    const user = this.person(input.user);
    const channel = this.channel(input.channel, user.teamId);
    this.mayAct(user, channel);
    if (!channel.members.includes(user.id))
      throw new DriverError(`${user.id} is not in ${channel.id}: Slack makes people join before posting`);
    const message = postMessage(
      this.sim,
      channel.id,
      { user: user.id, botId: null, appId: null },
      { text: input.text, blocks: null, attachments: null },
      'user',
      { threadTs: input.threadTs ?? null },
    );
    const linkShared: EventResult[] = [];
    for (const share of linkShares(this.sim, message)) {
      linkShared.push(
        await this.sendEvent(share.app, channel.teamId, share.installation, linkSharedEvent(message, share), {
          slackRetries: true,
          ...options,
        }),
      );
    }
    return { message, linkShared };
  }

  // ---- interactivity in messages ----------------------------------------------------------------

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
    // Buttons of the app's own message, and of previews apps unfurled into it (clicks go to the unfurler).
    const candidates = [
      ...(message.appId ? buttonsOf(message).map((b) => ({ ...b, appId: message.appId!, url: null })) : []),
      ...(posted ? unfurlButtons(posted) : []),
    ];
    if (candidates.length === 0 && !message.appId)
      throw new DriverError(`message ${input.ts} was not posted by an app`);
    const hit = this.button(candidates, input, input.ts);
    const app = store.app(hit.appId);
    const installation = this.installed(app, channel.teamId, options);

    const responseUrl = createResponseUrl(this.sim, {
      kind: 'actions',
      appId: app.id,
      teamId: channel.teamId,
      channelId: channel.id,
      userId: user.id,
      original: { kind: isEphemeral ? 'ephemeral' : 'message', channel: channel.id, ts: message.ts },
    });
    const triggerId = issueTrigger(this.sim, { appId: app.id, teamId: channel.teamId, userId: user.id }).id;
    const actor: Actor = {
      app,
      user,
      teamId: channel.teamId,
      isEnterpriseInstall: installation.isEnterpriseInstall,
    };
    const payload: Record<string, unknown> = {
      type: 'block_actions',
      user: userPart(user),
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
              is_app_unfurl: hit.url !== null,
              ...(hit.url !== null ? { app_unfurl_url: hit.url } : {}),
            },
      trigger_id: triggerId,
      team: teamPart(store, channel.teamId),
      enterprise: enterprisePart(store, channel.teamId),
      is_enterprise_install: actor.isEnterpriseInstall,
      channel: { id: channel.id, name: channel.isIm ? 'directmessage' : channel.name },
      // Slack does not include the message for ephemeral containers.
      ...(isEphemeral ? {} : { message: renderMessage(store, message) }),
      state: { values: {} },
      response_url: responseUrl.url,
      actions: [this.action(hit)],
    };
    const result = await this.deliver(
      interactive('block_actions', app.interactivityUrl ?? app.requestUrl, payload),
      app,
      options,
    );
    return { ...result, responseUrl: responseUrl.url, triggerId, payload };
  }

  /** The button a click means: by action_id, value and/or block_id; the first one otherwise. */
  private button<T extends { block: Record<string, unknown>; element: Record<string, unknown> }>(
    buttons: T[],
    input: { actionId?: string; value?: string; blockId?: string },
    where: string,
  ): T {
    const hit = buttons.find(
      ({ block, element }) =>
        (input.actionId === undefined || element.action_id === input.actionId) &&
        (input.value === undefined || element.value === input.value) &&
        (input.blockId === undefined || block.block_id === input.blockId),
    );
    if (hit) return hit;
    const all = buttons.map(
      ({ block, element }) =>
        `${String(block.block_id)}/${String(element.action_id)}=${String(element.value)}`,
    );
    throw new DriverError(`no such button on ${where}; buttons: ${all.join(', ') || '(none)'}`);
  }

  private action(hit: {
    block: Record<string, unknown>;
    element: Record<string, unknown>;
  }): Record<string, unknown> {
    return {
      action_id: hit.element.action_id,
      block_id: hit.block.block_id,
      text: hit.element.text,
      ...(hit.element.value !== undefined ? { value: hit.element.value } : {}),
      ...(hit.element.style !== undefined ? { style: hit.element.style } : {}),
      type: 'button',
      action_ts: this.sim.ids.messageTs(this.sim.clock.now()),
    };
  }

  // ---- shortcuts, App Home, views ---------------------------------------------------------------

  /** A global shortcut (the ⚡ menu): the app gets a trigger_id to open a modal with. */
  async shortcut(input: ShortcutInput, options: DeliveryOptions = {}): Promise<ShortcutResult> {
    const user = this.person(input.user);
    const app = this.app(input.appId);
    const installation = this.installed(app, user.teamId, options);
    const triggerId = issueTrigger(this.sim, { appId: app.id, teamId: user.teamId, userId: user.id }).id;
    const { store } = this.sim;
    const actor: Actor = {
      app,
      user,
      teamId: user.teamId,
      isEnterpriseInstall: installation.isEnterpriseInstall,
    };
    const payload: Record<string, unknown> = {
      type: 'shortcut',
      token: app.verificationToken,
      action_ts: this.sim.ids.messageTs(this.sim.clock.now()),
      team: teamPart(store, user.teamId),
      user: { id: user.id, username: user.name, team_id: user.teamId },
      ...orgContext(store, actor),
      callback_id: input.callbackId,
      trigger_id: triggerId,
    };
    const result = await this.deliver(
      interactive('shortcut', app.interactivityUrl ?? app.requestUrl, payload),
      app,
      options,
    );
    return { ...result, triggerId, payload };
  }

  /** The person opens the app's Home (or Messages) tab: `app_home_opened`, with their Home view if published. */
  async openAppHome(input: AppHomeInput, options: DeliveryOptions = {}): Promise<EventResult> {
    const user = this.person(input.user);
    const app = this.app(input.appId);
    const installation = this.sim.store.installationFor(app.id, user.teamId);
    if (!installation)
      throw new DriverError(`app ${app.id} is not installed in ${user.teamId}: it has no App Home there`);
    const dm = this.sim.store.directMessage(user.teamId, installation.botUserId, user.id);
    const tab = input.tab ?? 'home';
    const home = homeView(this.sim.store, app.id, user.id);
    const event: Record<string, unknown> = {
      type: 'app_home_opened',
      user: user.id,
      channel: dm.id,
      tab,
      ...(home && tab === 'home' ? { view: renderView(home) } : {}),
    };
    return this.sendEvent(app, user.teamId, installation, event, options);
  }

  /** A click on a button in a modal or a Home tab (`container.type: view`, no response_url). */
  async clickViewButton(input: ViewClickInput, options: DeliveryOptions = {}): Promise<ViewClickResult> {
    const user = this.person(input.user);
    const view = this.viewFor(input, user, ['modal', 'home']);
    const actor = this.viewActor(view, user, options);
    const buttons = viewElements(view)
      .filter((e) => e.element.type === 'button')
      .map((e) => ({ block: { block_id: e.blockId }, element: e.element }));
    const hit = this.button(buttons, input, `view ${view.id}`);
    const triggerId = issueTrigger(this.sim, {
      appId: view.appId,
      teamId: view.teamId,
      userId: user.id,
      viewId: view.type === 'modal' ? view.id : null,
    }).id;
    const { store } = this.sim;
    const payload: Record<string, unknown> = {
      type: 'block_actions',
      user: userPart(user),
      api_app_id: actor.app.id,
      token: actor.app.verificationToken,
      container: { type: 'view', view_id: view.id },
      trigger_id: triggerId,
      team: teamPart(store, view.teamId),
      enterprise: enterprisePart(store, view.teamId),
      is_enterprise_install: actor.isEnterpriseInstall,
      view: renderView(view),
      actions: [this.action(hit)],
    };
    const result = await this.deliver(
      interactive('block_actions', actor.app.interactivityUrl ?? actor.app.requestUrl, payload),
      actor.app,
      options,
    );
    return { ...result, triggerId, payload };
  }

  /**
   * The person types into an external select of a view: `block_suggestion` to the app's options
   * load URL; the app's answer (options or option_groups) comes back as the person would see it.
   */
  async blockSuggestion(
    input: BlockSuggestionInput,
    options: DeliveryOptions = {},
  ): Promise<BlockSuggestionResult> {
    const user = this.person(input.user);
    const view = this.viewFor(input, user, ['modal', 'home']);
    const actor = this.viewActor(view, user, options);
    const el = viewElements(view).find(
      (e) =>
        e.actionId === input.actionId &&
        (input.blockId === undefined || e.blockId === input.blockId) &&
        (e.element.type === 'external_select' || e.element.type === 'multi_external_select'),
    );
    if (!el) throw new DriverError(`view ${view.id} has no external select ${input.actionId}`);
    // Slack asks the app only once the person typed min_query_length characters (default 3).
    const minimum = typeof el.element.min_query_length === 'number' ? el.element.min_query_length : 3;
    if (input.value.length < minimum)
      throw new DriverError(
        `Slack sends block_suggestion after ${minimum} typed characters, not ${input.value.length}`,
      );
    const { store } = this.sim;
    const payload: Record<string, unknown> = {
      type: 'block_suggestion',
      user: userPart(user),
      container: { type: 'view', view_id: view.id },
      api_app_id: actor.app.id,
      token: actor.app.verificationToken,
      action_id: el.actionId,
      block_id: el.blockId,
      value: input.value,
      team: teamPart(store, view.teamId),
      ...orgContext(store, actor),
      view: renderView(view),
    };
    const result = await this.deliver(
      interactive('block_suggestion', actor.app.optionsLoadUrl ?? actor.app.requestUrl, payload, true),
      actor.app,
      options,
    );
    const answer =
      delivered(result) && result.json !== null && typeof result.json === 'object'
        ? (result.json as Record<string, unknown>)
        : {};
    return {
      ...result,
      payload,
      options: Array.isArray(answer.options) ? (answer.options as Record<string, unknown>[]) : null,
      optionGroups: Array.isArray(answer.option_groups)
        ? (answer.option_groups as Record<string, unknown>[])
        : null,
    };
  }

  /**
   * The person submits their top modal with `values`: `view_submission`, then what Slack does with
   * the app's answer (close, errors, update, push, clear).
   */
  async submitView(input: SubmitViewInput, options: DeliveryOptions = {}): Promise<SubmitViewResult> {
    const user = this.person(input.user);
    const view = this.viewFor(input, user, ['modal']);
    const actor = this.viewActor(view, user, options);
    try {
      view.state = submissionState(view, input.values ?? {});
    } catch (err) {
      throw new DriverError((err as Error).message);
    }
    const triggerId = issueTrigger(this.sim, {
      appId: view.appId,
      teamId: view.teamId,
      userId: user.id,
      viewId: view.id,
    }).id;
    const { store } = this.sim;
    const payload: Record<string, unknown> = {
      type: 'view_submission',
      ...interactionBase(store, actor),
      trigger_id: triggerId,
      view: renderView(view),
      response_urls: [],
      ...orgContext(store, actor),
    };
    const result = await this.deliver(
      interactive('view_submission', actor.app.interactivityUrl ?? actor.app.requestUrl, payload, true),
      actor.app,
      options,
    );
    const outcome = applySubmissionResponse(this.sim, view, result);
    return { ...result, ...outcome, payload, triggerId, view: topModal(store, user.id) ?? null };
  }

  /** The person closes their top modal (or, with `all`, every modal): `view_closed` if the view asked for it. */
  async closeView(input: CloseViewInput, options: DeliveryOptions = {}): Promise<CloseViewResult> {
    const user = this.person(input.user);
    const view = this.viewFor(input, user, ['modal']);
    const actor = this.viewActor(view, user, options);
    const { store } = this.sim;
    const closed = input.all ? clearModals(store, user.id) : [popModal(store, user.id)!];
    if (view.definition.notify_on_close !== true) return { closed, delivery: null, payload: null };
    const payload: Record<string, unknown> = {
      type: 'view_closed',
      ...interactionBase(store, actor),
      view: renderView(view),
      is_cleared: input.all === true,
      ...orgContext(store, actor),
    };
    const delivery = await this.deliver(
      interactive('view_closed', actor.app.interactivityUrl ?? actor.app.requestUrl, payload),
      actor.app,
      options,
    );
    return { closed, delivery, payload };
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
    const result = await this.transportOnly(
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
    return this.transportOnly(
      'raw',
      app,
      app.commandsUrl ?? app.requestUrl,
      body,
      'application/x-www-form-urlencoded',
      options,
    );
  }

  /** Send any body to the app over HTTP, signed per `options` (for malformed-request tests). */
  async raw(
    input: { appId?: string; body: string; contentType?: string; url?: string },
    options: DeliveryOptions = {},
  ): Promise<DeliveryResult> {
    const app = this.app(input.appId);
    return this.transportOnly(
      'raw',
      app,
      input.url ?? app.requestUrl,
      input.body,
      input.contentType ?? 'application/x-www-form-urlencoded',
      options,
    );
  }

  /** Requests that only exist over HTTP (URL checks, raw bodies). */
  private async transportOnly(
    kind: Delivery['kind'],
    app: App,
    url: string | null,
    body: string,
    contentType: string,
    options: DeliveryOptions,
  ): Promise<DeliveryResult> {
    try {
      return await this.transport.send(kind, app, url, body, contentType, options);
    } catch (err) {
      if (err instanceof NoRequestUrlError) throw new DriverError(err.message);
      throw err;
    }
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

  /** Deliver an event the simulator raises itself (e.g. link_shared), retried as Slack retries. */
  async sendEvent(
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
    const out: Outgoing = {
      kind: 'event',
      url: app.eventsUrl ?? app.requestUrl,
      body: JSON.stringify(payload),
      contentType: 'application/json',
      envelope: { type: 'events_api', payload, acceptsResponsePayload: false },
    };
    let result = await this.deliver(out, app, options);
    const attempts = [result];
    // Slack redelivers a failed event up to 3 times (after ~0 s, 1 min, 5 min; here at once), with the
    // same event_id, unless the app said X-Slack-No-Retry: 1. Over Socket Mode it always does.
    if (options.slackRetries ?? app.socketMode) {
      for (let retry = 1; retry <= 3 && !delivered(result); retry++) {
        if (result.headers['x-slack-no-retry'] === '1') break;
        const reason = result.timedOut || result.status === null ? 'http_timeout' : 'http_error';
        result = await this.deliver(out, app, { ...options, retryNum: retry, retryReason: reason });
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

  /** A person who can use Slack at all. */
  private person(userId: string): User {
    const user = this.sim.store.user(userId);
    if (user.deleted) throw new DriverError(`${user.id} is deactivated and cannot use Slack`);
    return user;
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

  /**
   * The view a person acts on: the given one if it is on their screen (a Home tab, or their top
   * modal — modals below it cannot be reached), else their top modal.
   */
  private viewFor(target: ViewTarget, user: User, types: SimView['type'][]): SimView {
    const { store } = this.sim;
    const top = topModal(store, user.id);
    let view: SimView | undefined;
    if (target.viewId) {
      view = store.views.get(target.viewId);
      if (!view || view.userId !== user.id) throw new DriverError(`${user.id} has no view ${target.viewId}`);
      if (view.type === 'modal' && view !== top)
        throw new DriverError(`view ${view.id} is not the modal on ${user.id}'s screen`);
    } else {
      view = top && (!target.appId || top.appId === target.appId) ? top : undefined;
      if (!view) throw new DriverError(`${user.id} has no modal open`);
    }
    if (!types.includes(view.type))
      throw new DriverError(`view ${view.id} is a ${view.type}, not a ${types.join(' or ')}`);
    return view;
  }

  private viewActor(view: SimView, user: User, options: DeliveryOptions): Actor {
    const app = this.sim.store.app(view.appId);
    const installation = this.installed(app, view.teamId, options);
    return { app, user, teamId: view.teamId, isEnterpriseInstall: installation.isEnterpriseInstall };
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
}
