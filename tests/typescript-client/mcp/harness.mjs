// What the MCP scripts McpServiceTests runs share: the official TypeScript SDK's client on /mcp
// (KUBEAGENTS_URL, with KUBEAGENTS_API_KEY as a bearer token when set), checks, and the line protocol
// with the test, which owns the service's clock and its test doubles: the script prints "WAIT <seconds>"
// or "STEP <name>" and reads one line, written once the clock has moved by that much or the step is done.
import readline from 'node:readline';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

export const check = (condition, message) => {
  if (!condition) throw new Error(message);
};

const input = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
export const waitFor = async (seconds) => {
  console.log(`WAIT ${seconds}`);
  await input.next();
};
export const step = async (name) => {
  console.log(`STEP ${name}`);
  await input.next();
};

// The wait a refusal's text names ("… (retry after 5 s)"), in seconds; NaN when it names none.
export const namedWait = (text) => Number(/retry after (\d+) s/.exec(text ?? '')?.[1]);

// Connects and lists the tools, which also makes callTool check every later result against its outputSchema.
// Returns the client and the tools it listed.
export const connect = async (name) => {
  const client = new Client({ name, version: '1.0.0' });
  const key = process.env.KUBEAGENTS_API_KEY;
  const requestInit = key ? { headers: { Authorization: `Bearer ${key}` } } : undefined;
  await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', process.env.KUBEAGENTS_URL), { requestInit }));
  const { tools } = await client.listTools();
  check(tools.length === 9 && tools.every((t) => t.outputSchema?.type === 'object'), `9 tools with output schemas: ${JSON.stringify(tools.map((t) => t.name))}`);
  return { client, tools };
};

// The same client session lists the tools again, and the script ends well.
export const finish = async (client) => {
  check((await client.listTools()).tools.length === 9, 'the same client lists the tools again');
  await client.close();
  console.log('OK');
  process.exit(0);
};
