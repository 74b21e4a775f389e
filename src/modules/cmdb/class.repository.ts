/** Custom CI classes: the registry's persisted definitions. */
import type { Tx } from '../../shared/db';
import type { ClassDef } from './registry';

export async function loadCustomClasses(tx: Tx): Promise<ClassDef[]> {
  const rows = await tx.run('MATCH (d:CIClassDef) RETURN d.definition AS definition ORDER BY d.createdAt');
  return rows.map((r) => JSON.parse(r.definition as string) as ClassDef);
}

export async function saveCustomClass(tx: Tx, def: ClassDef): Promise<void> {
  await tx.run('CREATE (:CIClassDef {name: $name, definition: $definition, createdAt: datetime.transaction()})', {
    name: def.name,
    definition: JSON.stringify(def),
  });
}
