import * as fs from 'node:fs';
import * as path from 'node:path';

/** Conformance vectors are read in place from the shared checkout, never copied. */
export const CONFORMANCE_DIR = path.resolve(__dirname, '../../../../../shared/conformance');

export interface DumpedRequest {
  method: string;
  url: string;
  body: string;
  /** header wire name -> value */
  headers: Record<string, string>;
}

const unq = (s: string) => s.replace(/\\'/g, "'").replace(/\\\\/g, '\\');

/** Parses the reference's Data::Dumper dump of an HTTP::Request (expected.* files). */
export function parseDump(text: string): DumpedRequest {
  const get = (re: RegExp) => {
    const m = re.exec(text);
    if (!m) throw new Error(`dump field missing: ${re}`);
    return unq(m[1]);
  };
  const headerBlock = /'_headers' => bless\( \{([\s\S]*?)\}, 'HTTP::Headers' \)/.exec(text)?.[1] ?? '';
  const stdCase: Record<string, string> = {};
  const std = /'::std_case' => \{([\s\S]*?)\}/.exec(headerBlock);
  for (const m of (std?.[1] ?? '').matchAll(/'([^']+)' => '((?:[^'\\]|\\.)*)'/g)) stdCase[m[1]] = m[2];
  const rest = headerBlock.replace(/'::std_case' => \{[\s\S]*?\},?/, '');
  const headers: Record<string, string> = {};
  for (const m of rest.matchAll(/'([^']+)' => '((?:[^'\\]|\\.)*)'/g)) {
    // HTTP::Headers stores standard names lower-case; restore their canonical spelling.
    const wire = stdCase[m[1]] ?? m[1].replace(/(^|-)([a-z])/g, (_x, d, c) => d + c.toUpperCase());
    headers[wire] = unq(m[2]);
  }
  return {
    method: get(/'_method' => '([^']*)'/),
    url: get(/\\\(my \$o = '((?:[^'\\]|\\.)*)'\)/),
    body: get(/'_content' => '((?:[^'\\]|\\.)*)'/),
    headers,
  };
}

export function readCase(rel: string): any {
  return JSON.parse(fs.readFileSync(path.join(CONFORMANCE_DIR, rel, 'case.json'), 'utf8'));
}
export function readExpected(rel: string, file: string): DumpedRequest {
  return parseDump(fs.readFileSync(path.join(CONFORMANCE_DIR, rel, file), 'utf8'));
}
