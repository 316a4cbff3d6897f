// Resources: docker://system/info|df and the templates docker://containers/{id}/logs|inspect|stats,
// completion of {id} (and of prompt arguments) from live container names, and subscriptions that
// turn Docker events into notifications/resources/updated.
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import {
  CompleteRequestSchema,
  ErrorCode,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { redactData, redactText } from './audit/redact.js';
import type { GatewayCore } from './core.js';
import { engineCall } from './docker/engine-calls.js';
import { asMcpError, assertMayRead, audited, boundedRead, completeContainer, containerInspect, containerLogs, containerStats } from './docker-reads.js';
import { fromAuthInfo } from './request-context.js';
import { watchContainer } from './resource-watch.js';
import type { Identity } from './security.js';
import type { McpServerOptions } from './server.js';
import type { ToolAccess } from './tools/define.js';
import { containerPrefixProblem, shown } from './tools/identifiers.js';

/**
 * Subscribed URIs one session may hold. Every Docker event of a container is one notification per
 * URI naming it (`/inspect`, `/logs`, `/stats`, under any id prefix), queued for a standby stream the
 * client may never read: the cap bounds that queue's growth per event.
 */
export const MAX_SUBSCRIPTIONS_PER_SESSION = 256;

type ContainerView = 'logs' | 'inspect' | 'stats';
const views: Record<ContainerView, { tool: string; access: ToolAccess; mimeType: string; description: string }> = {
  logs: { tool: 'container_logs', access: 'operate', mimeType: 'text/plain', description: 'The last 200 log lines, with timestamps.' },
  inspect: { tool: 'container_inspect', access: 'read', mimeType: 'application/json', description: 'Full container inspect JSON.' },
  stats: { tool: 'container_stats', access: 'read', mimeType: 'application/json', description: 'One stats sample (CPU, memory, network, block I/O).' },
};

const containerUri = /^docker:\/\/containers\/([A-Za-z0-9][A-Za-z0-9_.-]{0,127})\/(logs|inspect|stats)$/;

export function parseContainerUri(uri: string): { id: string; view: ContainerView } | undefined {
  const match = containerUri.exec(uri);
  return match ? { id: match[1] as string, view: match[2] as ContainerView } : undefined;
}

interface Subscription {
  uris: Set<string>;
  stop: () => void;
}

/** `subscribable` is false where no session outlives a request (Streamable HTTP under --stateless). */
export function installResources(server: Server, core: GatewayCore, options: McpServerOptions, subscribable: boolean): { close(): void } {
  const identityOf = (authInfo: AuthInfo | undefined): Identity => {
    const identity = fromAuthInfo(authInfo).identity ?? options.fallbackIdentity;
    if (!identity) throw new McpError(ErrorCode.InternalError, 'request reached the server without an identity');
    return identity;
  };
  // Keyed by the container's full id, so "web" and its id share one event stream.
  const subscriptions = new Map<string, Subscription>();

  server.setRequestHandler(ListResourcesRequestSchema, () =>
    Promise.resolve({
      resources: [
        { uri: 'docker://system/info', name: 'system-info', title: 'Docker system information', mimeType: 'application/json' },
        { uri: 'docker://system/df', name: 'system-df', title: 'Docker disk usage', mimeType: 'application/json' },
      ],
    }),
  );

  server.setRequestHandler(ListResourceTemplatesRequestSchema, () =>
    Promise.resolve({
      resourceTemplates: (Object.keys(views) as ContainerView[]).map((view) => ({
        uriTemplate: `docker://containers/{id}/${view}`,
        name: `container-${view}`,
        title: `Container ${view}`,
        description: `${views[view].description} {id} is a container name or id.`,
        mimeType: views[view].mimeType,
      })),
    }),
  );

  const originOf = (extra: { authInfo?: AuthInfo; requestId: string | number }, identity: Identity) => ({
    identity,
    transport: fromAuthInfo(extra.authInfo).transport ?? options.transport,
    requestId: fromAuthInfo(extra.authInfo).requestId ?? `${options.transport}:${String(extra.requestId).slice(0, 128)}`,
  });

  server.setRequestHandler(ReadResourceRequestSchema, async (request, extra) => {
    const identity = identityOf(extra.authInfo);
    const { uri } = request.params;
    return audited(core, originOf(extra, identity), 'resources/read', { uri }, () => readResource(uri, identity, extra.signal));
  });

  const readResource = async (uri: string, identity: Identity, signal: AbortSignal) => {
    const extra = { signal };
    try {
      if (uri === 'docker://system/info' || uri === 'docker://system/df') {
        const kind = uri.endsWith('info') ? 'info' : 'df';
        assertMayRead(core, identity, `system_${kind}`, 'read');
        const data = await boundedRead(core, identity, uri, extra.signal, (signal) => engineCall<unknown>(core.docker, kind, signal));
        // Every resource read leaves through redactData (JSON) or redactText (logs): audit/redact.ts.
        return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(redactData(data), null, 2) }] };
      }
      const parsed = parseContainerUri(uri);
      if (!parsed) throw new McpError(-32002, `Resource not found: ${uri}`);
      const view = views[parsed.view];
      assertMayRead(core, identity, view.tool, view.access);
      const text = await boundedRead(core, identity, uri, extra.signal, async (signal) =>
        parsed.view === 'logs'
          ? redactText(await containerLogs(core, parsed.id, 200, signal))
          : JSON.stringify(redactData(parsed.view === 'inspect' ? await containerInspect(core, parsed.id, signal) : await containerStats(core, parsed.id, signal)), null, 2),
      );
      return { contents: [{ uri, mimeType: view.mimeType, text }] };
    } catch (error) {
      throw asMcpError(core, error, uri);
    }
  };

  // Without a session there is nobody to notify: not offered, so the SDK answers Method not found.
  if (subscribable) {
    server.setRequestHandler(SubscribeRequestSchema, (request, extra) =>
      audited(core, originOf(extra, identityOf(extra.authInfo)), 'resources/subscribe', { uri: request.params.uri }, () => subscribe(request.params.uri, extra)));

    const subscribe = async (uri: string, extra: { authInfo?: AuthInfo; signal: AbortSignal }): Promise<Record<string, never>> => {
      const parsed = parseContainerUri(uri);
      if (!parsed) throw new McpError(ErrorCode.InvalidParams, `Only container resources can be subscribed to (docker://containers/{id}/…), not ${uri}.`);
      const view = views[parsed.view];
      const identity = identityOf(extra.authInfo);
      assertMayRead(core, identity, view.tool, view.access);
      const held = [...subscriptions.values()].reduce((sum, s) => sum + s.uris.size, 0);
      if (held >= MAX_SUBSCRIPTIONS_PER_SESSION && ![...subscriptions.values()].some((s) => s.uris.has(uri))) {
        throw new McpError(ErrorCode.InvalidRequest,
          `This session already holds ${MAX_SUBSCRIPTIONS_PER_SESSION} resource subscriptions, the most one session may hold; unsubscribe from some first.`);
      }
      const fullId = (await boundedRead(core, identity, uri, extra.signal, (signal) => containerInspect(core, parsed.id, signal)) as { Id: string }).Id;
      const existing = subscriptions.get(fullId);
      if (existing) {
        existing.uris.add(uri);
        return {};
      }
      // Reserved before the first await so a concurrent subscribe to the same container joins it.
      let stopped = false;
      let stopWatch = (): void => {
        stopped = true;
      };
      const subscription: Subscription = { uris: new Set([uri]), stop: () => stopWatch() };
      subscriptions.set(fullId, subscription);
      try {
        // resource-watch.ts re-opens the stream after a daemon restart; unsubscribe/close stop it.
        const watch = await watchContainer(core, fullId, () => {
          for (const subscribed of subscription.uris) void server.sendResourceUpdated({ uri: subscribed }).catch(() => undefined);
        });
        stopWatch = () => watch.stop();
        if (stopped) watch.stop();
      } catch (error) {
        subscriptions.delete(fullId);
        throw asMcpError(core, error, uri);
      }
      return {};
    };

    server.setRequestHandler(UnsubscribeRequestSchema, (request) => {
      for (const [id, subscription] of subscriptions) {
        subscription.uris.delete(request.params.uri);
        if (subscription.uris.size === 0) {
          subscriptions.delete(id);
          subscription.stop();
        }
      }
      return Promise.resolve({});
    });
  }

  server.setRequestHandler(CompleteRequestSchema, async (request, extra) => {
    const { ref, argument } = request.params;
    const wantsContainer =
      (ref.type === 'ref/resource' && argument.name === 'id' && ref.uri.startsWith('docker://containers/')) ||
      (ref.type === 'ref/prompt' && argument.name === 'container');
    if (!wantsContainer) return { completion: { values: [], hasMore: false } };
    // Checked like the tools' container argument (tools/identifiers.ts), before any Docker call.
    const problem = containerPrefixProblem(argument.value);
    if (problem) throw new McpError(ErrorCode.InvalidParams, `Completion value for "${argument.name}" must begin ${problem}; got ${shown(argument.value)}.`);
    const identity = identityOf(extra.authInfo);
    assertMayRead(core, identity, 'container_list', 'read');
    const values = await boundedRead(core, identity, 'container names', extra.signal, (signal) => completeContainer(core.docker, argument.value, signal));
    // The spec caps one completion response at 100 values.
    return { completion: { values: values.slice(0, 100), total: values.length, hasMore: values.length > 100 } };
  });

  return {
    close() {
      for (const subscription of subscriptions.values()) subscription.stop();
      subscriptions.clear();
    },
  };
}
