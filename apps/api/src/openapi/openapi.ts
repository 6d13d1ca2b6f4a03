import type { INestApplication } from '@nestjs/common';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { buildOpenApiDocument, type RouteRef } from '@sdn/openapi';
import { PRODUCT_VERSION } from '../apply/tasks.controller';

interface RouteSource {
  addHook(name: 'onRoute', fn: (route: { method: string | string[]; url: string }) => void): unknown;
}

/**
 * Records every route the HTTP server mounts from now on (install it before
 * the app registers any): the served document lists what is mounted, so a
 * route added to a controller shows up even before the route table knows it.
 */
export function recordRoutes(http: RouteSource): readonly RouteRef[] {
  const routes: RouteRef[] = [];
  http.addHook('onRoute', (r) => {
    for (const method of Array.isArray(r.method) ? r.method : [r.method]) routes.push({ method, path: r.url });
  });
  return routes;
}

/**
 * Serves the generated document at /api2/openapi.json (and Swagger UI at
 * /api2/docs), built on first request, when every route is mounted.
 */
export function serveOpenApi(app: INestApplication, mounted: readonly RouteRef[]): void {
  const document = () => buildOpenApiDocument({ version: PRODUCT_VERSION, mounted }) as unknown as OpenAPIObject;
  SwaggerModule.setup('api2/docs', app, document, { jsonDocumentUrl: 'api2/openapi.json', yamlDocumentUrl: 'api2/openapi.yaml' });
}
