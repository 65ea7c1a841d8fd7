# The hub runs TypeScript with tsx (no build step): one image for the gateway, the workers and the CLI.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# tsx is a runtime dependency, so the dev dependencies (vitest, testcontainers, biome...) stay out.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY tsconfig.json ./
COPY schemas ./schemas
COPY crypto ./crypto
COPY db ./db
COPY runtime ./runtime
COPY gateway ./gateway
COPY workers ./workers
COPY bin ./bin
USER node
EXPOSE 8080
# node itself, not `npx tsx`: npm exits on SIGTERM without passing it on, so the graceful shutdown in
# gateway/main.ts and workers/main.ts would never run (the container would stop with SIGKILL).
CMD ["node", "--import", "tsx", "gateway/main.ts"]
