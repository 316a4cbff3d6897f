// npm's environment for tests and benchmarks that run npm or npx as a user would. No vitest imports:
// bench/install.bench.ts uses it outside a test run.

/**
 * An environment for npm that carries nothing from the npm or npx that started the test run but how
 * to reach the registry:
 * npm_config_local_prefix and friends would point npm at this checkout (whose package.json has the
 * same name), and a node_modules/.bin on PATH could supply a bin the install does not.
 */
export function npmEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith('DOCKER_') || k === 'INIT_CWD') continue;
    // The user's registry, proxy and TLS settings stay: they are how npm reaches a registry here.
    if (/^npm_/i.test(k) && !/^npm_config_(registry|https?_proxy|proxy|noproxy|no_proxy|strict_ssl|cafile|ca|userconfig|globalconfig|fetch_.+|@.+:registry)$/i.test(k)) continue;
    env[k] = v;
  }
  env.PATH = (process.env.PATH ?? '').split(':').filter((p) => p && !p.includes('node_modules')).join(':');
  return { ...env, ...extra };
}
