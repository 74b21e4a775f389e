/**
 * The closed registries of the CMDB: CI classes (with their attribute schemas and identifying keys) and
 * relationship types (with the end that is impacted when the other fails, and which classes they may join).
 * Labels and relationship types reach Cypher only after they were found here, never straight from user text.
 */
import { z } from 'zod';

export const CI_STATUSES = ['PLANNED', 'IN_BUILD', 'IN_TEST', 'LIVE', 'MAINTENANCE', 'RETIRED'] as const;
export type CIStatus = (typeof CI_STATUSES)[number];

export const ATTRIBUTE_TYPES = ['STRING', 'INTEGER', 'NUMBER', 'BOOLEAN', 'STRING_LIST', 'DATE'] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

export interface AttributeDef {
  name: string;
  type: AttributeType;
  required?: boolean;
  description?: string;
  /** For STRING: the only values accepted. */
  allowedValues?: string[];
  /** For INTEGER / NUMBER: inclusive bounds. */
  min?: number;
  max?: number;
}

/** `ci`: a configuration item (label :CI). `party`: an organization, group or person (label :Party). */
export type ClassKind = 'ci' | 'party';

export interface ClassDef {
  name: string;
  kind: ClassKind;
  description: string;
  /** Custom classes extend a built-in or custom class: they inherit attributes, keys and relationship rules. */
  base?: string;
  /** Attribute names that identify an instance within its class, besides `name`. */
  identifyingKeys: string[];
  attributes: AttributeDef[];
  custom: boolean;
}

export const NAME_PATTERN = /^[A-Z][A-Za-z0-9]{1,63}$/;
export const ATTRIBUTE_NAME_PATTERN = /^[a-z][A-Za-z0-9_]{0,63}$/;

const a = (name: string, type: AttributeType, extra: Partial<AttributeDef> = {}): AttributeDef => ({
  name,
  type,
  ...extra,
});
const ENVIRONMENTS = ['production', 'stage', 'rc', 'test', 'development'];
const CRITICALITY = ['low', 'medium', 'high', 'critical'];
const hostAttrs = [
  a('hostname', 'STRING'),
  a('ipAddress', 'STRING'),
  a('os', 'STRING'),
  a('cpuCores', 'INTEGER', { min: 1 }),
  a('memoryGb', 'NUMBER', { min: 0 }),
  a('environment', 'STRING', { allowedValues: ENVIRONMENTS }),
];

const ci = (name: string, description: string, identifyingKeys: string[], attributes: AttributeDef[]): ClassDef => ({
  name,
  kind: 'ci',
  description,
  identifyingKeys,
  attributes,
  custom: false,
});
const party = (name: string, description: string, identifyingKeys: string[], attributes: AttributeDef[]): ClassDef => ({
  ...ci(name, description, identifyingKeys, attributes),
  kind: 'party',
});

export const BUILT_IN_CLASSES: readonly ClassDef[] = [
  ci(
    'BusinessService',
    'A service as the customer sees and buys it',
    [],
    [a('criticality', 'STRING', { allowedValues: CRITICALITY }), a('description', 'STRING')],
  ),
  ci(
    'Service',
    'A technical or IT service delivered to customers; a service is a CI',
    [],
    [a('criticality', 'STRING', { allowedValues: CRITICALITY }), a('description', 'STRING'), a('url', 'STRING')],
  ),
  ci(
    'Application',
    'A software product that delivers (part of) a service',
    [],
    [
      a('minimumMembers', 'INTEGER', {
        min: 1,
        description: 'instances (INSTANCE_OF) that must be up for the application to be up; default 1',
      }),
      a('vendor', 'STRING'),
      a('description', 'STRING'),
      a('url', 'STRING'),
    ],
  ),
  ci(
    'ApplicationInstance',
    'One deployed, running instance of an application',
    [],
    [
      a('environment', 'STRING', { allowedValues: ENVIRONMENTS }),
      a('url', 'STRING'),
      a('port', 'INTEGER', { min: 1, max: 65535 }),
    ],
  ),
  ci(
    'Database',
    'A database (instance or catalogue)',
    [],
    [
      a('engine', 'STRING'),
      a('engineVersion', 'STRING'),
      a('sizeGb', 'NUMBER', { min: 0 }),
      a('environment', 'STRING', { allowedValues: ENVIRONMENTS }),
    ],
  ),
  ci(
    'Server',
    'A physical server',
    ['hostname', 'serialNumber'],
    [...hostAttrs, a('serialNumber', 'STRING'), a('model', 'STRING'), a('rack', 'STRING')],
  ),
  ci('VirtualMachine', 'A virtual machine', ['hostname', 'vmUuid'], [...hostAttrs, a('vmUuid', 'STRING')]),
  ci(
    'Cluster',
    'A group of members that stays up while at least minimumMembers of them are up',
    [],
    [a('minimumMembers', 'INTEGER', { required: true, min: 1 }), a('clusterType', 'STRING')],
  ),
  ci(
    'NetworkDevice',
    'A switch, router, firewall or CDN edge',
    ['hostname', 'serialNumber'],
    [
      a('deviceType', 'STRING', { allowedValues: ['switch', 'router', 'firewall', 'cdn', 'vpn', 'other'] }),
      a('hostname', 'STRING'),
      a('ipAddress', 'STRING'),
      a('serialNumber', 'STRING'),
      a('model', 'STRING'),
    ],
  ),
  ci(
    'LoadBalancer',
    'A load balancer or its virtual server',
    ['hostname', 'serialNumber'],
    [
      a('hostname', 'STRING'),
      a('ipAddress', 'STRING'),
      a('vip', 'STRING'),
      a('serialNumber', 'STRING'),
      a('model', 'STRING'),
    ],
  ),
  ci(
    'StorageVolume',
    'A SAN LUN, NAS share or disk',
    ['lunId'],
    [
      a('storageType', 'STRING', { allowedValues: ['san_lun', 'nas_share', 'local_disk', 'object'] }),
      a('lunId', 'STRING'),
      a('array', 'STRING'),
      a('capacityGb', 'NUMBER', { min: 0 }),
      a('usedPercent', 'NUMBER', { min: 0, max: 100 }),
    ],
  ),
  ci(
    'Location',
    'A site, data centre, room or rack',
    [],
    [
      a('locationType', 'STRING', { allowedValues: ['site', 'datacenter', 'room', 'rack', 'office'] }),
      a('address', 'STRING'),
      a('city', 'STRING'),
      a('country', 'STRING'),
      a('timezone', 'STRING'),
    ],
  ),
  party(
    'Organization',
    'A customer, supplier or the provider itself',
    [],
    [
      a('orgType', 'STRING', { required: true, allowedValues: ['customer', 'supplier', 'internal'] }),
      a('domain', 'STRING'),
      a('country', 'STRING'),
    ],
  ),
  party('Group', 'A support or owner group', [], [a('email', 'STRING'), a('description', 'STRING')]),
  party(
    'Person',
    'A person: engineer, technical lead, customer contact',
    ['email'],
    [a('email', 'STRING', { required: true }), a('phone', 'STRING'), a('title', 'STRING'), a('timezone', 'STRING')],
  ),
];

/** Which end of a relationship suffers when the other end fails. */
export type ImpactedEnd = 'from' | 'to' | 'none';

export interface RelationshipTypeDef {
  name: string;
  /** One-line picture of the relationship. */
  picture: string;
  description: string;
  /** Classes allowed at each end ('*ci' = any CI class); subclasses of a listed class are allowed too. */
  from: readonly string[];
  to: readonly string[];
  impacted: ImpactedEnd;
  /** The `to` end is a redundancy group: it is down only below its `minimumMembers` (default 1) live members. */
  redundancy?: boolean;
  /** At most one such relationship leaves a record (a CI is in one place, has one owner): a new one replaces it. */
  single?: boolean;
}

const ANY_CI = ['*ci'];

export const RELATIONSHIP_TYPES: readonly RelationshipTypeDef[] = [
  {
    name: 'DEPENDS_ON',
    picture: '(:CI)-[:DEPENDS_ON]->(:CI)',
    description: 'from needs to in order to work',
    from: ANY_CI,
    to: ANY_CI,
    impacted: 'from',
  },
  {
    name: 'RUNS_ON',
    picture: '(:Application|ApplicationInstance|Database|Service)-[:RUNS_ON]->(:Server|VirtualMachine|Cluster)',
    description: 'software runs on a host',
    from: ['Application', 'ApplicationInstance', 'Database', 'Service'],
    to: ['Server', 'VirtualMachine', 'Cluster'],
    impacted: 'from',
  },
  {
    name: 'HOSTED_ON',
    picture: '(:VirtualMachine|...)-[:HOSTED_ON]->(:Server|Cluster|VirtualMachine)',
    description: 'a guest is hosted on a host or host cluster',
    from: ['VirtualMachine', 'ApplicationInstance', 'Database', 'Service', 'Application'],
    to: ['Server', 'Cluster', 'VirtualMachine'],
    impacted: 'from',
  },
  {
    name: 'CONNECTED_TO',
    picture: '(:CI)-[:CONNECTED_TO]->(:NetworkDevice|LoadBalancer|Cluster)',
    description: 'network connectivity through a device (or a redundant cluster of devices)',
    from: ANY_CI,
    to: ['NetworkDevice', 'LoadBalancer', 'Cluster'],
    impacted: 'from',
  },
  {
    name: 'STORED_ON',
    picture: '(:Database|Server|VirtualMachine|Cluster|ApplicationInstance)-[:STORED_ON]->(:StorageVolume)',
    description: 'data lives on a volume',
    from: ['Database', 'Server', 'VirtualMachine', 'Cluster', 'ApplicationInstance'],
    to: ['StorageVolume'],
    impacted: 'from',
  },
  {
    name: 'MEMBER_OF',
    picture: '(:CI)-[:MEMBER_OF]->(:Cluster)',
    description: 'a member of a cluster; the cluster stays up while members up >= minimumMembers',
    from: ANY_CI,
    to: ['Cluster'],
    impacted: 'to',
    redundancy: true,
  },
  {
    name: 'INSTANCE_OF',
    picture: '(:ApplicationInstance)-[:INSTANCE_OF]->(:Application)',
    description:
      'a deployed instance of an application; the application stays up while instances up >= its minimumMembers (default 1)',
    from: ['ApplicationInstance'],
    to: ['Application'],
    impacted: 'to',
    redundancy: true,
  },
  {
    name: 'LOCATED_IN',
    picture: '(:CI)-[:LOCATED_IN]->(:Location)',
    description: 'physical placement; a site outage takes down what is in it',
    from: ANY_CI,
    to: ['Location'],
    impacted: 'from',
    single: true,
  },
  {
    name: 'BACKED_UP_BY',
    picture: '(:CI)-[:BACKED_UP_BY]->(:CI)',
    description: 'backups; no outage propagates either way',
    from: ANY_CI,
    to: ANY_CI,
    impacted: 'none',
  },
  {
    name: 'SUBSCRIBES_TO',
    picture: '(:Organization)-[:SUBSCRIBES_TO]->(:Service|BusinessService)',
    description: 'a customer subscribes to a service',
    from: ['Organization'],
    to: ['Service', 'BusinessService'],
    impacted: 'none',
  },
  {
    name: 'SUPPORTED_BY',
    picture: '(:CI)-[:SUPPORTED_BY]->(:Group)',
    description: 'the group that supports a CI',
    from: ANY_CI,
    to: ['Group'],
    impacted: 'none',
  },
  {
    name: 'OWNED_BY',
    picture: '(:CI)-[:OWNED_BY]->(:Group)',
    description: 'the group that owns a CI (at most one)',
    from: ANY_CI,
    to: ['Group'],
    impacted: 'none',
    single: true,
  },
  {
    name: 'MEMBER_OF_GROUP',
    picture: '(:Person)-[:MEMBER_OF_GROUP]->(:Group)',
    description: 'a person belongs to a group',
    from: ['Person'],
    to: ['Group'],
    impacted: 'none',
  },
];

/** The built-in classes a service is, or descends from. */
const SERVICE_BASE_CLASSES: readonly string[] = ['Service', 'BusinessService'];
/** Runtime registry: built-in classes plus custom ones loaded from the graph. */
export class Registry {
  private readonly classes = new Map<string, ClassDef>();
  private readonly relTypes = new Map<string, RelationshipTypeDef>();
  /** Built once per class and mode: zod compiles object schemas, so building one per record is expensive. */
  private readonly schemas = new Map<string, z.ZodType<Record<string, unknown>>>();

  constructor(custom: readonly ClassDef[] = []) {
    for (const def of BUILT_IN_CLASSES) this.classes.set(def.name, def);
    for (const def of custom) this.classes.set(def.name, def);
    for (const def of RELATIONSHIP_TYPES) this.relTypes.set(def.name, def);
  }

  addClass(def: ClassDef): void {
    this.classes.set(def.name, def);
    this.schemas.clear();
  }

  getClass(name: string): ClassDef | undefined {
    return this.classes.get(name);
  }

  allClasses(): ClassDef[] {
    return [...this.classes.values()];
  }

  relationshipType(name: string): RelationshipTypeDef | undefined {
    return this.relTypes.get(name);
  }

  allRelationshipTypes(): RelationshipTypeDef[] {
    return [...this.relTypes.values()];
  }

  /** The class and its ancestors, nearest first. */
  lineage(name: string): string[] {
    const out: string[] = [];
    let current = this.classes.get(name);
    while (current && !out.includes(current.name)) {
      out.push(current.name);
      current = current.base ? this.classes.get(current.base) : undefined;
    }
    return out;
  }

  /** The classes whose CIs are services: Service, BusinessService, then their subclasses (custom ones included). */
  serviceClasses(): string[] {
    const subclasses = this.allClasses()
      .map((c) => c.name)
      .filter((name) => !SERVICE_BASE_CLASSES.includes(name))
      .filter((name) => this.lineage(name).some((n) => SERVICE_BASE_CLASSES.includes(n)));
    return [...SERVICE_BASE_CLASSES, ...subclasses];
  }

  /** Attributes including inherited ones (a subclass may redeclare an inherited attribute). */
  attributesOf(name: string): AttributeDef[] {
    const byName = new Map<string, AttributeDef>();
    for (const cls of this.lineage(name).reverse()) {
      for (const attr of this.classes.get(cls)?.attributes ?? []) byName.set(attr.name, attr);
    }
    return [...byName.values()];
  }

  /** `name` first, then the class's identifying keys (inherited included). */
  identifyingKeysOf(name: string): string[] {
    const keys = new Set<string>(['name']);
    for (const cls of this.lineage(name).reverse())
      for (const k of this.classes.get(cls)?.identifyingKeys ?? []) keys.add(k);
    return [...keys];
  }

  private endAllows(allowed: readonly string[], className: string): boolean {
    const cls = this.classes.get(className);
    if (!cls) return false;
    if (allowed.includes('*ci')) return cls.kind === 'ci';
    return this.lineage(className).some((c) => allowed.includes(c));
  }

  /** Why `from -[type]-> to` is not allowed, or undefined when it is. */
  relationshipViolation(type: string, fromClass: string, toClass: string): string | undefined {
    const def = this.relTypes.get(type);
    if (!def) return `unknown relationship type ${type}; known: ${[...this.relTypes.keys()].join(', ')}`;
    const describe = (allowed: readonly string[]): string =>
      allowed.map((c) => (c === '*ci' ? 'any CI class' : c)).join(', ');
    if (!this.endAllows(def.from, fromClass)) {
      return `${type} cannot start at a ${fromClass}: allowed from ${describe(def.from)} (${def.picture})`;
    }
    if (!this.endAllows(def.to, toClass)) {
      return `${type} cannot end at a ${toClass}: allowed to ${describe(def.to)} (${def.picture})`;
    }
    return undefined;
  }

  /** The zod schema of a class's attributes: declared attributes typed, unknown attributes refused. */
  attributeSchema(name: string, mode: 'complete' | 'partial'): z.ZodType<Record<string, unknown>> {
    const cacheKey = `${mode}:${name}`;
    const cached = this.schemas.get(cacheKey);
    if (cached) return cached;
    const shape: Record<string, z.ZodType> = {};
    for (const attr of this.attributesOf(name)) {
      let schema = valueSchema(attr);
      if (mode === 'partial') schema = schema.nullable().optional();
      else if (!attr.required) schema = schema.optional();
      shape[attr.name] = schema;
    }
    // The shape is built at run time from the class's attributes, so zod cannot infer its output type: a record of
    // attribute values is what the callers read.
    const schema = z.strictObject(shape) as unknown as z.ZodType<Record<string, unknown>>;
    this.schemas.set(cacheKey, schema);
    return schema;
  }
}

function valueSchema(attr: AttributeDef): z.ZodType {
  switch (attr.type) {
    case 'STRING':
      return attr.allowedValues ? z.enum(attr.allowedValues as [string, ...string[]]) : z.string().max(4000);
    case 'INTEGER': {
      let s = z.number().int();
      if (attr.min !== undefined) s = s.min(attr.min);
      if (attr.max !== undefined) s = s.max(attr.max);
      return s;
    }
    case 'NUMBER': {
      let s = z.number();
      if (attr.min !== undefined) s = s.min(attr.min);
      if (attr.max !== undefined) s = s.max(attr.max);
      return s;
    }
    case 'BOOLEAN':
      return z.boolean();
    case 'STRING_LIST':
      return z.array(z.string().max(4000)).max(1000);
    case 'DATE':
      return z.iso.date().or(z.iso.datetime());
  }
}
