# The hub runs TypeScript with tsx (no build step): one image for the gateway, the workers and the CLI.
# The one native part, SM2 verification on GmSSL's sm2_z256 (native/), is compiled by npm ci's postinstall
# in a stage with a C compiler; the image the hub runs in has none. On a platform it is not built for (it
# needs x86-64) build/ stays empty and the hub verifies SM2 with OpenSSL.
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/build-native.mjs ./scripts/
COPY native ./native
# tsx is a runtime dependency, so the dev dependencies (vitest, testcontainers, biome...) stay out.
RUN npm ci --omit=dev --no-audit --no-fund && mkdir -p build

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json tsconfig.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/build ./build
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
