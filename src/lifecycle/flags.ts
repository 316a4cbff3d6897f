// What `docker-mcp plan|apply|destroy` hands the lifecycle runners once commander has parsed the
// flags (declared in src/cli/commands/plan.ts). Here, beside the runners, so src/lifecycle/ never
// imports the CLI that calls it.
export type LifecycleAction = 'plan' | 'apply' | 'destroy';

export interface LifecycleFlags {
  /** Unset: what --dir was rendered for (src/lifecycle/run.ts chooses). */
  target?: 'terraform' | 'kubectl' | 'docker';
  dockerHost?: string;
  json?: boolean;
  dir?: string;
  yes?: boolean;
  varFile?: string[];
  context?: string;
  kubeconfig?: string;
  namespace?: string;
  instance?: string;
  prune?: boolean;
  timeout?: string;
  externalUrl?: string;
}
