import type { INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { PRIVILEGE_KEY, PUBLIC_KEY, type PrivilegeRequirement } from '../auth/privilege.decorator';

export interface Endpoint {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Full path with `:param` placeholders, e.g. `/api2/json/cluster/sdn/zones/:zone`. */
  path: string;
  requirement?: PrivilegeRequirement;
  public: boolean;
}

const join = (...parts: string[]) => '/' + parts.flatMap((p) => p.split('/')).filter(Boolean).join('/');

/**
 * Every route of the application, read from the controllers Nest registered
 * (so an endpoint added later is listed without anyone updating a list).
 */
export function listEndpoints(app: INestApplication, prefix = 'api2/json', unprefixed: string[] = ['health']): Endpoint[] {
  const out: Endpoint[] = [];
  for (const mod of app.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const ctrl = wrapper.metatype as (new (...a: unknown[]) => unknown) | null;
      if (!ctrl) continue;
      const base = (Reflect.getMetadata(PATH_METADATA, ctrl) as string | undefined) ?? '';
      for (const name of Object.getOwnPropertyNames(ctrl.prototype)) {
        const handler = ctrl.prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const sub = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        const m = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (sub === undefined || m === undefined) continue;
        const path = unprefixed.includes(base) ? join(base, sub) : join(prefix, base, sub);
        out.push({
          method: RequestMethod[m] as Endpoint['method'],
          path,
          requirement: Reflect.getMetadata(PRIVILEGE_KEY, handler) ?? Reflect.getMetadata(PRIVILEGE_KEY, ctrl),
          public: Boolean(Reflect.getMetadata(PUBLIC_KEY, handler) ?? Reflect.getMetadata(PUBLIC_KEY, ctrl)),
        });
      }
    }
  }
  return out.sort((a, b) => (a.path === b.path ? (a.method < b.method ? -1 : 1) : a.path < b.path ? -1 : 1));
}
