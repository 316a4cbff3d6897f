// The only @inquirer importer. Questions come from the variables table: the basic group first,
// then the advanced group only if the user opts in. Values given by flag or env are not asked.
import { confirm, input, select } from '@inquirer/prompts';
import type { Origin } from '../config/sources.js';
import { coerce } from '../config/sources.js';
import { valueSchema } from '../config/schema.js';
import type { VarValue, VariableSpec } from '../config/variables.js';
import { CliError, ExitCode } from './errors.js';

type Values = Record<string, VarValue>;

const usesAccess = (v: Values): boolean => v.auth_mode === 'cloudflare-access' || v.auth_mode === 'both';

/** Questions that only make sense given earlier answers. */
const relevant: Record<string, (v: Values) => boolean> = {
  tunnel_hostname: (v) => v.enable_cloudflare_tunnel === true,
  domain_suffix: (v) => v.enable_cloudflare_tunnel === true,
  cf_access_team: usesAccess,
  cf_access_aud: usesAccess,
  allowed_emails: usesAccess,
  allowed_email_domains: usesAccess,
  cloudflare_provider_version: (v) => v.enable_cloudflare_tunnel === true,
  create_tunnel: (v) => v.enable_cloudflare_tunnel === true,
  docker_socket_path: (v) => v.enable_docker_socket === true,
  docker_socket_gid: (v) => v.enable_docker_socket === true,
  metrics_port: (v) => v.enable_metrics === true,
  enable_service_monitor: (v) => v.enable_metrics === true,
  token_secret_name: (v) => v.auth_mode === 'bearer' || v.auth_mode === 'both',
  // Without the wait, apply returns once the Deployment is accepted: no timeout to ask about.
  rollout_timeout: (v) => v.wait_for_rollout === true,
  verify_tokens_secret: (v) => v.auth_mode === 'bearer' || v.auth_mode === 'both',
};

function display(value: VarValue): string {
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'object') return Object.entries(value).map(([k, x]) => `${k}=${x}`).join(', ');
  return String(value);
}

function check(spec: VariableSpec, raw: string, values: Values): string | true {
  const coerced = coerce(spec, raw);
  if ('problem' in coerced) return coerced.problem;
  // The tunnel needs a domain; non-interactive runs skip the tunnel pieces instead (see NOTES).
  if (spec.name === 'domain_suffix' && raw.trim() === '' && values.enable_cloudflare_tunnel === true) {
    return 'required for the Cloudflare Tunnel (or go back and answer no to the tunnel)';
  }
  const result = valueSchema(spec).safeParse(coerced.value);
  return result.success ? true : (result.error.issues[0]?.message ?? 'invalid');
}

async function ask(spec: VariableSpec, values: Values): Promise<VarValue> {
  const current = values[spec.name] ?? spec.default;
  const message = `${spec.prompt}:`;
  if (spec.type === 'bool') return confirm({ message: spec.prompt, default: current === true });
  if (spec.choices) {
    const answer = await select({
      message,
      choices: spec.choices.map((c) => ({ name: String(c), value: String(c) })),
      default: display(current),
    });
    return spec.type === 'number' ? Number(answer) : answer;
  }
  const raw = await input({
    message,
    default: display(current) || undefined,
    validate: (text) => check(spec, text, values),
  });
  const coerced = coerce(spec, raw);
  return 'value' in coerced ? coerced.value : current;
}

/**
 * Asks for everything not given by flag or env; returns the merged values. Each asked variable's
 * origin becomes 'prompt' (in `origins`), so a problem names the question, not a flag never typed.
 */
export async function promptForValues(
  table: readonly VariableSpec[],
  values: Values,
  origins: Record<string, Origin>,
): Promise<Values> {
  const result: Values = { ...values };
  const fixed = (spec: VariableSpec): boolean => origins[spec.name] === 'flag' || origins[spec.name] === 'env';
  const wanted = (spec: VariableSpec): boolean => !fixed(spec) && (relevant[spec.name]?.(result) ?? true);
  const answer = async (spec: VariableSpec): Promise<void> => {
    result[spec.name] = await ask(spec, result);
    origins[spec.name] = 'prompt';
  };
  try {
    for (const spec of table) {
      if (spec.group === 'basic' && wanted(spec)) await answer(spec);
    }
    const advanced = table.filter((s) => s.group === 'advanced');
    if (await confirm({ message: `Review the ${advanced.length} advanced settings (resources, ports, socket, metrics…)?`, default: false })) {
      for (const spec of advanced) if (wanted(spec)) await answer(spec);
    }
  } catch (error) {
    // Ctrl+C inside a prompt: nothing has been rendered or written yet.
    if (error instanceof Error && error.name === 'ExitPromptError') throw new CliError('interrupted; nothing was written', ExitCode.interrupted);
    throw error;
  }
  return result;
}
