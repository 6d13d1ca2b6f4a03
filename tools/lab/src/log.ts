const T0 = Date.now();

/** Elapsed seconds since the lab started, for every log line. */
export function elapsed(): string {
  return ((Date.now() - T0) / 1000).toFixed(1).padStart(6);
}

export function log(msg: string): void {
  process.stdout.write(`[lab ${elapsed()}s] ${msg}\n`);
}

export function indent(text: string, prefix = '    | '): string {
  return text
    .replace(/\s+$/, '')
    .split('\n')
    .map((l) => prefix + l)
    .join('\n');
}
