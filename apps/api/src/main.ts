import { Logger } from '@nestjs/common';
import type { TlsMaterial } from '@sdn/tls';
import { exitOnStartFailure } from '@sdn/config';
import { API_TLS, createApp, loadConfig } from './app';
import { createLogger, stopOnSignals } from '@sdn/service-kit';
import { drainAndClose } from './health/drain';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  // SIGTERM/SIGINT: drain, then close (a second signal exits at once), as every service stops.
  stopOnSignals(createLogger({ service: 'api', level: config.logLevel, copyDir: config.logCopyDir }), () => drainAndClose(app, config.drainMs));
  const tls = app.get<symbol, TlsMaterial | null>(API_TLS);
  const log = new Logger('api');
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  log.log(`listening on ${tls ? 'https' : 'http'}://${host}:${config.port}/api2/json (docs: /api2/docs)`);
  if (tls) {
    const what = { created: 'created', reissued: 'reissued (same CA)', reused: 'reused', operator: 'from SDN_TLS_CERT' }[tls.origin];
    log.log(`TLS certificate ${tls.certFile} (${what}), SHA-256 fingerprint ${tls.fingerprint256}${tls.caFile ? `; clients trust the CA ${tls.caFile}` : ''}`);
  } else log.warn('SDN_API_TLS=off: plain HTTP, for use behind a TLS-terminating proxy only');
}

main().catch(exitOnStartFailure('api'));
