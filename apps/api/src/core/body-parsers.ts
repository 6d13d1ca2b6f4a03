import { parse as parseQueryString } from 'node:querystring';
import { ApiError } from './api-error';

/** What the API accepts as a request body, like the reference: JSON or a form. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The charset parameter of a content type, lower-cased; undefined when absent. */
function charsetOf(contentType: string | undefined): string | undefined {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return m?.[1].toLowerCase();
}

/** Bodies are read as UTF-8: any other declared charset is refused rather than misread. */
function requireUtf8(contentType: string | undefined): void {
  const cs = charsetOf(contentType);
  if (cs !== undefined && cs !== 'utf-8' && cs !== 'utf8') throw new ApiError(415, `unsupported charset "${cs.toUpperCase()}"`);
}

/**
 * A JSON body: an object or a list (a bare scalar is not a parameter set);
 * empty means no parameters.
 */
export function parseJsonBody(text: string, contentType: string | undefined): unknown {
  requireUtf8(contentType);
  if (text.trim() === '') return {};
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') throw ApiError.param('body', 'malformed request body');
  try {
    return JSON.parse(text);
  } catch {
    throw ApiError.param('body', 'malformed request body');
  }
}

/** A form body: repeated keys become lists (how Proxmox clients send them), no nested-object syntax. */
export function parseFormBody(text: string, contentType: string | undefined): Record<string, unknown> {
  requireUtf8(contentType);
  // A null-prototype map; handlers read parameters by name and spread it.
  return parseQueryString(text) as Record<string, unknown>;
}
