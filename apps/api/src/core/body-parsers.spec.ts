import { ApiError } from './api-error';
import { parseFormBody, parseJsonBody } from './body-parsers';

describe('request bodies', () => {
  it('JSON: an object or list; empty is no parameters; scalars and broken text are a 400 on `body`', () => {
    expect(parseJsonBody('{"zone":"z1"}', 'application/json')).toEqual({ zone: 'z1' });
    expect(parseJsonBody('  ', 'application/json')).toEqual({});
    for (const bad of ['null', '"str"', '123', '{', '{"a":1}}']) {
      let err: unknown;
      try {
        parseJsonBody(bad, 'application/json');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ApiError);
      expect(err).toMatchObject({ status: 400, errors: { body: 'malformed request body' } });
    }
  });

  it('forms: repeated keys are lists, values are strings', () => {
    expect({ ...parseFormBody('zone=z1&nodes=a&nodes=b&mtu=1450', 'application/x-www-form-urlencoded') }).toEqual({ zone: 'z1', nodes: ['a', 'b'], mtu: '1450' });
  });

  it('a charset other than UTF-8 is refused (415), not misread', () => {
    expect(() => parseJsonBody('{}', 'application/json; charset=utf-7')).toThrow(/unsupported charset "UTF-7"/);
    expect(() => parseFormBody('a=1', 'application/x-www-form-urlencoded; charset=ibm500')).toThrow(expect.objectContaining({ status: 415 }));
    expect(parseJsonBody('{}', 'application/json; charset=UTF-8')).toEqual({});
  });
});
