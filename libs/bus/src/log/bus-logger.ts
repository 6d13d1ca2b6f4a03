/** The few log calls the bus makes; services pass their own logger or take the console one. */
export interface BusLogger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

/** One line per entry: `[name] message {"meta":…}`, so a launcher can prefix and interleave them. */
export function consoleLogger(name: string): BusLogger {
  const line = (message: string, meta?: Record<string, unknown>) =>
    `[${name}] ${message}${meta && Object.keys(meta).length ? ' ' + JSON.stringify(meta) : ''}`;
  return {
    info: (m, meta) => console.log(line(m, meta)),
    warn: (m, meta) => console.warn(line(m, meta)),
    error: (m, meta) => console.error(line(m, meta)),
  };
}

/** For tests and callers that want silence. */
export const silentLogger: BusLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
