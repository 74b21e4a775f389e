import { createHash } from 'node:crypto';
import { checksumOf } from '../../src/modules/history/history.service';

describe('baseline checksum', () => {
  it('is the SHA-256 of the sorted lines joined by newlines (what baselines recorded), fed line by line', () => {
    const ci = (id: string, name: string) => ({
      id,
      class: 'Server',
      name,
      status: 'LIVE',
      version: null,
      props: { a_os: 'Linux' },
      identifiers: [`name=${name}`],
    });
    const snapshot = {
      at: '2026-11-22T00:00:00.000Z',
      cis: new Map([
        ['b', ci('b', 'web-02')],
        ['a', ci('a', 'web-01')],
      ]),
      relationships: [{ type: 'DEPENDS_ON', fromId: 'a', toId: 'b' }],
      related: new Set(['a', 'b']),
    };
    const fields = (name: string): string =>
      JSON.stringify([
        ['name', name],
        ['status', 'LIVE'],
        ['version', null],
        ['attributes.os', 'Linux'],
        ['identifiers.name', name],
      ]);
    const joined = ['ci\ta\tServer\t' + fields('web-01'), 'ci\tb\tServer\t' + fields('web-02'), 'rel\tDEPENDS_ON\ta\tb']
      .sort()
      .join('\n');
    expect(checksumOf(snapshot as never)).toBe(createHash('sha256').update(joined).digest('hex'));
    // Any change to a line changes it.
    snapshot.relationships = [{ type: 'DEPENDS_ON', fromId: 'b', toId: 'a' }];
    expect(checksumOf(snapshot as never)).not.toBe(createHash('sha256').update(joined).digest('hex'));
  });
});
