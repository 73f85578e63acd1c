import { extname } from 'node:path';
import { multipartBoundary, parseMultipart } from './multipart.js';
import { authenticate } from './web-api/context.js';
import type { SimServices } from './services.js';
import type { SimFile } from './types.js';

// Slack's external file upload: files.getUploadURLExternal reserves a file and hands out an upload
// URL; the app POSTs the bytes there (raw, or as a multipart form); files.completeUploadExternal
// finishes it and shares it. files.upload, the one-call way, is retired.
// https://docs.slack.dev/reference/methods/files.getUploadURLExternal

export interface ReserveInput {
  teamId: string;
  appId: string | null;
  userId: string;
  filename: string;
  length: number;
  snippetType: string | null;
  altText: string | null;
}

export function reserveUpload(sim: SimServices, input: ReserveInput): SimFile {
  const id = sim.ids.next('F');
  const file: SimFile = {
    id,
    teamId: input.teamId,
    appId: input.appId,
    userId: input.userId,
    filename: input.filename,
    title: input.filename,
    declaredLength: input.length,
    size: 0,
    snippetType: input.snippetType,
    altText: input.altText,
    uploadTicket: sim.ids.secret('upload', 32),
    urlPrivate: `${sim.baseUrl()}/files-pri/${input.teamId}-${id}/${encodeURIComponent(input.filename)}`,
    created: sim.clock.nowSeconds(),
    uploaded: false,
    completed: false,
    shares: [],
  };
  sim.store.files.set(file.id, file);
  return file;
}

export function uploadUrl(sim: SimServices, file: SimFile): string {
  return `${sim.baseUrl()}/upload/v1/${file.uploadTicket}`;
}

/**
 * `POST /upload/v1/<ticket>`: keep the bytes. Slack answers 200 when the upload worked and anything
 * else when not; each URL takes one upload, before the file is completed.
 */
export function receiveUpload(
  sim: SimServices,
  ticket: string,
  contentType: string | undefined,
  body: Buffer,
): { status: number; body: string } {
  const file = [...sim.store.files.values()].find((f) => f.uploadTicket === ticket);
  if (!file || file.uploaded || file.completed) return { status: 404, body: 'Not Found' };
  let content = body;
  const boundary = multipartBoundary(contentType);
  if (boundary) {
    try {
      const parts = parseMultipart(body, boundary);
      // The file part (curl -F file=@x, FormData with a Blob); else the only part there is.
      const chosen = parts.find((p) => p.filename !== null) ?? parts[0];
      if (!chosen) return { status: 400, body: 'no file in the form' };
      content = chosen.data;
    } catch (err) {
      return { status: 400, body: (err as Error).message };
    }
  }
  sim.store.fileContents.set(file.id, Buffer.from(content));
  file.size = content.length;
  file.uploaded = true;
  return { status: 200, body: `OK - ${content.length}` };
}

const TYPES: Record<string, [mimetype: string, filetype: string, pretty: string]> = {
  '.txt': ['text/plain', 'text', 'Plain Text'],
  '.log': ['text/plain', 'text', 'Plain Text'],
  '.md': ['text/plain', 'markdown', 'Markdown (raw)'],
  '.json': ['application/json', 'json', 'JSON'],
  '.csv': ['text/csv', 'csv', 'CSV'],
  '.diff': ['text/plain', 'diff', 'Diff'],
  '.html': ['text/html', 'html', 'HTML'],
  '.png': ['image/png', 'png', 'PNG'],
  '.jpg': ['image/jpeg', 'jpg', 'JPEG'],
  '.gif': ['image/gif', 'gif', 'GIF'],
  '.pdf': ['application/pdf', 'pdf', 'PDF'],
  '.zip': ['application/zip', 'zip', 'Zip'],
  '.gz': ['application/gzip', 'gzip', 'GZip'],
};

/** Slack's type fields, guessed from the name as Slack does (a snippet_type wins). */
export function fileType(file: SimFile): { mimetype: string; filetype: string; pretty_type: string } {
  const [mimetype, filetype, pretty_type] = TYPES[extname(file.filename).toLowerCase()] ?? [
    'application/octet-stream',
    'binary',
    'Binary',
  ];
  return file.snippetType
    ? { mimetype: 'text/plain', filetype: file.snippetType, pretty_type: file.snippetType }
    : { mimetype, filetype, pretty_type };
}

/**
 * `GET /files-pri/<team>-<id>/<name>` (a file's url_private): the bytes, for a token of the file's
 * workspace with files:read — as Slack serves them to apps.
 */
export function serveFile(
  sim: SimServices,
  path: string,
  authorization: string | undefined,
): { status: number; headers: Record<string, string>; body: Buffer | string } {
  const m = /^\/files-pri\/([A-Z0-9]+)-(F[A-Z0-9]+)\//.exec(path);
  const file = m ? sim.store.files.get(m[2]!) : undefined;
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? null;
  let allowed = false;
  try {
    const auth = authenticate(sim, bearer, {});
    allowed = !!file && auth.teamIds.includes(file.teamId) && auth.token.scopes.includes('files:read');
  } catch {
    allowed = false;
  }
  if (!file || !allowed || !file.completed) {
    // Slack answers unauthorised file downloads with its sign-in page rather than an error status.
    return {
      status: 200,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: '<!doctype html><title>Slack</title><p>Sign in to Slack</p>',
    };
  }
  return {
    status: 200,
    headers: { 'content-type': fileType(file).mimetype },
    body: sim.store.fileContents.get(file.id) ?? Buffer.alloc(0),
  };
}
