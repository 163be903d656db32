using System.Collections.Concurrent;
using Rheo.Runtime.StepFlows;

namespace Rheo.Runtime.Tests.StepFlows;

/// <summary>Fails unless its file exists: the failure injected in the middle of a flow, lifted by creating the file.</summary>
public sealed class FailUnlessFileExists : IFlowAction
{
    public string Path { get; set; } = "";

    public Task RunAsync(FlowActionContext context, CancellationToken cancellationToken) =>
        File.Exists(Path) ? Task.CompletedTask : throw new InvalidOperationException($"{Path} is missing");
}

/// <summary>Appends "step.action" to a journal per flow, to check the order actions ran in.</summary>
public sealed class JournalAction : IFlowAction
{
    private static readonly ConcurrentQueue<(string Flow, string Entry)> Entries = new();

    public static List<string> For(string flow) => [.. Entries.Where(e => e.Flow == flow).Select(e => e.Entry)];

    public Task RunAsync(FlowActionContext context, CancellationToken cancellationToken)
    {
        Entries.Enqueue((context.Flow, $"{context.Step}.{context.Action}"));
        return Task.CompletedTask;
    }
}

/// <summary>Mutates its own state and writes what it saw, with the context's names, settings and credential.</summary>
public sealed class CountingAction : IFlowAction
{
    public int Count { get; set; }

    public List<string> Seen { get; set; } = [];

    public async Task RunAsync(FlowActionContext context, CancellationToken cancellationToken)
    {
        Count++;
        Seen.Add(context.Period);
        await Task.Delay(20, cancellationToken);
        var line = $"count={Count} seen={string.Join(",", Seen)} flow={context.Flow} step={context.Step} period={context.Period} region={context.Settings["region"]} token={context.Credential("token")}";
        await File.WriteAllTextAsync(System.IO.Path.Combine(context.Compute.Output.Path, "out.txt"), line, cancellationToken);
        context.LogInfo("wrote " + line);
    }
}
