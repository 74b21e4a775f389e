import { csvToImport, ImportFileError, parseCsv } from '../../src/modules/cmdb/import-file';
import { Registry } from '../../src/modules/cmdb/registry';

describe('parseCsv', () => {
  it('handles quotes, doubled quotes, commas and newlines inside quotes, CRLF and a missing final newline', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\n"multi\nline",2')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['multi\nline', '2'],
    ]);
  });

  it('refuses an unterminated quote', () => {
    expect(() => parseCsv('a\n"open')).toThrow(ImportFileError);
  });
});

describe('csvToImport', () => {
  const registry = new Registry();

  it('reads items, typing attributes by the class definition', () => {
    const csv =
      'class,name,status,attributes.hostname,attributes.cpuCores,identifiers.serialNumber,attributes.os\nServer,lon-sql01,live,lon-sql01,8,SN-1,\n';
    expect(csvToImport(csv, registry, 'servers.csv')).toEqual({
      items: [
        {
          class: 'Server',
          name: 'lon-sql01',
          status: 'live',
          attributes: { hostname: 'lon-sql01', cpuCores: 8 },
          identifiers: { serialNumber: 'SN-1' },
        },
      ],
      relations: [],
    });
  });

  it('names the file, line and attribute of a value of the wrong type', () => {
    expect(() => csvToImport('class,name,attributes.cpuCores\nServer,a,eight\n', registry, 's.csv')).toThrow(
      's.csv line 2: cpuCores must be a number, got "eight"',
    );
  });

  it('reads relations with ends by id or by class and identifiers', () => {
    const csv =
      'type,from.class,from.name,from.id,to.class,to.lunId\nSTORED_ON,Database,licence-db,,StorageVolume,LUN42\nDEPENDS_ON,,,abc,StorageVolume,LUN1\n';
    expect(csvToImport(csv, registry, 'rels.csv').relations).toEqual([
      {
        type: 'STORED_ON',
        from: { class: 'Database', identifiers: { name: 'licence-db' } },
        to: { class: 'StorageVolume', identifiers: { lunId: 'LUN42' } },
      },
      { type: 'DEPENDS_ON', from: { id: 'abc' }, to: { class: 'StorageVolume', identifiers: { lunId: 'LUN1' } } },
    ]);
  });

  it('refuses a header that is neither items nor relations', () => {
    expect(() => csvToImport('foo,bar\n1,2\n', registry, 'x.csv')).toThrow(/header needs class and name/);
  });
});
