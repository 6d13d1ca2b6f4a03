import { PowerDnsPlugin } from '@sdn/dns';
import { PluginRegistry } from './plugin-registry';

describe('PluginRegistry', () => {
  const server = { type: 'powerdns', url: 'http://127.0.0.1:8081/api/v1/servers/localhost', key: 'k', ttl: 60 };

  it('reuses the plugin (and its write queue) while a server is unchanged, and replaces it when its settings change', () => {
    const r = new PluginRegistry();
    const a = r.pluginFor('pdns', server);
    expect(a).toBeInstanceOf(PowerDnsPlugin);
    expect(r.pluginFor('pdns', { ...server })).toBe(a);
    expect(r.pluginFor('pdns', { ...server, key: 'rotated' })).not.toBe(a);
    expect(r.pluginFor('other', server)).not.toBe(a);
  });

  it('refuses server types it has no plugin for', () => {
    expect(() => new PluginRegistry().pluginFor('x', { type: 'bind', url: 'http://h' })).toThrow("dns server 'x' has unsupported type 'bind'");
  });
});
