// Which collection gets docker-mcp's item when more than one could (review 1, finding 7):
// - an item the user already added decides (one collection holds the host);
// - `merge(local.a, local.b)`: the map whose items look like ours (every rule points at an in-cluster
//   Service, as the gateway's does), else the user chooses: both are named;
// - a variable set in several tfvars that may each apply (-var-file): the item is needed in each,
//   so a re-run accepts it once every one of them has it;
// - a tunnel module called more than once: which tunnel serves docker-mcp is the user's choice.
import type { CollectionItem, Generator } from './generator.js';
import { findObjectElem, objectElemValue } from './hcl-nodes.js';
import { evaluate } from './invert.js';
import type { RuleView } from './match.js';
import type { RepoScan } from './repo-scan.js';

export interface ReadCollection {
  g: Generator;
  views: RuleView<CollectionItem>[];
}

/** An in-cluster Service URL (`http://name.ns.svc.cluster.local:8080`, `…svc:80`). */
const IN_CLUSTER = /^[a-z]+:\/\/[^/:]+\.svc(\.cluster\.local)?(:\d+)?(\/|$)/;

async function inCluster(scan: RepoScan, r: ReadCollection): Promise<boolean> {
  const { g } = r;
  if (!r.views.length) return false;
  for (const view of r.views) {
    const field = g.fields.get('service');
    const elem = field ? undefined : g.spread ? findObjectElem(view.rule.object, 'service') : undefined;
    const expr = field ?? (elem ? objectElemValue(elem) : undefined);
    const url = expr ? await evaluate(scan, field ? g : { ...g, fields: new Map() }, expr, view.rule) : null;
    if (!url || !IN_CLUSTER.test(url)) return false;
  }
  return true;
}

/** The collection to edit, or why none can be chosen (the caller refuses with that reason). */
export async function chooseCollection(scan: RepoScan, read: ReadCollection[], hostname: string): Promise<ReadCollection | string> {
  if (read.length === 1) return read[0]!;
  const holding = read.filter((r) => r.views.some((v) => v.hostname === hostname));
  const g = read[0]!.g;
  const list = read.map((x) => `${x.g.collection.ref} (${x.g.collection.where})`).join(' and ');
  if (g.merged) {
    if (holding.length === 1) return holding[0]!;
    if (holding.length > 1) return `${hostname} has an item in more than one map of merge(…): ${list}; the later map's wins, remove the other`;
    const ours = [];
    for (const r of read) if (await inCluster(scan, r)) ours.push(r);
    if (ours.length === 1) return ours[0]!;
    return `the rules are built from merge(…) of ${list}, and the patcher cannot tell which map docker-mcp belongs in; add the item to one of them`;
  }
  if (g.collection.ambiguity === 'tfvars') {
    // Each may be the value Terraform uses: the item must be in all of them.
    if (holding.length === read.length) return read[0]!;
    const missing = read.filter((r) => !holding.includes(r)).map((x) => x.g.collection.where).join(', ');
    return `${g.collection.ref} is set in ${read.length} places and the repo does not show which one Terraform uses (a -var-file on the command line decides): ${read.map((x) => x.g.collection.where).join(' and ')}; add the item to each of them (missing in ${missing})`;
  }
  if (holding.length === 1) return holding[0]!;
  return `ambiguous: the tunnel module is called ${read.length} times, with rules from ${read.map((x) => `${x.g.collection.ref} (${x.g.collection.where}, used at ${x.g.where})`).join(' and ')}; add the item to the collection of the tunnel that should serve docker-mcp`;
}
