#!/bin/sh
# Claude Code: register the gateway over Streamable HTTP. Export the tokens first.
claude mcp add --transport http docker-cluster http://homelab-docker-mcp-gateway.homelab.svc.cluster.local:8080/mcp --header "Authorization: Bearer $DOCKER_MCP_TOKEN"
