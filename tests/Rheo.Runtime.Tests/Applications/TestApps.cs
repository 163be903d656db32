using System.Collections.Concurrent;
using Rheo.Runtime.Compute;
using Rheo.Runtime.Hooks;
using Rheo.Runtime.Storage;

namespace Rheo.Runtime.Tests.Applications;

/// <summary>A temporary application root, deleted afterwards.</summary>
internal sealed class TempRoot : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("rheo-test-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal static class TestApps
{
    public static ApplicationOptions Fast(TimeProvider? time = null) => new()
    {
        RetryBackoff = TimeSpan.FromMilliseconds(1),
        MaxRetryBackoff = TimeSpan.FromMilliseconds(5),
        RangeCheckInterval = TimeSpan.FromMilliseconds(50),
        TimeProvider = time ?? TimeProvider.System,
    };

    public static Application InMemory(TempRoot root, string name = "app", ApplicationOptions? options = null, IRheoStore? store = null) =>
        Application.Create(name, store ?? new InMemoryRheoStore(), root.Path, options ?? Fast());
}

/// <summary>Records what compute classes and hooks saw, per test (keyed by application root).</summary>
internal static class Journal
{
    private static readonly ConcurrentQueue<string> Entries = new();

    public static void Add(string entry) => Entries.Enqueue(entry);

    public static List<string> For(string application) => [.. Entries.Where(e => e.StartsWith(application + ":", StringComparison.Ordinal)).Select(e => e[(application.Length + 1)..])];
}

/// <summary>Writes one line per input with its TIP path and partition count.</summary>
public sealed class WriteInputsCompute : IInlinedCompute
{
    public async Task ComputeAsync(ComputeContext context, CancellationToken cancellationToken)
    {
        var lines = context.Inputs.Select(i => $"{i.Name} {string.Join("|", i.Partitions.Select(p => string.Join("/", p)))}");
        await File.WriteAllLinesAsync(Path.Combine(context.Output.Path, "part-0.txt"), lines, cancellationToken);
        Journal.Add($"{context.Application}:compute {context.Output.NodeId} {string.Join("/", context.Dimensions.Values)}");
    }
}

/// <summary>Fails the first two attempts, then succeeds.</summary>
public sealed class FlakyCompute : IInlinedCompute
{
    private static readonly ConcurrentDictionary<string, int> Attempts = new();

    public Task ComputeAsync(ComputeContext context, CancellationToken cancellationToken)
    {
        var n = Attempts.AddOrUpdate(context.Application + context.Output.Path, 1, (_, v) => v + 1);
        return n <= 2 ? throw new InvalidOperationException($"attempt {n} fails") : Task.CompletedTask;
    }
}

/// <summary>Always throws the retryable error twice, then succeeds.</summary>
public sealed class BusyCompute : IInlinedCompute
{
    private static readonly ConcurrentDictionary<string, int> Attempts = new();

    public Task ComputeAsync(ComputeContext context, CancellationToken cancellationToken)
    {
        var n = Attempts.AddOrUpdate(context.Application + context.Output.Path, 1, (_, v) => v + 1);
        return n <= 2 ? throw new RetryableComputeException("busy") : Task.CompletedTask;
    }
}

/// <summary>Always fails.</summary>
public sealed class FailingCompute : IInlinedCompute
{
    public Task ComputeAsync(ComputeContext context, CancellationToken cancellationToken) => throw new InvalidOperationException("broken on purpose");
}

/// <summary>Runs until cancelled.</summary>
public sealed class BlockingCompute : IInlinedCompute
{
    public async Task ComputeAsync(ComputeContext context, CancellationToken cancellationToken)
    {
        Journal.Add($"{context.Application}:blocking started");
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }
}

/// <summary>Journals every hook call.</summary>
public sealed class JournalHook : IRouteHook
{
    public Task OnHookAsync(HookContext context, CancellationToken cancellationToken)
    {
        Journal.Add($"{context.Application}:{HookTypes.MetricName(context.Type)} {context.RouteId} {string.Join("/", context.Dimensions.Values)}{(context.Checkpoint is { } c ? " @" + c.TotalSeconds : string.Empty)}");
        return Task.CompletedTask;
    }
}
