import { main } from './dns-service';

main().catch((e) => {
  console.error('[dns-service] fatal', e);
  process.exit(1);
});
