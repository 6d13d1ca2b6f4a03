import { ControlPlane as SharedControlPlane } from '@sdn/netns-lab';
import { track } from './children';
import { log } from './log';

export interface ControlPlaneOptions {
  repo: string;
  natsUrl: string;
  runDir: string;
}

/**
 * The product's control plane for one lab run (shared with the netns
 * data-plane tests, see @sdn/netns-lab): the lab keeps its database
 * `sdn_lab` after the run for inspection, logs into its run folder and
 * kills the services with its other children.
 */
export type ControlPlane = SharedControlPlane;
export const ControlPlane = {
  start: (o: ControlPlaneOptions): Promise<ControlPlane> =>
    SharedControlPlane.start({ repo: o.repo, natsUrl: o.natsUrl, logDir: o.runDir, database: 'sdn_lab', onSpawn: (c) => void track(c), log }),
};
