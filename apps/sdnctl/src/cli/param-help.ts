import { buildOpenApiDocument, findOperation, type HttpMethod, type JsonSchema, operationParameters, type ParameterInfo } from '@sdn/openapi';

/** `<integer 576..65535>`, `<simple|vlan>`, `<string, ip-list>`: what a value looks like. */
function valueShape(s: JsonSchema): string {
  if (s.enum) return s.enum.join('|');
  if (s.type === 'integer') {
    const range = s.minimum !== undefined || s.maximum !== undefined ? ` ${s.minimum ?? ''}..${s.maximum ?? ''}` : '';
    return `integer${range}`;
  }
  if (s.type === 'boolean') return '0|1';
  if (s.type === 'array') return `${s.items?.format ?? s.items?.type ?? 'value'} (repeat for several)`;
  return s.format ? `${s.format}` : (s.type ?? 'value');
}

function line(p: ParameterInfo): [string, string] {
  const notes: string[] = [];
  if (p.required) notes.push('required');
  if (p.schema.default !== undefined) notes.push(`default ${p.schema.default === true ? 1 : p.schema.default === false ? 0 : String(p.schema.default)}`);
  if (p.types) notes.push(`types: ${p.types.join(', ')}`);
  if (p.requiredFor?.length) notes.push(`required for ${p.requiredFor.join(', ')}`);
  const text = [notes.length ? `(${notes.join('; ')})` : '', p.schema.description ?? ''].filter(Boolean).join(' ');
  return [`--${p.name} <${valueShape(p.schema)}>`, text];
}

/**
 * The parameters an API call takes, for `sdnctl create|set|get|delete PATH
 * --help`: read from the generated OpenAPI document (built here, no request),
 * so the help says what the API validates.
 */
export function parameterHelp(method: HttpMethod, path: string | undefined): string {
  if (!path || path.startsWith('-')) return '';
  const doc = buildOpenApiDocument();
  const found = findOperation(doc, method, path);
  if (!found) return `\nNo ${method} operation at ${path} in the API document (sdnctl get / lists the paths).`;
  const params = operationParameters(doc, found.operation).filter((p) => p.in !== 'path');
  const head = `\n${method} ${found.path}: ${found.operation.summary}`;
  if (!params.length) return `${head}\nNo parameters.`;
  const rows = params.map(line);
  const width = Math.min(44, Math.max(...rows.map(([a]) => a.length)) + 2);
  return `${head}\nParameters:\n${rows.map(([a, b]) => `  ${a.padEnd(width)}${a.length >= width ? `\n  ${' '.repeat(width)}` : ''}${b}`).join('\n')}`;
}
