#!/usr/bin/env node
// The services' half of `npm run build` (the web panel is vite's, build:web): every app and library to JavaScript under dist/ (same layout as the sources,
// so dist/apps/api/src/main.js), for the production image. swc rather than a bundler: NestJS needs the
// decorator metadata that swc emits like tsc does, and it is the compiler `npm start` and jest already use.
// The @sdn/* aliases of tsconfig.base.json become relative requires, so dist/ runs with plain `node`.
const { execFileSync } = require('node:child_process');
const { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');

const ROOT = resolve(__dirname, '..', '..');
const OUT = join(ROOT, 'dist');
const swcrc = JSON.parse(readFileSync(join(ROOT, '.swcrc'), 'utf8'));
const { paths } = JSON.parse(readFileSync(join(ROOT, 'tsconfig.base.json'), 'utf8')).compilerOptions;
// swc wants an absolute baseUrl, so the config with the aliases is written per build rather than kept in .swcrc.
const config = { ...swcrc, jsc: { ...swcrc.jsc, baseUrl: ROOT, paths } };
const tmp = mkdtempSync(join(tmpdir(), 'sdn-build-'));
try {
  writeFileSync(join(tmp, 'swcrc.json'), JSON.stringify(config));
  rmSync(OUT, { recursive: true, force: true });
  const swc = require.resolve('@swc/cli/bin/swc.js');
  execFileSync(process.execPath, [swc, 'apps', 'libs', '-d', OUT, '--config-file', join(tmp, 'swcrc.json'), '--no-swcrc', '--ignore', '**/*.spec.ts,**/bench/**,apps/web/**'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  // dist/ mirrors the repository's root: code that reads the product version from the root package.json
  // (the API's /version and apply tasks, sdnctl --version) finds it at the same relative path.
  copyFileSync(join(ROOT, 'package.json'), join(OUT, 'package.json'));
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
