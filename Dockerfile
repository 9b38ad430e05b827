# The socket-host: the one long-lived process (Baileys socket, auth state, outbox, /send).
# Build: docker build -t ia-agent-socket-host .   Run: see README "Deploy the socket-host".

FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only; no install scripts are needed (see README "Install scripts").
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

FROM node:24-slim
# Railway (and most hosts) inject PORT; the socket-host listens on it in cloud mode, else 8788.
# A small heap for a small container: V8 otherwise sizes its young generation for the host's memory
# (measured: 290 MiB RSS at idle on a 24 GiB machine without these flags, 130 MiB with them).
ENV NODE_ENV=production \
    MODE=cloud \
    NODE_OPTIONS="--max-semi-space-size=1 --max-old-space-size=192"
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --chown=node:node package.json ./
COPY --chown=node:node shared ./shared
COPY --chown=node:node drizzle ./drizzle
COPY --chown=node:node socket-host ./socket-host
USER node
EXPOSE 8788
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||process.env.SOCKET_HOST_PORT||8788)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The same entry `npm run socket-host` and the tests start.
CMD ["node", "socket-host/main.ts"]
