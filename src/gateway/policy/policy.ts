// The OperationPolicy: presets and tool globs decide which tools an identity may call (and see);
// `authorize` then checks the exact Docker body a handler is about to send. Both the identity's
// scope and the policy must allow; every denial names its rule and how to allow it. Anything that
// cannot be checked (Docker unreachable while inspecting) is denied.
import type Dockerode from 'dockerode';
import type { Identity, OperationPolicy, PolicyDecision, Scope } from '../security.js';
import type { GuardedOperation, ToolDefinition } from '../tools/define.js';
import { assertNoCaseDuplicates, field, isSet, PolicyDenial, struct, text, type Body } from './body.js';
import { checkCreateBody, checkHostConfig, type ContainerRules } from './container-rules.js';
import { checkExecUser } from './exec-user.js';
import { imageAllowed, isImageId, matchesGlob, parseImageRef } from './images.js';
import { checkLocalRegistry } from './registry-hosts.js';
import { checkNewNetworkName, endpointClaims, judgeDriver, resolveNetwork } from './network-refs.js';
import { checkSubnets, type Cidr } from './network-subnets.js';
import { localVolumeOptionsProblem } from './paths.js';
import { assertVolumeServers } from './volume-servers.js';
import { checkVolumeByName, daemonDefaultsOf, judgeRunnable, withDaemonPaths, type RunnableEnv } from './runnable.js';
import { judgeConnect, judgeCreate, judgeProtectedImageName, judgeRename, protectedUserOf } from './protected-names.js';
import { judgeProtectedStorage } from './protected-storage.js';
import { checkControl, inspectContainer, type ContainerFacts, type ControlScope } from './scope.js';

export type Preset = 'read-only' | 'operator' | 'admin';

export const presetAccess: Record<Preset, ReadonlySet<Scope>> = {
  'read-only': new Set<Scope>(['read']),
  operator: new Set<Scope>(['read', 'operate']),
  admin: new Set<Scope>(['read', 'operate', 'admin']),
};

export interface PolicyOptions {
  preset: Preset;
  /** Globs over tool names and families; empty allow = all. Deny wins. */
  toolAllow: readonly string[];
  toolDeny: readonly string[];
  rules: ContainerRules;
  /** Undefined: any image. */
  allowedImages?: readonly string[];
  allowExecRoot: boolean;
  /** Let image_build use sources the daemon fetches itself (ADD <url>). Default false. */
  allowRemoteBuildSources?: boolean;
  scope: ControlScope;
  /** Ranges a caller may choose as a network's subnet (network-subnets.ts); none by default. */
  allowedNetworkSubnets?: readonly Cidr[];
  /** Paths of the Docker socket(s) that can never be mounted or be present in an exec target. */
  socketPaths: readonly string[];
}

const REMOVE_ACTIONS = /^(remove|rm|delete|prune)$/i;
/** Actions after which the container's processes run: Docker resolves its binds again on (re)start. */
const RUN_ACTIONS = /^(start|restart|unpause)$/i;

/** The least scope each guarded operation needs, independent of how a tool is labelled. */
function requiredAccess(op: GuardedOperation): Scope {
  switch (op.kind) {
    case 'container.change':
      return REMOVE_ACTIONS.test(op.action) ? 'admin' : 'operate';
    case 'container.update':
    case 'container.exec':
      return 'operate';
    default:
      return 'admin';
  }
}

function deny(rule: string, reason: string, howToAllow: string): PolicyDecision {
  return { allowed: false, rule, reason, howToAllow };
}

export function createOperationPolicy(options: PolicyOptions, docker: Dockerode): OperationPolicy {
  const access = presetAccess[options.preset];

  function checkAccess(identity: Identity, needed: Scope, what: string): PolicyDecision {
    if (!access.has(needed)) {
      return deny('preset', `${what} needs ${needed} access; the policy preset is ${options.preset}.`,
        needed === 'admin' ? 'Set policy_preset to admin.' : 'Set policy_preset to operator or admin.');
    }
    if (!identity.scopes.has(needed)) {
      return deny('insufficient_scope', `${what} needs the ${needed} scope; ${identity.name} has ${[...identity.scopes].join(', ') || 'none'}.`,
        `Give ${identity.name} the ${needed} scope (token scope or Cloudflare Access allow-list entry).`);
    }
    return { allowed: true };
  }

  function checkCall(identity: Identity, tool: ToolDefinition): PolicyDecision {
    const matches = (g: string) => matchesGlob(tool.name, g) || matchesGlob(tool.family, g);
    const denied = options.toolDeny.find(matches);
    if (denied) return deny('tool-deny', `Tool ${tool.name} is denied by tools.deny "${denied}".`, 'Remove the pattern from tools.deny in the policy file.');
    if (options.toolAllow.length && !options.toolAllow.some(matches)) {
      return deny('tool-allow', `Tool ${tool.name} is not in tools.allow.`, `Add ${tool.name} or its family ${tool.family} to tools.allow.`);
    }
    return checkAccess(identity, tool.access, `Tool ${tool.name}`);
  }

  async function checkImage(reference: string, where: string, contactsRegistry: boolean): Promise<void> {
    await checkAllowList(reference, where);
    if (!isImageId(reference)) await checkLocalRegistry(reference, where, options.allowedImages ?? [], contactsRegistry);
  }

  async function checkAllowList(reference: string, where: string): Promise<void> {
    const patterns = options.allowedImages;
    if (!patterns) return;
    const how = `Add a matching pattern (e.g. ${reference.split(/[:@]/)[0]}) to allowed_images.`;
    if (isImageId(reference)) {
      // An id names a local image; it is allowed when one of its names is.
      let names: string[];
      try {
        const info = await docker.getImage(reference).inspect();
        names = [...(info.RepoTags ?? []), ...(info.RepoDigests ?? [])];
      } catch {
        throw new PolicyDenial('image-allow-list', `${where}: image id ${reference} cannot be resolved to a name.`, how);
      }
      if (names.some((n) => { const r = parseImageRef(n); return r ? imageAllowed(r, patterns) : false; })) return;
      throw new PolicyDenial('image-allow-list', `${where}: image ${reference} has no name in allowed_images.`, how);
    }
    const ref = parseImageRef(reference);
    if (!ref) throw new PolicyDenial('image-reference', `${where}: "${reference}" is not a valid image reference.`, 'Use registry/repository[:tag][@digest].');
    if (!imageAllowed(ref, patterns)) {
      throw new PolicyDenial('image-allow-list', `${where}: image ${reference} is not in allowed_images.`, how);
    }
  }

  const runnable: RunnableEnv = {
    docker,
    // The exec/start target's binds may sit under either list of socket paths.
    rules: { ...options.rules, binds: { ...options.rules.binds, socketPaths: [...new Set([...options.rules.binds.socketPaths, ...options.socketPaths])] } },
    daemonDefaults: daemonDefaultsOf(docker),
    scope: options.scope,
  };

  /**
   * One judgement for start, restart, unpause and exec (runnable.ts), reported under the action's
   * rule with the underlying rule named: a container created outside the gateway, or changed since
   * it was created, is refused exactly as its creation would have been.
   */
  async function judge(facts: ContainerFacts, action: string): Promise<void> {
    try {
      await judgeRunnable(facts, runnable);
      // allowed_images governs what runs, not only what is created: a container made outside the
      // gateway is judged by the image reference it was created from (an exec starts no image).
      if (action !== 'exec') await checkImage(facts.image, `the image ${facts.image || '(none)'} of ${facts.name}`, false);
    } catch (error) {
      if (!(error instanceof PolicyDenial) || error.rule === 'inspect-failed') throw error;
      const exec = action === 'exec';
      throw new PolicyDenial(
        exec ? 'exec-into-privileged' : 'run-target',
        `${exec ? 'Exec into' : `${action[0]!.toUpperCase()}${action.slice(1)} of`} ${facts.name} is refused: ${error.reason.replace(/\.$/, '')} (rule ${error.rule}).`,
        `${error.howToAllow} Or manage ${facts.name} outside the gateway.`,
      );
    }
  }

  async function guard(op: GuardedOperation): Promise<void> {
    switch (op.kind) {
      case 'container.create': {
        assertNoCaseDuplicates(op.body);
        const findings = checkCreateBody(op.body, withDaemonPaths(options.rules, await runnable.daemonDefaults()));
        const image = text(op.body, 'Image', 'body');
        if (!image) throw new PolicyDenial('image-reference', 'Container create body has no Image.', 'Name an image.');
        await checkImage(image, 'container create', false);
        for (const v of findings.namedVolumes) await checkVolumeByName(docker, v.name, v.where);
        await judgeProtectedStorage(docker, options.scope, { volumes: findings.namedVolumes, binds: findings.binds });
        await judgeCreate(docker, options.scope, op.body, op.name); // networks resolved, names (protected-names.ts)
        return;
      }
      case 'container.update': {
        assertNoCaseDuplicates(op.body);
        checkHostConfig(op.body, options.rules);
        const facts = await inspectContainer(docker, op.container);
        checkControl(facts, 'update', options.scope);
        // A restart policy makes Docker start the container by itself later (on exit, on a daemon
        // restart), where the gateway cannot judge it: judge it now, as a start would be.
        const restart = text(struct(op.body, 'RestartPolicy', 'body'), 'Name', 'body.RestartPolicy')?.trim().toLowerCase();
        if (restart && restart !== 'no') await judge(facts, 'update');
        return;
      }
      case 'container.change': {
        const facts = await inspectContainer(docker, op.container);
        checkControl(facts, op.action, options.scope);
        if (RUN_ACTIONS.test(op.action)) await judge(facts, op.action.toLowerCase());
        if (op.action === 'rename') await judgeRename(docker, options.scope, op.container, op.newName);
        return;
      }
      case 'container.exec': {
        assertNoCaseDuplicates(op.body);
        if (isSet(op.body, 'Privileged')) {
          throw new PolicyDenial('exec-privileged', 'Privileged exec gives the command every capability on the host.', 'Run the exec without Privileged.');
        }
        const facts = await inspectContainer(docker, op.container);
        checkControl(facts, 'exec', options.scope);
        await judge(facts, 'exec');
        if (!options.allowExecRoot) checkExecUser(text(op.body, 'User', 'body'), facts);
        return;
      }
      case 'image.use':
        await checkImage(op.image, `image ${op.action}${op.via ? ` (named by ${op.via})` : ''}`, op.action === 'pull' || op.action === 'push');
        // A tag or build target re-points the name: not the one a protected container runs.
        if (op.target || op.action === 'build') await judgeProtectedImageName(docker, options.scope, op.image, `image ${op.action}`);
        return;
      case 'build.remote':
        // The daemon downloads these from the host's network namespace, whatever the build network.
        if (!options.allowRemoteBuildSources) {
          throw new PolicyDenial('build-remote-source',
            `image_build: "${op.source}" in ${op.where} is (or may expand to) a remote source, which the Docker daemon would fetch itself from the host's network, whatever the build network.`,
            'Put the file in the build context ("files") and COPY it (write ADD sources literally, without variables), or set allow_remote_build_sources to true.');
        }
        return;
      case 'volume.create':
        checkVolumeCreate(op.body);
        return;
      case 'network.change':
        await checkNetwork(op.action, op.body);
        return;
    }
  }

  /**
   * Network changes judge the network Docker will act on: the reference (full id, name or id
   * prefix) is resolved through the Engine first. Joining judges the driver and the names the
   * container brings (protected-names.ts); removing refuses networks a protected container is
   * configured on, running or not (it could not start again); a new network may not take a name
   * that is another network's id prefix (the same string would then name two networks).
   */
  async function checkNetwork(action: string, body: Body): Promise<void> {
    assertNoCaseDuplicates(body);
    const driver = text(body, 'Driver', 'body')?.trim().toLowerCase();
    if (driver && !['bridge', 'overlay'].includes(driver)) {
      throw new PolicyDenial('network-driver', `Network driver ${driver} attaches containers to host interfaces or plugins.`, 'Use the bridge (or overlay) driver.');
    }
    if (action === 'create') {
      checkSubnets(body, options.allowedNetworkSubnets ?? []);
      await checkNewNetworkName(docker, text(body, 'Name', 'body') ?? '');
    }
    const ref = text(body, 'Network', 'body');
    const network = ref ? await resolveNetwork(docker, ref, `network ${action}`) : undefined;
    const container = field(body, 'Container');
    if (typeof container === 'string' && container) {
      checkControl(await inspectContainer(docker, container), `network ${action}`, options.scope);
    }
    if (network && action === 'connect' && typeof container === 'string') {
      judgeDriver(network, 'network connect');
      await judgeConnect(docker, options.scope, container, { network, ...endpointClaims(field(body, 'EndpointConfig'), 'EndpointConfig') });
    }
    if (network && (action === 'remove' || action === 'prune')) {
      const user = await protectedUserOf(docker, options.scope, network);
      if (user) {
        throw new PolicyDenial('protected-network', `Network ${network.name} is used by the protected container ${user}; removing it would break that container.`,
          'Manage this network outside the gateway (or narrow the prune with a label filter).');
      }
    }
  }

  return {
    preset: options.preset,
    visibleTools: (identity, tools) => tools.filter((tool) => checkCall(identity, tool).allowed),
    checkCall,
    async authorize(identity, op) {
      const decision = checkAccess(identity, requiredAccess(op), describe(op));
      if (!decision.allowed) return decision;
      try {
        await guard(op);
        return { allowed: true };
      } catch (error) {
        if (error instanceof PolicyDenial) return deny(error.rule, error.reason, error.howToAllow);
        return deny('policy-error', 'The policy could not check this operation.', 'Retry; report a bug if it persists.');
      }
    },
  };
}

function checkVolumeCreate(body: Body): void {
  assertNoCaseDuplicates(body);
  const driver = (text(body, 'Driver', 'body') ?? 'local').trim().toLowerCase() || 'local';
  if (driver !== 'local') {
    throw new PolicyDenial('volume-driver', `Volume driver ${driver} is a plugin with its own privileges.`, 'Use the local driver.');
  }
  const opts = field(body, 'DriverOpts');
  if (opts !== undefined && opts !== null) {
    const problem = typeof opts === 'object' && !Array.isArray(opts) ? localVolumeOptionsProblem(opts as Record<string, unknown>) : 'DriverOpts is not a map';
    if (problem) throw new PolicyDenial('volume-bind', `Volume DriverOpts: ${problem}.`, 'Bind-mount an allow-listed host path instead, or drop the options.');
    assertVolumeServers(opts as Record<string, unknown>, 'Volume DriverOpts');
  }
}

function describe(op: GuardedOperation): string {
  switch (op.kind) {
    case 'container.change':
      return `Container ${op.action}`;
    case 'image.use':
      return `Image ${op.action}`;
    default:
      return op.kind;
  }
}
