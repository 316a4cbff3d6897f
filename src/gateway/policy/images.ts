// Image references in the form Docker resolves them, so an allow-list written as
// `docker.io/library/busybox` also covers `busybox`, `library/busybox:1.36` and
// `index.docker.io/library/busybox@sha256:…`, and `busybox` cannot be used to dodge a rule
// written the long way (or the reverse).

/**
 * `*` stays within one path segment, `**` crosses them, `?` is one character. With
 * `crossSegments`, `*` and `?` cross '/' too (protected_containers, see scope.ts).
 */
export function globToRegExp(glob: string, crossSegments = false): RegExp {
  const one = crossSegments ? '.' : '[^/]';
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      out += '.*';
      i++;
    } else if (c === '*') out += `${one}*`;
    else if (c === '?') out += one;
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

export function matchesGlob(value: string, glob: string): boolean {
  return globToRegExp(glob).test(value);
}

export interface ImageRef {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-f0-9]{32,}$/;

function isRegistry(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost';
}

/** Parses a reference; undefined when it is not one Docker would accept. */
export function parseImageRef(reference: string): ImageRef | undefined {
  let rest = reference.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return undefined;
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!/^[\w][\w.-]{0,127}$/.test(tag)) return undefined;
  }
  const parts = rest.split('/');
  let registry = 'docker.io';
  if (parts.length > 1 && isRegistry(parts[0]!)) registry = parts.shift()!.toLowerCase();
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = 'docker.io';
  if (registry === 'docker.io' && parts.length === 1) parts.unshift('library');
  const repository = parts.join('/');
  // Docker requires lower-case repositories; refusing here keeps matching unambiguous.
  if (!/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(repository)) {
    return undefined;
  }
  return { registry, repository, tag: tag ?? (digest ? undefined : 'latest'), digest };
}

export function imageName(ref: ImageRef): string {
  return `${ref.registry}/${ref.repository}`;
}

export function canonicalImage(ref: ImageRef): string {
  return `${imageName(ref)}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** Expands a pattern's short forms the way a reference is expanded (`busybox*` -> docker.io/library/busybox*). */
export function normalizeImagePattern(pattern: string): string {
  const p = pattern.trim();
  if (p === '*' || p === '**') return '**';
  const parts = p.split('/');
  if (parts.length > 1 && (isRegistry(parts[0]!) || parts[0]!.includes('*'))) {
    const reg = parts[0]!.toLowerCase();
    parts[0] = reg === 'index.docker.io' || reg === 'registry-1.docker.io' ? 'docker.io' : reg;
    return parts.join('/');
  }
  return parts.length === 1 ? `docker.io/library/${p}` : `docker.io/${p}`;
}

/**
 * Patterns with a tag or digest match the whole reference; patterns without one match the
 * repository at any tag or digest. A reference with a digest matches only patterns that pin a
 * digest: Docker ignores the tag of `name:tag@sha256:…` (a pull fetches the digest, a local lookup
 * drops the tag), so `redis:7*` must not admit `redis:7@sha256:<any manifest of redis>`.
 */
export function imageAllowed(ref: ImageRef, patterns: readonly string[]): boolean {
  const name = imageName(ref);
  const full = canonicalImage(ref);
  return patterns.some((raw) => {
    const pattern = normalizeImagePattern(raw);
    const lastSegment = pattern.slice(pattern.lastIndexOf('/') + 1);
    const pinned = pattern.includes('@') || lastSegment.includes(':');
    if (!pinned) return matchesGlob(name, pattern);
    if (ref.digest !== undefined) return pattern.includes('@') && (matchesGlob(full, pattern) || matchesGlob(`${name}@${ref.digest}`, pattern));
    return matchesGlob(full, pattern);
  });
}

/**
 * References the daemon may resolve as a local image id: `sha256:…` or bare lower-case hex of any
 * length. Docker looks such a string up as a name first and then as an id prefix (the classic
 * store accepts any prefix length, the containerd store four digits or more), so `b1c984` can
 * name an image that has nothing to do with docker.io/library/b1c984. The policy inspects these
 * and judges the names of the image the daemon finds.
 */
export function isImageId(reference: string): boolean {
  return /^(sha256:)?[a-f0-9]{1,64}$/.test(reference.trim());
}
