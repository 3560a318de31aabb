// A client in a second language, generated from the committed OpenAPI document (openapi-typescript
// types + openapi-fetch), against a running service: KUBEAGENTS_URL, else the document's server.
import { test } from "node:test";
import assert from "node:assert/strict";
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/kubeagents.js";

type ErrorResponse = components["schemas"]["ErrorResponse"];
type Report = components["schemas"]["ReportStatusCommand"];

const baseUrl = process.env.KUBEAGENTS_URL ?? "http://localhost:8080";
const client = createClient<paths>({ baseUrl });
const run = `ts-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

async function report(body: Report): Promise<void> {
  const { data, error, response } = await client.POST("/webhook/status", { body });
  assert.equal(response.status, 200, JSON.stringify(error));
  assert.deepEqual(data, { success: true, message: "Status reported successfully" });
}

test("a report registers the agent, and the agents come a page at a time", async () => {
  const ids = ["a", "b", "c"].map((suffix) => `${run}-${suffix}`);
  for (const [i, agentId] of ids.entries()) {
    await report({
      agent_id: agentId,
      agent_name: `TypeScript ${i}`,
      session_topic: "paging",
      status: "running",
      timestamp: new Date(Date.UTC(2026, 10, 27, 10, 0, i)).toISOString(),
      ttl_minutes: 60,
    });
  }

  const seen: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const { data, error } = await client.GET("/api/agents", { params: { query: { search: run, limit: 2, cursor } } });
    assert.equal(error, undefined);
    assert.ok(data);
    assert.ok(data.agents.length <= 2);
    seen.push(...data.agents.map((agent) => agent.agent_id));
    for (const agent of data.agents) {
      assert.equal(agent.latest_status, "running");
      assert.equal(agent.session_count, 1);
    }
    cursor = data.next_cursor;
    pages++;
  } while (cursor !== undefined && pages < 10);

  assert.equal(pages, 2);
  assert.deepEqual([...seen].sort(), [...ids].sort());
});

test("a session whose topic has / and Unicode round-trips through the path", async () => {
  const agentId = `${run}-topic`;
  const topic = "fix/登录 bug #42 ✓";
  await report({ agent_id: agentId, session_topic: topic, status: "running", timestamp: "2026-11-27T18:00:00+08:00", message: "started" });
  await report({ agent_id: agentId, session_topic: topic, status: "success", timestamp: "2026-11-27T18:05:00+08:00", message: "done" });

  const { data, error } = await client.GET("/api/agents/{agent_id}/sessions/{session_topic}", {
    params: { path: { agent_id: agentId, session_topic: topic }, query: { history_limit: 1 } },
  });

  assert.equal(error, undefined);
  assert.ok(data);
  assert.equal(data.session.session_topic, topic);
  assert.equal(data.session.current_status, "success");
  assert.equal(data.session.expired, false);
  assert.equal(data.session.expired_at, undefined, "expired_at is present only once expired");
  assert.equal(data.status_history.length, 1);
  assert.equal(Date.parse(data.status_history[0]?.timestamp ?? ""), Date.parse("2026-11-27T10:05:00Z"));
  assert.match(data.status_history[0]?.timestamp ?? "", /Z$/, "read back in UTC");
  assert.ok(data.next_history_cursor, "older history follows");
});

test("a 400 and a 404 are read as typed errors", async () => {
  const bad = await client.GET("/api/agents", { params: { query: { limit: 0 } } });
  assert.equal(bad.response.status, 400);
  assert.equal(bad.data, undefined);
  const badError: ErrorResponse | undefined = bad.error;
  assert.equal(badError?.error, "bad_request");
  assert.match(badError?.message ?? "", /limit/);

  const missing = await client.GET("/api/agents/{agent_id}", { params: { path: { agent_id: `${run}-nobody` } } });
  assert.equal(missing.response.status, 404);
  const missingError: ErrorResponse | undefined = missing.error;
  assert.equal(missingError?.error, "not_found");
  assert.equal(typeof missingError?.message, "string");
});
