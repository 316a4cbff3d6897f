// How `docker-mcp connect` words a message the gateway refused: the gateway's own sentence, not the
// SDK's escaped JSON-RPC body.
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { describe, expect, it } from 'vitest';
import { describeSendError } from '../../src/connect/remote.js';

describe('describeSendError', () => {
  it('unwraps the gateway\'s JSON-RPC error message from the SDK\'s text', () => {
    const body = JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'Bad Request: Mcp-Session-Id header is required' }, id: null });
    expect(describeSendError(new StreamableHTTPError(400, `Error POSTing to endpoint: ${body}`))).toBe('HTTP 400: Bad Request: Mcp-Session-Id header is required');
  });

  it('keeps a body that is not JSON-RPC as it is', () => {
    expect(describeSendError(new StreamableHTTPError(502, 'Error POSTing to endpoint: <html>Bad gateway</html>')))
      .toBe('HTTP 502: Streamable HTTP error: Error POSTing to endpoint: <html>Bad gateway</html>');
    expect(describeSendError(new StreamableHTTPError(500, 'Error POSTing to endpoint: {not json')))
      .toBe('HTTP 500: Streamable HTTP error: Error POSTing to endpoint: {not json');
  });

  it('names the network cause of a failed fetch', () => {
    expect(describeSendError(Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNREFUSED' } }))).toBe('fetch failed (ECONNREFUSED)');
  });
});
