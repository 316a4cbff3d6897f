# The docker-mcp gateway image. (No `# syntax=` line: BuildKit would fetch that frontend from a registry.)
#
# Built by `docker-mcp image build`, which streams a prebuilt context from the installed package:
#   package.json, bin/, dist/bundle/ and node_modules/ holding the few dependencies the bundle loads at
#   run time (src/image/context.ts).
# No stage runs npm or a package manager: building must work where no registry is reachable (an
# air-gapped homelab, CI without network), and the base image may have no shell at all (the test
# suite assembles one from the host's node binary). So there is no RUN instruction anywhere.
#
# From a source checkout without the CLI (this copies every production dependency: dockerode plus the
# installer's HCL parser, ~26 MB, where `docker-mcp image build` carries only dockerode's ~18 MB):
#   npm ci && npm run build && npm prune --omit=dev && docker build -t docker-mcp-gateway:<version> .

ARG BASE_IMAGE=node:20-bookworm-slim

# Stage 1 collects the application tree in an empty filesystem, so the runtime stage receives it as
# one root-owned layer and never sees anything else from the build context.
FROM scratch AS app
COPY package.json /app/package.json
COPY bin/ /app/bin/
COPY dist/ /app/dist/
COPY node_modules/ /app/node_modules/

FROM ${BASE_IMAGE}
# Files stay owned by root and are not writable by the runtime user: the gateway never writes to
# its own tree, which is what lets the container run with a read-only root filesystem.
# First in the stage: the build-time labels below change on every build and would otherwise
# invalidate the cache for this (largest) layer.
COPY --from=app /app /app

# Re-declared: an ARG before the first FROM is visible only to FROM lines.
ARG BASE_IMAGE
ARG VERSION=0.0.0
ARG REVISION=unknown
ARG CREATED=unknown
ARG SOURCE=""
LABEL org.opencontainers.image.title="docker-mcp-gateway" \
      org.opencontainers.image.description="MCP gateway for a Docker Engine: Streamable HTTP, WebSocket and stdio, with auth, policy, limits, audit log and metrics" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.base.name="${BASE_IMAGE}"

# Inside a container the gateway must listen on all interfaces to be reachable through a published
# port or a Service; everything else keeps the gateway defaults and is set by env at run time.
ENV NODE_ENV=production \
    DOCKER_MCP_HOST=0.0.0.0 \
    DOCKER_MCP_PORT=8080 \
    DOCKER_MCP_METRICS_PORT=9090

# A numeric uid/gid needs no /etc/passwd entry (no RUN useradd: the base may have no shell). Access
# to the Docker socket comes from its group, added at run time (compose `group_add`, Kubernetes
# `supplementalGroups`), never from running as root.
USER 10001:10001
WORKDIR /app
EXPOSE 8080 9090

# No curl in slim images: node itself asks /health. Exec form: no shell needed.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.DOCKER_MCP_PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# node runs as PID 1 and the gateway handles SIGTERM/SIGINT itself (graceful drain, then exit).
# PID 1 does not reap orphaned children; the gateway spawns none, but run with `--init` / compose
# `init: true` (Docker's bundled tini) for defence in depth; the rendered compose file does.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "/app/bin/docker-mcp.js"]
CMD ["serve"]
