// NOTES.md steps for the Cloudflare pieces: credentials, where the Cloudflare Terraform lives, the AUD
// for the YAML path, the route for an existing tunnel or the connector for a new one, Access tokens.
import type { InstallConfig } from '../config/schema.js';
import { CONNECT_ENV } from '../contract/connect-env.js';
import { CONNECTOR_YAML, TUNNEL_TOKEN_SECRET, connectorNamespace } from './cloudflare/connector.js';
import { CLOUDFLARE_ROOT_TF, INGRESS_YAML, cloudflareInputs, cloudflareRootTf } from './cloudflare/tunnel.js';
import { ACCESS_ENV_FILE, SINGLE_FILE } from './kubernetes/render.js';
import { createsAccessApp, names, tunnelRendered, usesAccess } from './model.js';
import { kubectl } from './notes-cluster.js';
import { selector } from './kubernetes/network-policy.js';

export interface CloudflareSteps {
  /**
   * The API token and IDs. Every root-module command needs them, even `apply -target` of the namespace
   * (Terraform asks for every required root variable whatever the target), so NOTES puts this before
   * the first terraform command.
   */
  credentials?: string;
  /** Before the gateway is applied (the standalone Cloudflare root, the AUD file). */
  before: string[];
  after: string[];
}

/**
 * The API token's permission groups, as the provider's docs list them per resource (docs/resources/*.md):
 * the service token has a group of its own, apart from Access apps and policies.
 */
const dnsAddress = (c: InstallConfig): string => `${c.cloudflare_provider_version === 4 ? 'cloudflare_record' : 'cloudflare_dns_record'}.docker_mcp`;

function tokenPermissions(c: InstallConfig): string[] {
  return [
    'DNS Write (the zone)',
    ...(c.create_tunnel ? ['Cloudflare Tunnel Write (the account)'] : []),
    ...(createsAccessApp(c) ? ['Access: Apps and Policies Write and Access: Service Tokens Write (the account)'] : []),
  ];
}


/**
 * The Cloudflare resources (and data sources) of the Terraform root, as -target flags: with both formats, the YAML path
 * still needs them (DNS record, tunnel, Access), and a plain apply of the root would also deploy the
 * gateway through the module. Read from the rendered file itself, so provider v4/v5 names match.
 */
function cloudflareTargets(c: InstallConfig, version: string): string {
  // Data sources too: a targeted apply leaves out what only depends on a target, so without its
  // data block `output -raw tunnel_token` printed nothing (exit 0) and the connector got an empty
  // token (checked with terraform 1.11: "No outputs found").
  const addresses = [...cloudflareRootTf(c, version).matchAll(/^(resource|data) "([a-z0-9_]+)" "([a-z0-9_]+)"/gm)]
    .map((m) => `${m[1] === 'data' ? 'data.' : ''}${m[2]}.${m[3]}`);
  return addresses.map((a) => `-target=${a}`).join(' ');
}

export function cloudflareSteps(c: InstallConfig, files: string[], version: string): CloudflareSteps {
  const before: string[] = [];
  const after: string[] = [];
  if (!tunnelRendered(c)) {
    if (c.enable_cloudflare_tunnel) after.push('Cloudflare Tunnel: skipped because domain_suffix is empty; re-run with --domain-suffix to render it.');
    return { before, after };
  }
  const n = names(c);
  const inRoot = files.includes(CLOUDFLARE_ROOT_TF);
  const dir = inRoot ? 'terraform' : 'cloudflare';
  const output = (name: string): string => `$(terraform -chdir=${dir} output -raw ${name})`;
  const ids = cloudflareInputs(c);
  const credentials = (
    `Cloudflare credentials for ${inRoot ? CLOUDFLARE_ROOT_TF : `${dir}/main.tf`} (provider v${c.cloudflare_provider_version}): an API token with ` +
      `${tokenPermissions(c).join(', ')}, and the IDs ` +
      `Terraform asks for, exported in the shell you run the terraform commands below from:\n\n   \`export CLOUDFLARE_API_TOKEN=… ${ids.map((v) => `TF_VAR_${v}=…`).join(' ')}\``
  );
  const yamlKustomize = files.includes('kubernetes/kustomization.yaml');
  const yamlSingle = files.includes(SINGLE_FILE);
  if (!inRoot) before.push(`Create the Cloudflare side first: \`terraform -chdir=cloudflare init && terraform -chdir=cloudflare apply\`.`);
  else if (yamlKustomize || yamlSingle) {
    before.push(
      'If you apply the YAML (kubectl) rather than the Terraform, the Cloudflare side is still Terraform\'s: create it first, alone ' +
        '(a plain `terraform apply` would also deploy the gateway through the module): ' +
        `\`terraform -chdir=terraform init && terraform -chdir=terraform apply ${cloudflareTargets(c, version)}\`.`,
    );
  }
  if (createsAccessApp(c) && (yamlKustomize || yamlSingle)) {
    const first = 'For the YAML, once the Cloudflare side exists, ';
    const kustomize = yamlKustomize
      ? `write the AUD where kustomize's configMapGenerator reads it (\`kubectl apply -k\` fails with "env source files: [access.env]: … no such file or directory" until you do):\n\n` +
        `   \`aud=${output('access_aud')} && echo "DOCKER_MCP_CF_ACCESS_AUD=$aud" > ${ACCESS_ENV_FILE}\``
      : '';
    const single = yamlSingle
      ? `${yamlKustomize ? '\n\n   With ' : 'with '}${SINGLE_FILE}, create the ConfigMap it loads:\n\n` +
        `   \`${kubectl(c)} -n ${c.namespace} create configmap ${n.accessConfigMap} --from-literal=DOCKER_MCP_CF_ACCESS_AUD=${output('access_aud')}\``
      : '';
    before.push(`The gateway's Access AUD is an output of the Access application the Terraform creates${inRoot ? ' (the Terraform module gets it by reference)' : ''}. ${first}${kustomize}${single}`);
  }
  if (c.create_tunnel) {
    after.push(
      `Run the new tunnel's connector (${CONNECTOR_YAML}, pinned cloudflared, in the namespace and with the labels cloudflared_namespace and cloudflared_pod_labels name, so the NetworkPolicy admits it):\n\n` +
        // The gateway's namespace is created by the module or the YAML; cloudflared's own is not.
        (connectorNamespace(c) === c.namespace ? '' : `   \`${kubectl(c)} create namespace ${connectorNamespace(c)}\` (unless it exists)\n`) +
        // Through a pipe, not --from-literal: a command line is readable by every local user (ps).
        `   \`terraform -chdir=${dir} output -raw tunnel_token | ${kubectl(c)} -n ${connectorNamespace(c)} create secret generic ${TUNNEL_TOKEN_SECRET} --from-file=token=/dev/stdin\`\n` +
        `   \`${kubectl(c)} apply -f ${CONNECTOR_YAML}\`` +
        // The check the NetworkPolicy step leaves to here: only now is there a connector to find.
        (c.enable_network_policy ? `\n   \`${kubectl(c)} get pods -n ${connectorNamespace(c)}${Object.keys(c.cloudflared_pod_labels).length ? ` -l ${selector(c.cloudflared_pod_labels)}` : ''}\` lists its pods once they start (what the NetworkPolicy admits)` : ''),
    );
  } else {
    // Before the apply, and before the Cloudflare-only apply the YAML path runs first: choosing
    // --terraform-dir or importing a dashboard record has to happen before this DNS record exists.
    before.unshift(
      `Route ${n.externalUrl} to ${n.serviceUrl} through your existing tunnel. The Terraform adds only the DNS record${createsAccessApp(c) ? ' and Access' : ''}: ` +
        'it never manages the tunnel\'s config, which would replace the routes you already have. Add the rule in ' +
        `${INGRESS_YAML} to your cloudflared config, above its catch-all. If your tunnel config lives in a Terraform repo, ` +
        'use `docker-mcp init --terraform-dir <repo>` instead: it adds the rule and the DNS entry there (docs/existing-repo.md), ' +
        'so do not apply this DNS record as well. ' +
        // A token-run tunnel takes its ingress from Cloudflare, and the dashboard's Public Hostname form
        // creates the CNAME itself: a second one from this Terraform would fail to apply.
        'If your cloudflared runs with a token (`tunnel run --token`, managed in the Zero Trust dashboard), it ignores a local ' +
        `config's ingress: add the hostname and service as a Public Hostname of the tunnel there instead. If that created the ` +
        `DNS record already, import it instead of creating a second one: \`terraform -chdir=${dir} import ${dnsAddress(c)} <zone id>/<record id>\`. ` +
        'Or re-run init with --create-tunnel for a tunnel and connector of its own.',
    );
  }
  if (createsAccessApp(c)) {
    after.push(
      `Access service token for non-browser clients: the Terraform creates one (\`${n.accessTokenName}\`) and a Service Auth ` +
        `policy that admits it. After the apply: \`export ${CONNECT_ENV.cfAccessClientId}=${output('access_client_id')} ` +
        `${CONNECT_ENV.cfAccessClientSecret}=${output('access_client_secret')}\`; clients send them as CF-Access-Client-Id/-Secret.`,
    );
  } else if (usesAccess(c)) {
    after.push(
      'The Access application (--cf-access-aud) already exists, so none is rendered. Create an Access service token ' +
        '(Zero Trust > Access > Service credentials) and add a Service Auth policy that includes it to that application ' +
        '(an Allow policy sends non-browser clients to the login page); clients send CF-Access-Client-Id/-Secret.',
    );
  }
  return { credentials, before, after };
}
