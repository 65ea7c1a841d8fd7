# The hub runs TypeScript with tsx (no build step): one image for the gateway, the workers and the CLI.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund && npm cache clean --force
COPY tsconfig.json ./
COPY schemas ./schemas
COPY db ./db
COPY gateway ./gateway
COPY workers ./workers
COPY bin ./bin
USER node
EXPOSE 8080
CMD ["npx", "tsx", "gateway/main.ts"]
