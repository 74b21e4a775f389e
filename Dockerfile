# The API image (Neo4j runs in its own container: docker-compose.yml).
# Stage 1 builds dist/ with the dev dependencies; stage 2 runs it with the production ones only, as a non-root user.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY codegen.ts tsconfig.json tsconfig.build.json ./
COPY schema ./schema
COPY src ./src
COPY seed ./seed
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY schema ./schema
COPY migrations ./migrations
COPY scripts ./scripts
# Signing keys (tokens, audit tree heads) and the tree-head file live here: mount a volume to keep them.
RUN mkdir -p /app/.servicegraph && chown node:node /app/.servicegraph
VOLUME /app/.servicegraph
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:4000/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# 128 MB young-generation semi-spaces: docs/adr (the young-generation flag).
CMD ["node", "--max-semi-space-size=128", "scripts/start.cjs"]
