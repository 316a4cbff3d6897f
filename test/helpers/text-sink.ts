// A Writable that keeps what is written to it, for commands that stream to stdout/stderr.
import { Writable } from 'node:stream';

export function textSink(): Writable & { text: string } {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      sink.text += chunk.toString();
      done();
    },
  }) as Writable & { text: string };
  sink.text = '';
  return sink;
}
