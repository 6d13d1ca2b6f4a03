import type { ReadinessCheck } from '../health-server';

/** The service's connected bus (`Bus` of @sdn/bus). */
export const BUS = Symbol('sdn.bus');
/** Where a provider registers its readiness checks (the health server's `/health/ready`). */
export const READINESS = Symbol('sdn.readiness');

export interface Readiness {
  setCheck(name: string, check: ReadinessCheck): void;
}
