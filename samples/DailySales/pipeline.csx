// Daily sales per region, as a Rheo pipeline script. Run it end to end with
//   dotnet run --project src/Rheo.Cli -- run samples/DailySales/pipeline.csx --until-idle
//
// sales        external data: one folder per region and day, complete when its _SUCCESS file lands
// targets      external reference data: each region's weekly target (shipped beside this script)
// daily        a daily timer: the day is closed
// daily_totals orders and amount per region and day                      (C# code, retried on failure)
// weekly       the last 7 days per region, once all 7 are there           (range + range check, linked to the timer)
// report       the weekly figures against the region's target             (reference input, explicit link, hooks)
// notify       sends each report to the region's sales team               (a reactor running a process command, with a retry)

using System.Globalization;
using Rheo.Core.Links;

var app = CreateApplication("daily-sales");
var landing = Path.Combine(Root, "landing", "sales");
var regions = new[] { "NA", "EU", "APAC" };
var codes = new Dictionary<string, string> { ["NA"] = "na", ["EU"] = "eu", ["APAC"] = "apac" };

var sales = app.MarshalExternalData(LocalDataset.Of(landing, "{}", "{}"), "sales",
    DimensionSpec.Of(Dimension.String("region"), Dimension.DateTime("day", DatetimeGranularity.Day, "%Y-%m-%d")),
    protocol: IntegrityProtocol.Success);
var targets = app.MarshalExternalData(LocalDataset.Of(Path.Combine(ScriptDirectory, "targets"), "{}"), "targets",
    DimensionSpec.Of(Dimension.String("region_code")), protocol: IntegrityProtocol.Success);
var daily = app.AddTimer("daily", "rate(1 day)", timeDimension: "day");

// Compute code given as text is stored with the topology: `rheo execute` in a later process runs it without this script.
var dailyTotals = app.CreateData("daily_totals", inputs: [sales["*"]["*"]], computeTargets: [ComputeTarget.CSharp("""
    var amounts = File.ReadLines(Path.Combine(Input("sales").Path, "sales.csv")).Skip(1)
        .Select(line => decimal.Parse(line.Split(',')[2], CultureInfo.InvariantCulture)).ToList();
    await File.WriteAllTextAsync(Path.Combine(Output.Path, "totals.csv"),
        $"{Dimensions["region"]},{Dimensions["day"]},{amounts.Count},{amounts.Sum().ToString(CultureInfo.InvariantCulture)}\n", CancellationToken);
    """, retryCount: 2)]);

var weekly = app.CreateData("weekly", inputs: [dailyTotals["*"].Range(-7).RangeCheck(), daily["*"]],
    pendingNodeTtl: TimeSpan.FromDays(7), computeTargets: [ComputeTarget.CSharp("""
    var days = Input("daily_totals").Paths.Select(p => File.ReadAllText(Path.Combine(p, "totals.csv")).Trim().Split(',')).ToList();
    var orders = days.Sum(d => int.Parse(d[2], CultureInfo.InvariantCulture));
    var amount = days.Sum(d => decimal.Parse(d[3], CultureInfo.InvariantCulture));
    await File.WriteAllTextAsync(Path.Combine(Output.Path, "weekly.csv"),
        $"{Dimensions["region"]},{Dimensions["day"]},{days.Count},{orders},{amount.ToString(CultureInfo.InvariantCulture)}\n", CancellationToken);
    """)]);

var report = app.CreateData("report", inputs: [weekly["*"]["*"], targets["*"].Ref],
    inputLinks: [new InputLink(targets.Dim("region_code"), DimensionMapper.Lookup(codes), weekly.Dim("region"))],
    executionHook: new ExecutionHook { OnSuccess = HookRef.Of<Published>(), OnFailure = HookRef.Of<Published>() },
    computeTargets: [ComputeTarget.CSharp("""
    var week = File.ReadAllText(Path.Combine(Input("weekly").Path, "weekly.csv")).Trim().Split(',');
    var target = decimal.Parse(File.ReadLines(Path.Combine(Input("targets").Path, "targets.csv")).Skip(1).First().Split(',')[1], CultureInfo.InvariantCulture);
    var amount = decimal.Parse(week[4], CultureInfo.InvariantCulture);
    var verdict = amount >= target ? "on target" : "below target";
    await File.WriteAllTextAsync(Path.Combine(Output.Path, "report.txt"),
        $"{week[0]} week to {week[1]}: {week[3]} orders, {amount.ToString("N2", CultureInfo.InvariantCulture)} vs target {target.ToString("N0", CultureInfo.InvariantCulture)} ({(amount / target * 100).ToString("F0", CultureInfo.InvariantCulture)}%, {verdict})", CancellationToken);
    """)]);

app.CreateData("notify", inputs: [report["*"]["*"]], computeTargets: [ComputeTarget.Process("bash",
    [Path.Combine(ScriptDirectory, "notify.sh"), "{input:report}", "{output}", "{dim:region}", "{dim:day}"], retryCount: 2)]);

// `rheo run` (not `rheo activate`) then plays a week and a day of business: each region's file lands with its
// _SUCCESS marker and is announced, and the daily timer ticks once the day's files are totalled.
OnRun(async (app, cancellationToken) =>
{
    foreach (var day in Enumerable.Range(0, 8).Select(d => new DateTime(2024, 5, 1).AddDays(d).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))
    {
        foreach (var region in regions)
        {
            var folder = Path.Combine(landing, region, day);
            Directory.CreateDirectory(folder);
            await File.WriteAllTextAsync(Path.Combine(folder, "sales.csv"), Sales(region, day), cancellationToken);
            await File.WriteAllBytesAsync(Path.Combine(folder, "_SUCCESS"), [], cancellationToken);
            await app.ProcessAsync(app["sales"][region][day], cancellationToken);
        }

        // The day closes once its files are totalled: each region's pending group then takes the tick.
        await app.WaitForIdleAsync(cancellationToken);
        await app.ProcessAsync(app["daily"][day], cancellationToken);
    }
});

// A day of orders, the same on every run: the generator is seeded by region and day.
static string Sales(string region, string day)
{
    var random = new Random(region.Aggregate(17, (h, c) => h * 31 + c) ^ day.Aggregate(23, (h, c) => h * 31 + c));
    var products = new[] { "espresso", "grinder", "kettle", "filter", "mug" };
    var lines = new List<string> { "order_id,product,amount" };
    var scale = region switch { "NA" => 60, "EU" => 45, _ => 25 };
    for (var i = 1; i <= scale + random.Next(scale / 2); i++)
    {
        lines.Add($"{region}-{day}-{i},{products[random.Next(products.Length)]},{(random.Next(500, 6000) / 100m).ToString(CultureInfo.InvariantCulture)}");
    }

    return string.Join('\n', lines) + "\n";
}

// Runs after each report execution: appends to <root>/daily-sales/published.log (RHEO_ROOT is the store root the
// command line uses), the way a team would record what was published.
public sealed class Published : IRouteHook
{
    public Task OnHookAsync(HookContext context, CancellationToken cancellationToken)
    {
        var root = Environment.GetEnvironmentVariable("RHEO_ROOT") ?? ".rheo";
        var outcome = context.Type == HookType.ExecutionSuccess ? "published" : "FAILED";
        return File.AppendAllTextAsync(Path.Combine(root, context.Application, "published.log"),
            $"{outcome} report {context.Dimensions["region"]} {context.Dimensions["day"]} (execution {context.ExecutionId})\n", cancellationToken);
    }
}
