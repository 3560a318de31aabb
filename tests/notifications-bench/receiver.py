#!/usr/bin/env python3
"""A webhook receiver for the notification measurements: answers 200 to every POST and appends the
arrival time (monotonic seconds, the system-wide clock) of each to the file given as the second
argument. With a third argument, a gate file: until it exists, every request is held unanswered
(the dispatcher's attempts stay in flight, so the outbox fills up behind them)."""
import http.server
import os
import sys
import time

PORT, LOG = int(sys.argv[1]), sys.argv[2]
GATE = sys.argv[3] if len(sys.argv) > 3 else None


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        while GATE and not os.path.exists(GATE):
            time.sleep(0.01)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()
        with open(LOG, "a") as log:
            log.write(f"{time.monotonic()}\n")

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


Server(("127.0.0.1", PORT), Handler).serve_forever()
