// A step flow as a pipeline script (synergy_flow's flow definition, in C#). Activate it, then run a period:
//   dotnet run --project src/Rheo.Cli -- activate samples/StepFlows/nightly.csx
//   dotnet run --project src/Rheo.Cli -- flow run nightly --period 2024-05-01
//   dotnet run --project src/Rheo.Cli -- flow status nightly --period 2024-05-01
//
// extract ──┬── clean (pre: check the extract is there; post: notify) ──┬── publish
//           └── stats (sleeps a moment: a slow step beside clean) ─────┘
// Each step writes into its own folder for the period: <root>/nightly/data/<step>/<period>.

var app = CreateApplication("nightly");
var flow = new StepFlow("nightly") { Settings = { ["region"] = "eu" } };

var extract = flow.Step("extract", FlowAction.Shell("printf 'id,amount\\n1,10\\n2,32\\n' > rows.csv; echo \"extracted $RHEO_PERIOD for $RHEO_SETTING_REGION\""));
var clean = flow.Step("clean", FlowAction.Run<CountRows>(),
    pre: [FlowAction.Shell("test -s \"../../extract/$RHEO_PERIOD/rows.csv\"", name: "check")],
    post: [FlowAction.Shell("echo \"cleaned $RHEO_PERIOD\"", name: "notify")],
    after: [extract]);
var stats = flow.Step("stats", FlowAction.Sleep(TimeSpan.FromMilliseconds(200)), after: [extract]);
flow.Step("publish", FlowAction.Identity(), after: [clean, stats]);
app.AddStepFlow(flow);

/// <summary>Counts the extracted rows into the step's folder; defined in the script, so later commands load its compiled image.</summary>
public sealed class CountRows : IFlowAction
{
    public async Task RunAsync(FlowActionContext context, CancellationToken cancellationToken)
    {
        var rows = File.ReadLines(Path.Combine(context.Compute.Output.Path, "..", "..", "extract", context.Period, "rows.csv")).Skip(1).Count();
        await File.WriteAllTextAsync(Path.Combine(context.Compute.Output.Path, "count.txt"), rows.ToString(CultureInfo.InvariantCulture), cancellationToken);
        context.LogInfo($"{rows} row(s)");
    }
}
