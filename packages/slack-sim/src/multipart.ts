// multipart/form-data, as curl --form and fetch's FormData send it: Slack takes it for Web API
// arguments and for file uploads. Small and strict: parts need a Content-Disposition name.

export interface FormPart {
  name: string;
  /** Set for file parts. */
  filename: string | null;
  contentType: string | null;
  data: Buffer;
}

/** The boundary of a multipart content type, or null when it is not multipart/form-data. */
export function multipartBoundary(contentType: string | undefined): string | null {
  const [type = '', ...params] = (contentType ?? '').split(';').map((p) => p.trim());
  if (type.toLowerCase() !== 'multipart/form-data') return null;
  for (const p of params) {
    const m = /^boundary="?([^"]+)"?$/i.exec(p);
    if (m) return m[1]!;
  }
  return null;
}

/** The parts of a body; throws on a body that is not well-formed. */
export function parseMultipart(body: Buffer, boundary: string): FormPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new Error('multipart body without its boundary');
  for (;;) {
    pos += delimiter.length;
    // "--" after a delimiter ends the body.
    if (body.subarray(pos, pos + 2).toString() === '--') return parts;
    if (body.subarray(pos, pos + 2).toString() !== '\r\n') throw new Error('malformed multipart delimiter');
    pos += 2;
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0) throw new Error('multipart part without headers');
    const headers = body.subarray(pos, headerEnd).toString('utf8').split('\r\n');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
    if (next < 0) throw new Error('multipart part without an end');
    parts.push(part(headers, body.subarray(headerEnd + 4, next)));
    pos = next + 2;
  }
}

function part(headers: string[], data: Buffer): FormPart {
  let name: string | null = null;
  let filename: string | null = null;
  let contentType: string | null = null;
  for (const h of headers) {
    const colon = h.indexOf(':');
    const key = h.slice(0, colon).trim().toLowerCase();
    const value = h.slice(colon + 1).trim();
    if (key === 'content-type') contentType = value;
    if (key === 'content-disposition') {
      name = /\bname="([^"]*)"/i.exec(value)?.[1] ?? null;
      filename = /\bfilename="([^"]*)"/i.exec(value)?.[1] ?? null;
    }
  }
  if (name === null) throw new Error('multipart part without a name');
  return { name, filename, contentType, data };
}
