// Per-instruction checks of image_build, for the Dockerfile's own lines and for ONBUILD triggers
// alike: ADD sources the daemon would fetch itself, RUN flags, and the shape of ONBUILD lines.
//
// Why ADD is special: the daemon downloads an `ADD <url>` source from its own (the host's) network
// namespace, whatever the build's network, so a build could read services bound to the host's
// loopback. Every ADD source that is, or could expand to, a remote reference is reported, and the
// policy refuses it unless allow_remote_build_sources is set.
import { ToolError } from './define.js';
import { readDockerfile, refuse, splitInstruction, TOKEN_SPACE, type DockerfileInstruction } from './dockerfile-parser.js';

export interface RemoteSource {
  /** The source as written. */
  source: string;
  /** The instruction it is in. */
  line: string;
  /** Where the instruction comes from: "the Dockerfile" or an image's ONBUILD trigger. */
  where: string;
}

/** URL schemes (http, https, git, …), scp-style git and the legacy "github.com/" git prefix. */
const REMOTE = /:\/\/|^git@|^github\.com\//i;

/**
 * The JSON form of an argument list as the daemon reads it: Go's json.Decoder takes the first
 * value and ignores anything after it, which JSON.parse would refuse, so the array is scanned here.
 * Undefined when the text is not a JSON array of strings (the daemon then splits on whitespace).
 */
export function jsonArgs(text: string): string[] | undefined {
  const ws = /[ \t\n\r]*/y;
  // eslint-disable-next-line no-control-regex -- JSON strings cannot hold raw control characters.
  const str = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
  const skip = (at: number): number => {
    ws.lastIndex = at;
    ws.exec(text);
    return ws.lastIndex;
  };
  if (!text.startsWith('[')) return undefined;
  let pos = skip(1);
  const out: string[] = [];
  if (text[pos] === ']') return out;
  for (;;) {
    str.lastIndex = pos;
    const m = str.exec(text);
    if (!m) return undefined;
    out.push(JSON.parse(m[0]) as string);
    pos = skip(str.lastIndex);
    if (text[pos] === ']') return out;
    if (text[pos] !== ',') return undefined;
    pos = skip(pos + 1);
  }
}

/**
 * Whether an ADD source could name something the daemon fetches. A `$` means the value is only
 * known at build time, so it counts. Otherwise quotes and both possible escape tokens are dropped
 * first: the daemon's word processing only removes characters, so a URL it would see is still
 * visible then (`h\ttp://…`, `"http"://…`). Both tokens, because a trigger's words are processed
 * with the escape token of the Dockerfile that runs it, which is not known when it is written.
 */
export function possiblyRemote(word: string): boolean {
  if (word.includes('$')) return true;
  return REMOTE.test(word.replace(/['"\\`]/g, ''));
}

/** ADD sources that may be remote: both the JSON and the whitespace reading are checked. */
function remoteAddSources(instruction: DockerfileInstruction, where: string): RemoteSource[] {
  const readings = [instruction.args.split(TOKEN_SPACE).filter(Boolean)];
  const json = jsonArgs(instruction.args);
  if (json) readings.push(json);
  const found = new Set<string>();
  for (const words of readings) {
    for (const word of words.slice(0, Math.max(1, words.length - 1))) if (possiblyRemote(word)) found.add(word);
  }
  return [...found].map((source) => ({ source, line: instruction.line, where }));
}

/**
 * The trigger text the daemon stores for an ONBUILD line (moby: `(?i)^\s*ONBUILD\s*` removed).
 * "ONBUİLD" is an ONBUILD to the daemon's parser, but its regexp may not strip that spelling; then
 * the trigger only re-adds itself and never runs its instruction. It is judged as if it ran.
 */
export function onbuildExpression(line: string): string {
  return line.replace(/^[\t\n\f\r ]*ONBU[I\u0130]LD[\t\n\f\r ]*/i, '');
}

/** A stored trigger read as the daemon reads it: a Dockerfile of its own, with exactly one instruction. */
export function parseTrigger(trigger: string, where: string): DockerfileInstruction {
  let parsed;
  try {
    parsed = readDockerfile(trigger);
  } catch (error) {
    if (error instanceof ToolError) throw new ToolError(`${where}: ${error.message}`, error.hint);
    throw error;
  }
  if (parsed.instructions.length !== 1) {
    throw refuse(`${where} ${JSON.stringify(trigger)} is not a single instruction (the daemon refuses it too).`);
  }
  return parsed.instructions[0]!;
}

/**
 * Checks that need no knowledge of the surrounding build, and returns the ADD sources that may be
 * remote. An ONBUILD line is checked as the trigger it stores, so `ONBUILD ADD <url>` is found when
 * it is written, not only when some later build runs it.
 */
export function checkInstruction(instruction: DockerfileInstruction, where: string): RemoteSource[] {
  const { keyword, flags, line } = instruction;
  if (keyword === 'run' && flags.length) {
    throw new ToolError(`"${line}": RUN ${flags[0]!.split('=')[0]} needs BuildKit; image_build uses the classic builder, which refuses RUN flags.`,
      'Drop the flag (for a cache or secret mount, COPY the file from the build context instead).');
  }
  if (keyword === 'add') return remoteAddSources(instruction, where);
  if (keyword !== 'onbuild') return [];
  if (flags.length) throw new ToolError(`"${line}": ONBUILD takes no flags.`);
  const inner = splitInstruction(instruction.args).keyword;
  if (inner === 'onbuild' || inner === 'from' || inner === 'maintainer' || !inner) {
    throw new ToolError(`"${line}": ${inner ? `${inner.toUpperCase()} isn't allowed as an ONBUILD trigger` : 'ONBUILD needs an instruction'}.`);
  }
  return checkInstruction(parseTrigger(onbuildExpression(line), `the ONBUILD line "${line}"`), where);
}
