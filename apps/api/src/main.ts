import { Logger } from '@nestjs/common';
import { createApp, loadConfig } from './app';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  new Logger('api').log(`listening on http://${config.host}:${config.port}/api2/json (docs: /api2/docs)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
