#!/bin/sh
# Claude Code: register the gateway over Streamable HTTP. Export the tokens first.
claude mcp add --transport http docker-local http://127.0.0.1:8080/mcp --header "Authorization: Bearer $DOCKER_MCP_TOKEN"
