import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { AddressRefused, ConnectorError } from '../connector.js';

/**
 * The one egress policy for every connection to a host a user typed (a WebDAV address, an SFTP
 * server; later S3, SMTP, IMAP): the name is resolved once, every address is checked, and the
 * connection goes to the address that was checked, so a name that answers differently the
 * second time (DNS rebinding) cannot lead it elsewhere. Loopback, private, link-local (cloud
 * metadata at 169.254.169.254), shared (CGNAT), multicast and reserved addresses are refused,
 * in their IPv4 and IPv6 forms, unless the operator lists them in DOSSIER_ALLOW_HOSTS.
 */

/** Address ranges no user-typed server may be on by default (IANA special-purpose registries). */
const SPECIAL_V4: Array<[string, number]> = [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], // private
  ['100.64.0.0', 10], // shared address space (CGNAT)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local: cloud metadata services
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], // protocol, documentation, benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the broadcast address 255.255.255.255
];
const SPECIAL_V6: Array<[string, number]> = [
  ['::', 8], // unspecified, loopback, IPv4-compatible (IPv4-mapped addresses are checked as IPv4)
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001::', 23], ['2001:db8::', 32], // protocol assignments (Teredo among them), documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], ['fec0::', 10], // link-local, old site-local
  ['ff00::', 8], // multicast
];

// One list per family: a BlockList matches IPv4 addresses against IPv6 rules as mapped addresses,
// and ::/8 would then cover every IPv4 address.
const specialV4 = new BlockList();
const specialV6 = new BlockList();
for (const [net, prefix] of SPECIAL_V4) specialV4.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of SPECIAL_V6) specialV6.addSubnet(net, prefix, 'ipv6');

/** The 8 groups of an IPv6 address, as numbers. */
function groups(ipv6: string): number[] {
  let text = ipv6.toLowerCase().split('%')[0]!;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split('.').map(Number) as [number, number, number, number];
    text = text.slice(0, -v4[1]!.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map((g) => parseInt(g, 16));
}

const v4Of = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;

/** The IPv4 address an IPv6 one carries (mapped, NAT64, 6to4), which decides where it really goes. */
function embeddedV4(ipv6: string): string | null {
  const g = groups(ipv6);
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return v4Of(g[6]!, g[7]!); // ::ffff:a.b.c.d
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return v4Of(g[6]!, g[7]!); // 64:ff9b::/96
  if (g[0] === 0x2002) return v4Of(g[1]!, g[2]!); // 6to4
  return null;
}

export interface Resolved { address: string; family: 4 | 6; all: Array<{ address: string; family: 4 | 6 }> }

/** Why a connection is refused, in words a visitor may read. */
export const ADDRESS_REFUSED = 'The address is not allowed';

export class EgressPolicy {
  private readonly names = new Set<string>();
  private readonly allowedV4 = new BlockList();
  private readonly allowedV6 = new BlockList();

  /** `allow`: host names, addresses and CIDR ranges (DOSSIER_ALLOW_HOSTS), checked by config. */
  constructor(allow: readonly string[] = []) {
    for (const entry of allow) {
      const [address, prefix] = entry.split('/');
      const family = isIP(address!);
      if (family === 0) { this.names.add(entry.toLowerCase().replace(/\.$/, '')); continue; }
      const [list, type] = family === 4 ? [this.allowedV4, 'ipv4' as const] : [this.allowedV6, 'ipv6' as const];
      if (prefix === undefined) list.addAddress(address!, type); else list.addSubnet(address!, Number(prefix), type);
    }
  }

  /** Whether a connection may go to this address (not a name). */
  allowsAddress(address: string): boolean {
    const family = isIP(address);
    if (family === 0) return false;
    if (family === 4) return this.allowedV4.check(address, 'ipv4') || !specialV4.check(address, 'ipv4');
    if (this.allowedV6.check(address, 'ipv6')) return true;
    const v4 = embeddedV4(address);
    if (v4) return this.allowsAddress(v4);
    return !specialV6.check(address, 'ipv6');
  }

  /**
   * The address to connect to for `host`: the host itself when it is an address, else the first
   * address its name resolves to (IPv4 first, which every network routes), once every address it
   * resolves to was checked (a name with one private address among public ones is refused: it is
   * not the server it claims to be). `all` holds every checked address, IPv4 first.
   */
  async resolve(host: string): Promise<Resolved> {
    const bare = host.replace(/^\[(.*)\]$/, '$1');
    const family = isIP(bare);
    if (family !== 0) {
      if (!this.allowsAddress(bare)) throw refused(host);
      const one = { address: bare, family: family as 4 | 6 };
      return { ...one, all: [one] };
    }
    let found: Array<{ address: string; family: number }>;
    try {
      found = await dnsLookup(bare, { all: true, verbatim: true });
    } catch (e) {
      throw new ConnectorError('transient', `The server could not be reached: the name ${host} was not found.`, undefined, { cause: e });
    }
    if (found.length === 0) throw new ConnectorError('transient', `The server could not be reached: the name ${host} was not found.`);
    const listed = this.names.has(bare.toLowerCase().replace(/\.$/, ''));
    if (!listed && found.some((a) => !this.allowsAddress(a.address))) throw refused(host);
    const all = [...found].sort((x, y) => x.family - y.family).map((a) => ({ address: a.address, family: a.family as 4 | 6 }));
    return { ...all[0]!, all };
  }

  /**
   * A `lookup` for net.connect and tls.connect (and so for an undici Agent's `connect`): the
   * socket goes to the checked address, while TLS still checks the certificate for the name.
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.resolve(hostname).then(
      ({ address, family, all }) => {
        // With `all`, net tries the checked addresses in turn (happy eyeballs); never others.
        if (options.all) (callback as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, all);
        else callback(null, address, family);
      },
      (e: Error) => callback(Object.assign(e, { code: (e as NodeJS.ErrnoException).code ?? 'EGRESS_REFUSED' }) as NodeJS.ErrnoException, '', 0),
    );
  };
}

function refused(host: string): ConnectorError {
  return new AddressRefused(`${ADDRESS_REFUSED}: ${host} is on this server or a private network, where Dossier does not connect for users. If it is your own server, the operator can allow it in DOSSIER_ALLOW_HOSTS.`);
}

/** Nothing but public addresses: what a connector uses when it was given no policy. */
export const PUBLIC_ONLY = new EgressPolicy([]);
