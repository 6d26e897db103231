using System.Text.Json.Serialization;

namespace ClaudeModelProxy.Doctor;

/// <summary>How one check came out. Fail: something needed is broken; Warn: worth fixing; Info: for the record.</summary>
public enum Verdict
{
    [JsonStringEnumMemberName("ok")] Ok,
    [JsonStringEnumMemberName("info")] Info,
    [JsonStringEnumMemberName("warn")] Warn,
    [JsonStringEnumMemberName("fail")] Fail,
}

/// <summary>One line of the doctor's report: what was checked, the verdict and, when something is wrong, the fix.</summary>
public sealed record DoctorCheck(string Subject, Verdict Verdict, string Message)
{
    /// <summary>Set on provider checks that proved the provider answers with its key.</summary>
    public bool ProviderWorks { get; init; }

    /// <summary>Milliseconds the provider took to answer, for the JSON report only (the text stays exact).</summary>
    public double? Milliseconds { get; init; }

    public string Line => $"{Label(Verdict),-5} {Subject}: {Message}";

    private static string Label(Verdict verdict) => verdict switch
    {
        Verdict.Ok => "ok",
        Verdict.Info => "info",
        Verdict.Warn => "WARN",
        _ => "FAIL",
    };
}

/// <summary>The whole report: every check, and whether at least one model can be used.</summary>
public sealed record DoctorReport(string Version, string LocalUrl, string SettingsSource, bool Healthy, List<DoctorCheck> Checks, List<string> WorkingProviders);
