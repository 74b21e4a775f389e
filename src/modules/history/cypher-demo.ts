export const DEMO_STATEMENT = 'MATCH (c:CI {id: $id}) RETURN c.name AS name';
