import {
  CHANGE_TRANSITIONS,
  DEFAULT_PRIORITY_MATRIX,
  DEFAULT_SETTINGS,
  TICKET_TRANSITIONS,
  assertTransition,
  deploymentViolation,
  priorityOf,
  riskOf,
} from '../../src/modules/tickets/workflow';

describe('priority matrix (seed 002)', () => {
  it('gives the manual diagonal and rounds off-diagonal cells towards the less urgent priority', () => {
    expect(DEFAULT_PRIORITY_MATRIX).toEqual([
      [0, 1, 1, 2, 2],
      [1, 1, 2, 2, 3],
      [1, 2, 2, 3, 3],
      [2, 2, 3, 3, 4],
      [2, 3, 3, 4, 4],
    ]);
    expect(priorityOf(DEFAULT_SETTINGS, 'SEVERE', 'IMMEDIATE')).toBe(0);
    expect(priorityOf(DEFAULT_SETTINGS, 'NONE', 'NEGOTIATED')).toBe(4);
    expect(
      priorityOf(
        { ...DEFAULT_SETTINGS, priorityMatrix: DEFAULT_PRIORITY_MATRIX.map((r) => r.map(() => 3)) },
        'SEVERE',
        'IMMEDIATE',
      ),
    ).toBe(3);
  });
});

describe('transitions', () => {
  it('names the legal next statuses when refusing', () => {
    expect(() => assertTransition('incident INC1', TICKET_TRANSITIONS, 'NEW', 'CLOSED')).toThrow(
      'input.to: incident INC1 cannot go from NEW to CLOSED; from NEW it can go to ASSIGNED, COMPLETED',
    );
    expect(() => assertTransition('change CHG1', CHANGE_TRANSITIONS, 'CLOSED', 'NEW')).toThrow(
      /from CLOSED it can go to no other status \(final\)/,
    );
    expect(() => assertTransition('incident INC1', TICKET_TRANSITIONS, 'NEW', 'NEW')).toThrow(/already NEW/);
    expect(() => assertTransition('incident INC1', TICKET_TRANSITIONS, 'COMPLETED', 'ACCEPTED')).not.toThrow();
  });
});

describe('release environments', () => {
  it('moves forward only and reaches production only after a test environment', () => {
    expect(deploymentViolation([], 'PRODUCTION')).toMatch(/only after a test environment/);
    expect(deploymentViolation([], 'RC')).toBeNull();
    expect(deploymentViolation(['RC', 'STAGE'], 'PRODUCTION')).toBeNull();
    expect(deploymentViolation(['STAGE'], 'TEST')).toMatch(/already in STAGE/);
    expect(deploymentViolation(['STAGE'], 'STAGE')).toBeNull();
  });
});

describe('change risk from impact', () => {
  it('is LOW without affected services, HIGH when a customer loses a service, one level up for emergencies', () => {
    expect(riskOf('NORMAL', [], [])).toBe('LOW');
    expect(riskOf('NORMAL', [{ state: 'DEGRADED' }], [{ services: [{ state: 'DEGRADED' }] }])).toBe('MEDIUM');
    expect(riskOf('NORMAL', [{ state: 'DOWN' }], [{ services: [{ state: 'DOWN' }] }])).toBe('HIGH');
    expect(riskOf('EMERGENCY', [], [])).toBe('MEDIUM');
    expect(riskOf('STANDARD', [{ state: 'DOWN' }, { state: 'DOWN' }, { state: 'DOWN' }], [])).toBe('HIGH');
  });
});
