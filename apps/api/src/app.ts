import { type INestApplication, type LogLevel, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { HttpResponse } from './core/http';
import { AppModule } from './app.module';
import { type ApiConfig, loadConfig } from './core/config';
import { CoreModule } from './core/core.module';

export const API_PREFIX = 'api2/json';

/**
 * Proxmox clients compare the content type literally (proxmox-api checks
 * `application/json;charset=UTF-8`), so JSON responses use the reference's
 * exact spelling rather than Express's `application/json; charset=utf-8`.
 */
function referenceContentType(_req: unknown, res: HttpResponse, next: () => void): void {
  const set = res.setHeader.bind(res);
  res.setHeader = ((name: string, value: number | string | readonly string[]) =>
    name.toLowerCase() === 'content-type' && /^application\/json\b/i.test(String(value)) ? set(name, 'application/json;charset=UTF-8') : set(name, value)) as typeof res.setHeader;
  next();
}

/** Builds the application (not listening); tests and main share it. */
export async function createApp(overrides: Partial<ApiConfig> = {}, logger: LogLevel[] = ['error', 'warn', 'log']): Promise<INestApplication> {
  const config = { ...loadConfig(), ...overrides };

  @Module({ imports: [CoreModule.forRoot(config), AppModule] })
  class RootModule {}

  const app = await NestFactory.create<NestExpressApplication>(RootModule, { bodyParser: false, logger });
  app.use(referenceContentType);
  // Forms like the reference: repeated keys become arrays (lists), no nested-object syntax.
  app.useBodyParser('json', { limit: '1mb' });
  app.useBodyParser('urlencoded', { extended: false, limit: '1mb' });
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health'] });
  app.enableShutdownHooks();

  const doc = new DocumentBuilder()
    .setTitle('SDN control plane API')
    .setDescription('Proxmox VE SDN compatible API. Authenticate with `Authorization: PVEAPIToken=USER@REALM!TOKENID=SECRET`.')
    .setVersion('1')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'Authorization' }, 'PVEAPIToken')
    .build();
  SwaggerModule.setup('api2/docs', app, () => SwaggerModule.createDocument(app, doc), { jsonDocumentUrl: 'api2/openapi.json' });
  return app;
}

export { loadConfig };
