import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fastifyStatic from '@fastify/static';

/**
 * The web panel (apps/web) from the same origin as /api2/json: `/` and the
 * files of the built bundle, each as its own route (no wildcard), so any
 * other unknown path still gets the API's own 404. Hashed assets are cached
 * for a year; index.html is revalidated so a new build shows at once.
 */
export async function serveWebPanel(app: NestFastifyApplication, dir: string): Promise<void> {
  const log = new Logger('web');
  if (dir === 'off') return;
  if (!existsSync(join(dir, 'index.html'))) {
    log.warn(`web panel not served: ${dir}/index.html is missing (npm run build:web)`);
    return;
  }
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    wildcard: false,
    index: ['index.html'],
    setHeaders: (res, path) => {
      res.header('Cache-Control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
      res.header('X-Content-Type-Options', 'nosniff');
      res.header('X-Frame-Options', 'DENY');
    },
  });
}
