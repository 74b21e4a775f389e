import { b } from './cycle-demo-b';
export const a = (): number => b() + 1;
