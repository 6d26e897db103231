#!/usr/bin/env sh
# Builds dist/claude-model-proxy-<version>.mcpb. Same step as pack-mcpb.ps1: see build/Packer.
# Examples: ./pack-mcpb.sh            (all platforms)
#           ./pack-mcpb.sh --rid linux-x64
set -eu
cd "$(dirname "$0")"
exec dotnet run --project build/Packer -c Release -- "$@"
