using System.Diagnostics;
using System.Globalization;
using Rheo.Runtime;
using Rheo.Runtime.Compute;
using Rheo.Samples.Backfill;

// RheocerOS README example 2 in C#: a daily timer feeds A; B reads the last two days of A. Executing B for a
// day with recursive: true first runs the missing A partitions (crawling up), then B, durably on SQLite.
// The same definition, compiled, activates with `rheo activate samples/Backfill/bin/Debug/net10.0/Backfill.dll`.
var root = args.Length > 0 ? args[0] : "./.rheo";
var days = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 30;
var pipeline = new PipelineContext(root);
new BackfillPipeline().Define(pipeline);
await using var app = pipeline.Applications[0];
var (a, b) = (app["A"], app["B"]);
await app.ActivateAsync();

var today = DateTime.UtcNow.Date;
var watch = Stopwatch.StartNew();
await app.ExecuteAsync(b[today], wait: true, recursive: true);
Console.WriteLine($"B[{today:yyyy-MM-dd}] -> {(await app.PollAsync(b[today])).OutputPath}");
Console.WriteLine($"A[{today.AddDays(-1):yyyy-MM-dd}] -> {(await app.PollAsync(a[today.AddDays(-1)])).Status}");

// A backfill: the last N days of B at once, each crawling up to the A partitions it needs.
await Task.WhenAll(Enumerable.Range(1, days).Select(d => app.ExecuteAsync(b[today.AddDays(-d)], recursive: true)));
Console.WriteLine($"backfilled {days} day(s) of B in {watch.Elapsed.TotalSeconds:F2} s; B[{today.AddDays(-days):yyyy-MM-dd}] reads:");
foreach (var line in await app.LoadDataAsync(b[today.AddDays(-days)]))
{
    Console.WriteLine("  " + line);
}

await app.PauseAsync();

namespace Rheo.Samples.Backfill
{
    /// <summary>The example's application: a daily timer T, A on T, B on the last two days of A.</summary>
    public sealed class BackfillPipeline : IPipeline
    {
        public void Define(PipelineContext pipeline)
        {
            var app = pipeline.CreateApplication("backfill-1");
            var a = app.CreateData("A", inputs: [app.AddTimer("T", "rate(1 day)")], computeTargets: [ComputeTarget.NoOp]);
            app.CreateData("B", inputs: [a.Range(-2)], computeTargets: [ComputeTarget.Inlined<Summary>()]);
        }
    }

    /// <summary>Writes which A partitions (TIP first) the execution read.</summary>
    public sealed class Summary : IInlinedCompute
    {
        public Task ComputeAsync(ComputeContext context, CancellationToken cancellationToken) =>
            File.WriteAllTextAsync(Path.Combine(context.Output.Path, "summary.txt"), $"day {context.Dimensions["time"]} read A {string.Join(", ", context["A"].Partitions.Select(p => p[0]))}\n", cancellationToken);
    }
}
