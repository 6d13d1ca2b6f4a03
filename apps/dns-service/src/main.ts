import { exitOnStartFailure } from '@sdn/config';
import { main } from './dns-service';

main().catch(exitOnStartFailure('dns-service'));
