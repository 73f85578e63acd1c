// The server serves dist/ at `/`; in `vite dev` the API is proxied to a locally running server.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    proxy: {
      '/api': { target: process.env.LIFTOFF_URL ?? 'http://localhost:3000', changeOrigin: false },
      '/slack': { target: process.env.LIFTOFF_URL ?? 'http://localhost:3000', changeOrigin: false },
    },
  },
});
