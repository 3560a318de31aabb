#!/usr/bin/env python3
"""Where a test run's time goes: per assembly and per class, from the .trx files of
`dotnet test --logger trx`. Usage: python3 tests/tools/trx-profile.py <results-dir-or-trx>... [--top N]"""
import collections
import datetime
import pathlib
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}


def seconds(text):
    h, m, s = text.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def stamp(text):
    return datetime.datetime.fromisoformat(text)


def main(args):
    top = 15
    if "--top" in args:
        i = args.index("--top")
        top = int(args[i + 1])
        del args[i:i + 2]
    files = [f for a in args for f in (pathlib.Path(a).rglob("*.trx") if pathlib.Path(a).is_dir() else [pathlib.Path(a)])]
    for trx in files:
        root = ET.parse(trx).getroot()
        times = root.find("t:Times", NS)
        wall = (stamp(times.get("finish")) - stamp(times.get("start"))).total_seconds()
        classes = {d.get("id"): d.find("t:TestMethod", NS).get("className") for d in root.iterfind("t:TestDefinitions/t:UnitTest", NS)}
        per_class = collections.defaultdict(lambda: [0.0, 0, 0])
        outcomes = collections.Counter()
        for r in root.iterfind("t:Results/t:UnitTestResult", NS):
            name = classes.get(r.get("testId"), "?").split(".")[-1]
            entry = per_class[name]
            entry[0] += seconds(r.get("duration", "0:0:0"))
            entry[1] += 1
            outcomes[r.get("outcome")] += 1
        total = sum(e[0] for e in per_class.values())
        print(f"{trx.name}: wall {wall:.0f} s, tests {total:.0f} s, fixtures and the rest {wall - total:.0f} s; {dict(outcomes)}")
        for name, (spent, count, _) in sorted(per_class.items(), key=lambda kv: -kv[1][0])[:top]:
            print(f"  {spent:7.1f} s  {count:4d} tests  {name}")


if __name__ == "__main__":
    main(sys.argv[1:])
