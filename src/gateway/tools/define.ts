// A tool is data: name, schemas, annotations and a handler. The registry (registry.ts) turns the
// list into MCP `tools/list` / `tools/call` handling; every call then runs the pipeline in
// pipeline/ (lookup, record, redact, drain, track, admit, validate, authorize, gate, map-error,
// check-output, execute — one small step per file), so each handler only talks to Docker.
import type Dockerode from 'dockerode';
import type { Logger } from 'pino';
import type { z } from 'zod';

import type { ProgressUpdate } from '../../shared/progress.js';

// ToolError and ProgressUpdate live in src/shared/ (gateway/docker/ throws and reports them too,
// and must not import the tools); the tool files keep importing them from here, beside the rest of
// what defining a tool takes.
export { ToolError } from '../../shared/tool-error.js';
export type { ProgressUpdate } from '../../shared/progress.js';

/** Families group tools into files and into policy globs (`containers`, `images`, …). */
export type ToolFamily = 'containers' | 'exec' | 'images' | 'volumes' | 'networks' | 'system' | 'compose';

/**
 * The least scope a caller needs: `read` observes, `operate` changes the state of existing
 * objects (start/stop/restart/logs/exec), `admin` creates, removes, pulls, builds.
 */
export type ToolAccess = 'read' | 'operate' | 'admin';

/**
 * MCP tool annotations, every one stated: a client that finds one missing assumes the worst
 * (destructive, not idempotent, open world), so leaving one out is never neutral.
 */
export interface ToolAnnotations {
  readOnlyHint: boolean;
  /**
   * May delete or overwrite something that existed before the call: data, running processes, a
   * tag or setting that held another value, a network attachment. False: only additions.
   */
  destructiveHint: boolean;
  /** Repeating the call with the same arguments has no further effect (a repeat may fail instead). */
  idempotentHint: boolean;
  /** The call itself reaches beyond the Docker host (an image registry, the network of a build). */
  openWorldHint: boolean;
}

export interface ToolLimits {
  /** Cap for any single text payload (logs, exec output, build output), in bytes. */
  maxOutputBytes: number;
  /** Cap for list lengths when the caller gives no `limit`. */
  defaultListLimit: number;
}

/**
 * What a handler is about to ask Docker to do, described from the exact body it will send
 * (never from raw user JSON). The operation policy (src/gateway/policy/) decides on these.
 */
export type GuardedOperation =
  /** Creating a container (create or run): `body` is the Engine API create body as sent. */
  | { kind: 'container.create'; body: Record<string, unknown>; /** The name asked for (sent in the query). */ name?: string }
  /** Changing a container's resources or restart policy: the update body as sent (a restart policy is judged like a start). */
  | { kind: 'container.update'; container: string; body: Record<string, unknown> }
  /**
   * Any state change of an existing container: start/stop/restart/kill/pause/rename/remove/…
   * `start`, `restart` and `unpause` make the policy judge the container as Docker will run it.
   */
  | { kind: 'container.change'; container: string; action: string; /** rename: the name the container gets. */ newName?: string }
  /** Starting an exec: the exec create body as sent (User, Privileged, Cmd); the target is judged like a start. */
  | { kind: 'container.exec'; container: string; body: Record<string, unknown> }
  /** Pulling, pushing, building or tagging a reference. */
  | {
    kind: 'image.use'; image: string; action: 'pull' | 'push' | 'build' | 'tag' | 'create';
    /** Where a reference the caller did not write comes from (an ONBUILD trigger of a base image). */
    via?: string;
    /** The reference will name other content (a tag target); build tags always do. */
    target?: boolean;
  }
  /** A build source the daemon would fetch itself (ADD <url>): `source` as written, `where` it is. */
  | { kind: 'build.remote'; source: string; where: string }
  /** Creating a volume: the create body as sent (Driver, DriverOpts). */
  | { kind: 'volume.create'; body: Record<string, unknown> }
  /** Creating a network or (dis)connecting a container: body as sent. */
  | { kind: 'network.change'; action: string; body: Record<string, unknown> };

export interface ToolContext {
  docker: Dockerode;
  /** Aborted on client cancel, client disconnect, gateway shutdown or the Docker timeout. */
  signal: AbortSignal;
  /** The configured Docker operation timeout; long-running tools may use their own bound. */
  timeoutMs: number;
  /**
   * How long the registry lets this call run before it answers "timed out" and aborts `signal`:
   * long_call_timeout_seconds for tools marked longRunning, docker_timeout otherwise, counted from
   * just before the handler starts. A tool that waits for a caller-chosen time keeps its wait
   * under this (call-budget.ts), so its own timed-out result, with what it collected, gets back.
   */
  callTimeoutMs: number;
  /** Sends `notifications/progress` when the client gave a progress token; a no-op otherwise. */
  progress: (update: ProgressUpdate) => Promise<void>;
  log: Logger;
  limits: ToolLimits;
  /**
   * Must be awaited before every state-changing Docker request with the body that will be sent.
   * Throws a ToolError naming the rule that denied it and how to allow it. Allows all when no
   * policy is configured.
   */
  authorize: (operation: GuardedOperation) => Promise<void>;
}

export interface ToolResult<T> {
  /** Becomes `structuredContent`; must satisfy the tool's output schema. */
  structured: T;
  /** A readable summary for the text content block. */
  text: string;
}

export interface ToolDefinition<
  I extends z.ZodObject = z.ZodObject,
  O extends z.ZodObject = z.ZodObject,
> {
  /** snake_case, `<noun>_<verb>`, matches ^[a-zA-Z0-9_-]{1,64}$. */
  name: string;
  title: string;
  description: string;
  family: ToolFamily;
  access: ToolAccess;
  /** A strict object (unknown arguments are refused by name) with snake_case field names. */
  inputSchema: I;
  /** Field names snake_case like the inputs; Docker's own data (labels, raw inspect) passes as-is. */
  outputSchema: O;
  annotations: ToolAnnotations;
  /** True when the tool streams for a while (pull, follow, stats sampling, events, build). */
  longRunning?: boolean;
  // Method syntax on purpose: it lets concrete tools sit in one ToolDefinition[] list.
  handler(args: z.infer<I>, ctx: ToolContext): Promise<ToolResult<z.infer<O>>>;
}

/** Identity function that keeps the generic types of one tool's schemas together. */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(
  definition: ToolDefinition<I, O>,
): ToolDefinition<I, O> {
  return definition;
}
