#!/bin/sh
# Claude Code: register the gateway over Streamable HTTP. Export the tokens first.
claude mcp add --transport http docker-remote https://docker-mcp.yourdomain.com/mcp --header "Authorization: Bearer $DOCKER_MCP_TOKEN"
