# Live Chat server image: the built server, widget and dashboard with production dependencies
# only, run as an unprivileged user. Guide: docs/operations.md.
#
#   docker build -t live-chat-server .
#   docker run -p 3000:3000 -e SECRET=$(openssl rand -hex 32) -e DATABASE_URL=postgres://… live-chat-server
#
# NODE_IMAGE is any Debian-based image with Node (24 LTS) and npm: the official one by default;
# scripts/build-image.sh builds one from Debian's own packages where no registry is reachable.
ARG NODE_IMAGE=docker.io/library/node:24-bookworm-slim

# --- build: dependencies, compile, then drop what only building needed ------------------------
FROM ${NODE_IMAGE} AS build
# A CA bundle for npm behind a TLS-inspecting proxy (a file mounted into the build, e.g.
# `podman build -v /etc/ssl/certs/ca.pem:/ca.pem:ro --build-arg NODE_EXTRA_CA_CERTS=/ca.pem`);
# build-only, never in the runtime image.
ARG NODE_EXTRA_CA_CERTS=
WORKDIR /app
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
# Manifests first: the dependency layer is reused until they change.
COPY package.json package-lock.json ./
COPY packages/protocol/package.json packages/protocol/
COPY packages/sdk/package.json packages/sdk/
COPY packages/widget/package.json packages/widget/
COPY packages/dashboard/package.json packages/dashboard/
COPY packages/server/package.json packages/server/
COPY scripts/prisma-generate.mjs scripts/
COPY prisma prisma
COPY prisma.config.ts ./
RUN npm ci
COPY . .
RUN npm run generate && npm run build \
  && npm prune --omit=dev \
  && rm -rf packages/*/src packages/*/test packages/*/tsconfig*.json packages/*/*.tsbuildinfo node_modules/.cache

# --- runtime ----------------------------------------------------------------------------------
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data \
    PATH=/app/node_modules/.bin:$PATH
RUN useradd --user-group --uid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin livechat \
  && mkdir -p /data && chown livechat:livechat /data
WORKDIR /app
# Owned by root and read-only to the server: it writes only under DATA_DIR.
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/packages packages
COPY --from=build /app/prisma prisma
USER livechat
# The embedded database (when DATABASE_URL is unset) and the development secret live here.
VOLUME /data
EXPOSE 3000
# /healthz: the process answers (readiness, with the database and Redis, is /readyz).
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Also: `live-chat-server admin …` (the operator's commands).
CMD ["live-chat-server"]
