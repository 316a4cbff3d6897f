#!/bin/sh
# Claude Code: register the gateway over Streamable HTTP. Export the tokens first.
# docker-port-forward answers while this runs (clients/README.md): kubectl -n homelab port-forward svc/homelab-docker-mcp-gateway 8080:8080
claude mcp add --transport http docker-port-forward http://127.0.0.1:8080/mcp --header "Authorization: Bearer $DOCKER_MCP_TOKEN"
