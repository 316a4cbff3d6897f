// Registries on the Docker host itself. A pull or push makes dockerd connect to the image's
// registry from the host's network namespace, so `127.0.0.1:PORT/x` reaches a service bound to the
// host's loopback (and dockerd talks plain HTTP to loopback registries by default), and
// `169.254.169.254/x` the cloud metadata service: the same blind SSRF as `ADD <url>` in a build.
// Such registries are refused unless allowed_images names the registry literally (policy.ts).
import { lookup } from 'node:dns/promises';
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { PolicyDenial } from './body.js';
import { imageAllowed, normalizeImagePattern, parseImageRef } from './images.js';

/** The registry host[:port] Docker reads from a reference (distribution/reference splitDockerDomain). */
export function registryOf(reference: string): string | undefined {
  const name = reference.trim().split('@')[0]!;
  const slash = name.indexOf('/');
  if (slash < 0) return undefined;
  const first = name.slice(0, slash);
  // A first component is a registry when it has a dot or a port, is "localhost", or (newer Docker
  // versions) has an upper-case letter; otherwise the reference is on Docker Hub.
  if (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase()) return first;
  return undefined;
}

/** Host part of host[:port] (brackets kept off IPv6 literals), lower-cased: resolvers ignore case. */
export function hostOf(registry: string): string {
  const v6 = /^\[([^\]]*)\](?::\d+)?$/.exec(registry);
  if (v6) return v6[1]!.toLowerCase();
  return registry.replace(/:\d*$/, '').toLowerCase();
}

/** Docker Hub's own names: a Hub reference never needs a look-up. */
const HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/**
 * Names that resolve to the host's own loopback without DNS: RFC 6761 `localhost` and everything
 * under it, and the names Debian and Red Hat put in /etc/hosts for 127.0.0.1 and ::1.
 */
const LOCAL_NAMES = new Set([
  'localhost', 'localhost4', 'localhost6', 'localhost.localdomain', 'localhost4.localdomain4',
  'localhost6.localdomain6', 'ip6-localhost', 'ip6-loopback',
]);

/**
 * Addresses on the host itself: loopback, unspecified ("this network") and link-local, in IPv4 and
 * IPv6, and the IPv4-compatible forms (::a.b.c.d) of the IPv4 ones. BlockList reads an IPv4-mapped
 * address (::ffff:a.b.c.d) by its IPv4 rules itself.
 */
const LOCAL = new BlockList();
for (const [address, prefix] of [['127.0.0.0', 8], ['0.0.0.0', 8], ['169.254.0.0', 16]] as const) LOCAL.addSubnet(address, prefix, 'ipv4');
for (const [address, prefix] of [['::', 104], ['::7f00:0', 104], ['::a9fe:0', 112], ['fe80::', 10]] as const) LOCAL.addSubnet(address, prefix, 'ipv6');

/**
 * Every dot-separated part numeric (decimal, octal `0177`, hex `0x7f`): glibc's inet_aton, which
 * getaddrinfo uses (so dockerd too, when it resolves through cgo), reads `127.1`, `0x7f000001`,
 * `2130706433` and `0177.0.0.1` as 127.0.0.1. Such spellings other than canonical dotted decimal
 * are treated as local rather than emulated: no registry needs them.
 */
function numericHost(host: string): boolean {
  return host.split('.').every((p) => /^(0x[0-9a-f]*|\d+)$/.test(p));
}

/** Why an address is on the host itself, or undefined (also for what is not an IP literal). */
export function localAddress(address: string): string | undefined {
  // isIPv4 takes dotted decimal without leading zeros only: the one spelling every resolver reads alike.
  const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
  if (!family) return undefined;
  return LOCAL.check(address, family) ? `${address} is a loopback, link-local or unspecified address` : undefined;
}

/**
 * Why the registry's host is (or cannot be shown not to be) on the Docker host, or undefined.
 * Literal judgement only: IP literals in every spelling and the local names.
 */
export function literalLocalReason(registry: string): string | undefined {
  const host = hostOf(registry);
  if (LOCAL_NAMES.has(host) || host.endsWith('.localhost')) return `${host} names the host's own loopback`;
  if (isIPv4(host) || isIPv6(host)) return localAddress(host);
  if (numericHost(host)) return `${host} is a numeric address spelling (octal, hex or short form) that resolvers may read as a loopback address`;
  return undefined;
}

const LOOKUP_TIMEOUT_MS = 3000;

/**
 * Literal judgement, then for a DNS name its addresses as the gateway's resolver (getaddrinfo:
 * /etc/hosts, then DNS) sees them: a name any of whose addresses is local is refused, and so is a
 * name that does not resolve here, since only the Docker host's own /etc/hosts or resolver could
 * then give it an address. Best effort against names whose answer changes (DNS rebinding) or
 * differs on the Docker host: the literal allow in allowed_images is the hard control.
 */
export async function localRegistryReason(registry: string): Promise<string | undefined> {
  const literal = literalLocalReason(registry);
  if (literal) return literal;
  const host = hostOf(registry);
  if (HUB.has(host) || isIPv4(host) || isIPv6(host)) return undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const answers = await Promise.race([
      lookup(host, { all: true, verbatim: true }),
      new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('timed out')), LOOKUP_TIMEOUT_MS); }),
    ]);
    const local = answers.map((a) => localAddress(a.address)).find(Boolean);
    return local ? `${host} resolves to ${local.split(' ')[0]}, on the Docker host` : undefined;
  } catch (error) {
    return `${host} could not be resolved by the gateway (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}), so it cannot be shown not to be on the Docker host`;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * An allowed_images pattern that names this registry literally (no `*` or `?` in its registry
 * part, same host and port) and matches the reference. `**` or `*:5000/**` never allow a local
 * registry: the operator must write the one they mean, e.g. `127.0.0.1:5000/**`.
 */
export function namedLiterally(reference: string, registry: string, patterns: readonly string[]): boolean {
  const ref = parseImageRef(reference);
  if (!ref) return false;
  return patterns.some((pattern) => {
    const normalized = normalizeImagePattern(pattern);
    const slash = normalized.indexOf('/');
    const host = slash < 0 ? '' : normalized.slice(0, slash);
    return !/[*?]/.test(host) && host.toLowerCase() === registry.toLowerCase() && imageAllowed(ref, [pattern]);
  });
}

/**
 * Refuses a reference whose registry is on the Docker host (see localRegistryReason) unless
 * allowed_images names that registry literally. `contactsRegistry` (pull, push, build bases):
 * DNS names are resolved too; otherwise (create, tag, build tags) only the literal judgement runs,
 * so a create costs no DNS query.
 */
export async function checkLocalRegistry(reference: string, where: string, patterns: readonly string[], contactsRegistry: boolean): Promise<void> {
  const registry = registryOf(reference);
  if (!registry) return;
  const reason = contactsRegistry ? await localRegistryReason(registry) : literalLocalReason(registry);
  if (!reason || namedLiterally(reference, registry, patterns)) return;
  const example = `${registry.toLowerCase()}/**`;
  throw new PolicyDenial('image-local-registry',
    `${where}: the registry of ${reference} is on the Docker host (${reason}); dockerd would connect to it from the host's own network namespace.`,
    `If this is your registry, add "${example}" to allowed_images (a pattern naming the registry literally; wildcards do not count${patterns.length ? '' : ', and add "**" to keep allowing every other image'}).`);
}
