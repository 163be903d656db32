using System.ComponentModel;
using System.Text.Json.Nodes;
using Rheo.Runtime.Jobs;

namespace Rheo.Samples.Jobs;

/// <summary>Fans a request out to one dictionary per season (the seed's multi-layer example, first level).</summary>
/// <param name="seasons">The seasons to fan out to.</param>
[JobTask("climate", "seasons", Produces = "season", Description = "One dictionary per season: {\"season\"}.")]
public sealed class SeasonsTask([Description("The seasons, in order.")] string[]? seasons = null) : IFanOutJobTask
{
    private readonly string[] _seasons = seasons ?? ["spring", "summer", "winter", "autumn"];

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<JsonObject>> RunAsync(JsonObject input, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<JsonObject>>([.. _seasons.Select(s => new JsonObject { ["season"] = s })]);
}

/// <summary>Fans a season out to one dictionary per variable (second level).</summary>
/// <param name="variables">The variables to fan out to.</param>
[JobTask("climate", "variables", Consumes = "season", Produces = "variable", Description = "One dictionary per variable of a season: {\"season\", \"variable\"}.")]
public sealed class VariablesTask([Description("The variables, in order.")] string[]? variables = null) : IFanOutJobTask
{
    private readonly string[] _variables = variables ?? ["tmax", "tmin", "precip"];

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<JsonObject>> RunAsync(JsonObject input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var season = (string?)input["season"];
        return ValueTask.FromResult<IReadOnlyList<JsonObject>>([.. _variables.Select(v => new JsonObject { ["season"] = season, ["variable"] = v })]);
    }
}

/// <summary>Combines a season and a variable into one name.</summary>
[JobTask("climate", "combine", Consumes = "variable", Produces = "combined", Description = "{\"combined\": season + variable}.")]
public sealed class CombineTask : IJobTask
{
    /// <inheritdoc/>
    public ValueTask<JsonObject> RunAsync(JsonObject input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ValueTask.FromResult(new JsonObject { ["combined"] = $"{(string?)input["season"]}{(string?)input["variable"]}" });
    }
}

/// <summary>Reduces the gathered combinations of an aggregate to a count and a sorted list.</summary>
[JobTask("climate", "summarize", Produces = "summary", Description = "Reduces an aggregate's {\"items\"} to {\"count\", \"combined\"} (sorted).")]
public sealed class SummarizeTask : IJobTask
{
    /// <inheritdoc/>
    public ValueTask<JsonObject> RunAsync(JsonObject input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var names = (input["items"] as JsonArray ?? []).Select(i => (string?)i?["combined"]).OfType<string>().Order(StringComparer.Ordinal).ToList();
        return ValueTask.FromResult(new JsonObject { ["count"] = names.Count, ["combined"] = new JsonArray([.. names.Select(n => (JsonNode?)n)]) });
    }
}

/// <summary>Fails for one value of a field, passing everything else through: a stand-in for a task that can fail.</summary>
/// <param name="field">The field to look at.</param>
/// <param name="value">The value that makes it fail.</param>
[JobTask("climate", "forecast", Consumes = "season", Produces = "season", Description = "Passes a season through, failing with Climate.NoData for the season in 'value'.")]
public sealed class ForecastTask([Description("The field to look at.")] string field, [Description("The value that fails.")] string value) : IJobTask
{
    /// <inheritdoc/>
    public ValueTask<JsonObject> RunAsync(JsonObject input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return (string?)input[field] == value
            ? throw new Rheo.States.StatesTaskException("Climate.NoData", $"No forecast for {field} '{value}'.")
            : ValueTask.FromResult(input);
    }
}
