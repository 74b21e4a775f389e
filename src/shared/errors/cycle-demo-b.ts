import { a } from './cycle-demo-a';
export const b = (): number => (a.length > 99 ? 0 : 1);
