using System.ComponentModel;
using System.Text.Json.Nodes;
using Rheo.Runtime.Jobs;

namespace Rheo.Samples.Jobs;

/// <summary>The seed's <c>main.example</c>: appends its property to the input string.</summary>
/// <param name="exampleProperty">Text appended to the input.</param>
[JobTask("main", "example", Consumes = "string", Produces = "string", Description = "Appends example_property to the 'input' string.")]
public sealed class ExampleTask([Description("Text appended to the input.")] string exampleProperty) : IJobTask
{
    /// <inheritdoc/>
    public ValueTask<JsonObject> RunAsync(JsonObject input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var text = (string?)input["input"] ?? string.Empty;
        return ValueTask.FromResult(new JsonObject { ["input"] = $"{text} {exampleProperty}" });
    }
}

/// <summary>Upper-cases the 'input' string.</summary>
[JobTask("text", "shout", Consumes = "string", Produces = "string", Description = "Upper-cases the 'input' string.")]
public sealed class ShoutTask : IJobTask
{
    /// <inheritdoc/>
    public ValueTask<JsonObject> RunAsync(JsonObject input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ValueTask.FromResult(new JsonObject { ["input"] = ((string?)input["input"] ?? string.Empty).ToUpperInvariant() });
    }
}

/// <summary>Lower-cases the 'input' string.</summary>
[JobTask("text", "whisper", Consumes = "string", Produces = "string", Description = "Lower-cases the 'input' string.")]
public sealed class WhisperTask : IJobTask
{
    /// <inheritdoc/>
    public ValueTask<JsonObject> RunAsync(JsonObject input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ValueTask.FromResult(new JsonObject { ["input"] = ((string?)input["input"] ?? string.Empty).ToLowerInvariant() });
    }
}
