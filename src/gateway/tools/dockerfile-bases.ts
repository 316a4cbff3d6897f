// The images a Dockerfile builds on, for the allowed_images check of image_build. The check must see
// every FROM and COPY/ADD --from the daemon will act on, so the line-level rules below follow the
// daemon's Dockerfile parser (moby/buildkit frontend/dockerfile/parser): parser directives, the escape
// token, line continuations, comments inside continuations and builder flags. Where Docker versions
// differ, or an exact emulation would need the full shell lexer, the Dockerfile is refused instead of
// guessed at.
import { isImageId } from '../policy/images.js';
import { ToolError } from './define.js';
import { normalizeReference, referenceInput } from './images-reference.js';

/** Go's unicode.IsSpace, which the parser uses for trimming (JavaScript's \s differs). */
const GO_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const leadingSpace = new RegExp(`^[${GO_SPACE}]+`);
const trailingSpace = new RegExp(`[${GO_SPACE}]+$`);
/** The parser's tokenWhitespace: instruction and FROM arguments are split on these only. */
const TOKEN_SPACE = /[\t\v\f\r ]+/;
/** Bytes extractBuilderFlags treats as space: it reads the line byte by byte (Latin-1 runes). */
const FLAG_SPACE = /[\t\n\v\f\r \x85\xa0]/;
const PLAIN = /^[A-Za-z0-9_./:@+-]*$/;
/** Args Docker may define itself (platform and proxy args); their values are not known here. */
const AUTOMATIC_ARGS = new Set([
  'BUILDPLATFORM', 'BUILDOS', 'BUILDARCH', 'BUILDVARIANT', 'TARGETPLATFORM', 'TARGETOS', 'TARGETARCH', 'TARGETVARIANT',
  'TARGETSTAGE', 'BUILDKIT_SYNTAX',
]);

const refuse = (why: string): ToolError =>
  new ToolError(`The Dockerfile cannot be checked for base images: ${why}`, 'Write the Dockerfile more plainly and build again.');

const trimLeft = (s: string): string => s.replace(leadingSpace, '');
const goTrim = (s: string): string => trimLeft(s).replace(trailingSpace, '');
const isComment = (line: string): boolean => trimLeft(line).startsWith('#');

/** A directive as both old and new parsers read it: `# key=value` with plain spaces only. */
const STRICT_DIRECTIVE = /^#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$/;
/** Anything that might be an escape directive to some parser version. */
const ESCAPE_LIKE = /^#[\s\u0085]*escape[\s\u0085]*=/i;

export interface DockerfileInstruction {
  /** Lower-case instruction keyword ("from", "copy", …). */
  keyword: string;
  /** Builder flags as written ("--from=builder"). */
  flags: string[];
  /** The arguments after the flags, trimmed. */
  args: string;
  /** The joined logical line. */
  line: string;
}

/** Splits builder flags off the arguments like extractBuilderFlags, refusing any form versions read differently. */
function extractFlags(rest: string, line: string): { flags: string[]; args: string } {
  const bytes = Buffer.from(rest, 'utf8').toString('latin1');
  const flags: string[] = [];
  let pos = 0;
  for (;;) {
    while (pos < bytes.length && FLAG_SPACE.test(bytes[pos]!)) pos++;
    if (!bytes.startsWith('--', pos)) break;
    let end = pos;
    while (end < bytes.length && !FLAG_SPACE.test(bytes[end]!)) end++;
    const word = Buffer.from(bytes.slice(pos, end), 'latin1').toString('utf8');
    if (word === '--' || !word.includes('=') || /['"\\`\uFFFD]/.test(word)) {
      throw refuse(`write the flag "${word}" in "${line}" as --name=value, without quotes or escapes.`);
    }
    flags.push(word);
    pos = end;
  }
  return { flags, args: goTrim(Buffer.from(bytes.slice(pos), 'latin1').toString('utf8')) };
}

function splitInstruction(line: string): DockerfileInstruction {
  const trimmed = goTrim(line);
  const match = TOKEN_SPACE.exec(trimmed);
  const keyword = (match ? trimmed.slice(0, match.index) : trimmed).toLowerCase();
  if (!match) return { keyword, flags: [], args: '', line };
  return { keyword, ...extractFlags(trimmed.slice(match.index + match[0].length), line), line };
}

/**
 * The instructions of a Dockerfile as the daemon's parser reads them: the `escape` directive
 * (`\` or a backtick) at the top, lines ending in the escape token joined with the next, comment
 * and blank lines inside a continuation dropped.
 */
export function parseDockerfile(dockerfile: string): DockerfileInstruction[] {
  if (/\r(?!\n)/.test(dockerfile)) throw refuse('it contains a carriage return outside a CRLF line ending.');
  const lines = dockerfile.replace(/^\uFEFF/, '').split('\n').map((l) => l.replace(/\r$/, ''));
  let escape = '\\';
  let i = 0;
  const seen = new Set<string>();
  for (; i < lines.length; i++) {
    const m = STRICT_DIRECTIVE.exec(trimLeft(lines[i]!));
    if (!m) break;
    const key = m[1]!.toLowerCase();
    if (key !== 'syntax' && key !== 'escape') break; // an unknown directive is a comment and ends the directives
    if (seen.has(key)) throw refuse(`only one ${key} parser directive can be used.`);
    seen.add(key);
    if (key === 'escape') {
      if (m[2] !== '\\' && m[2] !== '`') throw refuse(`invalid escape token '${m[2]}' (use \\ or \`).`);
      escape = m[2];
    }
  }
  const directiveEnd = i;
  for (let j = directiveEnd; j < lines.length; j++) {
    if (ESCAPE_LIKE.test(trimLeft(lines[j]!))) {
      throw refuse(`line ${j + 1} looks like an escape directive but is not one; put "# escape=" on the first line, or drop it.`);
    }
  }
  const e = escape === '\\' ? '\\\\' : escape;
  const continuation = new RegExp(`${e}[ \\t]*$`);
  const doubled = new RegExp(`${e}${e}[ \\t]*$`);
  const trimContinuation = (line: string, lineNo: number): [string, boolean] => {
    if (doubled.test(line)) throw refuse(`line ${lineNo} ends in a doubled escape token, which Docker versions read differently.`);
    return continuation.test(line) ? [line.replace(continuation, ''), false] : [line, true];
  };
  const out: DockerfileInstruction[] = [];
  while (i < lines.length) {
    const raw = lines[i++]!;
    if (isComment(raw)) continue;
    let [text, ended] = trimContinuation(trimLeft(raw), i);
    if (ended && !text) continue;
    while (!ended && i < lines.length) {
      const next = lines[i++]!;
      if (isComment(next) || !trimLeft(next)) continue;
      let part: string;
      [part, ended] = trimContinuation(next, i);
      text += part;
    }
    const instruction = splitInstruction(text);
    const inner = instruction.keyword === 'onbuild' ? splitInstruction(instruction.args).keyword : instruction.keyword;
    if ((inner === 'run' || inner === 'copy' || inner === 'add') && text.includes('<<')) {
      throw refuse(`"${text}" contains "<<"; here-documents are not supported by image_build.`);
    }
    out.push(instruction);
  }
  return out;
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

/**
 * Images the build will fetch: FROM lines and COPY/ADD --from that name neither an earlier
 * build stage nor "scratch", with ARG defaults and build args substituted. Names are fully
 * qualified; a reference the daemon could also read as an image id (prefix) is kept as written,
 * so the policy resolves it to the image's names.
 */
export function baseImages(dockerfile: string, buildArgs: Record<string, string>): string[] {
  const metaArgs = new Map<string, MetaArg>();
  let opaqueArgs = false;
  const stages = new Set<string>();
  let stageCount = 0; // completed stages: the current one cannot be referenced yet
  let pendingStage: string | undefined;
  let seenFrom = false;
  const images = new Set<string>();
  const add = (image: string, line: string): void => {
    if (!referenceInput.safeParse(image).success) throw new ToolError(`"${image}" in "${line}" is not a valid image reference.`);
    images.add(isImageId(image) ? image : normalizeReference(image));
  };
  for (const { keyword, flags, args, line } of parseDockerfile(dockerfile)) {
    if (keyword === 'arg' && !seenFrom) {
      if (!readMetaArgs(args, buildArgs, metaArgs)) opaqueArgs = true;
    } else if (keyword === 'from') {
      if (seenFrom) {
        stageCount++;
        if (pendingStage) stages.add(pendingStage);
      }
      seenFrom = true;
      pendingStage = undefined;
      const words = args.split(TOKEN_SPACE).filter(Boolean);
      if (words.length !== 1 && !(words.length === 3 && words[1]!.toLowerCase() === 'as')) {
        throw new ToolError(`"${line}": FROM takes an image and optionally "AS name".`);
      }
      if (words[2]) pendingStage = words[2].toLowerCase();
      const image = expandImage(words[0]!, metaArgs, opaqueArgs, line);
      if (image === 'scratch' || stages.has(image.toLowerCase())) continue;
      add(image, line);
    } else if (keyword === 'copy' || keyword === 'add') {
      for (const flag of flags) {
        if (!flag.startsWith('--from=')) continue;
        const from = flag.slice('--from='.length);
        if (from.includes('$')) {
          throw new ToolError(`"${line}": use a literal stage or image in --from, not a variable.`);
        }
        if (from === 'scratch' || stages.has(from.toLowerCase())) continue;
        if (/^\d+$/.test(from) && Number(from) < stageCount) continue; // an earlier stage's index
        add(from, line);
      }
    }
  }
  return [...images];
}
