// Which names hold secrets: object keys (labels, log options, tool arguments), `KEY=value`
// assignments (env entries, build args, history lines) and command-line flags (`--token X`). One
// rule for all of them, documented in docs/security.md ("Secrets read back through tools").
//
// A name is split into words (snake_case, kebab-case, dotted and camelCase all work) and is secret
// when its letters contain a strong marker (password, secret, token, credential, auth, cookie, jwt,
// api key, private/access key, …; "author"/"authority" excepted) or one of its words is a weak one
// (pass, pwd, pw, key, salt; "public key", a bare "key" and the shell's PWD excepted), or it ends in "pass"
// (requirepass, DBPASS; not bypass, compass). Names that only point at a secret (…_FILE,
// …_PATH, …_URL, …_TYPE, --password-stdin) and switches (--no-auth) are not secret: their values
// are paths, kinds and booleans, and a credential in one is still caught by its shape.

const STRONG = /pass(?:word|wd|phrase)|secret|token|credential|cookie|jwt|bearer|apikey|privatekey|accesskey|accessclient|signature|xregistry|auth(?!or(?!i[sz]))/;
const WEAK_WORDS = new Set(['pass', 'pwd', 'pw', 'key', 'keys', 'salt']);
const POINTER_WORDS = new Set([
  'file', 'files', 'path', 'dir', 'url', 'uri', 'endpoint', 'type', 'mode', 'method', 'ttl', 'timeout', 'expiry', 'expires',
  'lifetime', 'length', 'enabled', 'required', 'stdin',
]);

// Keys repeat heavily (every container has the same label keys), so verdicts are memoized.
const cache = new Map<string, boolean>();
const CACHE_LIMIT = 4096;

function judge(name: string): boolean {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  if (words.length === 0) return false;
  if (words.length > 1 && (words[0] === 'no' || POINTER_WORDS.has(words[words.length - 1]!))) return false;
  const letters = words.join('');
  if (STRONG.test(letters.replace(/publickey/g, ''))) return true;
  // `requirepass`, `DBPASS`: "pass" ending a run-together name (not bypass, compass).
  if (letters.endsWith('pass') && !/(by|com)pass$/.test(letters)) return true;
  return words.some((word, i) => WEAK_WORDS.has(word) &&
    !(word.startsWith('key') && words[i - 1] === 'public') &&
    // A bare "key" names a map key far more often than a credential ("Unrecognized key: \"x\"", label
    // keys); a credential under it is still caught by its shape.
    !(word.startsWith('key') && words.length === 1) &&
    // The shell's PWD is the working directory; DB_PWD is a password.
    !(word === 'pwd' && words.length === 1));
}

/** Whether a value under this key, assignment name or flag name is withheld. */
export function isSecretKey(name: string): boolean {
  if (name.length > 128) return judge(name.slice(-128));
  let verdict = cache.get(name);
  if (verdict === undefined) {
    verdict = judge(name);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(name, verdict);
  }
  return verdict;
}

// Values under a secret name that carry nothing worth hiding; shown so `AUTH_ENABLED=true`-style
// switches stay readable. Compared case-insensitively.
const BENIGN = new Set(['', 'true', 'false', 'yes', 'no', 'none', 'null', '[redacted]']);

export function isBenignValue(value: string): boolean {
  return value.length <= 10 && BENIGN.has(value.toLowerCase());
}
