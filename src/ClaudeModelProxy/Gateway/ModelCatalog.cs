using ClaudeModelProxy.Core.Routing;
using ClaudeModelProxy.Status;
using Microsoft.AspNetCore.Http;

namespace ClaudeModelProxy.Gateway;

/// <summary>
/// GET /v1/models in Anthropic's shape, with the tier metadata Claude Desktop reads. It lists the ids a client can use
/// now — those whose provider has a key — and honours <c>limit</c>, <c>after_id</c> and <c>before_id</c>.
/// </summary>
public static class ModelCatalog
{
    // A fixed date: the ids are configuration, not releases.
    private const string CreatedAt = "2025-01-01T00:00:00Z";
    public const int MaxLimit = 1000;

    /// <summary>The page, or the message of a 400 when the query is wrong.</summary>
    public static (ModelList? Page, string? Error) List(ModelRouter router, IQueryCollection query)
    {
        var usable = ModelDirectory.Entries(router).Where(e => e.Route.Provider.HasApiKey).Select(Describe).ToList();
        var limit = MaxLimit;
        if (query["limit"] is { Count: > 0 } limitText && (!int.TryParse(limitText.ToString(), out limit) || limit is < 1 or > MaxLimit))
            return (null, $"limit must be a whole number from 1 to {MaxLimit}; it was \"{limitText}\".");

        string? afterId = Cursor(query, "after_id"), beforeId = Cursor(query, "before_id");
        if (afterId is not null && beforeId is not null) return (null, "Use after_id or before_id, not both.");
        var start = 0;
        var end = usable.Count;
        if ((afterId ?? beforeId) is { } cursor)
        {
            var at = usable.FindIndex(m => string.Equals(m.Id, cursor, StringComparison.OrdinalIgnoreCase));
            if (at < 0) return (null, $"\"{cursor}\" is not a model this gateway lists; start again without {(afterId is null ? "before_id" : "after_id")}.");
            if (afterId is not null) start = at + 1;
            else end = at;
        }
        // before_id pages backwards: the last `limit` entries before the cursor.
        var (from, to) = beforeId is not null ? (Math.Max(start, end - limit), end) : (start, Math.Min(end, start + limit));
        var page = usable.GetRange(from, to - from);
        var hasMore = beforeId is not null ? from > start : to < end;
        return (new ModelList(page, hasMore, page.FirstOrDefault()?.Id, page.LastOrDefault()?.Id), null);
    }

    /// <summary>One id, listed or not, as long as it routes (a canonical Claude id does).</summary>
    public static ModelInfo? Find(ModelRouter router, string id)
    {
        if (ModelDirectory.Entries(router).FirstOrDefault(e => string.Equals(e.Id, id, StringComparison.OrdinalIgnoreCase)) is { } entry)
            return Describe(entry);
        return router.Resolve(id).Route is { } route
            ? new ModelInfo("model", id, $"{route.UpstreamModel} via {route.Provider.Definition.DisplayName}", CreatedAt, route.Note, ClaudeModelIds.CanonicalFamily(id), null)
            : null;
    }

    private static ModelInfo Describe(ModelEntry entry) =>
        new("model", entry.Id, entry.DisplayName, CreatedAt, entry.Description, entry.Tier, entry.Tier is null ? null : entry.IsFamilyDefault);

    private static string? Cursor(IQueryCollection query, string name) =>
        query[name] is { Count: > 0 } value && value.ToString() is { Length: > 0 } text ? text : null;
}
