// A user's browser for the OAuth dance: follows redirects (app → Slack authorize → app callback)
// and carries cookies between them, because @slack/oauth checks its state cookie at the callback.
// fetch alone does neither across hosts, so flow tests and the demo use this.

export interface BrowseResult {
  status: number;
  /** The URL of the final page. */
  url: string;
  body: string;
  headers: Record<string, string>;
  /** Every URL visited, in order. */
  hops: string[];
}

/** Cookies by origin; pass the same jar to several browse() calls to stay in one browser session. */
export type CookieJar = Map<string, Map<string, string>>;

export async function browse(
  startUrl: string,
  options: { headers?: Record<string, string>; maxRedirects?: number; jar?: CookieJar } = {},
): Promise<BrowseResult> {
  const jar: CookieJar = options.jar ?? new Map();
  let url = startUrl;
  const hops: string[] = [];
  for (let i = 0; i <= (options.maxRedirects ?? 10); i++) {
    hops.push(url);
    const origin = new URL(url).origin;
    const cookies = jar.get(origin);
    const cookie = cookies ? [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') : '';
    const res = await fetch(url, {
      redirect: 'manual',
      // Headers given by the caller (e.g. an admin session for /slack/install) go to the first hop only.
      headers: { ...(i === 0 ? options.headers : {}), ...(cookie ? { cookie } : {}) },
    });
    for (const set of res.headers.getSetCookie()) {
      const [pair] = set.split(';');
      const eq = pair!.indexOf('=');
      if (eq <= 0) continue;
      const m = jar.get(origin) ?? new Map<string, string>();
      m.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
      jar.set(origin, m);
    }
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      url = new URL(location, url).toString();
      continue;
    }
    return {
      status: res.status,
      url,
      body: await res.text(),
      headers: Object.fromEntries(res.headers.entries()),
      hops,
    };
  }
  throw new Error(`browse: more than ${options.maxRedirects ?? 10} redirects from ${startUrl}`);
}
