// The stages of a Dockerfile and the images they build on, for image_build's checks: FROM lines and
// COPY/ADD --from that name neither an earlier stage nor "scratch", with ARG defaults and build args
// substituted the way the daemon substitutes them. The line-level reader is dockerfile-parser.ts;
// ONBUILD triggers are judged in dockerfile-triggers.ts.
import { isImageId } from '../policy/images.js';
import { ToolError } from './define.js';
import { AUTOMATIC_ARGS, GO_SPACE, PLAIN, readDockerfile, TOKEN_SPACE, type DockerfileInstruction } from './dockerfile-parser.js';
import { normalizeReference, referenceInput } from './images-reference.js';

export { parseDockerfile } from './dockerfile-parser.js';

export type StageBase = { kind: 'scratch' } | { kind: 'stage'; index: number } | { kind: 'image'; image: string };

export interface BuildStage {
  index: number;
  /** Lower-case name from "AS name". */
  name?: string;
  base: StageBase;
  from: DockerfileInstruction;
  body: DockerfileInstruction[];
}

export interface BuildPlan {
  /** The escape token the Dockerfile was read with. */
  escape: string;
  /** Instructions before the first FROM (ARG lines). */
  preamble: DockerfileInstruction[];
  stages: BuildStage[];
  /** External images the Dockerfile names (FROM, then COPY --from), in order, without repeats. */
  images: string[];
}

/** The stages a COPY --from (or an ONBUILD trigger's) can name: those finished before it runs. */
export interface StageScope {
  /** Lower-case names of the finished stages. */
  names: ReadonlySet<string>;
  /** How many stages are finished (valid indexes are below this). */
  count: number;
}

interface MetaArg { value?: string; known: boolean }

/** Expands $NAME, ${NAME} and ${NAME:-plain} from the meta args; anything else is refused. */
function expandImage(word: string, args: Map<string, MetaArg>, opaque: boolean, line: string): string {
  const unknown = (): ToolError =>
    new ToolError(`Cannot work out the image in "${line}"; pass its build args so the base image is known.`,
      'Use a literal image, or an ARG declared before the first FROM with a plain default or a build arg.');
  if (/['"\\`]/.test(word)) throw unknown();
  const result = word.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([A-Za-z0-9_./:@+-]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)(?![A-Za-z0-9_\u0080-\uffff])/g,
    (_m, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
      const arg = args.get(braced ?? bare ?? '');
      if (opaque || !arg || !arg.known) throw unknown();
      return (fallback !== undefined ? arg.value || fallback : arg.value) ?? '';
    });
  if (result.includes('$') || !result) throw unknown();
  return result;
}

/** Reads an ARG line before the first FROM; false when it is not in the plain form checked here. */
function readMetaArgs(args: string, buildArgs: Record<string, string>, into: Map<string, MetaArg>): boolean {
  const decls = args.split(new RegExp(`[${GO_SPACE}]+`)).filter(Boolean);
  const parsed: Array<[string, string | undefined]> = [];
  for (const decl of decls) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/.exec(decl);
    if (!m) return false;
    let value = m[2];
    if (value !== undefined) {
      const quoted = /^"(.*)"$|^'(.*)'$/.exec(value);
      if (quoted) value = quoted[1] ?? quoted[2] ?? '';
      if (!PLAIN.test(value)) return false;
    }
    parsed.push([m[1]!, value]);
  }
  for (const [name, value] of parsed) {
    const given = Object.hasOwn(buildArgs, name) ? buildArgs[name] : undefined;
    into.set(name, { value: given ?? value, known: !AUTOMATIC_ARGS.has(name.toUpperCase()) });
  }
  return true;
}

/** A reference as the policy sees it: fully qualified, or kept as written when it may be an image id. */
export function imageReference(image: string, line: string): string {
  if (!referenceInput.safeParse(image).success) throw new ToolError(`"${image}" in "${line}" is not a valid image reference.`);
  return isImageId(image) ? image : normalizeReference(image);
}

/**
 * The image a COPY --from names, or undefined when it names a finished stage (by name or index) or
 * scratch. The classic builder reads the value literally (no variable expansion), and an all-digit
 * value that is not a finished stage's index is an error there; it is still judged as an image.
 */
export function copyFromImage(flags: readonly string[], scope: StageScope, line: string): string[] {
  const images: string[] = [];
  for (const flag of flags) {
    if (!flag.toLowerCase().startsWith('--from=')) continue;
    const from = flag.slice('--from='.length);
    if (from.includes('$')) throw new ToolError(`"${line}": use a literal stage or image in --from, not a variable.`);
    if (from === 'scratch' || scope.names.has(from.toLowerCase())) continue;
    if (/^\d+$/.test(from) && Number(from) < scope.count) continue; // an earlier stage's index
    images.push(imageReference(from, line));
  }
  return images;
}

/**
 * Reads the stages of a Dockerfile: each FROM with what it builds on (an external image, an earlier
 * stage or scratch) and the instructions up to the next FROM. Image names are fully qualified; a
 * reference the daemon could also read as an image id (prefix) is kept as written, so the policy
 * resolves it to the image's names.
 */
export function readBuild(dockerfile: string, buildArgs: Record<string, string>): BuildPlan {
  const { escape, instructions } = readDockerfile(dockerfile);
  const metaArgs = new Map<string, MetaArg>();
  let opaqueArgs = false;
  const preamble: DockerfileInstruction[] = [];
  const stages: BuildStage[] = [];
  const names = new Set<string>();
  const images = new Set<string>();
  for (const instruction of instructions) {
    const { keyword, flags, args, line } = instruction;
    const current = stages.at(-1);
    if (keyword === 'from') {
      if (current?.name) names.add(current.name);
      const words = args.split(TOKEN_SPACE).filter(Boolean);
      if (words.length !== 1 && !(words.length === 3 && words[1]!.toLowerCase() === 'as')) {
        throw new ToolError(`"${line}": FROM takes an image and optionally "AS name".`);
      }
      const image = expandImage(words[0]!, metaArgs, opaqueArgs, line);
      const earlier = stages.findIndex((s) => s.name === image.toLowerCase());
      let base: StageBase;
      if (image === 'scratch') base = { kind: 'scratch' };
      else if (earlier >= 0 && names.has(image.toLowerCase())) base = { kind: 'stage', index: earlier };
      else {
        base = { kind: 'image', image: imageReference(image, line) };
        images.add(base.image);
      }
      stages.push({ index: stages.length, name: words[2]?.toLowerCase(), base, from: instruction, body: [] });
    } else if (!current) {
      if (keyword === 'arg' && !readMetaArgs(args, buildArgs, metaArgs)) opaqueArgs = true;
      preamble.push(instruction);
    } else {
      if (keyword === 'copy' || keyword === 'add') {
        for (const image of copyFromImage(flags, { names, count: current.index }, line)) images.add(image);
      }
      current.body.push(instruction);
    }
  }
  return { escape, preamble, stages, images: [...images] };
}

/** The external images a Dockerfile names (see readBuild). */
export function baseImages(dockerfile: string, buildArgs: Record<string, string>): string[] {
  return readBuild(dockerfile, buildArgs).images;
}
