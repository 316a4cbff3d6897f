// dockerode and docker-modem load, at require time, modules for features the gateway never uses:
// ssh2 for ssh:// hosts (docker_host accepts unix, npipe, tcp, http and https only; ssh2 also
// instantiates an Emscripten module with a fixed 16 MB heap) and gRPC for BuildKit sessions
// (image_build uses the classic builder). Together ~25 MB of the idle gateway's memory and part of
// its start time. Imported before dockerode, this hands those requires stand-ins that load the real
// module on first use, so behaviour is unchanged for anyone who does use them.
//
// docker-modem's `debug('modem')` output (DEBUG=modem or DEBUG=*) prints every request's options,
// X-Registry-Auth header included: the registry credentials of image_push/image_pull in base64.
// Secrets never reach a log here, so docker-modem gets a debug that prints nothing; the gateway's
// own log (log_level debug) is the way to see its Docker calls.
import { createRequire } from 'node:module';

interface ModuleInternals {
  _load(request: string, parent: { filename?: string } | undefined, isMain: boolean): unknown;
}

const require = createRequire(import.meta.url);
const Module = require('node:module') as ModuleInternals;
const load = Module._load.bind(Module);
const deferred: Record<string, string> = { ssh2: 'docker-modem', '@grpc/grpc-js': 'dockerode', '@grpc/proto-loader': 'dockerode' };

const silentDebug = (): (() => void) => Object.assign(() => undefined, { enabled: false });

Module._load = (request, parent, isMain) => {
  if (request === 'debug' && parent?.filename?.includes('/node_modules/docker-modem/')) return silentDebug;
  const from = deferred[request];
  if (!from || !parent?.filename?.includes(`/node_modules/${from}/`)) return load(request, parent, isMain);
  const real = (): Record<string | symbol, unknown> => load(request, parent, isMain) as never;
  if (request === 'ssh2') {
    // docker-modem reads `.Client` as it loads, so the class itself has to be the stand-in.
    return {
      Client: function Client(...args: unknown[]) {
        const Real = real().Client as new (...a: unknown[]) => object;
        return new Real(...args);
      },
    };
  }
  return new Proxy({}, { get: (_target, key) => real()[key] });
};
