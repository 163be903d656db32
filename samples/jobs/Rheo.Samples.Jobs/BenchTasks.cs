using System.ComponentModel;
using System.Text.Json.Nodes;
using Rheo.Runtime.Jobs;

namespace Rheo.Samples.Jobs;

/// <summary>Fans out to <c>count</c> copies of its input, each with its index: a load generator.</summary>
/// <param name="count">How many dictionaries to return.</param>
/// <param name="field">The field that receives the index.</param>
[JobTask("bench", "range", Description = "Fans out to 'count' copies of the input, each with its index in 'field'.")]
public sealed class RangeTask([Description("How many dictionaries to return.")] int count, [Description("The field that receives the index.")] string field = "i") : IFanOutJobTask
{
    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<JsonObject>> RunAsync(JsonObject input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var items = new JsonObject[count];
        for (var i = 0; i < count; i++)
        {
            var item = (JsonObject)input.DeepClone();
            item[field] = i;
            items[i] = item;
        }

        return ValueTask.FromResult<IReadOnlyList<JsonObject>>(items);
    }
}

/// <summary>Returns its input: the cost of a task with no work.</summary>
[JobTask("bench", "noop", Description = "Returns its input unchanged.")]
public sealed class NoopTask : IJobTask
{
    /// <inheritdoc/>
    public ValueTask<JsonObject> RunAsync(JsonObject input, CancellationToken cancellationToken) => ValueTask.FromResult(input);
}

/// <summary>Fails its first <c>failures</c> attempts on each dictionary, then passes it through: shows retries.</summary>
/// <param name="failures">Attempts that fail before one succeeds.</param>
[JobTask("demo", "flaky", Description = "Fails the first 'failures' attempts on each input with Demo.Flaky, then returns the input with 'attempts'.")]
public sealed class FlakyTask([Description("Attempts that fail before one succeeds.")] int failures = 1) : IJobTask
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public ValueTask<JsonObject> RunAsync(JsonObject input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var attempt = _attempts.AddOrUpdate(input.ToJsonString(), 1, (_, n) => n + 1);
        if (attempt <= failures)
        {
            throw new Rheo.States.StatesTaskException("Demo.Flaky", $"Attempt {attempt} of {failures + 1} fails on purpose.");
        }

        input["attempts"] = attempt;
        return ValueTask.FromResult(input);
    }
}
