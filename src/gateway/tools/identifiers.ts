// The values that become Engine path segments (/images/<ref>/json, /containers/<id>/json…), checked
// at the edge with Docker's own grammar so the caller hears which argument is wrong and why. The
// Engine client re-checks every path before sending (docker/engine-guard.ts); this is the first of
// the two barriers, not the only one. Tools, prompts, completion and resource templates share it.
import { z } from 'zod';
import { parseImageRef } from '../policy/images.js';
import { containerNamePattern, containerRef } from './containers-shared.js';
import { referencePattern } from './images-reference.js';

const IMAGE_RULE = 'expected an image id, name, name:tag or name@digest, e.g. "busybox" or "ghcr.io/team/app:1.2"';

/**
 * An image id (full or short, with or without "sha256:") or a reference Docker accepts. The
 * reference grammar (images-reference.ts) already rules out empty, "." and ".." components; the
 * policy's parser must read it too, so what is inspected is what the policy judged. IPv6-literal
 * registries ("[::1]:5000/x") are refused: "[" and "]" are not safe in an Engine path.
 */
export const imageRef = z
  .string()
  .min(1)
  .max(512)
  .regex(referencePattern, IMAGE_RULE)
  .refine((value) => !/[[\]]/.test(value), 'an IPv6-literal registry ("[::1]:5000/…") cannot be named here; use the image id from image_list')
  // Only where the grammar matched, so one bad reference gets one message.
  .refine((value) => !referencePattern.test(value) || parseImageRef(value) !== undefined, IMAGE_RULE)
  .describe('Image id (full or short), name or name:tag, as shown by image_list.');

export const CONTAINER_RULE = 'a container id, id prefix or name: letters, digits, "_", "." and "-", starting with a letter or digit, at most 256';

/** Why `value` cannot name a container (as the container tools' `container` argument), or undefined. */
export function containerArgumentProblem(value: unknown): string | undefined {
  return containerRef.safeParse(value).success ? undefined : CONTAINER_RULE;
}

/**
 * Why `value` cannot begin a container name or id (completion: what the user typed so far), or
 * undefined. Empty is fine: it completes to every container.
 */
export function containerPrefixProblem(value: unknown): string | undefined {
  if (value === '') return undefined;
  return typeof value === 'string' && value.length <= 256 && containerNamePattern.test(value) ? undefined : CONTAINER_RULE;
}

/** A value for an error message: quoted, escaped, and cut short. */
export function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}
