/**
 * Failed sign-ins counted per email and client address in this process: after `maxFailures` failures within the
 * window, further attempts are refused until the oldest failure leaves the window. A success clears the count.
 */
export class SignInThrottled extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`too many failed sign-ins for this account from this address; retry in ${retryAfterSeconds} s`);
    this.name = 'SignInThrottled';
  }
}

const MAX_TRACKED_KEYS = 10_000;

export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private recent(key: string): number[] {
    const cutoff = this.now() - this.windowMs;
    const kept = (this.failures.get(key) ?? []).filter((at) => at > cutoff);
    if (kept.length) this.failures.set(key, kept);
    else this.failures.delete(key);
    return kept;
  }

  /** Throws SignInThrottled when `key` has used up its failures. */
  check(key: string): void {
    const recent = this.recent(key);
    if (recent.length >= this.maxFailures) {
      const oldest = recent[0] ?? this.now();
      throw new SignInThrottled(Math.max(1, Math.ceil((oldest + this.windowMs - this.now()) / 1000)));
    }
  }

  fail(key: string): void {
    this.failures.set(key, [...this.recent(key), this.now()]);
    // Keys are pruned when asked about; a flood of distinct ones is swept here so memory stays bounded.
    if (this.failures.size > MAX_TRACKED_KEYS) for (const other of [...this.failures.keys()]) this.recent(other);
  }

  succeed(key: string): void {
    this.failures.delete(key);
  }
}
