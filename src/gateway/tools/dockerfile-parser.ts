// The Dockerfile reader behind image_build's checks (dockerfile-bases.ts, dockerfile-checks.ts,
// dockerfile-triggers.ts). The checks must see every instruction the daemon will act on, so the
// line-level rules below follow the daemon's Dockerfile parser (moby/buildkit frontend/dockerfile/
// parser): parser directives, the escape token, line continuations, comments inside continuations
// and builder flags. Where Docker versions differ, or an exact emulation would need the full shell
// lexer, the Dockerfile is refused instead of guessed at. ONBUILD triggers stored in an image are
// read with the same parser, as the daemon reads them (each one as a Dockerfile of its own).
import { ToolError } from './define.js';

/** Go's unicode.IsSpace, which the parser uses for trimming (JavaScript's \s differs). */
export const GO_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const leadingSpace = new RegExp(`^[${GO_SPACE}]+`);
const trailingSpace = new RegExp(`[${GO_SPACE}]+$`);
/** The parser's tokenWhitespace: instruction and FROM arguments are split on these only. */
export const TOKEN_SPACE = /[\t\v\f\r ]+/;
/** Bytes extractBuilderFlags treats as space: it reads the line byte by byte (Latin-1 runes). */
const FLAG_SPACE = /[\t\n\v\f\r \x85\xa0]/;
export const PLAIN = /^[A-Za-z0-9_./:@+-]*$/;
/** Args Docker may define itself (platform and proxy args); their values are not known here. */
export const AUTOMATIC_ARGS = new Set([
  'BUILDPLATFORM', 'BUILDOS', 'BUILDARCH', 'BUILDVARIANT', 'TARGETPLATFORM', 'TARGETOS', 'TARGETARCH', 'TARGETVARIANT',
  'TARGETSTAGE', 'BUILDKIT_SYNTAX',
]);

export const refuse = (why: string): ToolError =>
  new ToolError(`The Dockerfile cannot be checked for base images: ${why}`, 'Write the Dockerfile more plainly and build again.');

const trimLeft = (s: string): string => s.replace(leadingSpace, '');
export const goTrim = (s: string): string => trimLeft(s).replace(trailingSpace, '');
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

export function splitInstruction(line: string): DockerfileInstruction {
  const trimmed = goTrim(line);
  const match = TOKEN_SPACE.exec(trimmed);
  // Go's strings.ToLower maps U+0130 (İ) to a plain "i", where JavaScript gives "i" plus a combining
  // dot: without this, "ONBUİLD" would be an ONBUILD to the daemon and an unknown word here.
  const keyword = (match ? trimmed.slice(0, match.index) : trimmed).replace(/\u0130/g, 'i').toLowerCase();
  if (!match) return { keyword, flags: [], args: '', line };
  return { keyword, ...extractFlags(trimmed.slice(match.index + match[0].length), line), line };
}

/**
 * The instructions of a Dockerfile as the daemon's parser reads them: the `escape` directive
 * (`\` or a backtick) at the top, lines ending in the escape token joined with the next, comment
 * and blank lines inside a continuation dropped.
 */
export function parseDockerfile(dockerfile: string): DockerfileInstruction[] {
  return readDockerfile(dockerfile).instructions;
}

export interface ParsedDockerfile {
  /** The escape token in effect: `\\` or a backtick. */
  escape: string;
  instructions: DockerfileInstruction[];
}

/** parseDockerfile, with the escape token the instructions were read with. */
export function readDockerfile(dockerfile: string): ParsedDockerfile {
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
  return { escape, instructions: out };
}
