// The official TypeScript MCP SDK against /mcp with a small RATE_LIMIT_PER_MINUTE (run by
// McpServiceTests, which owns the service's clock). Every result is checked by the SDK against the tool's
// outputSchema (callTool validates structuredContent once listTools has cached the schemas). When refused,
// this script prints "WAIT <seconds>" and reads one line: the test has moved the clock by that much.
import readline from 'node:readline';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const check = (condition, message) => {
  if (!condition) throw new Error(message);
};
const input = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const waitFor = async (seconds) => {
  console.log(`WAIT ${seconds}`);
  await input.next();
};

const client = new Client({ name: 'kubeagents-limits', version: '1.0.0' });
await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', process.env.KUBEAGENTS_URL)));
const { tools } = await client.listTools();
check(tools.length === 9 && tools.every((t) => t.outputSchema?.type === 'object'), `9 tools with output schemas: ${JSON.stringify(tools.map((t) => t.name))}`);

const agent = `ts-limits-${process.pid}`;
const started = await client.callTool({ name: 'start_session', arguments: { agent_id: agent, session_topic: 't', ttl_minutes: 60 } });
check(!started.isError && started.structuredContent.success === true, `start_session: ${JSON.stringify(started)}`);
const missing = await client.callTool({ name: 'get_agent', arguments: { agent_id: `${agent}-nobody` } });
check(missing.isError && missing.structuredContent.error === 'not_found', `an error result meets the schema too: ${JSON.stringify(missing)}`);

let refused;
for (let i = 0; i < 10 && !refused; i++) {
  const result = await client.callTool({ name: 'get_agent', arguments: { agent_id: agent } });
  if (result.isError) refused = result;
}
check(refused?.structuredContent?.error === 'rate_limited', `a tool error, not a transport failure: ${JSON.stringify(refused)}`);
const wait = Number(/retry after (\d+) s/.exec(refused.content[0].text)?.[1]);
check(wait > 0, `the text names the wait: ${refused.content[0].text}`);

let listError;
try {
  await client.listTools();
} catch (error) {
  listError = error;
}
check(listError?.code === -32000 && /retry after \d+ s/.test(listError.message), `another request: a JSON-RPC error naming the wait: ${listError}`);

await waitFor(wait);
const after = await client.callTool({ name: 'get_agent', arguments: { agent_id: agent } });
check(!after.isError && after.structuredContent.agent_id === agent, `the same client goes on after the wait: ${JSON.stringify(after)}`);
check((await client.listTools()).tools.length === 9, 'and lists again');
await client.close();
console.log('OK');
process.exit(0);
