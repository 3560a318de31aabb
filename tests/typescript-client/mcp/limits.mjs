// The official TypeScript MCP SDK against /mcp with a small RATE_LIMIT_PER_MINUTE (run by
// McpServiceTests, which owns the service's clock). Every result is checked by the SDK against the tool's
// outputSchema (callTool validates structuredContent once listTools has cached the schemas); the SDK's
// own validator (Ajv) checks that each input schema takes what the tools take.
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { check, connect, finish, namedWait, waitFor } from './harness.mjs';

const { client, tools } = await connect('kubeagents-limits');

const agent = `ts-limits-${process.pid}`;
const ajv = new AjvJsonSchemaValidator();
for (const tool of tools) {
  const valid = ajv.getValidator(tool.inputSchema);
  const required = Object.fromEntries((tool.inputSchema.required ?? []).map((name) => [name, tool.inputSchema.properties[name].enum?.[0] ?? agent]));
  for (const [name, property] of Object.entries(tool.inputSchema.properties ?? {})) {
    if ('default' in property) {
      const result = valid({ ...required, [name]: property.default });
      check(result.valid, `${tool.name}.${name}: its default meets its schema: ${result.errorMessage}`);
    }
  }
}
for (const name of ['list_agents', 'get_history']) {
  const schema = tools.find((t) => t.name === name).inputSchema;
  check(ajv.getValidator(schema)({ agent_id: agent, status: null }).valid, `${name} takes an explicit null status by its schema`);
}

const started = await client.callTool({ name: 'start_session', arguments: { agent_id: agent, session_topic: 't', ttl_minutes: 60 } });
check(!started.isError && started.structuredContent.success === true, `start_session: ${JSON.stringify(started)}`);
const unfiltered = await client.callTool({ name: 'get_history', arguments: { agent_id: agent, status: null } });
check(!unfiltered.isError && unfiltered.structuredContent.status_history.length === 1, `and by the server: ${JSON.stringify(unfiltered)}`);
const missing = await client.callTool({ name: 'get_agent', arguments: { agent_id: `${agent}-nobody` } });
check(missing.isError && missing.structuredContent.error === 'not_found', `an error result meets the schema too: ${JSON.stringify(missing)}`);

let refused;
for (let i = 0; i < 10 && !refused; i++) {
  const result = await client.callTool({ name: 'get_agent', arguments: { agent_id: agent } });
  if (result.isError) refused = result;
}
check(refused?.structuredContent?.error === 'rate_limited', `a tool error, not a transport failure: ${JSON.stringify(refused)}`);
const wait = namedWait(refused.content[0].text);
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
await finish(client);
