/**
 * A deterministic synthetic CMDB of any size, for load tests and benchmarks.
 *
 * The topology follows a hosting provider's estate: sites → racks → physical servers; hypervisor hosts in HA
 * clusters hosting VMs; application instances running on VMs; applications behind web farms and load-balancer
 * virtual servers; databases on VMs, SQL clusters or database servers, stored on SAN volumes; services depending
 * on applications; business services depending on services. A few hubs carry many edges, as in real estates:
 * each site's two core switches connect most of its servers, and a site's SAN arrays back all of its volumes.
 *
 * About five relationships per CI (ownership and support included); customers, groups and people come on top
 * of the CI count. The same (ciCount, seed) always gives the same data: a seeded PRNG, never Math.random.
 * Identifying attributes (hostnames, serial numbers, VM UUIDs, LUN ids, emails) derive from indexes only, so
 * re-importing with another seed updates the same records.
 */
import type { ImportData, ImportItemData, ImportRelationData } from '../src/modules/cmdb';

type Attrs = Record<string, string | number | boolean | string[]>;
interface Ref {
  class: string;
  identifiers: { name: string };
}

/** mulberry32: a tiny, fast, seedable 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

const CITIES: ReadonlyArray<readonly [string, string, string]> = [
  ['London', 'GB', 'Europe/London'],
  ['Manchester', 'GB', 'Europe/London'],
  ['Frankfurt', 'DE', 'Europe/Berlin'],
  ['Amsterdam', 'NL', 'Europe/Amsterdam'],
  ['Dublin', 'IE', 'Europe/Dublin'],
  ['Paris', 'FR', 'Europe/Paris'],
  ['Ashburn', 'US', 'America/New_York'],
  ['Los Angeles', 'US', 'America/Los_Angeles'],
  ['Singapore', 'SG', 'Asia/Singapore'],
  ['Tokyo', 'JP', 'Asia/Tokyo'],
  ['Sydney', 'AU', 'Australia/Sydney'],
  ['Toronto', 'CA', 'America/Toronto'],
  ['Stockholm', 'SE', 'Europe/Stockholm'],
  ['Madrid', 'ES', 'Europe/Madrid'],
  ['Milan', 'IT', 'Europe/Rome'],
  ['Hong Kong', 'HK', 'Asia/Hong_Kong'],
  ['Sao Paulo', 'BR', 'America/Sao_Paulo'],
  ['Mumbai', 'IN', 'Asia/Kolkata'],
  ['Johannesburg', 'ZA', 'Africa/Johannesburg'],
  ['Chicago', 'US', 'America/Chicago'],
];

type Team = 'unix' | 'windows' | 'network' | 'storage' | 'dba' | 'virt' | 'app' | 'desk' | 'dc' | 'sdm';
const TEAMS: ReadonlyArray<readonly [Team, string]> = [
  ['app', 'Application Support'],
  ['unix', 'Unix Support'],
  ['windows', 'Windows Support'],
  ['dba', 'Database Administration'],
  ['virt', 'Virtualisation'],
  ['network', 'Network Operations'],
  ['storage', 'Storage & Backup'],
  ['app', 'Application Support'],
  ['desk', 'Service Desk'],
  ['dc', 'Data Centre Operations'],
  ['sdm', 'Service Delivery'],
  ['app', 'Application Support'],
];

const FIRST_NAMES = [
  'Alex',
  'Sam',
  'Jordan',
  'Priya',
  'Chen',
  'Maria',
  'Tom',
  'Aisha',
  'Lukas',
  'Fatima',
  'Kenji',
  'Olivia',
  'Rahul',
  'Sofia',
  'Daniel',
  'Nina',
  'Omar',
  'Grace',
  'Ivan',
  'Zoe',
  'Mateo',
  'Hannah',
  'Yusuf',
  'Elena',
  'Ben',
  'Leila',
  'Marco',
  'Chloe',
  'Arjun',
  'Freya',
];
const LAST_NAMES = [
  'Smith',
  'Patel',
  'Nguyen',
  'Garcia',
  'Muller',
  'Okafor',
  'Kowalski',
  'Rossi',
  'Tanaka',
  'Silva',
  'Brown',
  'Haddad',
  'Jensen',
  'Dubois',
  'Novak',
  'Kim',
  'Murphy',
  'Ahmed',
  'Larsen',
  'Costa',
  'Fischer',
  'Walsh',
  'Singh',
  'Moreau',
  'Ivanova',
  'Evans',
  'Lopez',
  'Berg',
  'Chowdhury',
  'Reid',
];
const TIMEZONES = [
  'Europe/London',
  'Europe/London',
  'Europe/London',
  'America/Los_Angeles',
  'America/New_York',
  'Asia/Singapore',
  'Europe/Berlin',
  'Asia/Kolkata',
];
const TITLES = [
  'Support Engineer',
  'Senior Engineer',
  'Technical Lead',
  'Service Delivery Manager',
  'On-call Engineer',
  'Team Leader',
];

const SERVER_MODELS = [
  'HP ProLiant DL380 Gen10',
  'HP ProLiant DL360 Gen10',
  'Dell PowerEdge R740',
  'Dell PowerEdge R640',
  'Lenovo ThinkSystem SR650',
  'Cisco UCS C240 M5',
];
const LINUX = ['Red Hat Enterprise Linux 8.8', 'Red Hat Enterprise Linux 9.2', 'Ubuntu 22.04 LTS', 'Rocky Linux 9.3'];
const WINDOWS = ['Windows Server 2019 Standard', 'Windows Server 2022 Standard', 'Windows Server 2022 Datacenter'];
const HYPERVISORS = ['VMware ESXi 7.0 U3', 'VMware ESXi 8.0 U2'];
const VENDORS = [
  'In-house',
  'In-house',
  'Microsoft',
  'Oracle',
  'SAP',
  'Atlassian',
  'Adobe',
  'Elastic',
  'Red Hat',
  'Salesforce',
  'ServiceNow',
  'Kaltura',
];
const APP_KINDS = [
  'Portal',
  'API',
  'Billing',
  'CRM',
  'Media Ingest',
  'Transcoder',
  'Search',
  'Reporting',
  'Payments',
  'Identity',
  'Catalogue',
  'Scheduler',
  'Messaging',
  'Analytics',
  'CMS',
];
const ENGINES: ReadonlyArray<readonly [string, string]> = [
  ['SQL Server', '2019 CU22'],
  ['SQL Server', '2022 CU10'],
  ['PostgreSQL', '15.4'],
  ['PostgreSQL', '16.1'],
  ['Oracle', '19c'],
  ['MySQL', '8.0.35'],
  ['MongoDB', '6.0.11'],
];
const ENV_WEIGHTS: ReadonlyArray<readonly [string, number]> = [
  ['production', 0.7],
  ['stage', 0.1],
  ['test', 0.1],
  ['rc', 0.04],
  ['development', 0.06],
];

class Generator {
  readonly items: ImportItemData[] = [];
  readonly relations: ImportRelationData[] = [];
  ciCount = 0;

  constructor(readonly rnd: () => number) {}

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.rnd() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.rnd() < p;
  }

  pick<T>(list: readonly T[]): T {
    const value = list[Math.floor(this.rnd() * list.length)];
    if (value === undefined) throw new Error('synthetic dataset: pick from an empty list');
    return value;
  }

  /** k distinct elements (fewer if the list is shorter), by rejection: k is small. */
  pickDistinct<T>(list: readonly T[], k: number): T[] {
    if (k >= list.length) return list.slice();
    const chosen = new Set<number>();
    while (chosen.size < k) chosen.add(Math.floor(this.rnd() * list.length));
    return [...chosen].map((i) => list[i] as T);
  }

  environment(): string {
    let r = this.rnd();
    for (const [env, weight] of ENV_WEIGHTS) {
      if (r < weight) return env;
      r -= weight;
    }
    return 'production';
  }

  status(): string {
    const r = this.rnd();
    return r < 0.95 ? 'LIVE' : r < 0.975 ? 'MAINTENANCE' : r < 0.99 ? 'IN_BUILD' : 'PLANNED';
  }

  ci(cls: string, name: string, attributes: Attrs, version?: string): Ref {
    const item: ImportItemData = { class: cls, name, status: this.status(), attributes };
    if (version) item.version = version;
    this.items.push(item);
    this.ciCount += 1;
    return { class: cls, identifiers: { name } };
  }

  party(cls: string, name: string, attributes: Attrs): Ref {
    this.items.push({ class: cls, name, attributes });
    return { class: cls, identifiers: { name } };
  }

  rel(type: string, from: Ref, to: Ref): void {
    this.relations.push({ type, from, to });
  }
}

/** Splits `total` items over `parts` buckets as evenly as possible: the bucket of item i. */
const bucketOf = (i: number, total: number, parts: number): number =>
  Math.min(parts - 1, Math.floor((i * parts) / Math.max(1, total)));

export function syntheticDataset(ciCount: number, seed = 1): ImportData {
  if (!Number.isInteger(ciCount) || ciCount < 1)
    throw new Error(`syntheticDataset: ciCount must be a positive integer, got ${ciCount}`);
  const g = new Generator(mulberry32(seed));
  const N = ciCount;

  // ------------------------------------------------------------ parties
  const groupCount = Math.max(TEAMS.length, Math.min(96, Math.round(N / 400)));
  const groupsByTeam = new Map<Team, Ref[]>();
  const perLabel = new Map<string, number>();
  for (let i = 0; i < groupCount; i++) {
    const [team, label] = TEAMS[i % TEAMS.length] as readonly [Team, string];
    const n = (perLabel.get(label) ?? 0) + 1;
    perLabel.set(label, n);
    const name = `${label} ${pad(n, 2)}`;
    const ref = g.party('Group', name, {
      email: `${team}-${pad(i + 1, 3)}@ops.example.net`,
      description: `${label} team`,
    });
    const list = groupsByTeam.get(team) ?? [];
    list.push(ref);
    groupsByTeam.set(team, list);
  }
  const allGroups = [...groupsByTeam.values()].flat();
  const team = (t: Team): Ref => g.pick(groupsByTeam.get(t) ?? allGroups);

  const peopleCount = groupCount * 3;
  for (let i = 0; i < peopleCount; i++) {
    const first = FIRST_NAMES[i % FIRST_NAMES.length] as string;
    const last = LAST_NAMES[Math.floor(i / FIRST_NAMES.length) % LAST_NAMES.length] as string;
    const suffix =
      i >= FIRST_NAMES.length * LAST_NAMES.length
        ? ` ${Math.floor(i / (FIRST_NAMES.length * LAST_NAMES.length)) + 1}`
        : '';
    const name = `${first} ${last}${suffix}`;
    const person = g.party('Person', name, {
      email: `${name.toLowerCase().replace(/ /g, '.')}@ops.example.net`,
      title: g.pick(TITLES),
      timezone: g.pick(TIMEZONES),
      phone: `+44 20 7946 ${pad(i % 10000, 4)}`,
    });
    for (const group of g.pickDistinct(allGroups, g.chance(0.3) ? 2 : 1)) g.rel('MEMBER_OF_GROUP', person, group);
  }

  g.party('Organization', 'Synthetic Hosting Ltd', { orgType: 'internal', domain: 'ops.example.net', country: 'GB' });
  for (const [i, vendor] of ['Storage Supplier', 'Network Supplier', 'Backup Supplier', 'CDN Supplier'].entries()) {
    g.party('Organization', `${vendor} ${pad(i + 1, 2)}`, {
      orgType: 'supplier',
      domain: `supplier${i + 1}.example.com`,
      country: 'US',
    });
  }
  const customerCount = Math.max(3, Math.min(200, Math.round(N / 800)));
  const customers: Ref[] = [];
  for (let i = 0; i < customerCount; i++) {
    customers.push(
      g.party('Organization', `Customer ${pad(i + 1, 4)}`, {
        orgType: 'customer',
        domain: `customer${pad(i + 1, 4)}.example.com`,
        country: g.pick(CITIES)[1],
      }),
    );
  }

  const own = (ci: Ref, t: Team, also?: Team): void => {
    const owner = team(t);
    g.rel('OWNED_BY', ci, owner);
    g.rel('SUPPORTED_BY', ci, owner);
    if (also) {
      const second = team(also);
      if (second !== owner) g.rel('SUPPORTED_BY', ci, second);
    }
  };

  // ------------------------------------------------------------ sizing
  const sites = N < 1000 ? 1 : Math.max(2, Math.min(CITIES.length, Math.round(N / 10000)));
  const arraysPerSite = 1 + Math.floor(N / sites / 8000);
  const fixed = sites * (1 + 6 + arraysPerSite + 2 + 4); // site, routers/firewalls/switches, arrays, LB pair, 4 HA pairs
  const R = Math.max(0, N - fixed);
  const servers = Math.max(2, Math.round(R * 0.09));
  const hypervisors = Math.max(1, Math.round(servers * 0.7));
  const dbServers = servers - hypervisors;
  const racksPerSite = Math.max(1, Math.ceil(servers / sites / 14));
  const vms = Math.max(1, Math.round(R * 0.24));
  const volumes = Math.max(sites * 2, Math.round(R * 0.075));
  const databases = Math.max(1, Math.round(R * 0.05));
  const apps = Math.max(3, Math.round(R * 0.03));
  const farms = Math.max(1, Math.round(apps * 0.25));
  const services = Math.max(2, Math.round(R * 0.015));
  const businessServices = Math.max(1, Math.round(R * 0.004));

  // Host clusters (sizes 4..12) over 85% of each site's hypervisors, SQL pairs over half the database servers.
  const hypervisorSite = (i: number): number => bucketOf(i, hypervisors, sites);
  const dbServerSite = (i: number): number => bucketOf(i, dbServers, sites);
  const hostCluster: number[] = new Array<number>(hypervisors).fill(-1);
  const hostClusterSizes: number[] = [];
  const hostClusterSite: number[] = [];
  for (let i = 0; i < hypervisors;) {
    const site = hypervisorSite(i);
    let end = i;
    while (end < hypervisors && hypervisorSite(end) === site) end++;
    const clustered = i + Math.round((end - i) * 0.85);
    while (i < clustered) {
      const size = Math.min(g.int(4, 12), clustered - i);
      for (let k = 0; k < size; k++) hostCluster[i + k] = hostClusterSizes.length;
      hostClusterSizes.push(size);
      hostClusterSite.push(site);
      i += size;
    }
    i = end;
  }
  const sqlPairs = Math.floor(dbServers / 4);
  const vips = farms;
  const clustersTotal = hostClusterSizes.length + sqlPairs + farms;
  const instances = Math.max(
    apps,
    N -
      fixed -
      servers -
      sites * racksPerSite -
      vms -
      volumes -
      databases -
      apps -
      services -
      businessServices -
      clustersTotal -
      vips,
  );

  // ------------------------------------------------------------ locations and network, per site
  const racks: Ref[][] = [];
  const coreSwitches: Ref[][] = [];
  const arrays: Ref[][] = [];
  const lbPairs: Ref[] = [];
  let deviceNo = 0;
  const device = (name: string, deviceType: string, model: string, site: number, version: string): Ref => {
    deviceNo += 1;
    const ref = g.ci(
      'NetworkDevice',
      name,
      {
        deviceType,
        hostname: name,
        ipAddress: `10.${site + 1}.0.${deviceNo % 250}`,
        serialNumber: `FTX${pad(deviceNo, 7)}`,
        model,
      },
      version,
    );
    own(ref, deviceType === 'other' ? 'storage' : 'network');
    return ref;
  };
  const pair = (name: string, clusterType: string, members: Ref[], t: Team): Ref => {
    const ref = g.ci('Cluster', name, { clusterType, minimumMembers: 1 });
    own(ref, t);
    for (const m of members) g.rel('MEMBER_OF', m, ref);
    return ref;
  };
  for (let s = 0; s < sites; s++) {
    const [city, country, timezone] = CITIES[s] as readonly [string, string, string];
    const dc = `dc${pad(s + 1, 2)}`;
    const site = g.ci('Location', `${dc.toUpperCase()} ${city}`, {
      locationType: 'datacenter',
      city,
      country,
      timezone,
      address: `${g.int(1, 200)} Data Park, ${city}`,
    });
    own(site, 'dc');
    const siteRacks: Ref[] = [];
    for (let r = 0; r < racksPerSite; r++) {
      const rack = g.ci('Location', `${dc}-rack-${pad(r + 1, 4)}`, { locationType: 'rack', city, country });
      own(rack, 'dc');
      g.rel('LOCATED_IN', rack, site);
      siteRacks.push(rack);
    }
    racks.push(siteRacks);
    const netRack = siteRacks[0] as Ref;
    const routers = [1, 2].map((k) =>
      device(`${dc}-rtr${pad(k, 2)}`, 'router', 'Cisco ASR 1001-X', s, 'IOS-XE 17.9.4'),
    );
    const firewalls = [1, 2].map((k) =>
      device(`${dc}-fw${pad(k, 2)}`, 'firewall', 'Palo Alto PA-5220', s, 'PAN-OS 10.2.7'),
    );
    const cores = [1, 2].map((k) =>
      device(`${dc}-core-sw${pad(k, 2)}`, 'switch', 'Cisco Nexus 93180YC-FX', s, 'NX-OS 10.3(4a)'),
    );
    const siteArrays: Ref[] = [];
    for (let k = 0; k < arraysPerSite; k++)
      siteArrays.push(device(`${dc}-san${pad(k + 1, 2)}`, 'other', 'NetApp AFF A400', s, 'ONTAP 9.13.1'));
    const lbs = [1, 2].map((k) => {
      const name = `${dc}-lb${pad(k, 2)}`;
      const ref = g.ci(
        'LoadBalancer',
        name,
        {
          hostname: name,
          ipAddress: `10.${s + 1}.0.${200 + k}`,
          serialNumber: `f5-${dc}-${pad(k, 4)}`,
          model: 'F5 BIG-IP i5800',
        },
        'BIG-IP 16.1.4',
      );
      own(ref, 'network');
      return ref;
    });
    for (let k = 0; k < 2; k++) {
      g.rel('CONNECTED_TO', firewalls[k] as Ref, routers[k] as Ref);
      g.rel('CONNECTED_TO', cores[k] as Ref, firewalls[k] as Ref);
      g.rel('CONNECTED_TO', lbs[k] as Ref, cores[k] as Ref);
    }
    for (const [k, array] of siteArrays.entries()) g.rel('CONNECTED_TO', array, cores[k % 2] as Ref);
    for (const ref of [...routers, ...firewalls, ...cores, ...siteArrays, ...lbs]) g.rel('LOCATED_IN', ref, netRack);
    pair(`${dc} Edge Router Pair`, 'hsrp', routers, 'network');
    pair(`${dc} Firewall Pair`, 'active_standby', firewalls, 'network');
    pair(`${dc} Core Switch Pair`, 'vpc', cores, 'network');
    lbPairs.push(pair(`${dc} LB Pair`, 'active_standby', lbs, 'network'));
    coreSwitches.push(cores);
    arrays.push(siteArrays);
  }

  // ------------------------------------------------------------ storage volumes (the arrays are the hubs)
  const volumeRefs: Ref[] = [];
  const volumesBySite: Ref[][] = Array.from({ length: sites }, () => []);
  for (let i = 0; i < volumes; i++) {
    const site = bucketOf(i, volumes, sites);
    const array = g.pick(arrays[site] as Ref[]);
    const r = g.rnd();
    const storageType = r < 0.85 ? 'san_lun' : r < 0.95 ? 'nas_share' : 'object';
    const name = `vol-${pad(i + 1, 6)}`;
    const ref = g.ci('StorageVolume', name, {
      storageType,
      lunId: `${array.identifiers.name}-${storageType === 'nas_share' ? 'VOL' : 'LUN'}-${pad(i + 1, 6)}`,
      array: array.identifiers.name,
      capacityGb: g.pick([100, 250, 500, 1024, 2048, 4096, 8192]),
      usedPercent: Math.round(g.rnd() * 950) / 10,
    });
    g.rel('DEPENDS_ON', ref, array);
    own(ref, 'storage');
    volumeRefs.push(ref);
    volumesBySite[site]?.push(ref);
  }
  const siteVolume = (site: number): Ref =>
    g.pick(volumesBySite[site]?.length ? (volumesBySite[site] as Ref[]) : volumeRefs);

  // ------------------------------------------------------------ physical servers and their clusters
  let serialNo = 0;
  let rackSlot = 0;
  const physical = (name: string, site: number, os: string, t: Team): Ref => {
    serialNo += 1;
    const siteRacks = racks[site] as Ref[];
    const rack = siteRacks[rackSlot++ % siteRacks.length] as Ref;
    const ref = g.ci('Server', name, {
      hostname: name,
      serialNumber: `CZ${(46656 * 36 + serialNo).toString(36).toUpperCase()}`,
      model: g.pick(SERVER_MODELS),
      os,
      cpuCores: g.pick([16, 24, 32, 48, 64]),
      memoryGb: g.pick([128, 256, 384, 512, 768]),
      environment: 'production',
      ipAddress: `10.${site + 1}.${1 + (Math.floor(serialNo / 250) % 254)}.${(serialNo % 250) + 2}`,
      rack: rack.identifiers.name,
    });
    g.rel('LOCATED_IN', ref, rack);
    const cores = coreSwitches[site] as Ref[];
    const primary = serialNo % 2;
    g.rel('CONNECTED_TO', ref, cores[primary] as Ref);
    if (g.chance(0.5)) g.rel('CONNECTED_TO', ref, cores[1 - primary] as Ref);
    own(ref, t, g.chance(0.4) ? 'dc' : undefined);
    return ref;
  };
  const hostClusterRefs: Ref[] = [];
  const hostClusterDatastores: Ref[][] = [];
  for (let c = 0; c < hostClusterSizes.length; c++) {
    const size = hostClusterSizes[c] as number;
    const ref = g.ci('Cluster', `esx-cl-${pad(c + 1, 5)}`, {
      clusterType: 'vmware_ha',
      minimumMembers: Math.max(1, size - 1),
    });
    own(ref, 'virt');
    const site = hostClusterSite[c] as number;
    const datastores = g.pickDistinct(volumesBySite[site] ?? volumeRefs, g.int(1, 3));
    for (const ds of datastores) g.rel('STORED_ON', ref, ds);
    hostClusterRefs.push(ref);
    hostClusterDatastores.push(datastores);
  }
  const standaloneHosts: Array<{ ref: Ref; site: number }> = [];
  let srvNo = 0;
  for (let i = 0; i < hypervisors; i++) {
    const ref = physical(`srv-${pad(++srvNo, 6)}`, hypervisorSite(i), g.pick(HYPERVISORS), 'virt');
    const c = hostCluster[i] as number;
    if (c >= 0) g.rel('MEMBER_OF', ref, hostClusterRefs[c] as Ref);
    else standaloneHosts.push({ ref, site: hypervisorSite(i) });
  }
  const dbServerRefs: Array<{ ref: Ref; site: number }> = [];
  for (let i = 0; i < dbServers; i++) {
    const site = dbServerSite(i);
    const windows = g.chance(0.5);
    const ref = physical(
      `srv-${pad(++srvNo, 6)}`,
      site,
      g.pick(windows ? WINDOWS : LINUX),
      windows ? 'windows' : 'unix',
    );
    g.rel('STORED_ON', ref, siteVolume(site));
    dbServerRefs.push({ ref, site });
  }
  const sqlClusterRefs: Array<{ ref: Ref; site: number }> = [];
  for (let p = 0; p < sqlPairs; p++) {
    const a = dbServerRefs[2 * p] as { ref: Ref; site: number };
    const b = dbServerRefs[2 * p + 1] as { ref: Ref; site: number };
    const ref = g.ci('Cluster', `db-cl-${pad(p + 1, 5)}`, { clusterType: 'db_failover', minimumMembers: 1 });
    own(ref, 'dba');
    g.rel('MEMBER_OF', a.ref, ref);
    g.rel('MEMBER_OF', b.ref, ref);
    g.rel('STORED_ON', ref, siteVolume(a.site));
    sqlClusterRefs.push({ ref, site: a.site });
  }
  const standaloneDbServers = dbServerRefs.slice(2 * sqlPairs);

  // ------------------------------------------------------------ services first (backup targets), then VMs
  // Services are created up front so BACKED_UP_BY can point at the backup services; their edges come later.
  const backupServiceCount = Math.max(1, Math.round(services * 0.03));
  const serviceRefs: Ref[] = [];
  for (let i = 0; i < services; i++) {
    const backup = i < backupServiceCount;
    const kind = g.pick(APP_KINDS);
    const ref = g.ci('Service', `svc-${pad(i + 1, 5)}`, {
      criticality: g.pick(['low', 'medium', 'medium', 'high', 'critical']),
      description: backup ? 'Backup and restore service' : `${kind} service`,
    });
    serviceRefs.push(ref);
  }
  const backupServices = serviceRefs.slice(0, backupServiceCount);

  const vmRefs: Ref[] = [];
  const vmSite: number[] = [];
  for (let i = 0; i < vms; i++) {
    const name = `vm-${pad(i + 1, 6)}`;
    const windows = g.chance(0.45);
    const onCluster = hostClusterRefs.length > 0 && (standaloneHosts.length === 0 || g.chance(0.85));
    const c = onCluster ? Math.floor(g.rnd() * hostClusterRefs.length) : -1;
    const standalone = onCluster ? undefined : g.pick(standaloneHosts);
    const site = c >= 0 ? (hostClusterSite[c] as number) : (standalone?.site ?? 0);
    const ref = g.ci('VirtualMachine', name, {
      hostname: name,
      vmUuid: `42260000-0000-4000-8000-${(i + 1).toString(16).padStart(12, '0')}`,
      ipAddress: `10.${site + 1}.${64 + (Math.floor(i / 250) % 190)}.${(i % 250) + 2}`,
      os: g.pick(windows ? WINDOWS : LINUX),
      cpuCores: g.pick([2, 2, 4, 4, 8, 16]),
      memoryGb: g.pick([4, 8, 8, 16, 32, 64]),
      environment: g.environment(),
    });
    if (c >= 0) {
      g.rel('HOSTED_ON', ref, hostClusterRefs[c] as Ref);
      g.rel('STORED_ON', ref, g.pick(hostClusterDatastores[c] as Ref[]));
    } else {
      g.rel('HOSTED_ON', ref, (standalone as { ref: Ref }).ref);
      g.rel('STORED_ON', ref, siteVolume(site));
    }
    own(ref, windows ? 'windows' : 'unix', g.chance(0.3) ? 'virt' : undefined);
    if (g.chance(0.6)) g.rel('BACKED_UP_BY', ref, g.pick(backupServices));
    vmRefs.push(ref);
    vmSite.push(site);
  }

  // ------------------------------------------------------------ databases
  const dbRefs: Ref[] = [];
  for (let i = 0; i < databases; i++) {
    const [engine, engineVersion] = g.pick(ENGINES);
    const ref = g.ci('Database', `db-${pad(i + 1, 6)}`, {
      engine,
      engineVersion,
      sizeGb: Math.round(g.rnd() * 20000) / 10,
      environment: g.environment(),
    });
    const r = g.rnd();
    let site: number;
    if (r < 0.4 && sqlClusterRefs.length) {
      const host = g.pick(sqlClusterRefs);
      g.rel('RUNS_ON', ref, host.ref);
      site = host.site;
    } else if (r < 0.6 && standaloneDbServers.length) {
      const host = g.pick(standaloneDbServers);
      g.rel('RUNS_ON', ref, host.ref);
      site = host.site;
    } else {
      const v = Math.floor(g.rnd() * vmRefs.length);
      g.rel('RUNS_ON', ref, vmRefs[v] as Ref);
      site = vmSite[v] as number;
    }
    for (const vol of g.pickDistinct(volumesBySite[site] ?? volumeRefs, g.chance(0.5) ? 2 : 1))
      g.rel('STORED_ON', ref, vol);
    own(ref, 'dba', g.chance(0.3) ? 'app' : undefined);
    if (g.chance(0.8)) g.rel('BACKED_UP_BY', ref, g.pick(backupServices));
    dbRefs.push(ref);
  }

  // ------------------------------------------------------------ applications, web farms, VIPs, instances
  const appOwner: Ref[] = [];
  const appRefs: Ref[] = [];
  for (let i = 0; i < apps; i++) {
    const kind = g.pick(APP_KINDS);
    const vendor = g.pick(VENDORS);
    const ref = g.ci(
      'Application',
      `app-${pad(i + 1, 5)}`,
      { vendor, description: `${kind} application` },
      `${g.int(1, 12)}.${g.int(0, 20)}.${g.int(0, 9)}`,
    );
    const owner = team('app');
    g.rel('OWNED_BY', ref, owner);
    g.rel('SUPPORTED_BY', ref, owner);
    if (g.chance(0.4)) g.rel('SUPPORTED_BY', ref, team(g.chance(0.5) ? 'unix' : 'windows'));
    if (i > 0 && g.chance(0.3)) g.rel('DEPENDS_ON', ref, appRefs[Math.floor(g.rnd() * i)] as Ref);
    appOwner.push(owner);
    appRefs.push(ref);
  }
  // Which application each instance belongs to: every application gets one, then a skewed spread.
  const instanceApp: number[] = new Array<number>(instances);
  const instancesPerApp: number[] = new Array<number>(apps).fill(0);
  for (let i = 0; i < instances; i++) {
    const a = i < apps ? i : Math.floor(apps * Math.pow(g.rnd(), 1.8));
    instanceApp[i] = a;
    instancesPerApp[a] = (instancesPerApp[a] ?? 0) + 1;
  }
  // The most-instanced applications run in web farms behind a load-balancer virtual server.
  const byInstances = Array.from({ length: apps }, (_, i) => i).sort(
    (x, y) => (instancesPerApp[y] ?? 0) - (instancesPerApp[x] ?? 0) || x - y,
  );
  const farmOfApp: Array<Ref | undefined> = new Array<Ref | undefined>(apps).fill(undefined);
  const vipRefs: Ref[] = [];
  for (let f = 0; f < farms; f++) {
    const a = byInstances[f] as number;
    const members = instancesPerApp[a] ?? 1;
    const farm = g.ci('Cluster', `farm-${pad(f + 1, 5)}`, {
      clusterType: 'web_farm',
      minimumMembers: Math.max(1, Math.floor(members / 2)),
    });
    g.rel('OWNED_BY', farm, appOwner[a] as Ref);
    g.rel('SUPPORTED_BY', farm, appOwner[a] as Ref);
    g.rel('RUNS_ON', appRefs[a] as Ref, farm);
    farmOfApp[a] = farm;
    const site = f % sites;
    const vipName = `vs-${pad(f + 1, 5)}`;
    const vip = g.ci('LoadBalancer', vipName, {
      vip: `192.0.2.${f % 250}:${g.pick([80, 443, 8443])}`,
      ipAddress: `10.${site + 1}.250.${f % 250}`,
    });
    g.rel('DEPENDS_ON', vip, farm);
    g.rel('DEPENDS_ON', vip, lbPairs[site] as Ref);
    own(vip, 'network');
    vipRefs.push(vip);
  }
  for (let i = 0; i < instances; i++) {
    const a = instanceApp[i] as number;
    const ref = g.ci('ApplicationInstance', `ai-${pad(i + 1, 6)}`, {
      environment: g.environment(),
      port: g.pick([80, 443, 8080, 8443, 9000, 5000]),
    });
    g.rel('INSTANCE_OF', ref, appRefs[a] as Ref);
    g.rel('RUNS_ON', ref, g.pick(vmRefs));
    const farm = farmOfApp[a];
    if (farm) g.rel('MEMBER_OF', ref, farm);
    if (g.chance(0.4)) g.rel('DEPENDS_ON', ref, g.pick(dbRefs));
    g.rel('OWNED_BY', ref, appOwner[a] as Ref);
    g.rel('SUPPORTED_BY', ref, appOwner[a] as Ref);
    if (g.chance(0.3)) g.rel('SUPPORTED_BY', ref, team('desk'));
  }

  // ------------------------------------------------------------ service edges, business services, subscriptions
  for (const [i, svc] of serviceRefs.entries()) {
    for (const app of g.pickDistinct(appRefs, g.int(2, 4))) g.rel('DEPENDS_ON', svc, app);
    if (vipRefs.length && g.chance(0.4)) g.rel('DEPENDS_ON', svc, g.pick(vipRefs));
    if (i > 0 && g.chance(0.2)) g.rel('DEPENDS_ON', svc, serviceRefs[Math.floor(g.rnd() * i)] as Ref);
    own(svc, g.chance(0.5) ? 'sdm' : 'app', 'desk');
  }
  const businessRefs: Ref[] = [];
  for (let i = 0; i < businessServices; i++) {
    const ref = g.ci('BusinessService', `bs-${pad(i + 1, 5)}`, {
      criticality: g.pick(['medium', 'high', 'critical']),
      description: `${g.pick(APP_KINDS)} offering`,
    });
    for (const svc of g.pickDistinct(serviceRefs, g.int(3, 6))) g.rel('DEPENDS_ON', ref, svc);
    own(ref, 'sdm', 'desk');
    businessRefs.push(ref);
  }
  const subscribable = [...businessRefs, ...serviceRefs.slice(0, Math.min(serviceRefs.length, 200))];
  for (const customer of customers) {
    for (const target of g.pickDistinct(subscribable, g.int(2, 8))) g.rel('SUBSCRIBES_TO', customer, target);
  }

  return { source: 'synthetic', atomic: false, items: g.items, relations: g.relations };
}
