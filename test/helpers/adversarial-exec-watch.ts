// Watches every exec the daemon starts (Docker's event stream) and finds out who it really ran as:
// the live process' uid/gid from /proc while it runs, else the user Docker was given resolved the
// way Docker resolves it, through the container's own /etc/passwd and /etc/group. With
// allow_exec_root off, an exec with uid 0 or gid 0, or a privileged one, is a violation.
import type Dockerode from 'dockerode';
import { procIds } from './adversarial-oracles.js';

interface ExecSeen {
  execId: string;
  containerId: string;
  user: string;
  privileged: boolean;
  ids?: { uid: number; gid: number };
  how: string;
}

/** Files of a tar stream (Docker's archive API), enough for /etc/passwd. */
function untar(buffer: Buffer): Map<string, string> {
  const files = new Map<string, string>();
  let offset = 0;
  while (offset + 512 <= buffer.length) {
    const name = buffer.toString('utf8', offset, offset + 100).replace(/\0.*$/s, '');
    if (!name) break;
    const size = parseInt(buffer.toString('utf8', offset + 124, offset + 136).replace(/\0.*$/s, '').trim() || '0', 8);
    files.set(name, buffer.toString('utf8', offset + 512, offset + 512 + size));
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

async function readFile(docker: Dockerode, containerId: string, path: string): Promise<string | undefined> {
  try {
    const stream = await docker.getContainer(containerId).getArchive({ path });
    const chunks: Buffer[] = [];
    for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
    return [...untar(Buffer.concat(chunks)).values()][0];
  } catch {
    return undefined;
  }
}

/** Docker's reading of a user spec: `name|uid[:group|gid]`, names from the container's files. */
async function resolveUser(docker: Dockerode, containerId: string, spec: string): Promise<{ uid: number; gid: number } | undefined> {
  const [user = '', group] = spec.split(':');
  const passwd = (await readFile(docker, containerId, '/etc/passwd')) ?? '';
  const groups = (await readFile(docker, containerId, '/etc/group')) ?? '';
  const entry = passwd.split('\n').map((l) => l.split(':')).find((f) => f[0] === user || (/^\d+$/.test(user) && f[2] === String(Number(user))));
  const uid = /^[+-]?\d+$/.test(user) ? Number(user) : entry ? Number(entry[2]) : undefined;
  if (uid === undefined) return undefined;
  let gid = entry ? Number(entry[3]) : 0;
  if (group !== undefined) {
    const g = /^[+-]?\d+$/.test(group) ? Number(group) : Number(groups.split('\n').map((l) => l.split(':')).find((f) => f[0] === group)?.[2]);
    if (Number.isNaN(g)) return undefined;
    gid = g;
  }
  return { uid: Math.abs(uid) === 0 ? 0 : uid, gid: Math.abs(gid) === 0 ? 0 : gid };
}

export interface ExecWatcher {
  /** Execs started since the last call, judged; clears the list. */
  take(): Promise<string[]>;
  stop(): void;
}

export async function watchExecs(docker: Dockerode): Promise<ExecWatcher> {
  const pending: Promise<ExecSeen | undefined>[] = [];
  const stream = (await docker.getEvents({ filters: { type: ['container'] } })) as NodeJS.ReadableStream & { destroy(): void };
  let buffered = '';
  stream.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      let event: { Action?: string; Actor?: { ID?: string; Attributes?: Record<string, string> } };
      try { event = JSON.parse(line) as typeof event; } catch { continue; }
      if (!event.Action?.startsWith('exec_start')) continue;
      const execId = event.Actor?.Attributes?.execID;
      const containerId = event.Actor?.ID ?? '';
      if (!execId) continue;
      // Inspected at once: a running exec's process tells its real ids.
      pending.push((async () => {
        const info = (await docker.getExec(execId).inspect().catch(() => undefined)) as
          | { Pid?: number; Running?: boolean; ProcessConfig?: { user?: string; privileged?: boolean } } | undefined;
        if (!info) return undefined;
        const live = info.Running ? procIds(info.Pid ?? 0) : undefined;
        return { execId, containerId, user: info.ProcessConfig?.user ?? '', privileged: !!info.ProcessConfig?.privileged, ids: live, how: live ? '/proc' : '' };
      })());
    }
  });
  stream.on('error', () => undefined);
  return {
    async take() {
      const seen = (await Promise.all(pending.splice(0))).filter((s): s is ExecSeen => !!s);
      const out: string[] = [];
      for (const s of seen) {
        if (!s.ids) {
          let spec = s.user;
          if (!spec) spec = (await docker.getContainer(s.containerId).inspect().catch(() => undefined))?.Config.User ?? '';
          s.ids = spec ? await resolveUser(docker, s.containerId, spec) : { uid: 0, gid: 0 };
          s.how = `user "${s.user}" resolved through the container's /etc/passwd`;
        }
        if (s.privileged) out.push(`exec ${s.execId.slice(0, 12)} in ${s.containerId.slice(0, 12)} ran privileged`);
        if (s.ids && (s.ids.uid === 0 || s.ids.gid === 0)) {
          out.push(`exec ${s.execId.slice(0, 12)} in ${s.containerId.slice(0, 12)} ran as uid ${s.ids.uid} gid ${s.ids.gid} (user "${s.user}", ${s.how}) with allow_exec_root off`);
        }
      }
      return out;
    },
    stop: () => stream.destroy(),
  };
}
