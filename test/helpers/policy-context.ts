// A ToolContext whose authorize() is the real OperationPolicy against the private daemon, as the
// registry wires it: tools called through it are refused exactly as a gateway would refuse them.
import { expandScope } from '../../src/gateway/auth/scopes.js';
import { createOperationPolicy, type PolicyOptions } from '../../src/gateway/policy/policy.js';
import type { Identity } from '../../src/gateway/security.js';
import { ToolError, type GuardedOperation } from '../../src/gateway/tools/define.js';
import { testDocker, testEnv } from './env.js';
import { makeToolContext, type TestToolContext } from './tool-context.js';

/** The gateway's defaults: admin preset, no exec as root, `*cloudflared*` and the protected label. */
export function defaultPolicyOptions(overrides: Partial<PolicyOptions> = {}): PolicyOptions {
  return {
    preset: 'admin',
    toolAllow: [],
    toolDeny: [],
    rules: { binds: { rules: [], socketPaths: ['/var/run/docker.sock'] }, allowedCapabilities: new Set() },
    allowExecRoot: false,
    scope: { selector: [], protectedLabels: ['dev.docker-mcp.protected=true'], protectedContainers: ['*cloudflared*'], self: [] },
    socketPaths: ['/var/run/docker.sock', testEnv.dockerSocket],
    ...overrides,
  };
}

/**
 * `afterAllowed` runs after each allowed decision, before the handler goes on: a test uses it to
 * change the daemon in the window between the check and the Docker request.
 */
export function policyToolContext(
  options: PolicyOptions = defaultPolicyOptions(),
  afterAllowed?: (operation: GuardedOperation) => Promise<void>,
): TestToolContext {
  const policy = createOperationPolicy(options, testDocker());
  const identity: Identity = { id: 'token:test', kind: 'token', name: 'test', scopes: expandScope('admin') };
  const ctx: TestToolContext = makeToolContext({
    authorize: async (operation) => {
      ctx.authorized.push(operation);
      const verdict = await policy.authorize(identity, operation);
      if (!verdict.allowed) throw new ToolError(`Denied by policy rule ${verdict.rule}: ${verdict.reason}`, verdict.howToAllow);
      await afterAllowed?.(operation);
    },
  });
  return ctx;
}
