// The error a tool handler, or the Docker layer under it, throws for a failure a person can act
// on. Shared because both src/gateway/docker/ and src/gateway/tools/ throw it, and the Docker
// layer must not depend on the tools built on it.
/**
 * A failure a person can act on. Thrown by handlers (or produced from Docker errors by
 * docker/errors.ts) and returned to the client as an `isError: true` tool result.
 */
export class ToolError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ToolError';
  }
}
