import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// No React plugin: Vite's own transform compiles JSX (automatic runtime); the
// plugin would only add fast refresh, which production builds do not use.
export default defineConfig({
  root: __dirname,
  base: '/',
  // The @sdn/* aliases of tsconfig.base.json (the panel bundles @sdn/openapi/parameters).
  resolve: { tsconfigPaths: true },
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: resolve(__dirname, 'dist'),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      // Mantine marks its modules "use client" for React Server Components; a client bundle has no use for it.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: { port: 20510, proxy: { '/api2': 'http://127.0.0.1:20506' } },
  test: { include: ['src/**/*.test.ts'], environment: 'node' },
});
