# The API image used by docker-compose.yml (Neo4j runs in its own container there).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run codegen
# A young generation of 128 MB semi-spaces: a hub's impact answer (10,000 CIs) is built and dropped without being
# copied by a scavenge (see README, "Environment").
ENV HOST=0.0.0.0 PORT=4000 NODE_ENV=production NODE_OPTIONS=--max-semi-space-size=128
EXPOSE 4000
CMD ["npx", "tsx", "src/main.ts"]
