#!/bin/sh
# Smoke tests (the seed's examples). Export DOCKER_MCP_TOKEN (and the Access service token) first.
set -eu

# Local (published on 127.0.0.1 of the Docker host): health, then the legacy /mcp/call
curl -fsS http://127.0.0.1:8080/health
curl -fsS -X POST http://127.0.0.1:8080/mcp/call \
  -H "Authorization: Bearer $DOCKER_MCP_TOKEN" \
  -H "Content-Type: application/json" \
  -d '{"method": "docker.container.list", "params": {}}'
