// NOTES.md steps about the cluster itself: which cluster (kube_context), the namespace and its Pod
// Security level, getting the image onto the nodes, and the order that makes a first apply work
// when the render creates the namespace the tokens Secret must live in.
import type { InstallConfig } from '../config/schema.js';
import { GATEWAY_IMAGE_NAME } from '../config/variables.js';
import { NAMESPACE_ADDRESS, POD_SECURITY_ENFORCE, podSecurityLevel } from './model.js';
import { SINGLE_FILE } from './kubernetes/render.js';

/** `kubectl` aimed at the cluster terraform.tfvars names, so every command in NOTES hits the same one. */
export function kubectl(c: InstallConfig): string {
  const flags = [
    c.kubeconfig_path !== '~/.kube/config' ? `--kubeconfig ${c.kubeconfig_path}` : '',
    c.kube_context ? `--context ${c.kube_context}` : '',
  ].filter(Boolean);
  return ['kubectl', ...flags].join(' ');
}

/** docker-mcp's own --context/--kubeconfig for the recorded cluster (only what differs from the defaults). */
export function dockerMcpClusterFlags(c: InstallConfig): string[] {
  return [
    c.kube_context ? `--context ${c.kube_context}` : '',
    c.kubeconfig_path !== '~/.kube/config' ? `--kubeconfig ${c.kubeconfig_path}` : '',
  ].filter(Boolean);
}

/**
 * How to check the result: status and doctor default to namespace homelab and the current context,
 * so NOTES gives them the install's own (a namespace other than homelab, or a recorded context,
 * would otherwise look at the wrong place and report nothing found).
 */
export function checkStep(c: InstallConfig, externalUrl: string | undefined): string {
  const flags = [`--namespace ${c.namespace}`, ...dockerMcpClusterFlags(c)].join(' ');
  const doctorExtra = externalUrl ? ` --hostname ${new URL(externalUrl).hostname} --url ${externalUrl}` : '';
  return (
    `Check it: \`docker-mcp status ${flags}\` shows this install's objects, pods and the gateway's /ready (exit 1 while not ready); ` +
    `when something is off, \`docker-mcp doctor ${flags}${doctorExtra}\` checks the cluster, Pod Security, the socket's group` +
    `${externalUrl ? ', DNS and the tunnel' : ''}, and says how to fix each failure.`
  );
}

/** Which cluster Terraform deploys to; a warning when init found no context to record. */
export function contextStep(c: InstallConfig, files: string[]): string | undefined {
  if (!files.includes('terraform/main.tf')) return undefined;
  return c.kube_context
    ? `Check the target cluster: Terraform deploys to kubeconfig context \`${c.kube_context}\` in \`${c.kubeconfig_path}\` ` +
        '(kube_context and kubeconfig_path in terraform/terraform.tfvars), whatever context is current when you apply.'
    : `Warning: no kube_context was recorded (\`kubectl config current-context\` gave none at init time), so Terraform ` +
        `uses whatever context is current in \`${c.kubeconfig_path}\` when you apply. Set kube_context in ` +
        'terraform/terraform.tfvars (or re-run init with --kube-context) so an apply cannot land on the wrong cluster.';
}

/**
 * A name without a registry or namespace (`docker-mcp-gateway:0.1.0`, what `image build` tags by
 * default) is built locally: it lives only in the Docker store of the machine that built it. (On
 * Docker Hub such names are the official library images, which the gateway is not.)
 */
function isLocalImage(image: string): boolean {
  return !image.split('@')[0]!.includes('/');
}

export function imageStep(c: InstallConfig): string {
  const image = c.docker_image;
  if (isLocalImage(image)) {
    return (
      `Get the gateway image onto the node(s). \`docker-mcp image build\` builds \`${image}\` into the Docker image ` +
      'store of the machine it runs on, and nowhere else (the seed\'s `alpine:3.19` cannot serve MCP). A kubelet that ' +
      'uses that Docker (k3s with --docker, minikube\'s docker runtime, Docker Desktop) finds it with image_pull_policy ' +
      'IfNotPresent. Most clusters run containerd, which does not see Docker\'s images; without a registry, load it:\n\n' +
      `   - k3s (on each node that may run the pod): \`docker save ${image} | sudo k3s ctr images import -\`\n` +
      `   - kind: \`kind load docker-image ${image}\` (add \`--name <cluster>\` for a cluster not named kind)\n` +
      `   - minikube: \`minikube image load ${image}\`\n` +
      '   - Talos: nodes have no shell to import into; push to a registry.\n\n' +
      `   With a registry: \`docker-mcp image build --tag REGISTRY/${GATEWAY_IMAGE_NAME}:VERSION --push\` prints the pushed ` +
      'reference with its digest; re-run init with `--docker-image <that reference>` (and `--image-pull-secrets` for a ' +
      'private registry).'
    );
  }
  const pushed = image.includes('@')
    ? `\`${image}\` is pinned by digest: it must already be in its registry (\`docker-mcp image build --tag <name:tag> --push\` prints the digest to pin).`
    : `Build and push it if it is not there yet: \`docker-mcp image build --tag ${image} --push\`.`;
  return `The nodes pull the gateway image \`${image}\` from its registry. ${pushed}`;
}

export function pullSecretStep(c: InstallConfig): string | undefined {
  if (!c.image_pull_secrets.length) return undefined;
  const cmd = (name: string): string =>
    `\`${kubectl(c)} -n ${c.namespace} create secret docker-registry ${name} --docker-server=<registry> --docker-username=<user> --docker-password=<token>\``;
  return `Create the image pull Secret(s) in namespace \`${c.namespace}\` (the kubelet reads them to pull ${c.docker_image}): ${c.image_pull_secrets.map(cmd).join(', ')}.`;
}

/** The namespace step: what the render creates, or what the user must do to a namespace they share. */
export function namespaceStep(c: InstallConfig, files: string[]): string {
  const level = podSecurityLevel(c);
  if (c.create_namespace) {
    const why = level === 'privileged'
      ? 'the pod mounts the node\'s Docker socket as a hostPath volume, which the "baseline" and "restricted" levels forbid'
      : 'the pod meets the "restricted" level (no hostPath without the socket)';
    return (
      `The namespace \`${c.namespace}\` is created by this render with \`${POD_SECURITY_ENFORCE}: ${level}\`: ${why}. ` +
      'If a namespace of that name already exists and other workloads share it, do not apply it as is: ' +
      `\`kubectl apply\` would set this label on the existing namespace${level === 'privileged' ? ' and loosen it for every workload in it' : ''}` +
      // Only a rendered Terraform module has a namespace resource to collide with.
      `${files.includes('terraform/main.tf') ? ', and Terraform stops with "namespaces ... already exists"' : ''}. ` +
      'Re-run init with `--create-namespace=false` and label it ' +
      `yourself${files.includes('terraform/main.tf') ? `, or adopt it into Terraform with \`terraform -chdir=terraform import '${NAMESPACE_ADDRESS}[0]' ${c.namespace}\`` : ''}.`
    );
  }
  if (level === 'privileged') {
    return (
      `Allow the hostPath socket in namespace \`${c.namespace}\` (create_namespace is off, so it must exist). A hostPath ` +
      'volume violates the Pod Security "baseline" level, so the namespace needs the "privileged" level. This is not done ' +
      'for you, because relabelling a shared namespace loosens it for every workload in it:\n\n' +
      `   \`${kubectl(c)} label namespace ${c.namespace} ${POD_SECURITY_ENFORCE}=privileged\``
    );
  }
  return `The namespace \`${c.namespace}\` must exist (create_namespace is off). The pod meets the Pod Security "restricted" level, so any level the namespace enforces admits it.`;
}

/**
 * With create_namespace on and bearer auth, the Secret can only be created once the namespace exists,
 * and the plan refuses to go ahead without the Secret: create the namespace alone first.
 */
export function namespaceFirstStep(c: InstallConfig, files: string[], bearer: boolean): string {
  const ways: string[] = [];
  if (files.includes('terraform/main.tf')) {
    ways.push(`\`terraform -chdir=terraform init && terraform -chdir=terraform apply -target=${NAMESPACE_ADDRESS}\``);
  }
  if (files.includes('kubernetes/kustomization.yaml')) ways.push(`\`${kubectl(c)} apply -f kubernetes/namespace.yaml\``);
  if (files.includes(SINGLE_FILE)) {
    ways.push(`\`${kubectl(c)} create namespace ${c.namespace}\` (applying ${SINGLE_FILE} then adds its labels)`);
  }
  // The plan only reads the Secret when there is a Terraform module rendered and verify_tokens_secret is on.
  const planReads = bearer && c.verify_tokens_secret && files.includes('terraform/main.tf');
  const why = bearer
    ? `the Secrets below live in it${planReads ? ', and the Terraform plan stops while the tokens Secret is missing' : ''}`
    : 'what the steps below create lives in it';
  return `Create the namespace on its own first, because ${why}: ${ways.join(', or ')}.`;
}

/** The price of the plan-time Secret check, said where the Secret is created. */
export function tokensStateNote(c: InstallConfig, files: string[]): string {
  if (!c.verify_tokens_secret || !files.includes('terraform/main.tf')) return '';
  return (
    ' The Terraform plan reads this Secret to check it exists (verify_tokens_secret), so the Terraform state holds ' +
    'what is in it: the digests written above, never plain `token:` entries (or set verify_tokens_secret = false).'
  );
}
