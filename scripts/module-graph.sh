#!/usr/bin/env bash
# Prints the module graph (from Package.swift and from the sources' import lines) and fails on
# a cycle or on an arrow that points up the layers: a module may import only modules below it.
# Usage: scripts/module-graph.sh
set -euo pipefail
cd "$(dirname "$0")/.."
swift package describe --type json 2>/dev/null | python3 -c '
import json, os, re, sys
# Lowest first; leaves (MapBuilder, SMTPProbe) and C shims sit below everything.
layers = ["CBerkeleyDB", "CLMDB", "CCDB", "CPCRE2", "COpenSSL", "CFileLayer", "FileLayer", "MapBuilder", "SMTPProbe", "Diagnostics", "PostfixConfig",
          "ConfigModel", "GatewayCompiler", "Simulate", "Lint", "gatewayctl"]
pkg = json.load(sys.stdin)
targets = {t["name"]: t for t in pkg["targets"] if t["type"] in ("library", "executable", "system-target") and t["path"].startswith("Sources/")}
rank = {m: i for i, m in enumerate(layers)}
problems = []
graph = {}
for name, t in targets.items():
    if name not in rank:
        rank[name] = -1  # an unknown module: reported below
        problems.append(f"{name}: not placed in the layer list of scripts/module-graph.sh")
    deps = set(t.get("target_dependencies", []))
    imports = set()
    for root, _, files in os.walk(t["path"]):
        for f in files:
            if f.endswith(".swift"):
                for m in re.findall(r"^\s*(?:@testable\s+)?import\s+(\w+)", open(os.path.join(root, f)).read(), re.M):
                    if m in targets: imports.add(m)
    graph[name] = sorted(deps | imports)
    # Full Foundation drags ICU and FoundationInternationalization into every command (start-up
    # cost, binary size): product code imports FoundationEssentials only.
    for root, _, files in os.walk(t["path"]):
        for f in files:
            if f.endswith(".swift") and re.search(r"^\s*import\s+(Foundation|FoundationInternationalization)\s*$", open(os.path.join(root, f)).read(), re.M):
                problems.append(f"{os.path.join(root, f)}: imports full Foundation (use FoundationEssentials)")
    for m in sorted(imports - deps):
        problems.append(f"{name} imports {m} without declaring it in Package.swift")
for name in sorted(graph, key=lambda n: rank.get(n, -1)):
    print("%-16s -> %s" % (name, ", ".join(graph[name]) or "(nothing)"))
    for m in graph[name]:
        if rank.get(m, -1) >= rank[name]:
            problems.append(f"{name} -> {m} points up (or sideways) the layers")
# Cycles (SwiftPM refuses them in declarations; imports are checked here too).
state = {}
def visit(n, path):
    if state.get(n) == 1: problems.append("cycle: " + " -> ".join(path + [n])); return
    if state.get(n) == 2: return
    state[n] = 1
    for m in graph.get(n, []): visit(m, path + [n])
    state[n] = 2
for n in graph: visit(n, [])
if problems:
    print("\n".join("error: " + p for p in problems)); sys.exit(1)
print("module graph: %d modules, no cycle, every arrow points down" % len(graph))
'
