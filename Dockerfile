# The socket-host: the one long-lived process (Baileys socket, auth state, outbox, /send).
# Build: docker build -t ia-agent-socket-host .   Run: see README "Deploy the socket-host".

FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only; no install scripts are needed (see README "Install scripts").
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

# The socket-host as one JavaScript file (socket-host/build.ts, `npm run build:socket-host`): run from
# TypeScript, Node would load its WebAssembly type stripper and compile our modules one by one, ~25 MiB
# more RSS (docs/architecture.md, "The socket-host's memory"). Needs esbuild, a dev dependency.
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY shared ./shared
COPY drizzle ./drizzle
COPY socket-host ./socket-host
RUN node socket-host/build.ts

FROM node:24-slim
# Railway (and most hosts) inject PORT; the socket-host listens on it in cloud mode, else 8788.
# A small heap for a small container: V8 otherwise sizes its young generation for the host's memory
# (measured: 290 MiB RSS at idle on a 24 GiB machine without these flags, 130 MiB with them). The old
# space keeps room for a first link's history sync; a lower cap measured no lower at idle.
ENV NODE_ENV=production \
    MODE=cloud \
    NODE_OPTIONS="--max-semi-space-size=1 --max-old-space-size=192"
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --chown=node:node package.json ./
COPY --from=build --chown=node:node /app/dist/socket-host ./dist/socket-host
USER node
EXPOSE 8788
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||process.env.SOCKET_HOST_PORT||8788)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# socket-host/main.ts bundled; socket-host/bundle.test.ts and the bench start the same bundle with these
# NODE_OPTIONS and flags. --optimize-for-size (refused in NODE_OPTIONS, so here): V8 grows its heap less
# eagerly; measured ~8 MiB less RSS after 1,000 messages and ~9 MiB after 10,000, for ~15 % more CPU
# per message (under a millisecond).
CMD ["node", "--optimize-for-size", "dist/socket-host/main.mjs"]
