// The optional YAML policy file. Its keys are the policy settings' names plus `preset` and
// `tools.allow` / `tools.deny`; a key present in the file overrides the same setting, so one
// reviewed file can hold the whole policy. Unknown keys are errors: a typo in a deny list must not
// silently allow everything.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UsageError } from '../../shared/errors.js';

const strings = z.array(z.string().min(1));

export const policyFileSchema = z
  .object({
    preset: z.enum(['read-only', 'operator', 'admin']).optional(),
    tools: z.object({ allow: strings.optional(), deny: strings.optional() }).strict().optional(),
    allowed_bind_paths: strings.optional(),
    allowed_images: strings.optional(),
    allowed_capabilities: strings.optional(),
    allow_exec_root: z.boolean().optional(),
    allow_remote_build_sources: z.boolean().optional(),
    allowed_network_subnets: strings.optional(),
    control_label_selector: strings.optional(),
    protected_labels: strings.optional(),
    protected_containers: strings.optional(),
  })
  .strict();

export type PolicyFile = z.infer<typeof policyFileSchema>;

export function parsePolicyFile(text: string, source: string): PolicyFile {
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw new UsageError(`Policy file ${source} is not valid YAML: ${(error as Error).message}`);
  }
  const result = policyFileSchema.safeParse(parsed ?? {});
  if (!result.success) {
    throw new UsageError(
      `Invalid policy file ${source}:`,
      result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  }
  return result.data;
}

export function loadPolicyFile(path: string): PolicyFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read policy_file ${path}: ${(error as Error).message}`);
  }
  return parsePolicyFile(text, path);
}
