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

# In-cluster (run from a pod): health, then the legacy /mcp/call
curl -fsS http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080/health
curl -fsS -X POST http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080/mcp/call \
  -H "Authorization: Bearer $DOCKER_MCP_TOKEN" \
  -H "Content-Type: application/json" \
  -d '{"method": "docker.container.list", "params": {}}'
