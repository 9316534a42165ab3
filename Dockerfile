# cowatch: the API (ROLE=serve), the projector and reactors (ROLE=project), or both (ROLE=all).
# The app runs its TypeScript sources through tsx, which is a runtime dependency: no build step
# for the server. The web client is built by Vite in a stage of its own (dev dependencies stay
# out of the image) and only its web/dist is copied.
FROM node:20-bookworm-slim AS web
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY web ./web
RUN npm run build:web

FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    DATA_DIR=/app/data

WORKDIR /app

# Dependencies first, so the layer is reused while only the sources change.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

COPY tsconfig.json ./
COPY src ./src
# The bundled sample clip films without their own media play (MEDIA_DIR holds real files).
COPY media ./media
COPY --from=web /app/web/dist ./web/dist

# Non-root; DATA_DIR is writable (embedded PGlite and the generated JWT secret when unset).
RUN mkdir -p /app/data && chown -R node:node /app/data
USER node

EXPOSE 3000

HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"

# node itself as the process (not npm/npx) so SIGTERM reaches the app's graceful shutdown.
CMD ["node", "--import", "tsx", "src/server.ts"]
