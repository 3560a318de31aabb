#!/usr/bin/env python3
"""Inclusive shares of a CPU profile: the share of samples whose stack holds each pattern, then the
managed frames with the largest inclusive share.

  PID=$(pgrep -f KubeAgents.Api.dll)   # a service started with DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
  perf record -F 999 -g -p $PID -o perf.data -- sleep 20     # while wrk drives it (bench/report.lua)
  perf script -i perf.data > perf.txt
  python3 bench/perf-shares.py perf.txt ReportBatchApplier SaveChanges sqlite3 ProcessRequests
"""
import sys, re, collections
pats = [p for p in sys.argv[2:]]
samples = []
cur = None
for line in open(sys.argv[1], errors='replace'):
    if not line.strip():
        if cur is not None: samples.append(cur); cur = None
        continue
    if not line.startswith((' ', '\t')):
        cur = []
        continue
    parts = line.strip().split(None, 1)
    if len(parts) == 2 and cur is not None:
        sym = parts[1]
        sym = re.sub(r'\+0x[0-9a-f]+', '', sym)
        cur.append(sym)
if cur: samples.append(cur)
n = len(samples)
print(f"samples: {n}")
for p in pats:
    c = sum(1 for s in samples if any(p in f for f in s))
    print(f"{100*c/n:6.1f}%  {p}")
if True:
    inc = collections.Counter()
    for s in samples:
        seen = set()
        for f in s:
            m = re.search(r'\] ([\w.`+<>\[\],]+::[\w<>`.|]+)', f)
            key = m.group(1) if m else None
            if key and key not in seen:
                seen.add(key); inc[key] += 1
    print("--- top inclusive managed frames")
    for k, c in inc.most_common(70):
        print(f"{100*c/n:6.1f}%  {k[:160]}")
