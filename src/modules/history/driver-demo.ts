import neo4j from 'neo4j-driver';
export const demoInt = (n: number): unknown => neo4j.int(n);
