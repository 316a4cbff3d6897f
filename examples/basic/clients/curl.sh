#!/bin/sh
# Smoke tests (the seed's examples). Export DOCKER_MCP_TOKEN (and the Access service token) first.
# docker-port-forward answers while this runs (clients/README.md): kubectl -n homelab port-forward svc/homelab-docker-mcp-gateway 8080:8080
set -eu

# Local, through kubectl port-forward: health, then the legacy /mcp/call
curl -fsS http://127.0.0.1:8080/health
curl -fsS -X POST http://127.0.0.1:8080/mcp/call \
  -H "Authorization: Bearer $DOCKER_MCP_TOKEN" \
  -H "Content-Type: application/json" \
  -d '{"method": "docker.container.list", "params": {}}'
