// The official TypeScript MCP SDK against /mcp when the service is overloaded (run by McpServiceTests,
// whose service finds its store busy at the first call's scope check, then its write queue full at the
// next call's report): each 503 is a tool error, isError with the REST body {"error":"unavailable",...}
// and the wait in its text, not a transport failure; after the wait the same client goes on.
import { check, connect, finish, namedWait, waitFor } from './harness.mjs';

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
await finish(client);
