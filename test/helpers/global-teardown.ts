export default async function globalTeardown(): Promise<void> {
  await globalThis.__SERVICEGRAPH_NEO4J__?.stop();
}
