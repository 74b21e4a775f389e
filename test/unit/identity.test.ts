import { apiKeyChecksumValid, generateApiKey, hashSecret } from '../../src/modules/identity/api-keys';
import { LoginThrottle, SignInThrottled } from '../../src/modules/identity/login-throttle';
import { hashPassword, passwordProblem, verifyPassword } from '../../src/modules/identity/passwords';
import { claimAt, rolesOf } from '../../src/modules/identity/tokens';

describe('API key form', () => {
  it('has the sgk_ prefix, 43 base62 characters of randomness and a checksum every one-character typo breaks', () => {
    const { secret, secretHash, display } = generateApiKey();
    expect(secret).toMatch(/^sgk_[0-9A-Za-z]{49}$/);
    expect(secretHash).toBe(hashSecret(secret));
    expect(secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(display).toBe(`${secret.slice(0, 10)}…`);
    expect(apiKeyChecksumValid(secret)).toBe(true);
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
    for (let i = 4; i < secret.length; i++) {
      const swapped = alphabet[(alphabet.indexOf(secret[i]!) + 1) % 62];
      expect(apiKeyChecksumValid(`${secret.slice(0, i)}${swapped}${secret.slice(i + 1)}`)).toBe(false);
    }
    expect(apiKeyChecksumValid(secret.slice(0, -1))).toBe(false);
    expect(apiKeyChecksumValid(`${secret}x`)).toBe(false);
    expect(apiKeyChecksumValid(secret.replace('sgk_', 'sgx_'))).toBe(false);
  });

  it('never repeats', () => {
    const secrets = new Set(Array.from({ length: 200 }, () => generateApiKey().secret));
    expect(secrets.size).toBe(200);
  });
});

describe('passwords', () => {
  it('hash with scrypt N=2^15 and a random salt; verify only the same password', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await hashPassword('correct horse battery')).not.toBe(stored);
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
    expect(await verifyPassword('correct horse battery', 'plain')).toBe(false);
  });

  it('need 12 to 1024 characters', () => {
    expect(passwordProblem('short')).toContain('12');
    expect(passwordProblem('x'.repeat(1025))).toContain('1024');
    expect(passwordProblem('twelve chars')).toBeNull();
  });
});

describe('sign-in throttle', () => {
  it('refuses after the failures allowed in the window, until the oldest leaves it; success clears', () => {
    let clock = 0;
    const throttle = new LoginThrottle(3, 60_000, () => clock);
    for (let i = 0; i < 3; i++) {
      throttle.check('a');
      throttle.fail('a');
      clock += 1000;
    }
    expect(() => throttle.check('a')).toThrow(SignInThrottled);
    try {
      throttle.check('a');
    } catch (error) {
      expect((error as SignInThrottled).retryAfterSeconds).toBe(57);
    }
    throttle.check('b');
    clock = 60_001;
    throttle.check('a');
    throttle.fail('a');
    throttle.succeed('a');
    throttle.check('a');
  });
});

describe('claim mapping', () => {
  it('reads a claim by name first, then by dotted path; roles from a list or a string, internal roles dropped', () => {
    const payload = {
      'https://ioko.example/roles': ['agent'],
      realm_access: { roles: ['editor', 'identity-self-service'] },
      scope: 'viewer  auditor',
    };
    expect(claimAt(payload, 'https://ioko.example/roles')).toEqual(['agent']);
    expect(rolesOf(claimAt(payload, 'realm_access.roles'))).toEqual(['editor']);
    expect(rolesOf(claimAt(payload, 'scope'))).toEqual(['viewer', 'auditor']);
    expect(rolesOf(claimAt(payload, 'missing.path'))).toEqual([]);
    expect(rolesOf([1, 'agent', 'agent'])).toEqual(['agent']);
  });
});
