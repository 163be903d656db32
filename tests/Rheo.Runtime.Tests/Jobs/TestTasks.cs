using System.ComponentModel;
using System.Text.Json.Nodes;
using Rheo.Runtime.Jobs;

namespace Rheo.Runtime.Tests.Jobs;

// Registered one by one with Add<T>() in the tests: the invalid ones below would make AddAssembly throw.
public enum Speed
{
    Fast,
    Slow,
}

/// <summary>Returns the constructor arguments it was given, to check binding.</summary>
[JobTask("test", "binding", Consumes = "any", Description = "Echoes its arguments.")]
public sealed class BindingTask(
    [Description("A mode.")] Speed speed,
    int count,
    long big,
    double ratio,
    bool enabled,
    string[] tags,
    JsonObject options,
    IReadOnlyList<int> numbers,
    string? note = null,
    int retries = 3) : IJobTask
{
    public ValueTask<JsonObject> RunAsync(JsonObject input, CancellationToken cancellationToken) => ValueTask.FromResult(new JsonObject
    {
        ["speed"] = speed.ToString(),
        ["count"] = count,
        ["big"] = big,
        ["ratio"] = ratio,
        ["enabled"] = enabled,
        ["tags"] = new JsonArray([.. tags.Select(t => (JsonNode?)t)]),
        ["options"] = options.DeepClone(),
        ["numbers"] = new JsonArray([.. numbers.Select(n => (JsonNode?)n)]),
        ["note"] = note,
        ["retries"] = retries,
    });
}

/// <summary>Counts how many of its invocations run at once.</summary>
[JobTask("test", "concurrency")]
public sealed class ConcurrencyTask : IJobTask
{
    private static int _running;

    public static int Peak { get; set; }

    public async ValueTask<JsonObject> RunAsync(JsonObject input, CancellationToken cancellationToken)
    {
        var now = Interlocked.Increment(ref _running);
        lock (typeof(ConcurrencyTask))
        {
            Peak = Math.Max(Peak, now);
        }

        for (var i = 0; i < 20; i++)
        {
            await Task.Yield();
        }

        Interlocked.Decrement(ref _running);
        return input;
    }
}

/// <summary>Returns null, which is not a dictionary.</summary>
[JobTask("test", "null")]
public sealed class NullTask : IJobTask
{
    public ValueTask<JsonObject> RunAsync(JsonObject input, CancellationToken cancellationToken) => ValueTask.FromResult<JsonObject>(null!);
}

/// <summary>Throws a plain .NET exception.</summary>
[JobTask("test", "throws")]
public sealed class ThrowingTask : IJobTask
{
    public ValueTask<JsonObject> RunAsync(JsonObject input, CancellationToken cancellationToken) => throw new InvalidOperationException("the disk is full");
}

/// <summary>Fails with an error name and no cause.</summary>
[JobTask("test", "bare-failure")]
public sealed class BareFailureTask : IJobTask
{
    public ValueTask<JsonObject> RunAsync(JsonObject input, CancellationToken cancellationToken) => throw new Rheo.States.StatesTaskException("Bare.Failure");
}

/// <summary>Its constructor throws.</summary>
[JobTask("test", "broken-constructor")]
public sealed class BrokenConstructorTask : IJobTask
{
    public BrokenConstructorTask() => throw new InvalidOperationException("no licence");

    public ValueTask<JsonObject> RunAsync(JsonObject input, CancellationToken cancellationToken) => ValueTask.FromResult(input);
}

/// <summary>Waits until cancelled; records disposal.</summary>
[JobTask("test", "hang")]
public sealed class HangingTask : IJobTask, IDisposable
{
    public static TaskCompletionSource Started { get; set; } = new();

    public static int Disposed { get; set; }

    public async ValueTask<JsonObject> RunAsync(JsonObject input, CancellationToken cancellationToken)
    {
        Started.TrySetResult();
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return input;
    }

    public void Dispose() => Disposed++;
}

/// <summary>Returns part of its input twice: nodes that already have a parent.</summary>
[JobTask("test", "split")]
public sealed class SplitTask : IFanOutJobTask
{
    public ValueTask<IReadOnlyList<JsonObject>> RunAsync(JsonObject input, CancellationToken cancellationToken)
    {
        var first = (JsonObject)input["items"]![0]!;
        return ValueTask.FromResult<IReadOnlyList<JsonObject>>([first, first]);
    }
}

[JobTask("bad", "no-interface")]
public sealed class NoInterfaceTask;

[JobTask("bad", "two-constructors")]
public sealed class TwoConstructorsTask : IJobTask
{
    public TwoConstructorsTask()
    {
    }

    public TwoConstructorsTask(int x) => _ = x;

    public ValueTask<JsonObject> RunAsync(JsonObject input, CancellationToken cancellationToken) => ValueTask.FromResult(input);
}

[JobTask("bad", "stream")]
public sealed class StreamParameterTask(Stream stream) : IJobTask
{
    public ValueTask<JsonObject> RunAsync(JsonObject input, CancellationToken cancellationToken) => ValueTask.FromResult(new JsonObject { ["length"] = stream.Length });
}

[JobTask("main", "example")]
public sealed class ImpostorExampleTask : IJobTask
{
    public ValueTask<JsonObject> RunAsync(JsonObject input, CancellationToken cancellationToken) => ValueTask.FromResult(input);
}
