/**
 * The demo CMDB: a managed-service provider (Ioko Managed Services) running the online platform of a sports
 * broadcaster (Channel Sport Media) from two data centres, after "a day in the life" of its technical lead —
 * the SolarWinds network alert, the SQL Server LUN at 88%, BizTalk, Active Directory and Asigra backup chores,
 * the Quova Geo-IP fault behind the Licence Web Service, and the power cut at the client's Brentford office
 * that stops the content editors during the Rugby World Cup.
 *
 * Expressed as one atomic import (source `demo`), so it goes through identification and reconciliation like
 * any other feed and can be loaded again without creating duplicates.
 */
import type { ImportData, ImportItemData, ImportRelationData, ImportResult } from '../src/modules/cmdb';
import type { Services } from '../src/context';

type Attrs = Record<string, string | number | boolean | string[]>;
type Names = string | readonly string[];

interface CiOptions {
  /** The one owner group. */
  owner: string;
  /** Support groups (first line first). */
  support: readonly string[];
  status?: string;
  version?: string;
}

const PARTY_CLASSES = new Set(['Organization', 'Group', 'Person']);

/**
 * Collects items and relations. Names are unique across the whole demo (not only within a class), so a
 * relation can name its ends without their classes; a typo or a duplicate fails when the dataset is built.
 */
class DemoBuilder {
  readonly items: ImportItemData[] = [];
  readonly relations: ImportRelationData[] = [];
  private readonly classByName = new Map<string, string>();
  private readonly relationKeys = new Set<string>();

  private push(cls: string, name: string, attributes: Attrs, status?: string, version?: string): void {
    if (this.classByName.has(name)) throw new Error(`demo dataset: duplicate name "${name}"`);
    this.classByName.set(name, cls);
    const item: ImportItemData = { class: cls, name };
    if (status) item.status = status;
    if (version) item.version = version;
    if (Object.keys(attributes).length) item.attributes = attributes;
    this.items.push(item);
  }

  party(cls: 'Organization' | 'Group' | 'Person', name: string, attributes: Attrs): string {
    this.push(cls, name, attributes);
    return name;
  }

  ci(cls: string, name: string, attributes: Attrs, options: CiOptions): string {
    if (PARTY_CLASSES.has(cls)) throw new Error(`demo dataset: ${cls} is not a CI class`);
    this.push(cls, name, attributes, options.status, options.version);
    this.rel('OWNED_BY', name, options.owner);
    this.rel('SUPPORTED_BY', name, options.support);
    return name;
  }

  /** `type` from every name in `from` to every name in `to`. */
  rel(type: string, from: Names, to: Names): void {
    for (const f of typeof from === 'string' ? [from] : from) {
      for (const t of typeof to === 'string' ? [to] : to) {
        const key = `${type}|${f}|${t}`;
        if (this.relationKeys.has(key)) throw new Error(`demo dataset: duplicate relation ${f} -[${type}]-> ${t}`);
        this.relationKeys.add(key);
        this.relations.push({ type, from: this.ref(f), to: this.ref(t) });
      }
    }
  }

  private ref(name: string): { class: string; identifiers: Record<string, string> } {
    const cls = this.classByName.get(name);
    if (!cls) throw new Error(`demo dataset: relation names unknown record "${name}"`);
    return { class: cls, identifiers: { name } };
  }
}

/** A VMware-style BIOS UUID derived from the hostname (stable across runs). */
function vmUuid(hostname: string): string {
  const words: string[] = [];
  let h = 0x811c9dc5;
  for (let round = 0; round < 4; round++) {
    for (let i = 0; i < hostname.length; i++) {
      h ^= hostname.charCodeAt(i) + round;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    words.push(h.toString(16).padStart(8, '0'));
  }
  const hex = `4226${words.join('').slice(4)}`;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function demoDataset(): ImportData {
  const b = new DemoBuilder();

  // ---------------------------------------------------------------- organizations
  const IOKO = b.party('Organization', 'Ioko Managed Services', {
    orgType: 'internal',
    domain: 'ioko.com',
    country: 'GB',
  });
  const CSM = b.party('Organization', 'Channel Sport Media', {
    orgType: 'customer',
    domain: 'channelsport.com',
    country: 'GB',
  });
  const NFA = b.party('Organization', 'Northern Film Archive', {
    orgType: 'customer',
    domain: 'northernfilmarchive.org.uk',
    country: 'GB',
  });
  b.party('Organization', 'Quova', { orgType: 'supplier', domain: 'quova.com', country: 'US' });
  b.party('Organization', 'Asigra', { orgType: 'supplier', domain: 'asigra.com', country: 'CA' });

  // ---------------------------------------------------------------- groups
  const group = (name: string, email: string, description: string): string =>
    b.party('Group', name, { email, description });
  const DESK = group(
    'Service Desk',
    'servicedesk@ioko.com',
    '24x7 first line: takes calls, raises and routes iSMI tickets',
  );
  const MSAPPS = group(
    'Microsoft Application Support',
    'ms-apps@ioko.com',
    'Windows, IIS, SQL Server, Active Directory and BizTalk',
  );
  const NETOPS = group(
    'Network Operations',
    'netops@ioko.com',
    'Routers, firewalls, switches, load balancers, CDN and remote access',
  );
  const STORAGE = group('Storage & Backup', 'storage@ioko.com', 'SAN arrays, fabrics, LUNs and Asigra backup');
  const VMSTEAM = group(
    'VMS Platform Team',
    'vms-platform@ioko.com',
    'Customer-aligned team running the Channel Sport video platform',
  );
  const CONTACTS = group(
    'Customer Technical Contacts',
    'csm-tech@channelsport.com',
    'Technical contacts at the customers, for incident debriefs and change co-authorization',
  );
  const SDM = group(
    'Service Delivery Management',
    'service-delivery@ioko.com',
    'Service delivery managers: SLAs, reviews and major-incident calls',
  );
  const VIRT = group(
    'Virtualisation & Hosting',
    'hosting@ioko.com',
    'Data-centre hosting, physical servers and the VMware estate',
  );
  const TOOLS = group('Monitoring & Tooling', 'ismi@ioko.com', 'iSMI: HP OpenView, SolarWinds and HP Service Manager');
  const CSMDEV = group(
    'Channel Sport Development',
    'dev@channelsport.com',
    "The customer's own development team (VMS and Licence Web Service)",
  );
  const NFAIT = group(
    'Northern Film Archive IT',
    'it@northernfilmarchive.org.uk',
    "Northern Film Archive's in-house IT",
  );
  const QUOVA_SUPPORT = group('Quova Customer Support', 'support@quova.com', 'Supplier support for the Geo-IP service');
  const ASIGRA_SUPPORT = group('Asigra Support', 'support@asigra.com', 'Supplier support for Asigra Cloud Backup');

  // ---------------------------------------------------------------- people
  const person = (
    name: string,
    email: string,
    title: string,
    timezone: string,
    phone: string,
    groups: string[],
  ): void => {
    b.party('Person', name, { email, title, timezone, phone });
    b.rel('MEMBER_OF_GROUP', name, groups);
  };
  person(
    'Joe Bennett',
    'joe.bennett@ioko.com',
    'Technical Lead, Operations Management',
    'Europe/London',
    '+44 20 7946 0101',
    [VMSTEAM, MSAPPS],
  );
  person('Ray Alvarez', 'ray.alvarez@ioko.com', 'On-call Support Engineer', 'America/Los_Angeles', '+1 310 555 0142', [
    VMSTEAM,
    MSAPPS,
  ]);
  person('Tom Hughes', 'tom.hughes@ioko.com', 'Senior Network Engineer (CCIE)', 'Europe/London', '+44 20 7946 0117', [
    NETOPS,
  ]);
  person(
    'Sarah Whitfield',
    'sarah.whitfield@ioko.com',
    'Service Delivery Manager',
    'Europe/London',
    '+44 20 7946 0130',
    [SDM],
  );
  person('Priya Shah', 'priya.shah@ioko.com', 'Application Developer', 'Europe/London', '+44 20 7946 0144', [VMSTEAM]);
  person('Dave Collins', 'dave.collins@ioko.com', 'Storage & Backup Engineer', 'Europe/London', '+44 161 496 0152', [
    STORAGE,
  ]);
  person('Anna Kowalski', 'anna.kowalski@ioko.com', 'Windows Systems Engineer', 'Europe/London', '+44 20 7946 0158', [
    MSAPPS,
    VIRT,
  ]);
  person('Emma Clarke', 'emma.clarke@ioko.com', 'Service Desk Analyst', 'Europe/London', '+44 20 7946 0100', [DESK]);
  person('Gareth Price', 'gareth.price@ioko.com', 'Monitoring Engineer', 'Europe/London', '+44 20 7946 0163', [
    TOOLS,
    DESK,
  ]);
  person('Kenji Tanaka', 'kenji.tanaka@ioko.com', 'Sales Manager, Asia Pacific', 'Asia/Tokyo', '+81 3 4578 0171', [
    SDM,
  ]);
  person(
    'Mark Doyle',
    'mark.doyle@channelsport.com',
    'Head of Online Technology, Channel Sport Media',
    'Europe/London',
    '+44 20 8568 0190',
    [CONTACTS],
  );
  person(
    "Liam O'Brien",
    'liam.obrien@channelsport.com',
    'Lead Developer, Channel Sport Media',
    'Europe/London',
    '+44 20 8568 0194',
    [CSMDEV, CONTACTS],
  );
  person(
    'Helen Marsh',
    'helen.marsh@northernfilmarchive.org.uk',
    'IT Manager, Northern Film Archive',
    'Europe/London',
    '+44 113 496 0120',
    [NFAIT, CONTACTS],
  );

  // ---------------------------------------------------------------- locations
  const loc = (name: string, attributes: Attrs, within?: string): string => {
    b.ci('Location', name, attributes, { owner: VIRT, support: [VIRT] });
    if (within) b.rel('LOCATED_IN', name, within);
    return name;
  };
  const LON = loc('London DC1', {
    locationType: 'datacenter',
    address: '14 Marsh Wall, London E14 9FH',
    city: 'London',
    country: 'GB',
    timezone: 'Europe/London',
  });
  const MAN = loc('Manchester DC2', {
    locationType: 'datacenter',
    address: 'Unit 7, Trafford Park Road, Manchester M17 1HH',
    city: 'Manchester',
    country: 'GB',
    timezone: 'Europe/London',
  });
  const BRENTFORD = loc('Client HQ Brentford', {
    locationType: 'office',
    address: 'Sport House, Great West Road, Brentford TW8 9DF',
    city: 'Brentford',
    country: 'GB',
    timezone: 'Europe/London',
  });
  const LON_HALL = loc('London DC1 Data Hall A', { locationType: 'room', city: 'London', country: 'GB' }, LON);
  const MAN_HALL = loc('Manchester DC2 Data Hall 1', { locationType: 'room', city: 'Manchester', country: 'GB' }, MAN);
  const BRN_COMMS = loc('Brentford Comms Room', { locationType: 'room', city: 'Brentford', country: 'GB' }, BRENTFORD);
  const RACK_A01 = loc('LON-DC1 Rack A01', { locationType: 'rack' }, LON_HALL);
  const RACK_A02 = loc('LON-DC1 Rack A02', { locationType: 'rack' }, LON_HALL);
  const RACK_A03 = loc('LON-DC1 Rack A03', { locationType: 'rack' }, LON_HALL);
  const RACK_A04 = loc('LON-DC1 Rack A04', { locationType: 'rack' }, LON_HALL);
  const RACK_C01 = loc('MAN-DC2 Rack C01', { locationType: 'rack' }, MAN_HALL);
  const RACK_C02 = loc('MAN-DC2 Rack C02', { locationType: 'rack' }, MAN_HALL);

  // ---------------------------------------------------------------- network
  const net = (
    hostname: string,
    deviceType: string,
    model: string,
    serialNumber: string,
    ipAddress: string,
    version: string,
    rack: string,
    support: string[] = [NETOPS],
  ): string => {
    b.ci(
      'NetworkDevice',
      hostname,
      { deviceType, hostname, ipAddress, serialNumber, model },
      { owner: NETOPS, support, version },
    );
    b.rel('LOCATED_IN', hostname, rack);
    return hostname;
  };
  const cluster = (
    name: string,
    clusterType: string,
    minimumMembers: number,
    owner: string,
    support: string[],
    members: Names = [],
  ): string => {
    b.ci('Cluster', name, { clusterType, minimumMembers }, { owner, support });
    b.rel('MEMBER_OF', members, name);
    return name;
  };

  // London DC1: SolarWinds-monitored edge routers, a firewall pair, the core switch pair, the SAN fabrics.
  const LON_RTR = [
    net('lon-rtr01', 'router', 'Cisco 7206VXR NPE-G2', 'FTX1411A0K1', '10.10.0.1', 'IOS 12.4(24)T5', RACK_A01),
    net('lon-rtr02', 'router', 'Cisco 7206VXR NPE-G2', 'FTX1411A0K2', '10.10.0.2', 'IOS 12.4(24)T5', RACK_A01),
  ] as const;
  const LON_FW = [
    net('lon-fw01', 'firewall', 'Cisco ASA 5540', 'JMX1502L1A7', '10.10.0.11', 'ASA 8.2(5)', RACK_A01),
    net('lon-fw02', 'firewall', 'Cisco ASA 5540', 'JMX1502L1A8', '10.10.0.12', 'ASA 8.2(5)', RACK_A01),
  ] as const;
  const LON_CORE = [
    net('lon-core-sw01', 'switch', 'Cisco Catalyst 6509-E', 'SMC1438004T', '10.10.0.21', 'IOS 12.2(33)SXI4', RACK_A01),
    net('lon-core-sw02', 'switch', 'Cisco Catalyst 6509-E', 'SMC1438004U', '10.10.0.22', 'IOS 12.2(33)SXI4', RACK_A01),
  ] as const;
  const LON_FC = [
    net('lon-fc-sw01', 'switch', 'Brocade 300 SAN Switch', 'ALJ0629E0A1', '10.10.0.31', 'FOS 6.4.1a', RACK_A04, [
      STORAGE,
    ]),
    net('lon-fc-sw02', 'switch', 'Brocade 300 SAN Switch', 'ALJ0629E0A2', '10.10.0.32', 'FOS 6.4.1a', RACK_A04, [
      STORAGE,
    ]),
  ] as const;
  const VPN = net(
    'lon-vpn01',
    'vpn',
    'Juniper SA4500 SSL VPN',
    '0121052009000451',
    '10.10.0.41',
    'IVE 7.0R3',
    RACK_A01,
  );
  // The SAN arrays have no class of their own: an 'other' device the LUNs depend on.
  const LON_EVA = net(
    'lon-eva01',
    'other',
    'HP StorageWorks EVA6400',
    'SGA0362E2M',
    '10.10.0.51',
    'XCS 10000000',
    RACK_A04,
    [STORAGE],
  );
  const MAN_RTR = net('man-rtr01', 'router', 'Cisco 3945', 'FGL1522113B', '10.20.0.1', 'IOS 15.1(4)M', RACK_C01);
  const MAN_FW = net('man-fw01', 'firewall', 'Cisco ASA 5520', 'JMX1444L0C2', '10.20.0.11', 'ASA 8.2(5)', RACK_C01);
  const MAN_CORE = net(
    'man-core-sw01',
    'switch',
    'Cisco Catalyst 4507R+E',
    'FOX1530G1QZ',
    '10.20.0.21',
    'IOS 12.2(54)SG',
    RACK_C01,
  );
  const MAN_MSA = net('man-msa01', 'other', 'HP P2000 G3 MSA FC', '2S6926B021', '10.20.0.51', 'TS230P008', RACK_C01, [
    STORAGE,
  ]);
  // Client site: the WAN router that links the Brentford office to London DC1, and the office switch.
  const BRN_RTR = net('brn-rtr01', 'router', 'Cisco 2921', 'FTX1538AH2F', '10.30.0.1', 'IOS 15.0(1)M4', BRN_COMMS);
  const BRN_SW = net(
    'brn-sw01',
    'switch',
    'Cisco Catalyst 3750-X 48P',
    'FDO1535K0RM',
    '10.30.0.2',
    'IOS 12.2(58)SE2',
    BRN_COMMS,
  );
  // The CDN edge that serves VOD to viewers.
  const CDN = 'csm-cdn-edge';
  b.ci(
    'NetworkDevice',
    CDN,
    { deviceType: 'cdn', hostname: 'vod.cdn.channelsport.com', model: 'Akamai Adaptive Media Delivery' },
    { owner: NETOPS, support: [NETOPS] },
  );

  const ROUTER_PAIR = cluster('LON Edge Router Pair', 'hsrp', 1, NETOPS, [NETOPS], LON_RTR);
  const FW_PAIR = cluster('LON Firewall Pair', 'active_standby', 1, NETOPS, [NETOPS], LON_FW);
  const CORE_PAIR = cluster('LON Core Switch Pair', 'vss', 1, NETOPS, [NETOPS], LON_CORE);
  const FABRIC = cluster('LON SAN Fabric', 'san_fabric', 1, STORAGE, [STORAGE], LON_FC);
  // A single link is CONNECTED_TO its device; a device cabled to both halves of a pair DEPENDS_ON the pair
  // (a Cluster with minimumMembers 1), so losing one router, firewall or switch in DC1 takes nothing down.
  b.rel('DEPENDS_ON', LON_FW, ROUTER_PAIR);
  b.rel('DEPENDS_ON', LON_CORE, FW_PAIR);
  b.rel('DEPENDS_ON', VPN, FW_PAIR);
  b.rel('DEPENDS_ON', LON_EVA, FABRIC);
  b.rel('CONNECTED_TO', MAN_FW, MAN_RTR);
  b.rel('CONNECTED_TO', MAN_CORE, MAN_FW);
  b.rel('CONNECTED_TO', MAN_MSA, MAN_CORE);
  b.rel('DEPENDS_ON', MAN_RTR, ROUTER_PAIR); // the DC2 replication link lands on both DC1 edge routers
  b.rel('CONNECTED_TO', BRN_RTR, 'lon-rtr01'); // the office's WAN circuit into DC1
  b.rel('CONNECTED_TO', BRN_SW, BRN_RTR);

  // Load balancers: an F5 pair and its virtual servers.
  const lb = (name: string, attributes: Attrs, version?: string): string =>
    b.ci('LoadBalancer', name, attributes, { owner: NETOPS, support: [NETOPS], ...(version ? { version } : {}) });
  lb(
    'lon-lb01',
    { hostname: 'lon-lb01', ipAddress: '10.10.0.61', serialNumber: 'f5-wxyz-1a2b', model: 'F5 BIG-IP 6900' },
    'BIG-IP LTM 10.2.1',
  );
  lb(
    'lon-lb02',
    { hostname: 'lon-lb02', ipAddress: '10.10.0.62', serialNumber: 'f5-wxyz-1a2c', model: 'F5 BIG-IP 6900' },
    'BIG-IP LTM 10.2.1',
  );
  b.rel('LOCATED_IN', ['lon-lb01', 'lon-lb02'], RACK_A01);
  b.rel('CONNECTED_TO', 'lon-lb01', 'lon-core-sw01');
  b.rel('CONNECTED_TO', 'lon-lb02', 'lon-core-sw02');
  const LB_PAIR = cluster('LON F5 Pair', 'active_standby', 1, NETOPS, [NETOPS], ['lon-lb01', 'lon-lb02']);
  const VS_WWW = lb('vs-channelsport-www', { vip: '203.0.113.10:443', ipAddress: '203.0.113.10' });
  const VS_LWS = lb('vs-licence-ws', { vip: '10.10.50.20:443', ipAddress: '10.10.50.20' });
  const VS_ORIGIN = lb('vs-vod-origin', { vip: '203.0.113.12:80', ipAddress: '203.0.113.12' });
  const VS_CMS = lb('vs-cms-author', { vip: '10.10.50.30:443', ipAddress: '10.10.50.30' });
  b.rel('DEPENDS_ON', [VS_WWW, VS_LWS, VS_ORIGIN, VS_CMS], LB_PAIR);
  b.rel('CONNECTED_TO', CDN, VS_ORIGIN);

  // ---------------------------------------------------------------- physical servers
  const server = (
    hostname: string,
    attributes: Attrs,
    rack: string | undefined,
    owner: string,
    support: string[],
    extra: Partial<CiOptions> = {},
  ): string => {
    b.ci('Server', hostname, { hostname, ...attributes, ...(rack ? { rack } : {}) }, { owner, support, ...extra });
    if (rack) b.rel('LOCATED_IN', hostname, rack);
    return hostname;
  };
  const DL380 = { model: 'HP ProLiant DL380 G7', cpuCores: 12, memoryGb: 96, environment: 'production' };
  const ESX = { ...DL380, os: 'VMware ESXi 4.1 Update 1' };
  const LON_ESX = [
    server('lon-esx01', { ...ESX, ipAddress: '10.10.10.11', serialNumber: 'CZJ10412F1' }, RACK_A02, VIRT, [VIRT]),
    server('lon-esx02', { ...ESX, ipAddress: '10.10.10.12', serialNumber: 'CZJ10412F2' }, RACK_A02, VIRT, [VIRT]),
    server('lon-esx03', { ...ESX, ipAddress: '10.10.10.13', serialNumber: 'CZJ10412F3' }, RACK_A03, VIRT, [VIRT]),
    server('lon-esx04', { ...ESX, ipAddress: '10.10.10.14', serialNumber: 'CZJ10412F4' }, RACK_A03, VIRT, [VIRT]),
  ];
  const MAN_ESX = [
    server('man-esx01', { ...ESX, ipAddress: '10.20.10.11', serialNumber: 'CZJ11103K7' }, RACK_C01, VIRT, [VIRT]),
    server('man-esx02', { ...ESX, ipAddress: '10.20.10.12', serialNumber: 'CZJ11103K8' }, RACK_C01, VIRT, [VIRT]),
  ];
  const SQL_HW = {
    model: 'HP ProLiant DL580 G7',
    os: 'Windows Server 2008 R2 Enterprise SP1',
    cpuCores: 32,
    memoryGb: 128,
    environment: 'production',
  };
  const SQL_NODES = [
    server('lon-sql01', { ...SQL_HW, ipAddress: '10.10.20.11', serialNumber: 'GB8043TK1A' }, RACK_A02, MSAPPS, [
      MSAPPS,
    ]),
    server('lon-sql02', { ...SQL_HW, ipAddress: '10.10.20.12', serialNumber: 'GB8043TK1B' }, RACK_A03, MSAPPS, [
      MSAPPS,
    ]),
  ];
  const DC_HW = {
    model: 'HP ProLiant DL360 G7',
    os: 'Windows Server 2008 R2 Standard SP1',
    cpuCores: 8,
    memoryGb: 16,
    environment: 'production',
  };
  const LON_DC = server(
    'lon-dc01',
    { ...DC_HW, ipAddress: '10.10.20.21', serialNumber: 'CZ3112A0D1' },
    RACK_A04,
    MSAPPS,
    [MSAPPS],
  );
  const MAN_DC = server(
    'man-dc01',
    { ...DC_HW, ipAddress: '10.20.20.21', serialNumber: 'CZ3112A0D2' },
    RACK_C02,
    MSAPPS,
    [MSAPPS],
  );
  const BKP_HW = {
    model: 'HP ProLiant DL380 G7',
    os: 'Windows Server 2008 R2 Standard SP1',
    cpuCores: 12,
    memoryGb: 48,
    environment: 'production',
  };
  const LON_BKP = server(
    'lon-bkp01',
    { ...BKP_HW, ipAddress: '10.10.30.11', serialNumber: 'CZJ1051B0B1' },
    RACK_A04,
    STORAGE,
    [STORAGE, ASIGRA_SUPPORT],
  );
  const MAN_BKP = server(
    'man-bkp01',
    { ...BKP_HW, ipAddress: '10.20.30.11', serialNumber: 'CZJ1051B0B2' },
    RACK_C02,
    STORAGE,
    [STORAGE, ASIGRA_SUPPORT],
  );
  // The content editors' desks at the client site.
  const WS = {
    model: 'HP Z400 Workstation',
    os: 'Windows 7 Professional SP1',
    cpuCores: 4,
    memoryGb: 12,
    environment: 'production',
  };
  const EDITOR_DESKS = ['01', '02', '03', '04'].map((n, i) =>
    server(
      `brn-edit-ws${n}`,
      { ...WS, ipAddress: `10.30.10.${21 + i}`, serialNumber: `CZC1184X${n}` },
      undefined,
      CSMDEV,
      [CONTACTS, DESK],
    ),
  );
  b.rel('LOCATED_IN', EDITOR_DESKS, BRENTFORD);
  b.rel('CONNECTED_TO', EDITOR_DESKS, BRN_SW);

  b.rel('DEPENDS_ON', [...LON_ESX, ...SQL_NODES, LON_DC, LON_BKP], CORE_PAIR); // teamed NICs into both core switches
  b.rel('CONNECTED_TO', [...MAN_ESX, MAN_DC, MAN_BKP], MAN_CORE);
  b.rel('DEPENDS_ON', [...LON_ESX, ...SQL_NODES, LON_BKP], FABRIC); // HBAs into both fabrics

  const LON_ESX_CLUSTER = cluster('LON ESX Cluster 01', 'vmware_ha', 3, VIRT, [VIRT], LON_ESX);
  const MAN_ESX_CLUSTER = cluster('MAN ESX Cluster 01', 'vmware_ha', 1, VIRT, [VIRT], MAN_ESX);
  const SQL_CLUSTER = cluster('LON SQL Cluster 01', 'mssql_failover', 1, MSAPPS, [MSAPPS], SQL_NODES);
  const AD_CLUSTER = cluster('CSM AD Domain Controllers', 'ad_domain', 1, MSAPPS, [MSAPPS], [LON_DC, MAN_DC]);

  // ---------------------------------------------------------------- storage
  const volume = (name: string, attributes: Attrs, array: string, owner = STORAGE): string => {
    b.ci('StorageVolume', name, { ...attributes, array }, { owner, support: [STORAGE] });
    b.rel('DEPENDS_ON', name, array);
    return name;
  };
  const lun = (name: string, lunId: string, capacityGb: number, usedPercent: number, array = LON_EVA): string =>
    volume(name, { storageType: 'san_lun', lunId, capacityGb, usedPercent }, array);
  const LUN_VMS_DATA = lun('LUN-SQL-VMS-DATA', 'EVA6400-LON-0012', 500, 88); // the 9:20am disk-space report
  const LUN_VMS_LOG = lun('LUN-SQL-VMS-LOG', 'EVA6400-LON-0013', 150, 41);
  const LUN_CMS_DATA = lun('LUN-SQL-CMS-DATA', 'EVA6400-LON-0014', 400, 63);
  const LUN_BTS_DATA = lun('LUN-SQL-BTS-DATA', 'EVA6400-LON-0015', 200, 55);
  const LUN_MGMT_DATA = lun('LUN-SQL-MGMT-DATA', 'EVA6400-LON-0016', 150, 47);
  const LUN_TEMPDB = lun('LUN-SQL-TEMPDB', 'EVA6400-LON-0017', 100, 22);
  const LUN_QUORUM = lun('LUN-SQL-QUORUM', 'EVA6400-LON-0018', 1, 4);
  const DS = [
    lun('LUN-ESX-DS01', 'EVA6400-LON-0020', 2048, 71),
    lun('LUN-ESX-DS02', 'EVA6400-LON-0021', 2048, 66),
    lun('LUN-ESX-DS03', 'EVA6400-LON-0022', 2048, 58),
  ] as const;
  const LUN_VAULT_LON = lun('LUN-BKP-VAULT-LON', 'EVA6400-LON-0030', 8192, 74);
  const NAS_MEDIA = volume(
    'nas-vms-media',
    { storageType: 'nas_share', lunId: 'NAS-LON-VMS-MEDIA', capacityGb: 20480, usedPercent: 69 },
    LON_EVA,
  );
  const MAN_DS = lun('LUN-MAN-ESX-DS01', 'P2000-MAN-0003', 2048, 48, MAN_MSA);
  const LUN_VAULT_MAN = lun('LUN-BKP-VAULT-MAN', 'P2000-MAN-0004', 8192, 61, MAN_MSA);
  b.rel('STORED_ON', LON_ESX_CLUSTER, DS);
  b.rel('STORED_ON', MAN_ESX_CLUSTER, MAN_DS);
  b.rel('STORED_ON', SQL_CLUSTER, [LUN_QUORUM, LUN_TEMPDB]);
  b.rel('STORED_ON', LON_BKP, LUN_VAULT_LON);
  b.rel('STORED_ON', MAN_BKP, LUN_VAULT_MAN);

  // ---------------------------------------------------------------- virtual machines
  let ds = 0;
  const vm = (
    hostname: string,
    ipAddress: string,
    os: string,
    cpuCores: number,
    memoryGb: number,
    owner: string,
    support: string[],
    extra: { environment?: string; site?: 'lon' | 'man'; status?: string } = {},
  ): string => {
    const attributes: Attrs = {
      hostname,
      vmUuid: vmUuid(hostname),
      ipAddress,
      os,
      cpuCores,
      memoryGb,
      environment: extra.environment ?? 'production',
    };
    b.ci('VirtualMachine', hostname, attributes, { owner, support, ...(extra.status ? { status: extra.status } : {}) });
    if (extra.site === 'man') {
      b.rel('HOSTED_ON', hostname, MAN_ESX_CLUSTER);
      b.rel('STORED_ON', hostname, MAN_DS);
    } else {
      b.rel('HOSTED_ON', hostname, LON_ESX_CLUSTER);
      b.rel('STORED_ON', hostname, DS[ds++ % DS.length] as string);
    }
    return hostname;
  };
  const W2K8 = 'Windows Server 2008 R2 Standard SP1';
  const WEB = [1, 2, 3, 4].map((n) => vm(`lon-web0${n}`, `10.10.40.1${n}`, W2K8, 4, 8, MSAPPS, [MSAPPS, VMSTEAM]));
  vm('lon-web05', '10.10.40.15', W2K8, 4, 8, MSAPPS, [MSAPPS, VMSTEAM], { status: 'IN_BUILD' });
  const LWS = [
    vm('lon-lws01', '10.10.40.21', W2K8, 2, 4, VMSTEAM, [VMSTEAM, MSAPPS]),
    vm('lon-lws02', '10.10.40.22', W2K8, 2, 4, VMSTEAM, [VMSTEAM, MSAPPS]),
  ];
  const ING = [
    vm('lon-vms-ing01', '10.10.41.11', W2K8, 8, 16, VMSTEAM, [VMSTEAM]),
    vm('lon-vms-ing02', '10.10.41.12', W2K8, 8, 16, VMSTEAM, [VMSTEAM]),
  ];
  const ENC = [
    vm('lon-vms-enc01', '10.10.41.21', W2K8, 8, 16, VMSTEAM, [VMSTEAM]),
    vm('lon-vms-enc02', '10.10.41.22', W2K8, 8, 16, VMSTEAM, [VMSTEAM]),
  ];
  const LIC = vm('lon-vms-lic01', '10.10.41.31', W2K8, 4, 8, VMSTEAM, [VMSTEAM]);
  const DLV = vm('lon-vms-dlv01', '10.10.41.41', W2K8, 4, 8, VMSTEAM, [VMSTEAM]);
  const CMS_VMS = [
    vm('lon-cms01', '10.10.42.11', W2K8, 4, 16, VMSTEAM, [VMSTEAM, MSAPPS]),
    vm('lon-cms02', '10.10.42.12', W2K8, 4, 16, VMSTEAM, [VMSTEAM, MSAPPS]),
  ];
  const BTS = [
    vm('lon-bts01', '10.10.43.11', 'Windows Server 2008 R2 Enterprise SP1', 4, 16, MSAPPS, [MSAPPS]),
    vm('lon-bts02', '10.10.43.12', 'Windows Server 2008 R2 Enterprise SP1', 4, 16, MSAPPS, [MSAPPS]),
  ];
  const TS = [
    vm('lon-ts01', '10.10.44.11', W2K8, 4, 8, MSAPPS, [MSAPPS, NETOPS]),
    vm('lon-ts02', '10.10.44.12', W2K8, 4, 8, MSAPPS, [MSAPPS, NETOPS]),
  ];
  const OVO = vm('lon-ovo01', '10.10.45.11', W2K8, 4, 16, TOOLS, [TOOLS]);
  const ORION = vm('lon-swd01', '10.10.45.12', W2K8, 4, 8, TOOLS, [TOOLS, NETOPS]);
  const HPSM = vm('lon-hpsm01', '10.10.45.13', W2K8, 4, 16, TOOLS, [TOOLS]);
  const FORUM = vm('lon-forum01', '10.10.40.31', W2K8, 2, 8, MSAPPS, [MSAPPS, VMSTEAM]);
  const STG = vm('stg-vms01', '10.10.60.11', W2K8, 4, 8, VMSTEAM, [VMSTEAM], { environment: 'stage' });
  const RC = vm('rc-vms01', '10.10.61.11', W2K8, 4, 8, VMSTEAM, [VMSTEAM], { environment: 'rc' });
  const NFA_WEB = [
    vm('nfa-web01', '10.20.40.11', 'CentOS 5.6', 2, 4, VIRT, [VIRT, NFAIT], { site: 'man' }),
    vm('nfa-web02', '10.20.40.12', 'CentOS 5.6', 2, 4, VIRT, [VIRT, NFAIT], { site: 'man' }),
  ];

  const WEB_FARM = cluster('Channel Sport Web Farm', 'web_farm', 2, MSAPPS, [MSAPPS, VMSTEAM], WEB);
  const LWS_FARM = cluster('Licence WS Farm', 'web_farm', 1, VMSTEAM, [VMSTEAM], LWS);
  const ING_POOL = cluster('VMS Ingest Pool', 'worker_pool', 1, VMSTEAM, [VMSTEAM], ING);
  const ENC_POOL = cluster('VMS Encryption Pool', 'worker_pool', 1, VMSTEAM, [VMSTEAM], ENC);
  const BTS_GROUP = cluster('BizTalk Group CSM', 'biztalk_group', 1, MSAPPS, [MSAPPS], BTS);
  const JUMP = cluster('LON Jump Servers', 'rds_farm', 1, MSAPPS, [MSAPPS, NETOPS], TS);
  const NFA_FARM = cluster('NFA Web Farm', 'web_farm', 1, VIRT, [VIRT, NFAIT], NFA_WEB);
  const DESKS = cluster('Brentford Editor Workstations', 'desktop_pool', 1, CSMDEV, [CONTACTS], EDITOR_DESKS);
  b.rel('DEPENDS_ON', VS_WWW, WEB_FARM);
  b.rel('DEPENDS_ON', VS_LWS, LWS_FARM);
  b.rel('DEPENDS_ON', VS_CMS, CMS_VMS[0] as string);

  // ---------------------------------------------------------------- databases (SQL Server 2008 R2 on the SQL cluster)
  const database = (
    name: string,
    sizeGb: number,
    volumes: string[],
    owner: string,
    support: string[],
    environment = 'production',
  ): string => {
    b.ci(
      'Database',
      name,
      { engine: 'SQL Server', engineVersion: '2008 R2 SP1 (10.50.2500)', sizeGb, environment },
      { owner, support },
    );
    b.rel('RUNS_ON', name, SQL_CLUSTER);
    b.rel('STORED_ON', name, volumes);
    return name;
  };
  const DB_VMS = database('VMS_Assets', 412, [LUN_VMS_DATA, LUN_VMS_LOG], VMSTEAM, [MSAPPS, VMSTEAM]);
  const DB_LIC = database('VMS_Licensing', 38, [LUN_VMS_DATA, LUN_VMS_LOG], VMSTEAM, [MSAPPS, VMSTEAM]);
  const DB_CMS = database('CMS_Content', 240, [LUN_CMS_DATA], VMSTEAM, [MSAPPS]);
  const DB_PUB = database('CMS_Publish', 95, [LUN_CMS_DATA], VMSTEAM, [MSAPPS]);
  const DB_MSGBOX = database('BizTalkMsgBoxDb', 60, [LUN_BTS_DATA], MSAPPS, [MSAPPS]);
  const DB_BTMGMT = database('BizTalkMgmtDb', 4, [LUN_BTS_DATA], MSAPPS, [MSAPPS]);
  const DB_DTA = database('BizTalkDTADb', 85, [LUN_BTS_DATA], MSAPPS, [MSAPPS]);
  const DB_ORION = database('SolarWindsOrion', 45, [LUN_MGMT_DATA], TOOLS, [MSAPPS, TOOLS]);
  const DB_FORUM = database('Forums_CS', 22, [LUN_MGMT_DATA], MSAPPS, [MSAPPS]);
  const DB_NFA = database('NFA_Catalogue', 30, [LUN_MGMT_DATA], VIRT, [MSAPPS, NFAIT]);
  const DB_GEO = database('LicenceWS_GeoCache', 6, [LUN_VMS_DATA], VMSTEAM, [MSAPPS, VMSTEAM]);

  // ---------------------------------------------------------------- applications and their instances
  const app = (
    name: string,
    vendor: string,
    version: string,
    description: string,
    owner: string,
    support: string[],
    url?: string,
  ): string => b.ci('Application', name, { vendor, description, ...(url ? { url } : {}) }, { owner, support, version });
  const instance = (
    name: string,
    of: string,
    host: string,
    attributes: Attrs,
    owner: string,
    support: string[],
    version?: string,
  ): string => {
    b.ci(
      'ApplicationInstance',
      name,
      { environment: 'production', ...attributes },
      { owner, support, ...(version ? { version } : {}) },
    );
    b.rel('INSTANCE_OF', name, of);
    b.rel('RUNS_ON', name, host);
    return name;
  };

  const VMS = app(
    'Video Management System',
    'Channel Sport Media (in-house)',
    '3.4.2',
    'Ingests video assets, encrypts them, generates licences and delivers content to the CMS',
    CSMDEV,
    [VMSTEAM, CSMDEV],
  );
  const VMS_ING = ING.map((h, i) => instance(`vms-ingest-0${i + 1}`, VMS, h, { port: 8443 }, VMSTEAM, [VMSTEAM]));
  const VMS_ENC = ENC.map((h, i) => instance(`vms-encrypt-0${i + 1}`, VMS, h, { port: 8444 }, VMSTEAM, [VMSTEAM]));
  const VMS_LICGEN = instance('vms-licgen-01', VMS, LIC, { port: 8445 }, VMSTEAM, [VMSTEAM]);
  const VMS_DELIVERY = instance('vms-delivery-01', VMS, DLV, { port: 8446 }, VMSTEAM, [VMSTEAM]);
  instance('vms-licgen-stage', VMS, STG, { environment: 'stage', port: 8445 }, VMSTEAM, [VMSTEAM], '3.4.3-rc2');
  instance('vms-licgen-rc', VMS, RC, { environment: 'rc', port: 8445 }, VMSTEAM, [VMSTEAM], '3.4.3-rc2');
  b.rel('MEMBER_OF', VMS_ING, ING_POOL);
  b.rel('MEMBER_OF', VMS_ENC, ENC_POOL);
  b.rel('DEPENDS_ON', [...VMS_ING, ...VMS_ENC, VMS_DELIVERY], DB_VMS);
  b.rel('DEPENDS_ON', VMS_LICGEN, DB_LIC);
  b.rel('STORED_ON', [...VMS_ING, ...VMS_ENC, VMS_DELIVERY], NAS_MEDIA);
  b.rel('DEPENDS_ON', VMS_LICGEN, VS_LWS); // the SOAP call to the licence web service
  b.rel('DEPENDS_ON', VS_ORIGIN, VMS_DELIVERY);

  const LWS_APP = app(
    'Licence Web Service',
    'Channel Sport Media (in-house)',
    '2.1.7',
    'SOAP licence service for protected video; applies Geo-IP blocking through Quova',
    CSMDEV,
    [VMSTEAM, CSMDEV],
    'https://licence.channelsport.com/LicenceService.svc',
  );
  const LWS_INST = LWS.map((h, i) =>
    instance(
      `licence-ws-0${i + 1}`,
      LWS_APP,
      h,
      { port: 443, url: `https://lon-lws0${i + 1}.csm.local/LicenceService.svc` },
      VMSTEAM,
      [VMSTEAM],
    ),
  );
  const LWS_STAGE = instance(
    'licence-ws-stage',
    LWS_APP,
    STG,
    { environment: 'stage', port: 443, url: 'https://stg-vms01.csm.local/LicenceService.svc' },
    VMSTEAM,
    [VMSTEAM],
    '2.1.8-rc1',
  );
  b.rel('DEPENDS_ON', LWS_INST, DB_GEO);

  const CMS = app(
    'Content Management System',
    'SDL Tridion',
    '2011 SP1',
    'Authoring and publishing of the channelsport.com site content',
    VMSTEAM,
    [VMSTEAM, MSAPPS],
  );
  const CMS_AUTHOR = instance(
    'cms-author-01',
    CMS,
    CMS_VMS[0] as string,
    { port: 443, url: 'https://cms.channelsport.com' },
    VMSTEAM,
    [VMSTEAM],
  );
  const CMS_PUBLISH = instance('cms-publish-01', CMS, CMS_VMS[1] as string, { port: 8080 }, VMSTEAM, [VMSTEAM]);
  b.rel('DEPENDS_ON', [CMS_AUTHOR, CMS_PUBLISH], DB_CMS);
  b.rel('DEPENDS_ON', CMS_PUBLISH, DB_PUB);

  const WWW_APP = app(
    'channelsport.com Web Application',
    'Channel Sport Media (in-house)',
    '5.12.0',
    'ASP.NET front end of www.channelsport.com (IIS 7.5)',
    VMSTEAM,
    [MSAPPS, VMSTEAM],
    'https://www.channelsport.com',
  );
  WEB.map((h, i) => instance(`www-channelsport-0${i + 1}`, WWW_APP, h, { port: 80 }, MSAPPS, [MSAPPS, VMSTEAM]));
  b.rel('DEPENDS_ON', WWW_APP, DB_PUB);

  const FORUM_APP = app(
    'Community Server Forums',
    'Telligent',
    '2008.5',
    'Fan forums of channelsport.com',
    MSAPPS,
    [MSAPPS],
    'https://forums.channelsport.com',
  );
  instance('forums-channelsport-01', FORUM_APP, FORUM, { port: 80 }, MSAPPS, [MSAPPS]);
  b.rel('DEPENDS_ON', FORUM_APP, DB_FORUM);

  const BIZTALK = app(
    'Microsoft BizTalk Server',
    'Microsoft',
    '2009 CU3',
    'Moves asset metadata and delivery messages between the VMS and the CMS',
    MSAPPS,
    [MSAPPS],
  );
  const BTS_INST = BTS.map((h, i) => instance(`biztalk-host-0${i + 1}`, BIZTALK, h, {}, MSAPPS, [MSAPPS]));
  b.rel('RUNS_ON', BIZTALK, BTS_GROUP);
  b.rel('DEPENDS_ON', BTS_INST, [DB_MSGBOX, DB_BTMGMT, DB_DTA]);
  b.rel('DEPENDS_ON', VMS_DELIVERY, BTS_GROUP);

  const AD = app(
    'Active Directory',
    'Microsoft',
    'Windows Server 2008 R2',
    'csm.local domain: logons for platform servers, editors and service accounts',
    MSAPPS,
    [MSAPPS],
  );
  instance('ad-ds-lon-dc01', AD, LON_DC, { port: 389 }, MSAPPS, [MSAPPS]);
  instance('ad-ds-man-dc01', AD, MAN_DC, { port: 389 }, MSAPPS, [MSAPPS]);
  b.rel('RUNS_ON', AD, AD_CLUSTER);

  const ASIGRA = app(
    'Asigra Cloud Backup',
    'Asigra',
    '10.2',
    'Agentless backup of the managed estate, vaults replicated between data centres',
    STORAGE,
    [STORAGE, ASIGRA_SUPPORT],
  );
  const DS_LON = instance('asigra-ds-lon', ASIGRA, LON_BKP, { port: 4401 }, STORAGE, [STORAGE, ASIGRA_SUPPORT]);
  const DS_MAN = instance('asigra-ds-man', ASIGRA, MAN_BKP, { port: 4401 }, STORAGE, [STORAGE, ASIGRA_SUPPORT]);
  b.rel('STORED_ON', DS_LON, LUN_VAULT_LON);
  b.rel('STORED_ON', DS_MAN, LUN_VAULT_MAN);
  b.rel('BACKED_UP_BY', DS_LON, DS_MAN); // vault replication to DC2

  const OPENVIEW = app(
    'HP OpenView Operations',
    'HP',
    '9.10',
    'Hub of iSMI event management: raises Service Desk tickets and on-call alerts',
    TOOLS,
    [TOOLS],
  );
  instance('ovo-mgmt-01', OPENVIEW, OVO, { port: 383 }, TOOLS, [TOOLS]);
  const SOLARWINDS = app(
    'SolarWinds Orion NPM',
    'SolarWinds',
    '10.1',
    'Network performance monitoring of the routers, firewalls and switches; syslog and traps into iSMI',
    TOOLS,
    [TOOLS, NETOPS],
  );
  const ORION_INST = instance(
    'orion-npm-01',
    SOLARWINDS,
    ORION,
    { port: 443, url: 'https://orion.ioko.local/Orion' },
    TOOLS,
    [TOOLS],
  );
  b.rel('DEPENDS_ON', ORION_INST, DB_ORION);
  b.rel('DEPENDS_ON', SOLARWINDS, OPENVIEW);
  const SERVICE_MANAGER = app(
    'HP Service Manager',
    'HP',
    '9.21',
    'iSMI Service Desk: incident, problem and change tickets, CMDB lookups',
    TOOLS,
    [TOOLS],
  );
  instance('hpsm-01', SERVICE_MANAGER, HPSM, { port: 13080 }, TOOLS, [TOOLS]);
  b.rel('DEPENDS_ON', OPENVIEW, SERVICE_MANAGER);

  const NFA_APP = app(
    'NFA Archive Website',
    'Northern Film Archive',
    '1.8.4',
    'Public catalogue and clip viewer of the Northern Film Archive',
    NFAIT,
    [VIRT, NFAIT],
    'https://www.northernfilmarchive.org.uk',
  );
  NFA_WEB.forEach((h, i) => instance(`nfa-www-0${i + 1}`, NFA_APP, h, { port: 80 }, VIRT, [VIRT, NFAIT]));
  b.rel('DEPENDS_ON', NFA_APP, DB_NFA);
  b.rel('CONNECTED_TO', NFA_WEB, MAN_CORE);

  // ---------------------------------------------------------------- services
  const service = (
    name: string,
    criticality: string,
    description: string,
    owner: string,
    support: string[],
    url?: string,
  ): string => b.ci('Service', name, { criticality, description, ...(url ? { url } : {}) }, { owner, support });
  const GEOIP = service(
    'Quova Geo-IP Service',
    'high',
    'Geo-IP lookup (GeoPoint) supplied by Quova, used for territorial licence blocking',
    CSMDEV,
    [QUOVA_SUPPORT, VMSTEAM],
    'https://api.quova.com/v1/ipinfo/',
  );
  b.rel('DEPENDS_ON', LWS_APP, GEOIP);
  b.rel('DEPENDS_ON', [...LWS_INST, LWS_STAGE], GEOIP);

  const DIRECTORY = service(
    'Directory Service',
    'critical',
    'Active Directory authentication for the platform and the editors',
    MSAPPS,
    [DESK, MSAPPS],
  );
  b.rel('DEPENDS_ON', DIRECTORY, [AD, AD_CLUSTER]);
  const BACKUP = service(
    'Backup Service',
    'high',
    'Nightly Asigra backup with off-site vault replication to Manchester DC2',
    STORAGE,
    [DESK, STORAGE],
  );
  b.rel('DEPENDS_ON', BACKUP, ASIGRA);
  b.rel('RUNS_ON', BACKUP, [LON_BKP, MAN_BKP]);
  const MONITORING = service(
    'Monitoring Service',
    'high',
    'iSMI proactive monitoring: HP OpenView hub with SolarWinds network monitoring',
    TOOLS,
    [DESK, TOOLS],
  );
  b.rel('DEPENDS_ON', MONITORING, [OPENVIEW, SOLARWINDS]);
  const SERVICE_DESK = service(
    'iSMI Service Desk',
    'high',
    'Ticketing, notification and escalation for all managed customers',
    TOOLS,
    [DESK, TOOLS],
  );
  b.rel('DEPENDS_ON', SERVICE_DESK, SERVICE_MANAGER);
  const INTEGRATION = service(
    'Integration Service',
    'medium',
    'BizTalk message flows between the VMS, CMS and partner feeds',
    MSAPPS,
    [DESK, MSAPPS],
  );
  b.rel('DEPENDS_ON', INTEGRATION, BIZTALK);
  const REMOTE = service(
    'Remote Access Service',
    'medium',
    'SSL VPN with RSA SecurID into the jump-off terminal servers',
    NETOPS,
    [DESK, NETOPS],
  );
  b.rel('DEPENDS_ON', REMOTE, [VPN, JUMP, DIRECTORY]);

  const VMS_SERVICE = service(
    'Video Management Service',
    'critical',
    'End-to-end VMS: ingest, encryption, licence generation and delivery to the CMS',
    VMSTEAM,
    [DESK, VMSTEAM],
  );
  b.rel('DEPENDS_ON', VMS_SERVICE, [VMS, ING_POOL, ENC_POOL, VMS_LICGEN, VMS_DELIVERY, INTEGRATION, DIRECTORY]);
  const LICENCE = service(
    'Licence Service',
    'critical',
    'Issues playback licences for protected video after Geo-IP checks',
    VMSTEAM,
    [DESK, VMSTEAM],
    'https://licence.channelsport.com',
  );
  b.rel('DEPENDS_ON', LICENCE, [LWS_APP, VS_LWS]);
  const WEBSITE = service(
    'channelsport.com Website',
    'critical',
    'The public website: news, live match coverage and video',
    VMSTEAM,
    [DESK, MSAPPS, VMSTEAM],
    'https://www.channelsport.com',
  );
  b.rel('DEPENDS_ON', WEBSITE, [WWW_APP, VS_WWW]);
  b.rel('RUNS_ON', WEBSITE, WEB_FARM);
  const DELIVERY = service(
    'Video Delivery (CDN)',
    'critical',
    'Streaming of encrypted VOD assets to viewers through the CDN',
    NETOPS,
    [DESK, NETOPS],
  );
  b.rel('DEPENDS_ON', DELIVERY, [CDN, VS_ORIGIN]);
  const FORUMS = service(
    'Community Forums',
    'medium',
    'forums.channelsport.com fan community',
    MSAPPS,
    [DESK, MSAPPS],
    'https://forums.channelsport.com',
  );
  b.rel('DEPENDS_ON', FORUMS, FORUM_APP);
  const EDITING = service(
    'Content Editing',
    'critical',
    'Real-time content production by the editors at Brentford, through the CMS and VMS over the office WAN link',
    VMSTEAM,
    [DESK, VMSTEAM, CONTACTS],
  );
  b.rel('DEPENDS_ON', EDITING, [CMS, VS_CMS, VMS, DESKS, BRN_RTR, DIRECTORY]);
  const NFA_SITE = service(
    'Northern Film Archive Website',
    'medium',
    'Public website and clip viewer of the archive',
    NFAIT,
    [DESK, VIRT],
    'https://www.northernfilmarchive.org.uk',
  );
  b.rel('DEPENDS_ON', NFA_SITE, [NFA_APP, NFA_FARM]);

  // Backups: everything with data is backed up by the Backup Service (no outage propagates that way).
  b.rel(
    'BACKED_UP_BY',
    [DB_VMS, DB_LIC, DB_CMS, DB_PUB, DB_MSGBOX, DB_BTMGMT, DB_DTA, DB_ORION, DB_FORUM, DB_NFA, DB_GEO],
    BACKUP,
  );
  b.rel(
    'BACKED_UP_BY',
    [...WEB, ...LWS, LIC, DLV, ...CMS_VMS, ...BTS, OVO, ORION, HPSM, FORUM, ...NFA_WEB, NAS_MEDIA, LON_DC, MAN_DC],
    BACKUP,
  );

  // ---------------------------------------------------------------- business services and subscriptions
  const business = (
    name: string,
    criticality: string,
    description: string,
    owner: string,
    support: string[],
    dependsOn: string[],
  ): string => {
    b.ci('BusinessService', name, { criticality, description }, { owner, support });
    b.rel('DEPENDS_ON', name, dependsOn);
    return name;
  };
  const VOD = business(
    'Online Video (VOD)',
    'critical',
    'On-demand video on channelsport.com with territorial licensing',
    SDM,
    [DESK, VMSTEAM],
    [VMS_SERVICE, LICENCE, DELIVERY, WEBSITE],
  );
  const RWC = business(
    'Rugby World Cup Coverage',
    'critical',
    'Live and on-demand tournament coverage; advertising revenue comes from click-through on the .com site',
    SDM,
    [DESK, VMSTEAM],
    [WEBSITE, EDITING, VOD, FORUMS],
  );
  const ARCHIVE = business(
    'Film Archive Online',
    'medium',
    'Online access to the Northern Film Archive collection',
    SDM,
    [DESK],
    [NFA_SITE, VMS_SERVICE],
  );
  const HOSTING = business(
    'Managed Hosting',
    'high',
    'Hosting, monitoring, backup and 24x7 support of customer platforms',
    SDM,
    [DESK],
    [BACKUP, MONITORING, SERVICE_DESK, REMOTE, DIRECTORY],
  );

  b.rel('SUBSCRIBES_TO', CSM, [VOD, RWC, HOSTING, WEBSITE, EDITING, LICENCE, GEOIP]);
  b.rel('SUBSCRIBES_TO', NFA, [ARCHIVE, HOSTING, BACKUP, VMS_SERVICE]);
  b.rel('SUBSCRIBES_TO', IOKO, [REMOTE, SERVICE_DESK, MONITORING]);

  return { source: 'demo', atomic: true, items: b.items, relations: b.relations };
}

/** Loads the demo CMDB through the import path; throws listing every rejection. */
export async function loadDemo(services: Services): Promise<ImportResult> {
  const data = demoDataset();
  const result = await services.imports.importCMDB({ id: 'seed', roles: ['admin'] }, data);
  if (result.rejected.length) {
    const describe = (kind: 'ITEM' | 'RELATION', index: number): string => {
      if (kind === 'ITEM') {
        const item = data.items[index];
        return item ? `${item.class} "${item.name}"` : '?';
      }
      const rel = data.relations?.[index];
      const end = (ref: unknown): string => {
        const r = ref as { class?: string; identifiers?: Record<string, string> };
        return `${r.class ?? '?'} "${r.identifiers?.name ?? '?'}"`;
      };
      return rel ? `${end(rel.from)} -[${rel.type}]-> ${end(rel.to)}` : '?';
    };
    const lines = result.rejected.map((r) => `  ${r.kind} ${r.index} (${describe(r.kind, r.index)}): ${r.reason}`);
    throw new Error(
      `demo CMDB import rejected ${result.rejected.length} entr${result.rejected.length === 1 ? 'y' : 'ies'}:\n${lines.join('\n')}`,
    );
  }
  return result;
}
