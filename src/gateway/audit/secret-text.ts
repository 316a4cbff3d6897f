// Free-text secret scanning for anything that is not structured data: ps command lines, image
// history lines, healthcheck commands, event actions, log output, error messages and the text half
// of every tool result. One left-to-right pass over words (runs between whitespace, quotes and
// `,;()[]{}<>|&?\`) with O(1) state, and only anchored regexes over one word at a time, so the cost
// is linear in the text whatever it contains (container logs are written by whoever runs in the
// container, so the text may be hostile).
//
// Recognised (each withheld as [REDACTED]):
// - `NAME=value`, `--name=value`, `-name=value` with a secret name (secret-names.ts);
// - `--name value` / `-name value` (flag of two or more letters with a secret name) and
//   `name: value` / `"name": "value"` / `name = value`: the next word;
// - a value that begins with a quote, or an assignment inside a quoted string (`"DB_PASSWORD=a b"`),
//   up to the closing quote, so quoted values with spaces go whole;
// - `Bearer X`, and `Basic X` when X is base64 of `user:password`;
// - shapes anywhere a word (or its value after `=` or `:`) starts: JWTs, base64 JSON blobs
//   (`eyJ…`, e.g. cloudflared tunnel tokens), GitHub/GitLab/Slack/OpenAI/Stripe/Docker Hub/npm/
//   Hugging Face tokens, AWS access key ids, Google API keys;
// - the password of a URL (`scheme://user:[REDACTED]@host`);
// - PEM private key blocks, from BEGIN to END (or to the end of the text).
// Not recognised: single-letter flags (`-p` is a port in most tools; `mysql -pX` has no separator),
// unquoted values with spaces in free text (only the first word goes), and secrets with no name and
// no known shape. Whole env entries and argv arrays are handled by redact.ts, which knows their
// boundaries.
import { isBenignValue, isSecretKey } from './secret-names.js';

export const REDACTED = '[REDACTED]';

const DELIMITER = new Uint8Array(128);
for (const c of ' \t\n\r\f\v"\'`,;()[]{}<>|&?\\') DELIMITER[c.charCodeAt(0)] = 1;

// Unicode spaces separate words too (`--token\u00a0X` must not hide X inside one word).
const isDelimiter = (code: number): boolean =>
  code < 128 ? DELIMITER[code] === 1 : code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200b) || code === 0x2028 ||
    code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff;
const isQuote = (code: number): boolean => code === 34 || code === 39 || code === 96;
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

// Sticky, and each alternative is a run of one character class ending in a different character, so
// a match attempt costs at most the length of the word.
const SHAPE = new RegExp([
  'eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{5,}\\.', // JWT
  'eyJ[A-Za-z0-9+/_-]{30,}', // base64 of a JSON object (cloudflared tunnel token, docker auth blobs)
  'gh[pousr]_[A-Za-z0-9]{20,}', 'github_pat_[A-Za-z0-9_]{20,}', 'glpat-[A-Za-z0-9_-]{20,}', 'xox[abeprs]-[A-Za-z0-9-]{10,}',
  'sk-[A-Za-z0-9_-]{20,}', '[rsp]k_(?:live|test)_[A-Za-z0-9]{10,}', 'A(?:KIA|SIA)[A-Z0-9]{16}', 'AIza[A-Za-z0-9_-]{30,}',
  'dckr_pat_[A-Za-z0-9_-]{10,}', 'npm_[A-Za-z0-9]{30,}', 'hf_[A-Za-z0-9]{30,}',
].join('|'), 'y');

function shapeAt(text: string, at: number): boolean {
  SHAPE.lastIndex = at;
  return SHAPE.test(text);
}

/** Whether a whole string looks like a credential by its shape alone. */
export function looksSecret(value: string): boolean {
  const trimmed = value.trim();
  return shapeAt(trimmed, 0) || /^(Bearer|Basic)\s+\S/i.test(trimmed) || trimmed.includes('PRIVATE KEY-----') || urlPassword(trimmed, 0, trimmed.length) !== undefined;
}

/**
 * [start, end) of the password in a `scheme://user:password@host` inside text[from, to), or of a
 * user name of 16 or more characters with no password: a token written as the user
 * (`discord://<token>@<webhook id>` in watchtower/shoutrrr notification URLs, `https://<token>@github.com`).
 */
function urlPassword(text: string, from: number, to: number): [number, number] | undefined {
  const found = text.slice(from, to).indexOf('://');
  if (found < 0) return undefined;
  const scheme = from + found;
  const authority = scheme + 3;
  // Bounded by the word: unbounded indexOf/lastIndexOf here would make hostile text quadratic.
  let colon = -1;
  let at = -1;
  for (let i = authority; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code === 47) break; // '/' ends the authority
    if (code === 58 && colon < 0) colon = i;
    else if (code === 64) at = i;
  }
  if (at < 0) return undefined;
  if (colon >= 0 && colon < at) return at > colon + 1 ? [colon + 1, at] : undefined;
  return at - authority >= 16 ? [authority, at] : undefined;
}

/** End of a PEM private key block starting at `from`, or -1 when this is no private key. */
function privateKeyEnd(text: string, from: number): number {
  const label = text.slice(from, from + 64).indexOf('PRIVATE KEY');
  if (label < 0) return -1;
  const end = text.indexOf('-----END', from + label);
  if (end < 0) return text.length;
  const close = text.indexOf('-----', end + 8);
  return close < 0 ? text.length : close + 5;
}

const isNameChar = (code: number): boolean =>
  (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code === 46 || code === 45;

/** The name an assignment in text[start, eq) sets: the last run of name characters before `=`. */
function assignedName(text: string, start: number, eq: number): string | undefined {
  let from = eq;
  while (from > start && isNameChar(text.charCodeAt(from - 1))) from--;
  const name = text.slice(from, eq);
  return NAME.test(name) ? name : undefined;
}

/**
 * The first `=` in text[eq, end) (eq is the word's first) whose assigned name is secret, or -1.
 * Each backward scan stops at the previous `=`, so the word is read at most twice.
 */
function secretAssignment(text: string, start: number, eq: number, end: number): number {
  for (let k = eq; k < end; k++) {
    if (text.charCodeAt(k) !== 61) continue;
    const name = assignedName(text, start, k);
    if (name && isSecretKey(name)) return k;
  }
  return -1;
}

/** The closing `quote` after `from` (backslash escapes skipped), else the end of the line. */
function closingQuote(text: string, from: number, quote: number): number {
  for (let i = from; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 92) i++;
    else if (code === quote || code === 10) return i;
  }
  return text.length;
}

function isBasicCredential(word: string): boolean {
  if (word.length < 8 || word.length > 1024 || !/^[A-Za-z0-9+/]+={0,2}$/.test(word)) return false;
  return Buffer.from(word, 'base64').toString('latin1').includes(':');
}

function equalsIgnoreCase(text: string, from: number, to: number, word: string): boolean {
  return to - from === word.length && text.slice(from, to).toLowerCase() === word;
}

/** The text being rebuilt: pieces kept so far and where the unwritten rest starts. */
class Output {
  readonly pieces: string[] = [];
  last = 0;
  constructor(readonly text: string) {}

  cut(from: number, to: number): void {
    if (from < this.last) from = this.last;
    if (to <= from) return;
    this.pieces.push(this.text.slice(this.last, from), REDACTED);
    this.last = to;
  }

  /** Withholds the value at `from` (see valueEnd) unless it is benign; returns where it ends. */
  secretValue(from: number, wordStart: number, wordEnd: number): number {
    const end = valueEnd(this.text, from, wordStart, wordEnd);
    if (!isBenignValue(this.text.slice(from, Math.min(end, from + 12)))) this.cut(from, end);
    return end;
  }

  result(): string {
    if (this.pieces.length === 0) return this.text;
    this.pieces.push(this.text.slice(this.last));
    return this.pieces.join('');
  }
}

// Where a value starting at `from` ends: a private key block runs to its END line, a quoted value
// to its closing quote, and so does one in an assignment that opens a quoted string
// (`"DB_PASSWORD=a b"`); a value that starts a whitespace-separated run goes to the end of that
// run, commas and semicolons included (`--auth-tokens a:admin:T1,b:operate:T2`,
// `API_KEYS=k1;k2` in a ps line: a list of secrets), but not past a closing bracket; anything
// else (`username=u,password=X,vers=3.0`, `?token=X&y=1`) at the end of its word.
function valueEnd(text: string, from: number, wordStart: number, wordEnd: number): number {
  if (text.startsWith('-----BEGIN', from)) {
    const end = privateKeyEnd(text, from);
    if (end > 0) return end;
  }
  const before = wordStart > 0 ? text.charCodeAt(wordStart - 1) : 32;
  if (isQuote(before)) return Math.max(wordEnd, closingQuote(text, wordEnd, before));
  if (before !== 32 && before !== 9 && before !== 10 && before !== 13) return wordEnd;
  let end = wordEnd;
  for (; end < text.length; end++) {
    const code = text.charCodeAt(end);
    if (code !== 44 && code !== 59 && isDelimiter(code)) break; // only "," and ";" are crossed
  }
  return end;
}

/** `text` with every secret this file recognises replaced by [REDACTED]. */
export function redactText(text: string): string {
  const n = text.length;
  if (n < 4) return text;
  const out = new Output(text);
  // 'value': the next word is a secret value; 'basic': it is one if it decodes to user:password.
  let pending: 'value' | 'basic' | undefined;

  let i = 0;
  while (i < n) {
    while (i < n && isDelimiter(text.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    let eq = -1;
    let colon = -1;
    for (; i < n; i++) {
      const code = text.charCodeAt(i);
      if (code < 128 ? DELIMITER[code] === 1 : isDelimiter(code)) break;
      if (code === 61 && eq < 0) eq = i;
      else if (code === 58 && colon < 0) colon = i;
    }
    const end = i;
    const first = text.charCodeAt(start);

    if (pending === 'value') {
      // `password: x`, `"password" = "x"`: the separator may stand alone between quotes.
      if (end - start <= 2 && /^[:=>]+$/.test(text.slice(start, end))) continue;
      // Already withheld (text made from redacted data): keep it as it is.
      if (equalsIgnoreCase(text, start, end, 'redacted') && text.charCodeAt(start - 1) === 91) {
        pending = undefined;
        continue;
      }
      // `Authorization: Bearer X`: the scheme stays, the credential after it goes.
      if (equalsIgnoreCase(text, start, end, 'bearer') || equalsIgnoreCase(text, start, end, 'basic') || equalsIgnoreCase(text, start, end, 'token')) continue;
      pending = undefined;
      i = Math.max(i, out.secretValue(start, start, end));
      continue;
    }
    if (pending === 'basic') {
      pending = undefined;
      if (isBasicCredential(text.slice(start, end))) {
        out.cut(start, end);
        continue;
      }
    }
    if (equalsIgnoreCase(text, start, end, 'bearer')) {
      pending = 'value';
      continue;
    }
    if (equalsIgnoreCase(text, start, end, 'basic')) {
      pending = 'basic';
      continue;
    }
    if (first === 45 && text.startsWith('-----BEGIN', start)) {
      const blockEnd = privateKeyEnd(text, start);
      if (blockEnd > 0) {
        out.cut(start, blockEnd);
        i = Math.max(i, blockEnd);
        continue;
      }
    }

    // Flags: `--token X`, `--token=X`, `-password X` (two or more letters after the dashes).
    if (first === 45) {
      const nameStart = start + (text.charCodeAt(start + 1) === 45 ? 2 : 1);
      const nameEnd = eq >= 0 ? eq : end;
      const name = text.slice(nameStart, nameEnd);
      if (nameEnd - nameStart >= 2 && NAME.test(name) && isSecretKey(name)) {
        if (eq < 0 || eq + 1 === end) pending = 'value';
        else i = Math.max(i, out.secretValue(eq + 1, start, end));
        continue;
      }
    } else if (eq > start) {
      // `NAME=value` (env entries, build args in history lines, `export X=…`), also when the name
      // ends a longer word (`//registry.npmjs.org/:_authToken=…` in an .npmrc line or npm_config_ env).
      // Any `=` of the word counts: `NPMRC=//registry.npmjs.org/:_authToken=…` in a history line.
      const at = secretAssignment(text, start, eq, end);
      if (at >= 0) {
        if (at + 1 === end) pending = 'value';
        else i = Math.max(i, out.secretValue(at + 1, start, end));
        continue;
      }
    } else if (colon > start + 1 && (colon === end - 1 || (end - colon <= 7 && /^(bearer|basic|token)$/i.test(text.slice(colon + 1, end))))) {
      // `password: x`, `Authorization: Bearer x`, `Authorization:Bearer x`. (Not `name:x` in one
      // word: that is an image reference or host:port far more often than a credential.)
      const name = text.slice(start, colon);
      if (NAME.test(name) && isSecretKey(name)) {
        pending = 'value';
        continue;
      }
    } else if (eq < 0 && colon < 0 && end - start >= 2) {
      // `"password": "x"` or `password = x`: a bare secret name whose next non-quote character
      // assigns; also JSON escaped inside a string (`{\"password\":\"x\"}`, a request body in a
      // log line) and an XML element (`<password>x</password>`).
      let j = end;
      while (j < n && j < end + 8 && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9 || text.charCodeAt(j) === 92 || isQuote(text.charCodeAt(j)))) j++;
      const next = text.charCodeAt(j);
      const element = j === end && next === 62 && text.charCodeAt(start - 1) === 60;
      if ((next === 58 || next === 61 || element) && NAME.test(text.slice(start, end)) && isSecretKey(text.slice(start, end))) {
        pending = 'value';
        continue;
      }
    }

    // Shapes: at the start of the word, of its value after `=`, or after its first `:`.
    if (end - start >= 12) {
      const at = shapeAt(text, start) ? start : eq > 0 && shapeAt(text, eq + 1) ? eq + 1 : colon > 0 && shapeAt(text, colon + 1) ? colon + 1 : -1;
      if (at >= 0) {
        out.cut(at, end);
        continue;
      }
      if (colon > 0) {
        const password = urlPassword(text, start, end);
        if (password) out.cut(password[0], password[1]);
      }
    }
  }
  return out.result();
}
