// TEST INSTRUMENTATION, not product code. Preloaded into a gateway child process with
// NODE_OPTIONS="--import <this file>" by the adversarial suite (test/integration/adversarial-*.test.ts).
// It records the destination of every outbound connection the process attempts (net, and through
// it http, https, tls, undici/fetch and docker-modem) and every DNS lookup, one JSON line each, to
// the file named by DMCP_NET_RECORD_FILE. It changes no behaviour: the original function always runs.
// The suite then asserts the gateway connected to nothing but its Docker endpoint.
import fs from 'node:fs';
import net from 'node:net';
import dns from 'node:dns';

const file = process.env.DMCP_NET_RECORD_FILE;
if (file) {
  // Synchronous appends: a crash right after the connect must not lose the line that explains it.
  const record = (entry) => {
    try {
      fs.appendFileSync(file, JSON.stringify({ ...entry, time: Date.now() }) + '\n');
    } catch {
      /* instrumentation must never break the process */
    }
  };

  // net.connect, http.Agent, tls.connect and undici all end in Socket.prototype.connect, called
  // either with an options object or with the (port, host) / (path) shorthand.
  const originalConnect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function connect(...args) {
    let first = args[0];
    // Internally Node passes [options, callback] as one normalized array.
    if (Array.isArray(first)) first = first[0];
    if (first && typeof first === 'object') {
      if (typeof first.path === 'string') record({ kind: 'connect', path: first.path });
      else record({ kind: 'connect', host: String(first.host ?? 'localhost'), port: Number(first.port) });
    } else if (typeof first === 'string' && Number.isNaN(Number(first))) {
      record({ kind: 'connect', path: first });
    } else {
      record({ kind: 'connect', host: typeof args[1] === 'string' ? args[1] : 'localhost', port: Number(first) });
    }
    return originalConnect.apply(this, args);
  };

  const wrap = (target, name, kind) => {
    const original = target[name];
    if (typeof original !== 'function') return;
    target[name] = function wrapped(hostname, ...rest) {
      // server.listen(port, host) looks its own bind address up too: that is no outbound request.
      const forListen = /lookupAndListen|Server\.listen/.test(new Error().stack ?? '');
      record(forListen ? { kind, host: String(hostname), forListen } : { kind, host: String(hostname) });
      return original.call(this, hostname, ...rest);
    };
  };
  for (const name of ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname', 'resolveSrv', 'resolveTxt']) {
    wrap(dns, name, `dns.${name}`);
    wrap(dns.promises, name, `dns.promises.${name}`);
  }
  record({ kind: 'start', pid: process.pid });
}
