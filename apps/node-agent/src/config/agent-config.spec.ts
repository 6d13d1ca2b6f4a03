import { configFromEnv } from './agent-config';

describe('configFromEnv', () => {
  it('defaults to safe mode under ./.data/nodes/<node> with the stock commands', () => {
    const c = configFromEnv({ SDN_NODE_NAME: 'pve1' }, '/srv/app');
    expect(c).toMatchObject({ node: 'pve1', mode: 'safe', root: '/srv/app/.data/nodes/pve1', heartbeatMs: 5000 });
    expect(c.commands.ifreload).toEqual(['ifreload', '-a']);
    expect(c.commands.wrapper).toEqual([]);
  });

  it('live mode defaults to / and takes the wrapper and commands from the environment', () => {
    const c = configFromEnv({ SDN_NODE_NAME: 'pve2', SDN_AGENT_MODE: 'live', SDN_AGENT_WRAPPER: '/lab/wrap.sh', SDN_AGENT_FRR_RELOAD: '' }, '/x');
    expect(c.root).toBe('/');
    expect(c.commands.wrapper).toEqual(['/lab/wrap.sh']);
    expect(c.commands.frrReload).toEqual([]);
  });

  it('rejects node names that cannot be subject tokens', () => {
    expect(() => configFromEnv({ SDN_NODE_NAME: 'bad.name' })).toThrow(/^SDN_NODE_NAME must be a node name/);
    expect(() => configFromEnv({ SDN_NODE_NAME: 'a*' })).toThrow(/^SDN_NODE_NAME must be a node name/);
    expect(() => configFromEnv({ SDN_NODE_NAME: 'n1', SDN_AGENT_MODE: 'yolo' })).toThrow(/SDN_AGENT_MODE/);
  });

  it('publishes NodeStatus v2 unless told v1 (API replicas not yet upgraded)', () => {
    expect(configFromEnv({ SDN_NODE_NAME: 'pve1' }).statusContract).toBe('v2');
    expect(configFromEnv({ SDN_NODE_NAME: 'pve1', SDN_AGENT_STATUS_CONTRACT: 'v1' }).statusContract).toBe('v1');
    expect(() => configFromEnv({ SDN_NODE_NAME: 'pve1', SDN_AGENT_STATUS_CONTRACT: 'v3' })).toThrow(/SDN_AGENT_STATUS_CONTRACT/);
  });
});
