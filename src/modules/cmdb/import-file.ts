/**
 * Files for `npm run import`: JSON in the ImportInput shape, or CSV.
 *
 * Items CSV — columns `class,name` and optionally `status,version`, `identifiers.<key>`, `attributes.<key>`:
 *   class,name,status,attributes.hostname,attributes.cpuCores,identifiers.serialNumber
 *   Server,lon-sql01,live,lon-sql01,8,SN-1
 * Cell values are typed by the class's attribute definitions (INTEGER/NUMBER → number, BOOLEAN → true/false,
 * STRING_LIST → split on `;`); empty cells are left out.
 *
 * Relations CSV — a `type` column and, for each end, `from.id` or `from.class` plus `from.<identifier>` columns:
 *   type,from.class,from.name,to.class,to.lunId
 *   STORED_ON,Database,licence-db,StorageVolume,LUN42
 */
import type { ImportData, ImportItemData, ImportRelationData } from './import.service';
import type { Registry } from './registry';

export class ImportFileError extends Error {}

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      field = '';
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
    } else field += ch;
  }
  if (quoted) throw new ImportFileError('unterminated quoted field at end of file');
  row.push(field);
  if (row.length > 1 || row[0] !== '') rows.push(row);
  return rows;
}

function typed(
  registry: Registry,
  className: string,
  attr: string,
  value: string,
  where: string,
): string | number | boolean | string[] {
  const def = registry.attributesOf(className).find((a) => a.name === attr);
  switch (def?.type) {
    case 'INTEGER':
    case 'NUMBER': {
      const n = Number(value);
      if (value.trim() === '' || Number.isNaN(n))
        throw new ImportFileError(`${where}: ${attr} must be a number, got "${value}"`);
      return n;
    }
    case 'BOOLEAN':
      if (!/^(true|false)$/i.test(value))
        throw new ImportFileError(`${where}: ${attr} must be true or false, got "${value}"`);
      return value.toLowerCase() === 'true';
    case 'STRING_LIST':
      return value
        .split(';')
        .map((s) => s.trim())
        .filter(Boolean);
    default:
      return value; // strings, and unknown attributes (the import then rejects them with their row)
  }
}

/** Parses one CSV file (items or relations, told apart by its header) into import data. */
export function csvToImport(text: string, registry: Registry, file: string): Pick<ImportData, 'items' | 'relations'> {
  const [header, ...rows] = parseCsv(text);
  if (!header) throw new ImportFileError(`${file}: empty file`);
  const columns = header.map((h) => h.trim());
  const isRelations = columns.includes('type') && columns.some((c) => c.startsWith('from.'));
  if (!isRelations && !(columns.includes('class') && columns.includes('name'))) {
    throw new ImportFileError(
      `${file}: header needs class and name (items) or type, from.* and to.* (relations); got ${columns.join(',')}`,
    );
  }
  const items: ImportItemData[] = [];
  const relations: ImportRelationData[] = [];
  rows.forEach((cells, r) => {
    const where = `${file} line ${r + 2}`;
    const cell = (name: string): string | undefined => {
      const i = columns.indexOf(name);
      const v = i >= 0 ? cells[i]?.trim() : undefined;
      return v === '' ? undefined : v;
    };
    if (isRelations) {
      const end = (side: 'from' | 'to'): ImportRelationData['from'] => {
        const id = cell(`${side}.id`);
        if (id) return { id };
        const identifiers: Record<string, string> = {};
        for (const c of columns) {
          if (c.startsWith(`${side}.`) && c !== `${side}.class` && c !== `${side}.id`) {
            const v = cell(c);
            if (v !== undefined) identifiers[c.slice(side.length + 1)] = v;
          }
        }
        return { class: cell(`${side}.class`) ?? '', identifiers };
      };
      relations.push({ type: cell('type') ?? '', from: end('from'), to: end('to') });
      return;
    }
    const className = cell('class') ?? '';
    const item: ImportItemData = { class: className, name: cell('name') ?? '' };
    const status = cell('status');
    const version = cell('version');
    if (status) item.status = status;
    if (version) item.version = version;
    for (const c of columns) {
      const v = cell(c);
      if (v === undefined) continue;
      if (c.startsWith('identifiers.')) (item.identifiers ??= {})[c.slice(12)] = v;
      else if (c.startsWith('attributes.'))
        (item.attributes ??= {})[c.slice(11)] = typed(registry, className, c.slice(11), v, where);
    }
    items.push(item);
  });
  return { items, relations };
}
