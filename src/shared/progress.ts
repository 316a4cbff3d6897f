// One progress step as the client sees it (MCP notifications/progress). Shared because
// src/gateway/docker/ reports Docker's pull/push/build streams with it and src/gateway/tools/
// forwards it, and the Docker layer must not import the tools.
export interface ProgressUpdate {
  progress: number;
  total?: number;
  message?: string;
}
