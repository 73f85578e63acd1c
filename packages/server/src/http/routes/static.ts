// Serves the built web UI (packages/web/dist) at `/`. Client-side routes get index.html; unknown paths elsewhere
// (and under /api) keep the API's JSON 404.
import { existsSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Top-level paths of the SPA's routes (packages/web/src/App.tsx). */
const SPA_ROUTES = [
  '/',
  '/sign-in',
  '/stacks',
  '/stacks/*',
  '/policies',
  '/policies/*',
  '/settings',
  '/settings/*',
];

/** No inline scripts, no third-party origins: a stolen-session XSS has little to work with. */
const CSP = [
  "default-src 'self'",
  "img-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

function htmlHeaders(reply: FastifyReply) {
  return reply
    .header('cache-control', 'no-cache')
    .header('content-security-policy', CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin');
}

export async function staticRoutes(app: FastifyInstance, distDir: string) {
  if (!existsSync(join(distDir, 'index.html'))) {
    // Running from sources without a UI build (API-only tests, `liftoff worker` hosts): say how to get one.
    for (const route of SPA_ROUTES) {
      app.get(route, async (_request, reply) =>
        htmlHeaders(reply)
          .type('text/html; charset=utf-8')
          .status(503)
          .send(
            '<!doctype html><meta charset="utf-8"><title>Liftoff</title><p>The web UI is not built. Run ' +
              '<code>npm run build -w packages/web</code> (or <code>npm start</code>, which builds it).</p>',
          ),
      );
    }
    return;
  }

  const assetsDir = resolve(distDir, 'assets') + sep;
  await app.register(fastifyStatic, {
    root: distDir,
    prefix: '/',
    index: false,
    wildcard: true,
    // Caching is decided here rather than by `send`, which would overwrite it.
    cacheControl: false,
    setHeaders(res, path) {
      // Vite fingerprints everything under assets/, so it can be cached forever; the rest is revalidated.
      res.setHeader(
        'cache-control',
        path.startsWith(assetsDir) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
      res.setHeader('x-content-type-options', 'nosniff');
      // index.html fetched by its own name gets the same policy as the SPA routes.
      if (path.endsWith('.html')) res.setHeader('content-security-policy', CSP);
    },
  });
  for (const route of SPA_ROUTES) {
    app.get(route, async (_request, reply) =>
      htmlHeaders(reply).sendFile('index.html', { cacheControl: false }),
    );
  }
  // Browsers ask for /favicon.ico on every page, including server-rendered ones such as the OAuth result.
  app.get('/favicon.ico', async (_request, reply) =>
    reply
      .type('image/svg+xml')
      .header('cache-control', 'public, max-age=86400')
      .sendFile('favicon.svg', { cacheControl: false }),
  );
}
