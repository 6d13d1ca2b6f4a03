import { type DynamicModule, Global, type INestMicroservice, type LogLevel, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { busTopology, connectBus, ensureStreams, sdnStreamSpecs, type Bus } from '@sdn/bus';
import type { BusConfig } from '@sdn/config';
import type { Logger } from 'pino';
import { type ReadinessCheck, startHealthServer } from '../health-server';
import { createLogger, messageLogger, type LogLevel as PinoLevel } from '../logging';
import { natsReady } from '../readiness';
import { stopOnSignals } from '../shutdown';
import { BusNatsServer } from './bus-nats-server';
import { PinoNestLogger } from './nest-logger';
import { BUS, READINESS, type Readiness } from './tokens';
import { RefuseUnreadable, RpcReplyFilter } from './rpc-replies';


/** The pieces every worker's providers may inject: its bus and its readiness checks. */
@Global()
@Module({})
export class ServiceKitModule {
  static forRoot(o: { bus: Bus; readiness: Readiness }): DynamicModule {
    return {
      module: ServiceKitModule,
      global: true,
      providers: [
        { provide: BUS, useValue: o.bus },
        { provide: READINESS, useValue: o.readiness },
      ],
      exports: [BUS, READINESS],
    };
  }
}

@Module({})
class WorkerRootModule {}

export interface WorkerAppOptions {
  /** Name of the service (its logs, its default request/reply queue group). */
  service: string;
  /** The service's own module: its providers (durable consumers among them) and `@MessagePattern` controllers. */
  module: Type<unknown> | DynamicModule;
  /** A connected bus; the app does not close it unless `ownBus`. */
  bus: Bus;
  ownBus?: boolean;
  /** The service's pino logger for Nest's own lines; without one (in-process tests) Nest reports errors and warnings only. */
  logger?: Logger;
  /** Default: checks kept but served by nobody (in-process tests). */
  readiness?: Readiness;
  /** Queue group of the request/reply subscriptions (default: `service`). */
  rpcQueue?: string;
  /** `SDN_NATS_STREAM_REPLICAS`, for the streams the app makes sure of at start. */
  streamReplicas?: number;
}

export interface WorkerApp {
  readonly app: INestMicroservice;
  readonly bus: Bus;
  /** Stops taking requests and answers those in hand, then the providers' shutdown hooks (consumers finish their message), then the bus if owned. */
  close(): Promise<void>;
}

const QUIET: LogLevel[] = ['error', 'warn'];

/**
 * One worker (config, IPAM, DNS service) as a Nest microservice: its request/reply handlers
 * on Nest's NATS transport over the service's bus connection (BusNatsServer), its durable
 * JetStream consumers as providers started and stopped by the application's lifecycle hooks.
 * Errors at start reject (no `process.abort()`), so `exitOnStartFailure` names them in one line.
 */
export async function createWorkerApp(o: WorkerAppOptions): Promise<WorkerApp> {
  const { bus } = o;
  await ensureStreams(bus.jsm, sdnStreamSpecs(bus.topology, o.streamReplicas), bus.log);
  const checks = new Map<string, ReadinessCheck>();
  const readiness = o.readiness ?? { setCheck: (name, c) => void checks.set(name, c) };
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(
    { module: WorkerRootModule, imports: [ServiceKitModule.forRoot({ bus, readiness }), o.module] },
    { strategy: new BusNatsServer({ bus, queue: o.rpcQueue ?? o.service }), logger: o.logger ? new PinoNestLogger(o.logger) : QUIET, abortOnError: false },
  );
  app.useGlobalFilters(new RpcReplyFilter());
  app.useGlobalPipes(new RefuseUnreadable());
  await app.listen();
  return {
    app,
    bus,
    async close() {
      await app.close();
      if (o.ownBus) await bus.close();
    },
  };
}

export interface WorkerSettings {
  logLevel: PinoLevel;
  logCopyDir?: string;
  metricsHost: string;
  metricsPort: number;
  bus: BusConfig;
}

/**
 * A worker's `main`: JSON logs, the health server (live at once; ready when NATS answers and
 * the service's own checks pass — `consumers` is down until its consumers are bound), the
 * bus with the service's NATS identity, the Nest app, and SIGTERM/SIGINT stopping it all.
 */
export async function runWorker(o: { service: string; settings: WorkerSettings; module: Type<unknown> | DynamicModule; rpcQueue?: string; atStart?(logger: Logger): void }): Promise<WorkerApp> {
  const { settings: s } = o;
  const logger = createLogger({ service: o.service, level: s.logLevel, copyDir: s.logCopyDir });
  const health = await startHealthServer({ host: s.metricsHost, port: s.metricsPort, checks: { consumers: () => false } });
  const bus = await connectBus({ name: o.service, url: s.bus.url, credentials: s.bus.credentials, topology: busTopology(s.bus.namespace), log: messageLogger(logger) });
  health.setCheck('nats', natsReady(bus.nc));
  const worker = await createWorkerApp({ service: o.service, module: o.module, bus, ownBus: true, logger, readiness: health, rpcQueue: o.rpcQueue, streamReplicas: s.bus.streamReplicas });
  logger.info({ metrics: `${s.metricsHost}:${health.port}` }, `${o.service} ready`);
  o.atStart?.(logger);
  stopOnSignals(logger, async () => {
    await worker.close();
    await health.close();
  });
  return worker;
}
