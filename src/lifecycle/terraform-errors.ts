// Terraform's failures that people hit most, turned into one sentence each with the fix. Matched on
// terraform's own wording (stable across 1.x); the raw output has already been streamed above.
import { NAMESPACE_ADDRESS, TOKENS_SECRET_MISSING } from '../templates/model.js';

export interface KnownFailure {
  id: string;
  test: RegExp;
  /** `tf` is how to run terraform in the failing root (`terraform -chdir=terraform` from the output folder). */
  message: (output: string, tf: string) => string;
}

/** A phrase as a pattern that matches across Terraform's line wrapping. */
const words = (phrase: string): string => phrase.split(' ').join('\\s+');

export const KNOWN_FAILURES: KnownFailure[] = [
  {
    id: 'registry-unreachable',
    test: /Failed to query available provider packages|could not connect to registry\.terraform\.io|Failed to install provider|Could not retrieve the list of available versions|failed to request discovery document/,
    message: () =>
      'no provider registry is reachable: terraform downloads providers during `init` and this machine cannot reach ' +
      'registry.terraform.io. Run where it is reachable, or use a provider mirror: on a connected machine ' +
      '`terraform providers mirror <dir>`, copy <dir> here and add `provider_installation { filesystem_mirror { path = "<dir>" } }` ' +
      'to ~/.terraformrc (or set TF_CLI_CONFIG_FILE).',
  },
  {
    id: 'state-locked',
    test: /Error acquiring the state lock/,
    message: (out, tf) => {
      const id = /ID:\s+(\S+)/.exec(out)?.[1];
      return (
        'the Terraform state is locked by another run. Wait for it to finish; if you are sure none is running, ' +
        `\`${tf} force-unlock ${id ?? '<lock id>'}\`.`
      );
    },
  },
  {
    id: 'no-kubeconfig',
    test: /invalid configuration: no configuration has been provided|Kubernetes cluster unreachable|stat [^\n]*kube\/?config: no such file|Failed to (load|initialize) config|failed to load kubeconfig|context "[^"]+" does not exist/i,
    message: () =>
      'the Kubernetes provider has no usable kubeconfig: check `kubectl config current-context` works, and that ' +
      'the provider block\'s config_path/config_context (or KUBE_CONFIG_PATH) point at it.',
  },
  {
    id: 'cluster-unreachable',
    test: /dial tcp [^\n]*:(6443|443|8443)[^\n]*(connection refused|i\/o timeout|no route to host)/,
    message: () => 'the Kubernetes API server did not answer: is the cluster running (Docker Desktop: Settings > Kubernetes)?',
  },
  {
    id: 'needs-init',
    test: /Module not installed|Backend initialization required|Required plugins are not installed|Inconsistent dependency lock file|Missing required provider/,
    message: () => 'the working directory is not initialised for this configuration: run `terraform init -upgrade` (or `docker-mcp plan` again, which runs init first).',
  },
  {
    id: 'missing-variable',
    test: /No value for required variable/,
    message: (out) => {
      const names = [...out.matchAll(/input variable "([^"]+)" is not set/g)].map((m) => m[1]);
      return `required variables have no value${names.length ? ` (${[...new Set(names)].join(', ')})` : ''}: set them in terraform.tfvars, with --var-file, or as TF_VAR_<name>.`;
    },
  },
  {
    id: 'cloudflare-auth',
    test: /Authentication error \(10000\)|Invalid API Token|Unauthorized to access requested resource|error code: 10000/,
    message: () => 'Cloudflare rejected the API token: set CLOUDFLARE_API_TOKEN to a token with Zone DNS Edit and Account Cloudflare Tunnel Edit (and Access: Apps and Policies Edit when Access is on).',
  },
  {
    // create_namespace is on (the default) and the namespace is already there: Terraform never adopts
    // an existing object by itself.
    id: 'namespace-exists',
    test: /namespaces "[^"]+"\s+already\s+exists/,
    message: (out, tf) => {
      const ns = /namespaces "([^"]+)"\s+already\s+exists/.exec(out)?.[1] ?? '<namespace>';
      return (
        `the namespace ${ns} already exists, and the module creates it (create_namespace = true). If other workloads ` +
        'share it, set create_namespace = false in terraform.tfvars (or re-run init with --create-namespace=false) and ' +
        'give it the Pod Security label NOTES.md names yourself; if it is yours alone, adopt it: ' +
        `\`${tf} import '${NAMESPACE_ADDRESS}[0]' ${ns}\`, then apply again (that sets the label on it).`
      );
    },
  },
  {
    // The Deployment's precondition (provider 2.29+ and 3.x read a missing Secret as empty), or the
    // data source's own error in provider 2.25-2.28 (`secrets "x" not found`).
    id: 'tokens-secret-missing',
    // Terraform wraps diagnostics at the terminal width, so any space may be a line break.
    test: new RegExp(`${words(TOKENS_SECRET_MISSING)}|secrets\\s+"[^"]+"\\s+not\\s+found`),
    message: (out, tf) => {
      const name = /secrets\s+"([^"]+)"\s+not\s+found/.exec(out)?.[1] ?? /has\s+no\s+\w+\s+key\):\s+(\S+)\s+in\s+namespace/.exec(out)?.[1];
      return (
        `the bearer tokens Secret${name ? ` ${name}` : ''} does not exist yet (or has no tokens key), so the gateway pods could ` +
        'never start: create it as NOTES.md shows (`kubectl -n <namespace> create secret generic <name> --from-file=tokens=./tokens.yaml`). ' +
        'When this module creates the namespace, create the namespace first: ' +
        `\`${tf} apply -target=${NAMESPACE_ADDRESS}\`, then the Secret, then apply again.`
      );
    },
  },
  {
    id: 'invalid-configuration',
    test: /Error: (Unsupported argument|Missing required argument|Reference to undeclared|Invalid reference|Unsupported block type|Argument or block definition required|Invalid expression|Duplicate module call|Unreadable module directory|Unsupported attribute|Invalid value for)/,
    message: (out) => {
      const first = /Error: ([^\n]+)\n(?:\s*\n)?\s*on ([^\n]+)/.exec(out);
      return `Terraform rejected the configuration${first ? `: ${first[1]} (${first[2]!.replace(/:$/, '')})` : ''}; see its message above.`;
    },
  },
];

/** `dir`: the root terraform ran in, relative to where the user is, so commands in messages run as written. */
export function explainFailure(output: string, dir = '.'): { id: string; message: string } | undefined {
  const hit = KNOWN_FAILURES.find((f) => f.test.test(output));
  const tf = dir === '.' || dir === '' ? 'terraform' : `terraform -chdir=${dir}`;
  return hit ? { id: hit.id, message: hit.message(output, tf) } : undefined;
}
