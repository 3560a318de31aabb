#!/usr/bin/env python3
"""A webhook receiver for the notification measurements: answers 200 to every POST and appends
the arrival time (monotonic seconds) of each to the file given as the second argument."""
import http.server
import sys
import time

PORT, LOG = int(sys.argv[1]), sys.argv[2]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()
        with open(LOG, "a") as log:
            log.write(f"{time.monotonic()}\n")

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
