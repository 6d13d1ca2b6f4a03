import { describe, expect, it } from 'vitest';
import { parseToken } from './session';

describe('parseToken', () => {
  it('accepts the id and secret apart or as USER@REALM!TOKENID=SECRET', () => {
    expect(parseToken('root@pam!ui', 's3')).toEqual({ kind: 'token', tokenId: 'root@pam!ui', secret: 's3' });
    expect(parseToken('root@pam!ui=s3', '')).toEqual({ kind: 'token', tokenId: 'root@pam!ui', secret: 's3' });
  });
  it('refuses what is not a token id', () => {
    expect(parseToken('root@pam', 'x')).toBeNull();
    expect(parseToken('root@pam!ui', '')).toBeNull();
  });
});
