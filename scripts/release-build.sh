#!/usr/bin/env bash
# The installed build of gatewayctl: release, with the Swift runtime and FoundationEssentials
# linked in (--static-swift-stdlib) and libstdc++ as well (the runtime's C++ library: loaded as a
# shared library, its 1,700 symbol bindings cost every command 2M instructions at start).
# Prints the path of the binary; install it with `install -s` (no debug info).
# Usage: scripts/release-build.sh [BUILD_PATH]   (default .build)
set -euo pipefail
cd "$(dirname "$0")/.."
build_path=${1:-.build}
flags=()
# SwiftPM puts the runtime's -lstdc++ after every flag it is given, but a -L directory given to
# swiftc is searched before GCC's: one holding a linker script named libstdc++.so that names
# the static archive makes that -lstdc++ static.
archive=$( (command -v clang >/dev/null && clang -print-file-name=libstdc++.a) || gcc -print-file-name=libstdc++.a)
if [ -f "$archive" ]; then
    cxx="$build_path/static-libstdc++"
    [[ "$cxx" = /* ]] || cxx="$PWD/$cxx"
    mkdir -p "$cxx"
    echo "INPUT($archive)" > "$cxx/libstdc++.so"
    flags=(-Xswiftc "-L$cxx")
else
    echo "release-build.sh: no libstdc++.a (Debian's libstdc++-12-dev); linking libstdc++ dynamically" >&2
fi
swift build -c release --static-swift-stdlib --build-path "$build_path" --product gatewayctl "${flags[@]}" >&2
echo "$build_path/release/gatewayctl"
