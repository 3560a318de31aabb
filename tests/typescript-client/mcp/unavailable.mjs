// The official TypeScript MCP SDK against /mcp when the service is overloaded (run by McpServiceTests,
// whose service finds its store busy at the first call's scope check, then its write queue full at the
// next call's report, then its store down at the key lookup while the test holds the "outage" step).
// A 503 on a tool call is a tool error, isError with the REST body {"error":"unavailable",...} and the
// wait in its text; on tools/list a JSON-RPC error -32000 naming the wait, with that body as data. Not
// transport failures: after each wait the same client goes on.
import { check, connect, finish, namedWait, step, waitFor } from './harness.mjs';

const { client } = await connect('kubeagents-unavailable');
const start = { name: 'start_session', arguments: { agent_id: `ts-unavailable-${process.pid}`, session_topic: 't', ttl_minutes: 60 } };

for (const [message, seconds] of [['the database is unavailable; retry later', 5], ['the write queue is full; retry later', 1]]) {
  const refused = await client.callTool(start);
  check(refused.isError === true && refused.structuredContent?.error === 'unavailable', `an unavailable tool error: ${JSON.stringify(refused)}`);
  check(refused.structuredContent.message === message, `the REST message: ${JSON.stringify(refused)}`);
  const text = refused.content[0].text;
  check(text === `${message} (retry after ${seconds} s)` && namedWait(text) === seconds, `the text names the wait: ${text}`);
  await waitFor(namedWait(text));
}

const started = await client.callTool(start);
check(!started.isError && started.structuredContent.success === true, `the same client goes on after the wait: ${JSON.stringify(started)}`);

await step('outage');
let listError;
try {
  await client.listTools();
} catch (error) {
  listError = error;
}
check(listError?.code === -32000 && namedWait(listError.message) === 5, `tools/list: a JSON-RPC error naming the wait: ${listError}`);
check(listError.data?.error === 'unavailable' && listError.data.message === 'the database is unavailable; retry later', `its data is the REST body: ${JSON.stringify(listError?.data)}`);
await step('recovered');
await waitFor(5);
const read = await client.callTool({ name: 'get_agent', arguments: { agent_id: start.arguments.agent_id } });
check(!read.isError && read.structuredContent.agent_id === start.arguments.agent_id, `and after the outage: ${JSON.stringify(read)}`);
await finish(client);
