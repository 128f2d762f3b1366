#!/usr/bin/env bash
# Fuzzes the gateway.conf reader alone for a bounded time (default 60 s); fuzz/all.sh runs
# every parser. Usage: fuzz/run.sh [SECONDS]
exec "$(dirname "$0")/all.sh" "${1:-60}" gateway-conf
