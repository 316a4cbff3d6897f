// Network tools. Every change goes through the policy as `network.change` with the body that
// will be sent, so rules can forbid e.g. connecting containers to a particular network.
import { isIP } from 'node:net';
import type Dockerode from 'dockerode';
import { z } from 'zod';
import { engineGet } from '../docker/engine-calls.js';
import { authorizeContainer } from './containers-shared.js';
import { untilSeconds } from './containers-lifecycle.js';
import { defineTool, type ToolContext, type ToolDefinition } from './define.js';
import {
  applyLimit, dockerFilters, formatLabels, isoDate, labelFilterInput, labelsInput, limitInput, listMeta, pruneLimitInput, pruneMeta, shortId,
  textTable,
} from './object-helpers.js';
import { listNotice, prunedNotice } from './output.js';

const networkRef = z.string().min(1).max(255).regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'a network name or id').describe('Network name or id.');
const containerRef = z.string().min(1).max(255).regex(/^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'a container name or id').describe('Container name or id.');
const cidr = z.string().refine((v) => {
  const [ip = '', bits, ...extra] = v.split('/');
  const family = isIP(ip);
  return family !== 0 && !extra.length && bits !== undefined && /^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}, 'a CIDR subnet such as "10.42.0.0/24"');
const ipAddress = z.string().refine((v) => isIP(v) !== 0, 'an IP address');

const networkSummary = z.object({
  id: z.string(),
  name: z.string(),
  driver: z.string(),
  scope: z.string(),
  internal: z.boolean(),
  attachable: z.boolean(),
  created: z.string(),
  subnets: z.array(z.string()),
  labels: z.record(z.string(), z.string()),
});

const networkDetail = networkSummary.extend({
  gateways: z.array(z.string()),
  options: z.record(z.string(), z.string()),
  containers: z.array(z.object({ id: z.string(), name: z.string(), ipv4: z.string(), ipv6: z.string(), mac: z.string() })),
});

/**
 * The caller's network reference (full id, name or id prefix) resolved once to the full id; the
 * policy checks and Docker acts on that id, so a network created or removed in between cannot
 * change which network the string names. A reference Docker does not know is returned as given
 * (the policy then names the problem, or Docker does).
 */
async function networkId(ctx: ToolContext, ref: string): Promise<string> {
  try {
    return (await engineGet<Dockerode.NetworkInspectInfo>(ctx.docker, `/networks/${encodeURIComponent(ref)}`, 'no such network', ctx.signal)).Id;
  } catch {
    return ref;
  }
}

function summarize(n: Dockerode.NetworkInspectInfo): z.infer<typeof networkSummary> {
  return {
    id: n.Id, name: n.Name, driver: n.Driver, scope: n.Scope, internal: n.Internal, attachable: n.Attachable,
    created: isoDate(n.Created), subnets: (n.IPAM?.Config ?? []).flatMap((c) => (c.Subnet ? [c.Subnet] : [])), labels: n.Labels ?? {},
  };
}

function detail(n: Dockerode.NetworkInspectInfo): z.infer<typeof networkDetail> {
  const containers = Object.entries(n.Containers ?? {}).map(([id, c]) => ({
    id, name: c.Name, ipv4: c.IPv4Address ?? '', ipv6: c.IPv6Address ?? '', mac: c.MacAddress ?? '',
  }));
  const gateways = (n.IPAM?.Config ?? []).flatMap((c) => (c.Gateway ? [c.Gateway] : []));
  return { ...summarize(n), gateways, options: n.Options ?? {}, containers };
}

export const networkList = defineTool({
  name: 'network_list',
  title: 'List networks',
  description: 'List networks with optional name, label, driver, type and dangling (unused) filters.',
  family: 'networks',
  access: 'read',
  inputSchema: z.object({
    name: z.string().max(255).optional().describe('Only networks whose name contains this text.'),
    label: labelFilterInput,
    driver: z.string().max(255).optional().describe('Only networks of this driver, e.g. "bridge".'),
    type: z.enum(['custom', 'builtin']).optional().describe('"custom": user-defined networks; "builtin": bridge, host, none.'),
    dangling: z.boolean().optional().describe('true: only networks no container uses.'),
    limit: limitInput,
  }).strict(),
  outputSchema: z.object({ networks: z.array(networkSummary), ...listMeta }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const filters = dockerFilters({ name: args.name, label: args.label, driver: args.driver, type: args.type, dangling: args.dangling });
    const raw = await ctx.docker.listNetworks({ filters, abortSignal: ctx.signal } as Dockerode.NetworkListOptions);
    const all = raw.map(summarize).sort((a, b) => a.name.localeCompare(b.name));
    const list = applyLimit(all, args.limit, ctx);
    const rows = list.items.map((n) => [shortId(n.id), n.name, n.driver, n.internal ? 'yes' : 'no', n.subnets.join(','), formatLabels(n.labels)]);
    const text = list.items.length
      ? textTable(['ID', 'NAME', 'DRIVER', 'INTERNAL', 'SUBNETS', 'LABELS'], rows) + listNotice(list, 'networks')
      : 'No networks match.';
    return { structured: { networks: list.items, total: list.total, truncated: list.truncated }, text };
  },
});

export const networkInspect = defineTool({
  name: 'network_inspect',
  title: 'Inspect a network',
  description: 'Show a network\'s driver, subnets, options, labels and the containers attached to it.',
  family: 'networks',
  access: 'read',
  inputSchema: z.object({ network: networkRef }).strict(),
  outputSchema: networkDetail,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const info = await engineGet<Dockerode.NetworkInspectInfo>(ctx.docker, `/networks/${encodeURIComponent(args.network)}`, 'no such network', ctx.signal);
    const structured = detail(info);
    const attached = structured.containers.map((c) => `  ${c.name} ${c.ipv4}`).join('\n');
    const text =
      `Network ${structured.name} (${shortId(structured.id)}), driver ${structured.driver}, internal ${structured.internal}, ` +
      `subnets ${structured.subnets.join(', ') || 'none'}\nLabels: ${formatLabels(structured.labels) || 'none'}\n` +
      `Containers: ${structured.containers.length ? `\n${attached}` : 'none'}`;
    return { structured, text };
  },
});

export const networkCreate = defineTool({
  name: 'network_create',
  title: 'Create a network',
  description: 'Create a network (driver "bridge" by default), optionally internal (no outside access), attachable, with a fixed subnet.',
  family: 'networks',
  access: 'admin',
  inputSchema: z.object({
    name: networkRef.describe('Network name.'),
    driver: z.string().min(1).max(255).regex(/^[A-Za-z0-9][A-Za-z0-9_.:/-]*$/, 'a network driver name').default('bridge')
      .describe('Network driver (default "bridge").'),
    internal: z.boolean().default(false).describe('Isolate the network from outside networks.'),
    attachable: z.boolean().default(false).describe('Let standalone containers attach (swarm overlay networks).'),
    labels: labelsInput,
    subnet: cidr.optional().describe('Subnet in CIDR form, e.g. "10.42.0.0/24"; Docker picks one when omitted.'),
    gateway: ipAddress.optional().describe('Gateway address inside the subnet (needs "subnet").'),
  }).strict().refine((a) => !a.gateway || a.subnet, { message: 'a gateway needs a subnet', path: ['gateway'] }),
  outputSchema: networkDetail,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async handler(args, ctx) {
    const body: Record<string, unknown> = {
      Name: args.name,
      Driver: args.driver,
      Internal: args.internal,
      Attachable: args.attachable,
      Labels: args.labels ?? {},
      CheckDuplicate: true,
      ...(args.subnet ? { IPAM: { Driver: 'default', Config: [{ Subnet: args.subnet, ...(args.gateway ? { Gateway: args.gateway } : {}) }] } } : {}),
    };
    await ctx.authorize({ kind: 'network.change', action: 'create', body });
    const network = await ctx.docker.createNetwork({ ...body, abortSignal: ctx.signal } as Dockerode.NetworkCreateOptions);
    const structured = detail(await engineGet<Dockerode.NetworkInspectInfo>(ctx.docker, `/networks/${encodeURIComponent(network.id)}`, 'no such network', ctx.signal));
    return { structured, text: `Created network ${structured.name} (${shortId(structured.id)}, driver ${structured.driver}${structured.internal ? ', internal' : ''}).` };
  },
});

export const networkRemove = defineTool({
  name: 'network_remove',
  title: 'Remove a network',
  description: 'Remove a network. Fails while containers are attached; disconnect them first.',
  family: 'networks',
  access: 'admin',
  inputSchema: z.object({ network: networkRef }).strict(),
  outputSchema: z.object({ removed: z.string() }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const id = await networkId(ctx, args.network);
    await ctx.authorize({ kind: 'network.change', action: 'remove', body: { Network: id } });
    await ctx.docker.getNetwork(id).remove({ abortSignal: ctx.signal });
    return { structured: { removed: args.network }, text: `Removed network ${args.network}.` };
  },
});

export const networkConnect = defineTool({
  name: 'network_connect',
  title: 'Connect a container to a network',
  description: 'Attach a container (running or stopped) to a network, optionally with DNS aliases and a fixed address.',
  family: 'networks',
  access: 'admin',
  inputSchema: z.object({
    network: networkRef,
    container: containerRef,
    aliases: z.array(z.string().min(1).max(255).regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'a DNS name')).max(20).optional()
      .describe('Extra DNS names for the container on this network.'),
    ipv4_address: z.string().refine((v) => isIP(v) === 4, 'an IPv4 address').optional()
      .describe('Fixed IPv4 address (the network needs a user-set subnet).'),
  }).strict(),
  outputSchema: z.object({ network: z.string(), container: z.string(), aliases: z.array(z.string()) }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const endpoint: Record<string, unknown> = {
      ...(args.aliases?.length ? { Aliases: args.aliases } : {}),
      ...(args.ipv4_address ? { IPAMConfig: { IPv4Address: args.ipv4_address } } : {}),
    };
    // The container is named to Docker by the full id the policy checked, resolved once.
    const bodyFor = (container: string): Record<string, unknown> => ({ Container: container, EndpointConfig: endpoint });
    const network = await networkId(ctx, args.network);
    const id = await authorizeContainer(ctx, args.container, (container) => ({
      kind: 'network.change', action: 'connect', body: { Network: network, ...bodyFor(container) },
    }));
    await ctx.docker.getNetwork(network).connect({ ...bodyFor(id), abortSignal: ctx.signal } as Dockerode.NetworkConnectOptions);
    return {
      structured: { network: args.network, container: args.container, aliases: args.aliases ?? [] },
      text: `Connected ${args.container} to ${args.network}${args.aliases?.length ? ` as ${args.aliases.join(', ')}` : ''}.`,
    };
  },
});

export const networkDisconnect = defineTool({
  name: 'network_disconnect',
  title: 'Disconnect a container from a network',
  description: 'Detach a container from a network.',
  family: 'networks',
  access: 'admin',
  inputSchema: z.object({
    network: networkRef,
    container: containerRef,
    force: z.boolean().default(false).describe('Disconnect even if the container is not in a state to be cleanly detached.'),
  }).strict(),
  outputSchema: z.object({ network: z.string(), container: z.string() }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const network = await networkId(ctx, args.network);
    const id = await authorizeContainer(ctx, args.container, (container) => ({
      kind: 'network.change', action: 'disconnect', body: { Network: network, Container: container, Force: args.force },
    }));
    const body = { Container: id, Force: args.force };
    await ctx.docker.getNetwork(network).disconnect({ ...body, abortSignal: ctx.signal });
    return { structured: { network: args.network, container: args.container }, text: `Disconnected ${args.container} from ${args.network}.` };
  },
});

export const networkPrune = defineTool({
  name: 'network_prune',
  title: 'Prune unused networks',
  description: 'Remove user-defined networks no container uses, narrowed by labels or age.',
  family: 'networks',
  access: 'admin',
  inputSchema: z.object({
    label: labelFilterInput,
    until: z.string().regex(/^(\d+[smh]|\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?|\d+)$/, 'a duration like "24h" or a timestamp')
      .optional().describe('Only networks created before this: a duration ("24h") or a timestamp.'),
    limit: pruneLimitInput,
  }).strict(),
  outputSchema: z.object({ deleted: z.array(z.string()), ...pruneMeta }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    // Not Docker's prune endpoint: it would also remove networks that only stopped protected
    // containers use (they could not start again). As container_prune does: list what a prune
    // would take (user-defined, no container attached), authorize each by id (one protected use
    // denies the whole call, nothing removed), then remove exactly those ids.
    const before = args.until === undefined ? undefined : untilSeconds(args.until);
    const found = await ctx.docker.listNetworks({
      filters: dockerFilters({ label: args.label, dangling: true, type: 'custom' }), abortSignal: ctx.signal,
    } as Dockerode.NetworkListOptions);
    const targets: Dockerode.NetworkInspectInfo[] = [];
    for (const n of found.filter((f) => before === undefined || Date.parse(f.Created) / 1000 < before)) {
      // The list's dangling filter does not see attached containers on every Engine version; inspect does.
      const info = await engineGet<Dockerode.NetworkInspectInfo>(ctx.docker, `/networks/${encodeURIComponent(n.Id)}`, 'no such network', ctx.signal).catch(() => undefined);
      if (info && !Object.keys(info.Containers ?? {}).length) targets.push(info);
    }
    for (const n of targets) await ctx.authorize({ kind: 'network.change', action: 'prune', body: { Network: n.Id } });
    const removed: string[] = [];
    for (const n of targets) {
      try {
        await ctx.docker.getNetwork(n.Id).remove({ abortSignal: ctx.signal });
      } catch (error) {
        // Gone already, or a container attached since the listing: a prune leaves those alone.
        const status = (error as { statusCode?: number }).statusCode;
        if (status === 403 || status === 404 || status === 409) continue;
        throw error;
      }
      removed.push(n.Name);
    }
    const deleted = applyLimit(removed, args.limit, ctx);
    return {
      structured: { deleted: deleted.items, deleted_total: deleted.total, truncated: deleted.truncated },
      text: deleted.total
        ? `Pruned ${deleted.total} network(s): ${deleted.items.join(', ')}.${prunedNotice(deleted, 'pruned networks')}`
        : 'No unused networks matched; nothing pruned.',
    };
  },
});

export const networkTools: ToolDefinition[] = [
  networkList, networkInspect, networkCreate, networkRemove, networkConnect, networkDisconnect, networkPrune,
];
