import { cloudflareDevProxyVitePlugin, vitePlugin as remix } from '@remix-run/dev';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig(({ command }) => ({
  // The top-level public/ holds the API worker's static assets (see wrangler.toml [assets]);
  // the dashboard ships only what vite bundles from app/.
  publicDir: false,
  resolve: { alias: { '~': fileURLToPath(new URL('./app', import.meta.url)) } },
  plugins: [
    // Bindings for `vite dev` only; a build needs no platform proxy.
    command === 'serve' && cloudflareDevProxyVitePlugin(),
    remix({
      future: {
        v3_fetcherPersist: true,
        v3_lazyRouteDiscovery: true,
        v3_relativeSplatPath: true,
        // One request per navigation runs every loader: they share one token refresh (see request-state.server.ts).
        v3_singleFetch: true,
        v3_throwAbortReason: true,
      },
    }),
  ],
}));
