// Value checks shared by the zod schema and (as RE2-compatible regex strings) by the Terraform
// module's `validation` blocks, so the two can never disagree.

/** DNS-1123 label: namespaces, label values we derive names from. */
export const DNS1123_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
/** DNS-1035 label: Service names must start with a letter; project_name prefixes the Service name. */
export const DNS1035_LABEL = '^[a-z]([-a-z0-9]*[a-z0-9])?$';
/** Kubernetes quantities we accept for cpu (`500m`, `1`, `0.5`) and memory (`512Mi`, `1G`). */
export const CPU_QUANTITY = '^([0-9]+m|[0-9]+(\\.[0-9]+)?)$';
export const MEMORY_QUANTITY = '^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$';
/** A fully qualified host name (no scheme, no port). */
export const HOSTNAME = '^([a-z0-9]([-a-z0-9]*[a-z0-9])?\\.)+[a-z]([-a-z0-9]*[a-z0-9])?$';
/** Image reference: [registry[:port]/]path[:tag][@digest]; lowercase path as Docker requires. */
export const IMAGE_REF =
  '^([a-zA-Z0-9.-]+(:[0-9]+)?/)?[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$';
/** Kubeconfig context names are free-form; these cover kind-x, user@cluster, EKS ARNs, gke_project_zone_name. */
export const KUBE_CONTEXT = '^[A-Za-z0-9][A-Za-z0-9_.:@/+-]*$';
/** The root provider's config_path: absolute or home-relative (the provider expands `~`). */
export const KUBECONFIG_PATH = '^(~|/)[A-Za-z0-9._/+@-]*$';
/** A Go duration as Terraform's `timeouts` blocks parse it, in whole h/m/s units (`5m`, `1h30m`, `90s`). */
export const DURATION = '^([0-9]+h([0-9]+m)?([0-9]+s)?|[0-9]+m([0-9]+s)?|[0-9]+s)$';
/** DNS-1123 subdomain: node names. */
export const NODE_NAME = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
export const ABSOLUTE_PATH = '^/[A-Za-z0-9._/-]+$';
export const EMAIL = '^[A-Za-z0-9._+-]+@([a-z0-9]([-a-z0-9]*[a-z0-9])?\\.)+[a-z]+$';
/** Cloudflare Access AUD tags are 64 hex characters. */
export const ACCESS_AUD = '^[a-f0-9]{64}$';
/**
 * Label keys as Kubernetes accepts them: optional DNS prefix (253 at most), then a name (63 at most).
 * The lengths are in the patterns (RE2 counts), so the zod schema and the module's validation blocks
 * both refuse a label the API server would refuse (in metadata.labels and spec.nodeSelector alike).
 */
export const LABEL_KEY = '^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$';
/** A label value: empty, or 63 characters at most. */
export const LABEL_VALUE = '^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$';

/** The Deployment, Service and ServiceAccount are all called this; it must fit a DNS label. */
export const NAME_SUFFIX = '-docker-mcp-gateway';
export const MAX_NAME_LENGTH = 63;
export const MAX_PROJECT_NAME_LENGTH = MAX_NAME_LENGTH - NAME_SUFFIX.length;

export function resourceName(projectName: string): string {
  return `${projectName}${NAME_SUFFIX}`;
}

/**
 * Characters that would let a value escape its quoting in HCL (`"`, `\`, `${`, `%{`) or YAML
 * (newlines, control characters). Every string answer passes this before its own pattern, so the
 * message names the real problem rather than "does not match ^…$".
 */
export function injectionProblem(value: string): string | undefined {
  if (/[\r\n]/.test(value)) return 'must be a single line';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) return 'must not contain control characters';
  if (value.includes('"') || value.includes("'") || value.includes('`')) return 'must not contain quotes';
  if (value.includes('\\')) return 'must not contain backslashes';
  if (value.includes('${') || value.includes('%{')) return 'must not contain ${ or %{ (template syntax)';
  return undefined;
}

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, m: 1e-3 };

/** Quantity -> number (cores or bytes), for comparing a request with its limit. */
export function parseQuantity(value: string): number | undefined {
  const match = /^([0-9]+(?:\.[0-9]+)?)([A-Za-z]*)$/.exec(value);
  if (!match) return undefined;
  const [, digits = '', suffix = ''] = match;
  const factor = suffix === '' ? 1 : (BINARY[suffix] ?? DECIMAL[suffix]);
  return factor === undefined ? undefined : Number(digits) * factor;
}
