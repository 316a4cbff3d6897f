// Inserted text follows the file's own line ending (review 2 finding 18): planners build their
// lines with "\n", and a CRLF file must not come back with a mix (editors and `git diff` flag it,
// and `terraform fmt` keeps each line's own ending). Original lines, and a BOM, are never touched.
import { diffLines } from 'diff';

/** True when most line breaks of `text` are CRLF. */
export function isCrlf(text: string): boolean {
  const crlf = text.match(/\r\n/g)?.length ?? 0;
  const lf = (text.match(/\n/g)?.length ?? 0) - crlf;
  return crlf > lf;
}

/** `after` with the bare "\n" of added lines turned into "\r\n" when `before` is a CRLF file. */
export function matchLineEndings(before: string | null, after: string): string {
  if (before === null || !isCrlf(before)) return after;
  return diffLines(before, after)
    .map((part) => (part.added ? part.value.replace(/(?<!\r)\n/g, '\r\n') : part.removed ? '' : part.value))
    .join('');
}
