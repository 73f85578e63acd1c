import { requireAuth, requireScope } from './context.js';
import { SlackApiError, invalidArguments } from './errors.js';
import { visibleChannel } from './conversations.js';
import { blocksParam, jsonParam, optionalString, threadTsParam } from './params.js';
import { reserveUpload, uploadUrl } from '../files.js';
import { postMessage } from '../messages.js';
import type { ApiContext, CallAuth } from './context.js';
import type { MethodSpec } from './method.js';
import type { Channel, SimFile } from '../types.js';

// files.getUploadURLExternal + files.completeUploadExternal, and the retired files.upload.
// https://docs.slack.dev/reference/methods/files.completeUploadExternal

const MAX_ALT_TEXT = 1000;
const MAX_SHARE_CHANNELS = 100;

function lengthParam(ctx: ApiContext): number {
  const raw = optionalString(ctx.params, 'length');
  if (raw === undefined) throw invalidArguments('missing required field: length');
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw invalidArguments('length must be an integer');
  // Slack's documented case for this error: a length of 0.
  if (n === 0) throw new SlackApiError('missing_argument');
  return n;
}

interface FileRef {
  id: string;
  title?: string;
}

function filesParam(ctx: ApiContext): FileRef[] {
  const malformed = () => invalidArguments('files must be a JSON array of {"id", "title"}');
  const v = jsonParam(ctx.params, 'files', malformed);
  if (v === undefined) throw invalidArguments('missing required field: files');
  if (
    !Array.isArray(v) ||
    v.length === 0 ||
    v.some((f) => !f || typeof f !== 'object' || typeof (f as FileRef).id !== 'string')
  )
    throw malformed();
  return (v as FileRef[]).map((f) => ({
    id: f.id,
    ...(typeof f.title === 'string' ? { title: f.title } : {}),
  }));
}

/** Where a file goes: conversations the bot is in (user ids mean the app's DM with them). */
function shareTargets(ctx: ApiContext, auth: CallAuth): Channel[] {
  const single = optionalString(ctx.params, 'channel_id');
  const list = optionalString(ctx.params, 'channels');
  const refs = single
    ? [single]
    : (list
        ?.split(',')
        .map((c) => c.trim())
        .filter(Boolean) ?? []);
  if (refs.length > MAX_SHARE_CHANNELS) throw new SlackApiError('channels_limit_exceeded');
  return refs.map((ref) => {
    let channel: Channel;
    try {
      channel = visibleChannel(ctx.sim.store, auth, ref, { openDm: true });
    } catch (err) {
      // A bad id in the `channels` list is invalid_channel; the single channel_id says channel_not_found.
      if (err instanceof SlackApiError && !single) throw new SlackApiError('invalid_channel');
      throw err;
    }
    if (channel.isArchived) throw new SlackApiError('invalid_channel');
    if (!channel.members.includes(auth.installation.botUserId) && !channel.isIm)
      throw new SlackApiError('not_in_channel');
    return channel;
  });
}

export const fileMethods: Record<string, MethodSpec> = {
  'files.getUploadURLExternal': {
    auth: true,
    handler(ctx) {
      const auth = requireAuth(ctx);
      requireScope(ctx, ['files:write']);
      const filename = optionalString(ctx.params, 'filename');
      if (filename === undefined) throw invalidArguments('missing required field: filename');
      const length = lengthParam(ctx);
      const altText = optionalString(ctx.params, 'alt_txt') ?? optionalString(ctx.params, 'alt_text') ?? null;
      if (altText !== null && altText.length > MAX_ALT_TEXT) throw new SlackApiError('alt_txt_too_large');
      const file = reserveUpload(ctx.sim, {
        teamId: auth.teamId ?? auth.teamIds[0]!,
        appId: auth.token.kind === 'bot' ? auth.app.id : null,
        userId: auth.actor.id,
        filename,
        length,
        snippetType: optionalString(ctx.params, 'snippet_type') ?? null,
        altText,
      });
      return { upload_url: uploadUrl(ctx.sim, file), file_id: file.id };
    },
  },
  'files.completeUploadExternal': {
    auth: true,
    handler(ctx) {
      const auth = requireAuth(ctx);
      requireScope(ctx, ['files:write']);
      const { store } = ctx.sim;
      const refs = filesParam(ctx);
      const files: SimFile[] = refs.map((ref) => {
        const file = store.files.get(ref.id);
        // Uploads that were never POSTed, or already completed, have no ticket left to finish.
        if (!file || !file.uploaded || file.completed || !auth.teamIds.includes(file.teamId))
          throw new SlackApiError('file_not_found');
        if (file.userId !== auth.actor.id) throw new SlackApiError('access_denied');
        return file;
      });
      const targets = shareTargets(ctx, auth);
      const threadTs = threadTsParam(ctx.params);
      if (threadTs && targets.length > 1) throw invalidArguments('thread_ts needs exactly one channel');
      const comment = optionalString(ctx.params, 'initial_comment');
      // With an initial_comment Slack ignores blocks.
      const blocks = comment === undefined ? blocksParam(ctx.params) : undefined;

      for (const [i, file] of files.entries()) {
        if (refs[i]!.title !== undefined) file.title = refs[i]!.title!;
        file.completed = true;
      }
      const author = {
        user: auth.installation.botUserId,
        botId: auth.installation.botId,
        appId: auth.app.id,
      };
      if (auth.token.kind === 'user')
        Object.assign(author, { user: auth.actor.id, botId: null, appId: null });
      for (const channel of targets) {
        const m = postMessage(
          ctx.sim,
          channel.id,
          author,
          { text: comment ?? '', blocks: blocks ?? null, attachments: null },
          'files.completeUploadExternal',
          { threadTs: threadTs ?? null, files: files.map((f) => f.id) },
        );
        for (const f of files) f.shares.push({ channel: channel.id, ts: m.ts });
      }
      return { files: files.map((f) => ({ id: f.id, title: f.title })) };
    },
  },
  'files.upload': {
    auth: true,
    handler() {
      // Retired on 2025-11-12 in favour of the external upload pair.
      throw new SlackApiError('method_deprecated');
    },
  },
};
