import { num, oneOf, optOneOf, optStr, RowDecodeError, str, strList, date } from '../../src/shared/db';
import { toTicket } from '../../src/modules/tickets/tickets.repository';

describe('row decoders', () => {
  const row = { s: 'x', n: 3, list: ['a', 'b'], at: '2026-12-04T21:43:27.123456789Z', status: 'NEW', none: null };

  it('return the stored value when it has the promised type', () => {
    expect(str(row, 's')).toBe('x');
    expect(num(row, 'n')).toBe(3);
    expect(strList(row, 'list')).toEqual(['a', 'b']);
    expect(date(row, 'at')).toBe(row.at);
    expect(oneOf(row, 'status', ['NEW', 'CLOSED'] as const)).toBe('NEW');
    expect(optStr(row, 'none')).toBeNull();
    expect(optStr(row, 'missing')).toBeNull();
    expect(optOneOf(row, 'none', ['A'] as const)).toBeNull();
  });

  it('throw an error naming the field and the value otherwise', () => {
    expect(() => str(row, 'n')).toThrow(RowDecodeError);
    expect(() => str(row, 'n')).toThrow('stored field "n" should be a string, found number');
    expect(() => num(row, 'missing')).toThrow('stored field "missing" should be a number, found nothing');
    expect(() => oneOf(row, 'status', ['OPEN', 'CLOSED'] as const)).toThrow(
      'stored field "status" should be one of OPEN, CLOSED, found "NEW"',
    );
    expect(() => strList(row, 's')).toThrow('should be a string list');
    expect(() => date(row, 's')).toThrow('should be an ISO-8601 date-time');
  });
});

describe('toTicket', () => {
  const projected = {
    id: 't1',
    number: 'INC0000001',
    title: 'Mail down',
    status: 'ASSIGNED',
    impact: 'HIGH',
    urgency: 'URGENT',
    priority: 2,
    reportedBy: 'CUSTOMER',
    description: 'no mail since 9',
    kind: 'Incident',
    ciIds: ['c1'],
    services: [],
    customers: [],
    groupId: 'g1',
    assigneeId: null,
    callerId: null,
    ownerId: null,
    serviceId: null,
    itemId: null,
    links: [],
    backlinks: [['CHILD_OF', 't2']],
  };

  it('decodes each kind with its own status model and fields', () => {
    const t = toTicket(projected);
    expect(t.kind).toBe('Incident');
    if (t.kind !== 'Incident') return;
    expect([t.status, t.impact, t.urgency, t.priority, t.reportedBy]).toEqual([
      'ASSIGNED',
      'HIGH',
      'URGENT',
      2,
      'CUSTOMER',
    ]);
    expect(t.props.description).toBe('no mail since 9');
    expect(t.props).not.toHaveProperty('ciIds');
    expect(t.backlinks).toEqual([['CHILD_OF', 't2']]);

    const c = toTicket({ ...projected, kind: 'Change', status: 'SCHEDULED', type: 'NORMAL' });
    expect(c.kind === 'Change' && [c.status, c.type, c.risk, c.outcome]).toEqual(['SCHEDULED', 'NORMAL', 'LOW', null]);
  });

  it("rejects a status outside the kind's workflow, naming the field", () => {
    expect(() => toTicket({ ...projected, status: 'INVESTIGATING' })).toThrow(
      'stored field "status" should be one of NEW',
    );
    expect(() => toTicket({ ...projected, kind: 'Problem', status: 'ASSIGNED' })).toThrow('stored field "status"');
    expect(() => toTicket({ ...projected, kind: 'Widget' })).toThrow('stored field "kind"');
  });
});
