# One image for every service, built once: `docker compose build` (see docker-compose.yml), or
#   docker build --target runtime -t sdn-control-plane .        the API, config, IPAM and DNS services, sdnctl
#   docker build --target node-agent -t sdn-node-agent .        + ifupdown2 and FRR, for the node agent
# SDN_APP picks the program (api, config-service, ipam-service, dns-service, node-agent, sdnctl).
# NODE_IMAGE defaults to the official Node.js 22 LTS image; point it at a mirror or a local copy if needed.
ARG NODE_IMAGE=node:22-bookworm-slim

# Everything needed to compile: the full dependency tree (cached while package*.json are unchanged). The web
# panel is built here too (vite, as `npm start` does): the image carries only its bundle.
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY .swcrc tsconfig.base.json ./
COPY tools/build tools/build
COPY libs libs
COPY apps apps
RUN node tools/build/build.js && npm run -s build:web

# Production dependencies only: no compiler, test runner or linter in the image.
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force

# What both final images start from: openssl (sdn-init creates the deployment's CA and the proxy's
# certificate with it) and a fixed unprivileged user (not the base image's `node`, which a mirror or a
# rebuilt base may lack); shared volumes written by one service are readable by all, since all run as it.
FROM ${NODE_IMAGE} AS base
# apt's package caches go too (/var/cache/apt/*.bin, 77 MB): the official image's docker-clean hook removes
# them, a mirror's or locally built base image may not have it.
RUN apt-get update && apt-get install -y --no-install-recommends openssl && apt-get clean && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin \
 && groupadd --system --gid 10001 sdn && useradd --system --uid 10001 --gid sdn --home-dir /var/lib/sdn --shell /usr/sbin/nologin sdn \
 && mkdir -p /var/lib/sdn/nats-auth /var/lib/sdn/tls /var/lib/sdn/node /var/lib/sdn/secrets && chown -R sdn:sdn /var/lib/sdn && chmod 700 /var/lib/sdn/secrets
WORKDIR /app
COPY deploy/docker/sdn-run.sh /usr/local/bin/sdn-run
COPY deploy/docker/sdn-init.sh /usr/local/bin/sdn-init
COPY deploy/docker/sdn-health.js /usr/local/bin/sdn-health
ENV NODE_ENV=production SDN_DATA_DIR=/var/lib/sdn SDN_APP=api
ENTRYPOINT ["sdn-run"]

# The product image: every service and sdnctl, and the web panel where the API looks for it (SDN_WEB_DIR's
# default, apps/web/dist beside the compiled apps).
FROM base AS runtime
COPY --from=prod-deps /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/apps/web/dist ./dist/apps/web/dist
COPY package.json ./
USER sdn

# The node agent runs on hypervisor nodes next to ifupdown2 and FRR; this image is for safe-mode
# deployments and tests (live mode belongs on the host: it needs the host's network namespace and /etc).
# The Debian packages come before the application layers, so a code change does not reinstall them.
FROM base AS node-agent
RUN apt-get update && apt-get install -y --no-install-recommends ifupdown2 iproute2 frr frr-pythontools \
 && apt-get clean && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin
COPY --from=prod-deps /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
ENV SDN_APP=node-agent
USER sdn
