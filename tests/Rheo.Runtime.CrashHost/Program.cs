using Rheo.Runtime;
using Rheo.Runtime.Compute;

// Usage: Rheo.Runtime.CrashHost <root> start <partitions> | <root> resume
// "start" defines and activates a 3-node chain T -> A -> B -> C and queues one timer event per day;
// "resume" only opens the application, which recovers queued events and interrupted executions.
var root = args[0];
var options = new ApplicationOptions { MaxConcurrentExecutions = 8, RetryBackoff = TimeSpan.FromMilliseconds(1), MaxRetryBackoff = TimeSpan.FromMilliseconds(10) };
await using var app = Application.Local("crash", root, options);
if (args[1] == "start")
{
    var t = app.AddTimer("T", "rate(1 day)", timeDimension: "day");
    var a = app.CreateData("A", inputs: [t], computeTargets: [ComputeTarget.Inlined<SlowCompute>()]);
    var b = app.CreateData("B", inputs: [a], computeTargets: [ComputeTarget.Inlined<SlowCompute>()]);
    app.CreateData("C", inputs: [b], computeTargets: [ComputeTarget.Inlined<SlowCompute>()]);
    await app.ActivateAsync();
    var start = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    await app.ProcessAsync([.. Enumerable.Range(0, int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture)).Select(i => t[start.AddDays(i)])]);
    Console.WriteLine("queued");
}

await app.WaitForIdleAsync();
Console.WriteLine("idle");

/// <summary>Writes a file and takes 20 ms, so a 300-day backfill lasts over two seconds at 8 at a time and a kill lands while executions run.</summary>
internal sealed class SlowCompute : IInlinedCompute
{
    public async Task ComputeAsync(ComputeContext context, CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(Path.Combine(context.Output.Path, "part-0.txt"), context.Output.NodeId, cancellationToken);
        await Task.Delay(20, cancellationToken);
    }
}
