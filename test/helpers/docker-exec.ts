// Runs a command in a container straight through Docker (no gateway): how tests show what Docker
// itself does, or read a container's files, independently of the code under test.
import type Dockerode from 'dockerode';

export interface DirectExecOptions {
  /** The exec's User, as Docker reads it (default: the container's own). */
  user?: string;
  /** Also keep stderr (frames of stream 2) in the result; default stdout only. */
  withStderr?: boolean;
}

/** Docker's multiplexed frames: an 8-byte header (stream, 0, 0, 0, big-endian length), then data. */
function demultiplex(all: Buffer, withStderr: boolean): string {
  let out = '';
  for (let at = 0; at + 8 <= all.length; at += 8 + all.readUInt32BE(at + 4)) {
    if (all[at] === 1 || (withStderr && all[at] === 2)) out += all.subarray(at + 8, at + 8 + all.readUInt32BE(at + 4)).toString('utf8');
  }
  return out;
}

export async function execDirect(container: Dockerode.Container, cmd: string[], options: DirectExecOptions = {}): Promise<string> {
  const exec = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, ...(options.user === undefined ? {} : { User: options.user }) });
  const stream = await exec.start({ hijack: true });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  return demultiplex(Buffer.concat(chunks), options.withStderr ?? false);
}
