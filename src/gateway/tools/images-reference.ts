// Image references, parsed and normalized the way Docker does (distribution/reference), so the
// operation policy always sees the fully qualified name: "busybox" and "docker.io/library/busybox"
// must not slip past a registry rule by being spelled differently.
import { z } from 'zod';
import { ToolError } from './define.js';

const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domain = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const pathComponent = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const name = `(?:${domain}/)?${pathComponent}(?:/${pathComponent})*`;
const tag = '[\\w][\\w.-]{0,127}';
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';

export const referencePattern = new RegExp(`^${name}(?::${tag})?(?:@${digest})?$`);
const tagPattern = new RegExp(`^${tag}$`);
const repositoryPattern = new RegExp(`^${name}$`);

export const referenceInput = z
  .string()
  .min(1)
  .max(512)
  .regex(referencePattern, 'not a valid image reference (e.g. "registry.example.com:5000/team/app:1.2")');

export const tagInput = z.string().regex(tagPattern, 'tags use letters, digits, "_", "." and "-" (max 128)');

export const repositoryInput = z
  .string()
  .min(1)
  .max(512)
  .regex(repositoryPattern, 'not a valid repository name (lowercase; e.g. "registry.example.com/team/app")');

export interface ParsedReference {
  /** Registry host (with port), "docker.io" for Docker Hub. */
  domain: string;
  /** Repository path inside the registry ("library/busybox"). */
  path: string;
  tag?: string;
  digest?: string;
}

export function parseReference(reference: string): ParsedReference {
  let rest = reference;
  let digestPart: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digestPart = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tagPart: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tagPart = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  // Docker's rule: the first component is a registry only if it looks like a host.
  const hasDomain = slash >= 0 && (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase());
  let registry = hasDomain ? first : 'docker.io';
  let path = hasDomain ? rest.slice(slash + 1) : rest;
  if (registry === 'index.docker.io') registry = 'docker.io';
  if (registry === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  return { domain: registry, path, ...(tagPart ? { tag: tagPart } : {}), ...(digestPart ? { digest: digestPart } : {}) };
}

export function repositoryOf(parsed: ParsedReference): string {
  return `${parsed.domain}/${parsed.path}`;
}

/**
 * The fully qualified reference, "latest" when neither tag nor digest is given. `extraTag` is a
 * separately passed tag; giving one when the reference already has a tag is ambiguous.
 */
export function normalizeReference(reference: string, extraTag?: string): string {
  const parsed = parseReference(reference);
  if (extraTag && (parsed.tag || parsed.digest)) {
    throw new ToolError(`"${reference}" already names a tag or digest; leave out "tag" or drop it from the reference.`);
  }
  const tagValue = extraTag ?? parsed.tag;
  const base = repositoryOf(parsed);
  if (parsed.digest) return `${base}${tagValue ? `:${tagValue}` : ''}@${parsed.digest}`;
  return `${base}:${tagValue ?? 'latest'}`;
}
