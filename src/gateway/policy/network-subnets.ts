// Caller-chosen network address ranges. Docker takes an explicit IPAM subnet as given — it avoids
// the host's routes only when it picks a pool itself — and installs a connected route for it in
// the host's network namespace, more specific than the default route. A network claiming an outside
// range (a tunnel's edge, the host's DNS resolver, the cloud metadata address, a LAN) therefore
// captures the host's and every container's traffic to it, and a container holding an address in
// it answers. So a subnet (and every IPAM range) must lie inside an allowed_network_subnets entry;
// none are allowed by default, and Docker then picks a free range itself.
import { BlockList, isIP } from 'node:net';
import { field, isPlainObject, list, PolicyDenial, text, type Body } from './body.js';

export interface Cidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** `a.b.c.d/n` or `x::/n`; undefined when it is not one. */
export function parseCidr(raw: string): Cidr | undefined {
  const [address = '', bits, ...extra] = raw.trim().split('/');
  const family = isIP(address);
  if (!family || extra.length || bits === undefined || !/^\d{1,3}$/.test(bits)) return undefined;
  const prefix = Number(bits);
  if (prefix > (family === 4 ? 32 : 128)) return undefined;
  return { address, prefix, family: family === 4 ? 'ipv4' : 'ipv6' };
}

/** allowed_network_subnets entries; throws naming the first one that is not a CIDR. */
export function parseSubnetRules(entries: readonly string[]): Cidr[] {
  return entries.map((entry) => {
    const cidr = parseCidr(entry);
    if (!cidr) throw new Error(`allowed_network_subnets entry "${entry}" is not a CIDR range such as 10.42.0.0/16`);
    return cidr;
  });
}

/** True when all of `inner` lies inside `outer`. */
function within(inner: Cidr, outer: Cidr): boolean {
  if (inner.family !== outer.family || inner.prefix < outer.prefix) return false;
  const block = new BlockList();
  block.addSubnet(outer.address, outer.prefix, outer.family);
  return block.check(inner.address, inner.family);
}

const HOW = 'Leave the subnet out (Docker then picks a range no host route uses), or add a range that contains it to allowed_network_subnets.';

/** Throws unless every IPAM range in a network create body lies inside an allowed entry. */
export function checkSubnets(body: Body, allowed: readonly Cidr[]): void {
  const ipam = field(body, 'IPAM');
  if (ipam === undefined || ipam === null) return;
  if (!isPlainObject(ipam)) throw new PolicyDenial('malformed-body', 'body.IPAM must be an object.', 'Send IPAM as the Docker Engine API documents it.');
  list(ipam, 'Config', 'body.IPAM').forEach((config, i) => {
    const where = `IPAM.Config[${i}]`;
    for (const name of ['Subnet', 'IPRange']) {
      const raw = text(config, name, where);
      if (!raw) continue;
      const cidr = parseCidr(raw);
      if (!cidr) throw new PolicyDenial('network-subnet', `${where}.${name} "${raw}" is not a CIDR range.`, HOW);
      if (!allowed.some((rule) => within(cidr, rule))) {
        throw new PolicyDenial(
          'network-subnet',
          `${where}.${name} ${raw} is not inside allowed_network_subnets: Docker would route it on the host as given, ` +
            'so a container on this network would answer the host\'s and other containers\' traffic to those addresses.',
          HOW,
        );
      }
    }
  });
}
