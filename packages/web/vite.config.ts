// The server serves dist/ at `/`. In `vite dev` (hot reload), everything the UI fetches from the server is proxied
// to a running Liftoff (LIFTOFF_URL, default http://localhost:3000); the Host header is kept so the session cookie
// and the same-origin check see the dev server's origin.
import { defaultClientConditions, defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const target = process.env.LIFTOFF_URL ?? 'http://localhost:3000';
const proxied = { target, changeOrigin: false };

export default defineConfig({
  plugins: [react()],
  // Workspace packages (@liftoff/rego) are built from their TypeScript sources, as everywhere else in the repo.
  resolve: { conditions: ['source', ...defaultClientConditions] },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    proxy: { '/api': proxied, '/auth': proxied, '/slack': proxied, '/favicon.ico': proxied },
  },
});
