# Builds dist/claude-model-proxy-<version>.mcpb. Same step as pack-mcpb.sh: see build/Packer.
# Examples: ./pack-mcpb.ps1            (all platforms)
#           ./pack-mcpb.ps1 --rid win-x64
$ErrorActionPreference = 'Stop'
Set-Location -Path $PSScriptRoot
dotnet run --project build/Packer -c Release -- @args
exit $LASTEXITCODE
