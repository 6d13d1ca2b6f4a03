import type { Logger } from 'pino';

/**
 * SIGTERM/SIGINT run `stop` once (the work in hand finishes first), then
 * exit 0; a second signal exits at once. Every service stops the same way.
 */
export function stopOnSignals(log: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const on = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'stopping: finishing the work in hand');
    stop().then(
      () => {
        log.info('stopped');
        log.flush();
        process.exit(0);
      },
      (e: unknown) => {
        log.error({ err: e }, 'stop failed');
        log.flush();
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', on);
  process.on('SIGINT', on);
}
