using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Status;
using Microsoft.AspNetCore.Http;

namespace ClaudeModelProxy.Gateway;

/// <summary>
/// GET /status: one self-contained, read-only HTML page. Everything is rendered on the server, so it
/// reads with JavaScript off; with it on, a small inline script re-fetches the page every two seconds
/// and swaps the &lt;main&gt; element. No external resources: the Content-Security-Policy allows only
/// this response's own nonce-tagged style and script, and fetches to this origin.
/// Token scheme (PROXY_AUTH_TOKEN): a browser cannot send a header on navigation, so the page without
/// the token is only a notice. Opened as /status#token=…, the script reads the token from the fragment
/// (which browsers never send to a server, so no log can hold it), keeps it in sessionStorage, removes
/// it from the address bar and sends it as x-api-key on its own same-origin requests.
/// </summary>
public static class StatusPage
{
    private const string RefreshScript = """
        (function () {
          var live = document.getElementById('live');
          var token = null;
          var m = /(?:^#|&)token=([^&]*)/.exec(location.hash);
          try {
            if (m) { token = decodeURIComponent(m[1]); sessionStorage.setItem('claude-model-proxy-token', token); history.replaceState(null, '', location.pathname + location.search); }
            else { token = sessionStorage.getItem('claude-model-proxy-token'); }
          } catch (e) { if (m) token = decodeURIComponent(m[1]); }
          function say(text, bad) { live.textContent = text; live.className = bad ? 'bad' : 'ok'; }
          async function refresh() {
            var headers = { 'Accept': 'text/html', 'x-claude-model-proxy-fragment': 'main' };
            if (token) headers['x-api-key'] = token;
            try {
              var reply = await fetch(location.pathname, { headers: headers, cache: 'no-store', credentials: 'omit', redirect: 'error' });
              var doc = new DOMParser().parseFromString(await reply.text(), 'text/html');
              var fresh = doc.getElementById('main');
              if (fresh) document.getElementById('main').replaceWith(fresh);
              if (reply.status === 401) say(token ? 'The token was refused: open the page again as /status#token=YOUR_PROXY_AUTH_TOKEN.' : 'Token required.', true);
              else if (!reply.ok) say('The gateway answered HTTP ' + reply.status + '.', true);
              else say('Live: updated ' + new Date().toLocaleTimeString() + ', every 2 s.', false);
            } catch (e) {
              say('The gateway does not answer (' + new Date().toLocaleTimeString() + '); retrying.', true);
            }
          }
          refresh();
          setInterval(refresh, 2000);
        })();
        """;

    private const string Style = """
        :root { color-scheme: light dark; --line: #8884; --muted: #888; --bad: #c0392b; --good: #1e8449; }
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1200px; padding: 1rem 1.5rem 3rem; }
        header { display: flex; align-items: baseline; gap: 1rem; flex-wrap: wrap; border-bottom: 1px solid var(--line); }
        h1 { font-size: 1.4rem; margin: .4rem 0; } h2 { font-size: 1.05rem; margin: 1.6rem 0 .4rem; }
        #live { color: var(--muted); } #live.bad, .bad { color: var(--bad); } .ok { color: var(--good); }
        table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .2rem .6rem .2rem 0; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { font-weight: 600; white-space: nowrap; } td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
        code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .6rem 0; } dt { color: var(--muted); } dd { margin: 0; }
        .muted { color: var(--muted); } .notice { padding: .8rem 1rem; border: 1px solid var(--line); border-radius: 6px; }
        """;

    /// <summary>The script's refresh asks for the &lt;main&gt; element alone: no style or script to re-parse.</summary>
    public const string FragmentHeader = "x-claude-model-proxy-fragment";

    /// <summary>The whole page around <paramref name="main"/>, with a fresh nonce for its style and script.</summary>
    public static string Page(string main, out string nonce)
    {
        nonce = NewNonce();
        return Document(main, nonce);
    }

    public static string RenderMain(StatusReport report, ProxyCounters counters, ProxySettings settings)
    {
        var main = new StringBuilder();
        main.Append("<main id=\"main\">");
        Overview(main, report);
        Problems(main, report);
        ModelCounters(main, report);
        Sessions(main, counters.Sessions());
        Recent(main, counters.Recent());
        Providers(main, report);
        Routes(main, settings, report);
        main.Append("</main>");
        return main.ToString();
    }

    /// <summary>What a browser without the token sees: how to open the page, and no data at all.</summary>
    public static string RenderLockedMain(ProxySettings settings)
    {
        var main = new StringBuilder("<main id=\"main\" data-locked=\"true\"><section class=\"notice\"><h2>Token required</h2>")
            .Append("<p>This gateway is protected by <code>PROXY_AUTH_TOKEN</code>. Open <code>")
            .Append(E(settings.LocalUrl)).Append("/status#token=YOUR_PROXY_AUTH_TOKEN</code> with JavaScript on.</p>")
            .Append("<p class=\"muted\">The part after <code>#</code> never leaves the browser: the page's script reads it, removes it from the address bar, ")
            .Append("keeps it for this tab only and sends it in the <code>x-api-key</code> header of its own requests. It is never written to a log.</p>")
            .Append("</section></main>");
        return main.ToString();
    }

    public static void ApplyHeaders(HttpResponse response, string nonce)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = nonce.Length == 0
            ? "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'" // the fragment: nothing to run or style
            : $"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; connect-src 'self'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        headers.CacheControl = "no-store";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
    }

    private static string Document(string main, string nonce) =>
        new StringBuilder("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"referrer\" content=\"no-referrer\">")
            .Append("<title>Claude Model Proxy status</title><style nonce=\"").Append(nonce).Append("\">").Append(Style).Append("</style></head><body>")
            .Append("<header><h1>Claude Model Proxy</h1><span id=\"live\">Static view: reload the page to update it (JavaScript keeps it live).</span></header>")
            .Append(main)
            .Append("<script nonce=\"").Append(nonce).Append("\">").Append(RefreshScript).Append("</script></body></html>")
            .ToString();

    private static void Overview(StringBuilder html, StatusReport report)
    {
        var requests = report.Counters.Values.Sum(c => c.Requests);
        var errors = report.Counters.Values.Sum(c => c.Errors);
        html.Append("<section id=\"overview\"><dl>");
        Item(html, "Version", report.Version);
        Item(html, "Listening on", report.LocalUrl);
        Item(html, "Gateway URL for clients", report.BaseUrl);
        Item(html, "Uptime", Uptime(report.UptimeSeconds));
        Item(html, "Port owner", report.External
            ? $"another copy of Claude Model Proxy (version {report.ExternalVersion}, pid {report.ExternalPid?.ToString(CultureInfo.InvariantCulture) ?? "?"})"
            : $"this process (pid {report.Pid?.ToString(CultureInfo.InvariantCulture) ?? "?"})");
        Item(html, "Rewrite responses", report.RewriteResponses ? "yes" : "no");
        html.Append("<dt>Requests</dt><dd><span id=\"total-requests\">").Append(requests).Append("</span> (<span id=\"total-errors\">")
            .Append(errors).Append("</span> failed)</dd>");
        if (report.LastFailure is { } failure)
            html.Append("<dt>Last failure</dt><dd class=\"bad\" id=\"last-failure\">").Append(E(StatusSummary.FailureLine(failure, report))).Append("</dd>");
        html.Append("</dl></section>");
    }

    private static void Problems(StringBuilder html, StatusReport report)
    {
        html.Append("<section id=\"problems\"><h2>Configuration problems</h2>");
        if (report.Error is { Length: > 0 } error) html.Append("<p class=\"bad\">").Append(E(error)).Append("</p>");
        if (report.SettingsReload is { } reload)
        {
            if (reload.Error is { } reloadError) html.Append("<p class=\"bad\" id=\"reload-error\">").Append(E(reloadError)).Append("</p>");
            if (reload.RestartNeeded is { } restart) html.Append("<p class=\"bad\" id=\"restart-needed\">Restart needed: ").Append(E(restart)).Append("</p>");
            html.Append("<p class=\"muted\">Settings file ").Append(E(reload.File)).Append(" is watched; changes apply within a second");
            if (reload.AppliedAt is { } at) html.Append(" (last applied ").Append(at.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture)).Append(" UTC)");
            html.Append(".</p>");
        }
        if (report.Problems.Count == 0)
        {
            html.Append("<p class=\"muted\">None.</p>");
        }
        else
        {
            html.Append("<ul>");
            foreach (var problem in report.Problems) html.Append("<li class=\"bad\">").Append(E(problem)).Append("</li>");
            html.Append("</ul>");
        }
        html.Append("</section>");
    }

    private static void Providers(StringBuilder html, StatusReport report)
    {
        html.Append("<section id=\"providers\"><h2>Providers</h2><table><thead><tr><th>Provider</th><th>Wire format</th><th>API key</th><th>Base URL</th></tr></thead><tbody>");
        foreach (var provider in report.Providers)
        {
            html.Append("<tr data-provider=\"").Append(E(provider.Id)).Append("\"><td>").Append(E(provider.Name)).Append(" <span class=\"muted mono\">").Append(E(provider.Id)).Append("</span></td>")
                .Append("<td class=\"mono\">").Append(E(provider.Format)).Append("</td>")
                .Append(provider.HasApiKey ? "<td class=\"ok\">set" : "<td class=\"muted\">missing").Append(" <span class=\"muted mono\">").Append(E(provider.KeyVariable)).Append("</span></td>")
                .Append("<td class=\"mono\">").Append(E(provider.BaseUrl)).Append("</td></tr>");
        }
        html.Append("</tbody></table></section>");
    }

    private static void Routes(StringBuilder html, ProxySettings settings, StatusReport report)
    {
        html.Append("<section id=\"routes\"><h2>Routing table</h2>");
        if (report.ClaudeIds is { } claudeIds) html.Append("<p class=\"muted\">Claude model ids (claude-opus-…, claude-sonnet-…) go to: ").Append(E(claudeIds)).Append(".</p>");
        html.Append("<table><thead><tr><th>Model (family slot or alias)</th><th>Provider</th><th>Upstream model</th><th>Desktop id</th><th>API key</th></tr></thead><tbody>");
        var slots = new HashSet<string>(report.FamilySlots.Keys, StringComparer.Ordinal);
        foreach (var row in report.External ? RowsOf(report) : ModelTable.Rows(settings))
        {
            html.Append(slots.Contains(row.Alias) ? "<tr data-slot=\"" : "<tr data-alias=\"").Append(E(row.Alias)).Append("\"><td class=\"mono\">").Append(E(row.Alias));
            if (slots.Contains(row.Alias)) html.Append(" <span class=\"muted\">(family slot)</span>");
            html.Append("</td><td>").Append(E(row.Provider))
                .Append("</td><td class=\"mono\">").Append(E(row.UpstreamModel)).Append("</td><td class=\"mono muted\">").Append(E(row.DesktopId ?? "")).Append("</td>")
                .Append(row.HasApiKey ? "<td class=\"ok\">set</td>" : "<td class=\"muted\">missing</td>").Append("</tr>");
        }
        html.Append("</tbody></table>");
        if (report.ModelAliases.Count > 0)
        {
            html.Append("<h2>Other names accepted</h2><table><thead><tr><th>Name</th><th>Routes as</th></tr></thead><tbody>");
            foreach (var (name, alias) in report.ModelAliases.OrderBy(p => p.Key, StringComparer.Ordinal))
                html.Append("<tr data-model-alias=\"").Append(E(name)).Append("\"><td class=\"mono\">").Append(E(name)).Append("</td><td class=\"mono\">").Append(E(alias)).Append("</td></tr>");
            html.Append("</tbody></table>");
        }
        html.Append("</section>");
    }

    /// <summary>The routing rows from another copy's report (its settings are not ours).</summary>
    private static IEnumerable<ModelRow> RowsOf(StatusReport report) =>
        report.ModelMap.OrderBy(p => p.Key, StringComparer.Ordinal).Select(pair =>
        {
            var providerId = report.ModelRoutes.GetValueOrDefault(pair.Value);
            var provider = report.Providers.FirstOrDefault(p => p.Id == providerId);
            return new ModelRow(pair.Key, provider?.Id ?? "(no route)", pair.Value, provider?.HasApiKey ?? false, provider?.KeyVariable ?? "");
        });

    private static void ModelCounters(StringBuilder html, StatusReport report)
    {
        html.Append("<section id=\"models\"><h2>Per model</h2>");
        CounterTable(html, "Model", "data-model-counters", report.Counters.Select(p => (p.Key, p.Value)));
        html.Append("</section>");
    }

    private static void Sessions(StringBuilder html, List<SessionCountersSnapshot> sessions)
    {
        html.Append("<section id=\"sessions\"><h2>Per Claude Code session</h2>");
        CounterTable(html, "Session", "data-session-counters", sessions.Select(s => (s.Session, s.Counters)));
        html.Append("<p class=\"muted\">By the <code>x-claude-code-session-id</code> header; the ").Append(ProxyCounters.MaxSessions).Append(" most recently seen sessions are kept.</p></section>");
    }

    private static void CounterTable(StringBuilder html, string keyHeader, string rowAttribute, IEnumerable<(string Key, AliasCountersSnapshot Counters)> rows)
    {
        var list = rows.ToList();
        if (list.Count == 0)
        {
            html.Append("<p class=\"muted\">No requests yet.</p>");
            return;
        }
        html.Append("<table><thead><tr><th>").Append(keyHeader).Append("</th><th class=\"n\">Requests</th><th class=\"n\">Streams</th><th>Errors</th>")
            .Append("<th class=\"n\">Input tokens</th><th class=\"n\">Cached</th><th class=\"n\">Output tokens</th><th class=\"n\">p50 ms</th><th class=\"n\">p95 ms</th><th class=\"n\">Fallbacks</th><th>Last error</th></tr></thead><tbody>");
        foreach (var (key, c) in list)
        {
            html.Append("<tr ").Append(rowAttribute).Append("=\"").Append(E(key)).Append("\"><td class=\"mono\">").Append(E(key));
            if (c.Target is { } target) html.Append("<br><span class=\"muted\">").Append(E(target)).Append("</span>");
            html.Append("</td><td class=\"n\" data-field=\"requests\">").Append(c.Requests).Append("</td><td class=\"n\">").Append(c.Streams)
                .Append("</td><td data-field=\"errors\">").Append(c.Errors);
            if (c.ErrorsByType is { Count: > 0 } types)
                html.Append(" <span class=\"muted\">(").Append(E(string.Join(", ", types.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key} {t.Value}")))).Append(")</span>");
            html.Append("</td><td class=\"n\">").Append(c.InputTokens).Append("</td><td class=\"n\">").Append(c.CachedInputTokens)
                .Append("</td><td class=\"n\">").Append(c.OutputTokens).Append("</td><td class=\"n\">").Append(Ms(c.MedianLatencyMs))
                .Append("</td><td class=\"n\">").Append(Ms(c.P95LatencyMs)).Append("</td><td class=\"n\">").Append(c.Fallbacks)
                .Append("</td><td class=\"bad\">").Append(E(c.LastError ?? "")).Append("</td></tr>");
        }
        html.Append("</tbody></table>");
    }

    private static void Recent(StringBuilder html, List<RequestRecord> recent)
    {
        html.Append("<section id=\"recent\"><h2>Last ").Append(ProxyCounters.RecentCapacity).Append(" requests</h2>");
        if (recent.Count == 0)
        {
            html.Append("<p class=\"muted\">No requests yet.</p></section>");
            return;
        }
        html.Append("<table><thead><tr><th>Time (UTC)</th><th>Model → provider/model</th><th class=\"n\">Status</th><th class=\"n\">ms</th><th>Mode</th>")
            .Append("<th class=\"n\">In</th><th class=\"n\">Cached</th><th class=\"n\">Out</th><th>Reason</th></tr></thead><tbody>");
        foreach (var r in recent)
        {
            html.Append("<tr class=\"request").Append(r.ErrorType is null ? "" : " failed").Append("\"><td class=\"mono\">").Append(r.At.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture))
                .Append("</td><td class=\"mono\">").Append(E(r.Alias));
            if (r.Provider is not null) html.Append(" → ").Append(E(r.Provider)).Append('/').Append(E(r.UpstreamModel ?? ""));
            if (r.FellBackTo is not null) html.Append(" <span class=\"muted\">(fell back to ").Append(E(r.FellBackTo)).Append(")</span>");
            html.Append("</td><td class=\"n").Append(r.ErrorType is null ? "" : " bad").Append("\">").Append(r.Status)
                .Append("</td><td class=\"n\">").Append(Ms(r.DurationMs)).Append("</td><td>").Append(r.Stream ? "stream" : "json")
                .Append("</td><td class=\"n\">").Append(r.InputTokens).Append("</td><td class=\"n\">").Append(r.CachedInputTokens)
                .Append("</td><td class=\"n\">").Append(r.OutputTokens).Append("</td><td class=\"bad\">");
            if (r.ErrorType is not null) html.Append(E(r.ErrorType)).Append(r.Error is null ? "" : ": ").Append(E(r.Error ?? ""));
            html.Append("</td></tr>");
        }
        html.Append("</tbody></table></section>");
    }

    private static void Item(StringBuilder html, string name, string value) =>
        html.Append("<dt>").Append(E(name)).Append("</dt><dd>").Append(E(value)).Append("</dd>");

    private static string Uptime(double seconds)
    {
        var span = TimeSpan.FromSeconds(Math.Round(seconds));
        return span.TotalHours >= 1 ? $"{(int)span.TotalHours} h {span.Minutes:00} min" : span.TotalMinutes >= 1 ? $"{span.Minutes} min {span.Seconds:00} s" : $"{span.Seconds} s";
    }

    private static string Ms(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string NewNonce() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
}
