#!/bin/sh
# Smoke tests (the seed's examples). Export DOCKER_MCP_TOKEN (and the Access service token) first.
set -eu

# External (Cloudflare Tunnel): health, then the legacy /mcp/call
curl -fsS https://docker-mcp.yourdomain.com/health \
  -H "Authorization: Bearer $DOCKER_MCP_TOKEN"
curl -fsS -X POST https://docker-mcp.yourdomain.com/mcp/call \
  -H "Authorization: Bearer $DOCKER_MCP_TOKEN" \
  -H "Content-Type: application/json" \
  -d '{"method": "docker.container.list", "params": {}}'
