import { PowerDnsPlugin, type FetchLike } from '@sdn/dns';
import { generateSecretKey, SecretBox } from '@sdn/secrets';
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

  it('sends the clear key of a server whose key is sealed, and refuses it without the key', async () => {
    const box = SecretBox.fromText(generateSecretKey());
    const sent: string[] = [];
    const fetch: FetchLike = async (_url, init) => {
      sent.push(init.headers['X-API-Key']);
      return { status: 200, statusText: 'OK', text: async () => '{}' };
    };
    const sealed = { ...server, key: box.seal('pdns-secret') };
    await new PluginRegistry({ fetch, secrets: box }).pluginFor('pdns', sealed).verifyServer();
    expect(sent).toEqual(['pdns-secret']);
    expect(() => new PluginRegistry({ fetch }).pluginFor('pdns', sealed)).toThrow(/SDN_SECRET_KEY is not configured/);
    expect(() => new PluginRegistry({ fetch, secrets: SecretBox.fromText(generateSecretKey()) }).pluginFor('pdns', sealed)).toThrow(/another key/);
  });
});
