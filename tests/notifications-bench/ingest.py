#!/usr/bin/env python3
"""Finishes SESSIONS sessions (running, then success: each notified) on the service at PORT with
KEY, over CONCURRENCY keep-alive connections; exits non-zero on any answer but 200.
Usage: ingest.py PORT KEY SESSIONS [CONCURRENCY]"""
import http.client
import json
import sys
import threading

PORT, KEY, SESSIONS = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
CONCURRENCY = int(sys.argv[4]) if len(sys.argv) > 4 else 8
failures = []


def worker(w):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {KEY}"}
    for i in range(w, SESSIONS, CONCURRENCY):
        for status, second in (("running", 0), ("success", 1)):
            body = json.dumps({"agent_id": f"drain-{i % 200}", "session_topic": f"s-{i}", "status": status,
                               "timestamp": f"2026-12-03T10:00:0{second}.000Z"})
            conn.request("POST", "/webhook/status", body, headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                failures.append(response.status)
                return


threads = [threading.Thread(target=worker, args=(w,)) for w in range(CONCURRENCY)]
for t in threads:
    t.start()
for t in threads:
    t.join()
if failures:
    sys.exit(f"ingest: {len(failures)} reports refused, e.g. HTTP {failures[0]}")
