// logging.spec.ts runs this: a batched logger that logs one line, waits, logs a last one and exits.
import { createLogger } from './logging';

const log = createLogger({ service: 'batch-spec', batched: true });
log.info('first');
setTimeout(() => {
  log.info({ seq: 2 }, 'last');
  process.exit(0);
}, 3000);
