// A cloudflared config held in a QUOTED scalar (review 3, finding 10): `config.yaml: "tunnel: home\n…"`
// is what `kubectl get -o yaml` writes when a line has trailing spaces. Its lines are not lines of the
// file, so the rule cannot be spliced in like in a `|` block; instead only that one scalar is written
// again, in the same quoting style, from the edited value. The caller (plan-yaml.ts) then re-reads the
// whole file and requires the same rules plus docker-mcp's (sameExceptRule), so a re-serialisation
// that reads back differently is refused, never written.
import { Document, Scalar } from 'yaml';
import { applySplices, type Splice } from './yaml-splice.js';

export const isQuoted = (scalar: Scalar): boolean => scalar.type === 'QUOTE_DOUBLE' || scalar.type === 'QUOTE_SINGLE';

/** The scalar's source, from its opening to its closing quote, replaced by the edited value in the same style; null when it cannot be. */
export function intoQuotedScalar(fileText: string, scalar: Scalar, splices: Splice[]): Splice[] | null {
  if (!isQuoted(scalar) || typeof scalar.value !== 'string' || !scalar.range) return null;
  const [start, end] = scalar.range;
  const quote = scalar.type === 'QUOTE_DOUBLE' ? '"' : "'";
  if (fileText[start] !== quote || fileText[end - 1] !== quote) return null;
  const node = new Scalar(applySplices(scalar.value, splices));
  node.type = scalar.type;
  const doc = new Document();
  doc.contents = node;
  // No folding and no multi-line form: a double-quoted value stays one line of `\n` escapes, as kubectl writes it.
  const written = doc.toString({ lineWidth: 0, doubleQuotedMinMultiLineLength: Number.MAX_SAFE_INTEGER }).replace(/\n$/, '');
  if (!written.startsWith(quote) || !written.endsWith(quote)) return null;
  // A single-quoted value keeps its line breaks as (blank) lines: each continuation line is indented
  // deeper than the key that holds the scalar, as YAML requires inside a block mapping.
  const lineAt = fileText.lastIndexOf('\n', start - 1) + 1;
  const keyIndent = /^[ ]*/.exec(fileText.slice(lineAt))![0].length;
  const eol = fileText.includes('\r\n') ? '\r\n' : '\n';
  const text = written.split('\n').map((l, i) => (i === 0 || !l ? l : `${' '.repeat(keyIndent + 2)}${l.trimStart()}`)).join(eol);
  return [{ at: start, remove: end - start, text }];
}
