import { Inject, Injectable, Logger } from '@nestjs/common';
import { clearSecretsIn, sealSecrets, SecretBox, SecretKeyError } from '@sdn/secrets';
import { ApiError } from './api-error';
import { API_CONFIG, type ApiConfig } from './config';

/**
 * The API's key for IPAM tokens and DNS keys (`SDN_SECRET_KEY`). Without a
 * key the API still starts (a configuration without external IPAM/DNS needs
 * none) but says so, and refuses to store a secret rather than store it clear.
 */
@Injectable()
export class SecretsService {
  readonly box: SecretBox | undefined;

  constructor(@Inject(API_CONFIG) config: ApiConfig) {
    // A malformed key is a startup error: better than sealing with a key nobody can reproduce.
    this.box = config.secretKey ? SecretBox.fromText(config.secretKey) : undefined;
    if (!this.box) new Logger('secrets').warn('SDN_SECRET_KEY is not set: IPAM tokens and DNS keys cannot be stored until it is (see README, "Secrets")');
  }

  /** Seals the object's secret properties before they go into an event; a 400 on the property when there is no key. */
  seal<T extends Record<string, unknown>>(section: string, o: T): T {
    try {
      return sealSecrets(section, o, this.box);
    } catch (e) {
      if (!(e instanceof SecretKeyError)) throw e;
      throw ApiError.params(Object.fromEntries(clearSecretsIn(section, o).map((k) => [k, e.message])));
    }
  }
}
