// Which exec users are root. Docker reads the uid part of "user[:group]" with Go's strconv.Atoi
// (optional sign, decimal digits), so every spelling of 0 is root; the group part alone is not.
import { describe, expect, it } from 'vitest';
import { isRootUser } from '../../src/gateway/policy/scope.js';
import { containerExec } from '../../src/gateway/tools/exec.js';

describe('isRootUser', () => {
  it.each([
    '', '0', '00', '000', '-0', '+0', '-00', '+00', '-00:-0', '-0:1000', '0:0', '0:1000', 'root', 'root:root', 'root:wheel',
    ' root', 'root ', ' 0 ', ' -0',
  ])('%j is root', (user) => {
    expect(isRootUser(user)).toBe(true);
  });

  it.each(['1000', '1000:0', '1000:-0', 'nobody', 'nobody:root', '65534', '-1', '+1', '10', '01', 'rooter', '0x0', '- 0', '--0', '+-0'])(
    '%j is not root',
    (user) => {
      expect(isRootUser(user)).toBe(false);
    },
  );
});

describe('container_exec user input', () => {
  const parse = (user: string) => containerExec.inputSchema.safeParse({ container: 'app', command: ['id'], user });

  it.each(['-0', '+0', '-00:-0', '1000:-0', '-1000', '+1000:1000', '-', ':0', '0:'])('refuses %j', (user) => {
    const result = parse(user);
    expect(result.success).toBe(false);
    if (!result.success && /^[-+]/.test(user)) expect(result.error.issues[0]?.message).toMatch(/no leading "-" or "\+"/);
  });

  it.each(['nobody', '1000', '1000:1000', 'app-user', 'app_user:app-group', 'www-data', '0', 'root'])('accepts %j (root is the policy\'s call)', (user) => {
    expect(parse(user).success).toBe(true);
  });
});
