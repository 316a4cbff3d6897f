// The tool table as MCP sees it: tools/list filtered by policy, and tools/call handed to the call
// pipeline (pipeline/index.ts), the one path for every call whatever the transport (MCP over
// HTTP/WS/stdio, or the seed's POST /mcp/call).
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { installClientLogging } from '../client-log.js';
import { eitherSignal, fromAuthInfo } from '../request-context.js';
import type { Identity } from '../security.js';
import type { ProgressUpdate, ToolDefinition } from './define.js';
import { toolJson } from './json-schema.js';
import { createCallPipeline } from './pipeline/index.js';
import type { RegistryDeps, ToolRegistry } from './registry-types.js';

export type { CallAdmission, CallAuditor, CallOrigin, CallOutput, RegistryDeps, ToolRegistry } from './registry-types.js';

export function createToolRegistry(deps: RegistryDeps): ToolRegistry {
  // The policy is fixed for the life of the process, so an identity's tool list is computed once
  // per identity object (a WebSocket or session keeps its object; per-request identities just miss).
  const visibleCache = new WeakMap<Identity, ToolDefinition[]>();
  const visible = (identity: Identity): ToolDefinition[] => {
    let tools = visibleCache.get(identity);
    if (!tools) visibleCache.set(identity, (tools = deps.policy.visibleTools(identity, deps.tools)));
    return tools;
  };
  const pipeline = createCallPipeline({ ...deps, visible });

  const registry: ToolRegistry = {
    tools: deps.tools,
    list: (identity) => visible(identity).map(toolJson),
    get: (identity, name) => visible(identity).find((tool) => tool.name === name),

    inFlight: pipeline.inFlight,
    call: (name, args, origin) => pipeline.run({ name, args, origin }),

    install(server, transport, fallbackIdentity) {
      const identityOf = (authInfo: Parameters<typeof fromAuthInfo>[0]): Identity => {
        const identity = fromAuthInfo(authInfo).identity ?? fallbackIdentity;
        // Fail closed: an HTTP/WS message without an authenticated identity is a wiring bug.
        if (!identity) throw new McpError(ErrorCode.InternalError, 'request reached the registry without an identity');
        return identity;
      };
      const clientLog = installClientLogging(server);
      server.setRequestHandler(ListToolsRequestSchema, (_request, extra) =>
        Promise.resolve({ tools: registry.list(identityOf(extra.authInfo)) }),
      );
      server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
        const meta = fromAuthInfo(extra.authInfo);
        const token = request.params._meta?.progressToken;
        let last = -Infinity;
        const progress =
          token === undefined
            ? undefined
            : async (update: ProgressUpdate): Promise<void> => {
                // The spec requires progress to increase; drop anything that does not.
                if (update.progress <= last || extra.signal.aborted) return;
                last = update.progress;
                await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, ...update } });
              };
        // The HTTP response closing (client gone) cancels like notifications/cancelled does.
        const cancel = eitherSignal(extra.signal, meta.signal);
        const started = performance.now();
        try {
          const { result, outcome } = await registry.call(request.params.name, request.params.arguments, {
            identity: identityOf(extra.authInfo),
            transport: meta.transport ?? transport,
            requestId: meta.requestId ?? `${transport}:${String(extra.requestId)}`,
            signal: cancel.signal,
            progress,
          });
          const first = result.content[0];
          clientLog({
            tool: request.params.name,
            outcome,
            durationMs: Math.round(performance.now() - started),
            ...(outcome !== 'ok' && first?.type === 'text' ? { message: first.text } : {}),
          });
          return result;
        } finally {
          cancel.dispose();
        }
      });
    },
  };
  return registry;
}
