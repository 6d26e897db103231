using System.Diagnostics;
using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Service;

namespace ClaudeModelProxy.Tests.Support;

/// <summary>A clean slate for the real executable: no provider keys, settings or state folders leak in from the machine running the tests.</summary>
public static class ProxyEnvironment
{
    public static void Scrub(ProcessStartInfo info)
    {
        foreach (var key in info.Environment.Keys.ToList())
        {
            if (key.EndsWith("_API_KEY", StringComparison.Ordinal) || key.EndsWith("_BASE_URL", StringComparison.Ordinal) || key.StartsWith("MODEL_", StringComparison.Ordinal)
                || SettingTable.All.Any(setting => setting.Name == key)
                || key is "XDG_STATE_HOME" or "LOCALAPPDATA" or ProxyPaths.StateDirectoryVariable)
                info.Environment.Remove(key);
        }
    }
}
