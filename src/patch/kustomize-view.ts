// The model as kustomize deploys it (review 3, findings 3 and 13), applied in index.ts right after
// the model is read: configs an overlay replaces everywhere are dropped from the candidates (they are
// never deployed as written), a --cloudflared-configmap pointing at one is refused, and with
// --cloudflared-configmap the cloudflared workload is the one the file's own kustomization renders
// (namespace from the outermost `namespace:`, as kustomize's namespace transformer sets it).
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative } from 'node:path';
import { findCloudflared, type CloudflaredWorkload } from './cloudflared-scan.js';
import { byDir, configIdentity, kustomizations, overrideIn, type ConfigIdentity, type Kustomization } from './kustomize-tree.js';
import type { RepoModel } from './model.js';
import { gitRoot } from './sibling-config.js';
import type { YamlConfig } from './yaml-scan.js';

/** Kustomizations reaching `target` through their resources, with the files that replace its key on the way. */
function overriders(all: Kustomization[], id: ConfigIdentity): { tops: number; covered: string[]; open: number } {
  const parents = (k: Kustomization): Kustomization[] => all.filter((p) => p.resources.some((r) => byDir(all, r) === k));
  // covers(k): every way k is deployed replaces the key (k itself, or all its parents do).
  const memo = new Map<Kustomization, string[] | null>();
  const covers = (k: Kustomization, seen: Set<Kustomization>): string[] | null => {
    if (memo.has(k)) return memo.get(k)!;
    if (seen.has(k)) return null;
    const own = k === id.owner ? null : overrideIn(k, id);
    let out: string[] | null = own ? [own] : null;
    if (!out) {
      const ps = parents(k);
      const each = ps.map((p) => covers(p, new Set([...seen, k])));
      out = ps.length && each.every((e) => e) ? [...new Set(each.flatMap((e) => e!))] : null;
    }
    memo.set(k, out);
    return out;
  };
  const ps = parents(id.owner);
  const each = ps.map((p) => covers(p, new Set([id.owner])));
  return { tops: ps.length, covered: [...new Set(each.flatMap((e) => e ?? []))], open: each.filter((e) => !e).length };
}

export interface OverrideInfo { everywhere: boolean; by: string[] }

/** How overlays replace the config's ConfigMap key; null when nothing does. */
export function overriddenBy(all: Kustomization[], cand: YamlConfig): OverrideInfo | null {
  const id = configIdentity(all, cand);
  if (!id) return null;
  const o = overriders(all, id);
  if (!o.covered.length) return null;
  return { everywhere: o.open === 0 && o.tops > 0, by: o.covered };
}

/** The cloudflared workload the kustomization holding `configPath` renders, namespace as kustomize sets it. */
export function overlayCloudflared(all: Kustomization[], configPath: string): CloudflaredWorkload[] {
  // A patch file (an overlay's or a Component's) is deployed by the kustomization that applies it.
  const users = all.filter((k) => k.resources.length > 0 && k.patches.some((p) => p.from === configPath));
  const start = users.length === 1 ? users[0] : all.find((k) => k.dir === dirname(configPath));
  if (!start) return [];
  const out: CloudflaredWorkload[] = [];
  const walk = (k: Kustomization, ns: string | null, seen: Set<Kustomization>): void => {
    if (seen.has(k)) return;
    seen.add(k);
    const outer = ns ?? k.namespace;
    for (const r of k.resources) {
      const sub = byDir(all, r);
      if (sub) walk(sub, outer, seen);
      else if (existsSync(r) && statSync(r).isFile()) out.push(...findCloudflared(r).map((w) => ({ ...w, namespace: outer ?? w.namespace })));
    }
  };
  try {
    walk(start, null, new Set());
  } catch {
    return [];
  }
  return out;
}

/** A path as typed from where init runs (the flag is resolved against the working directory). */
function typed(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

export interface KustomizeView { notes: string[]; refused: string | null }

/** Applies kustomize's view to the model (mutates yamlConfigs/cloudflared); notes and a refusal for the plan. */
export function applyKustomizeView(model: RepoModel, terraformDir: string | undefined): KustomizeView {
  const view: KustomizeView = { notes: [], refused: null };
  if (!model.yamlConfigs.length) return view;
  const start = model.isFile ? dirname(model.repoDir) : model.repoDir;
  const root = gitRoot(start) ?? start;
  const all = kustomizations(root);
  if (!all.length) return view;
  const base = terraformDir ?? start;
  const shown = (p: string): string => relative(base, p) || p;
  const kept: YamlConfig[] = [];
  for (const cand of model.yamlConfigs) {
    const o = overriddenBy(all, cand);
    const by = o?.by.map(shown).join(', ') ?? '';
    if (o && model.isFile && o.everywhere) {
      view.refused =
        `${shown(cand.path)}: ${cand.where} is not what kustomize deploys: ${by} replaces it, so a rule added here never reaches cloudflared; ` +
        (o.by.length === 1 && !/kustomization\.ya?ml$/.test(o.by[0]!)
          ? `run init again with --cloudflared-configmap ${typed(o.by[0]!)}`
          : 'run init again with --cloudflared-configmap naming the file that replaces it, or add the rule there by hand');
    } else if (o && o.everywhere) {
      view.notes.push(`${shown(cand.path)} (${cand.where}) is not deployed as written: ${by} replaces it, so it was not considered.`);
      continue;
    } else if (o) {
      view.notes.push(`${shown(cand.path)} (${cand.where}) is replaced by ${by} in some overlays: the docker-mcp rule added there reaches only the overlays that keep it.`);
    }
    kept.push(cand);
  }
  model.yamlConfigs = kept;
  // The one config left (or the named file): its overlay's cloudflared, in the overlay's namespace.
  // (In auto mode only for a patch file: a resource keeps what findCloudflared read, e.g. targetNamespace.)
  const patchFile = (path: string): boolean => all.some((k) => k.resources.length > 0 && k.patches.some((p) => p.from === path));
  const chosen = model.isFile ? model.repoDir : kept.length === 1 && patchFile(kept[0]!.path) ? kept[0]!.path : null;
  const workloads = chosen ? overlayCloudflared(all, chosen) : [];
  if (workloads.length === 1) model.cloudflared = workloads;
  if (model.isFile) {
    if (!workloads.length && model.cloudflared.length === 0) {
      // Nothing next to the file: the repo-wide search from the git root, as without the flag.
      try {
        model.cloudflared = findCloudflared(root);
      } catch {
        model.cloudflared = [];
      }
    }
  }
  return view;
}
