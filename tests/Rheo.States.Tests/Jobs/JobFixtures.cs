using System.Text.Json.Nodes;
using Rheo.States.Execution;
using Rheo.States.Jobs;
using Rheo.States.Tests.Execution;

namespace Rheo.States.Tests.Jobs;

/// <summary>The task definitions the fixture maps name (the sample tasks, described as data) and a way to run a compiled job.</summary>
internal static class JobFixtures
{
    public static readonly JobTaskCatalog Catalog = new(
    [
        new JobTaskDefinition("main", "example", "string", "string", "Appends example_property.", false, [new JobTaskParameter("example_property", "string", true)]),
        new JobTaskDefinition("text", "shout", "string", "string", null, false, []),
        new JobTaskDefinition("text", "whisper", "string", "string", null, false, []),
        new JobTaskDefinition("climate", "seasons", null, "season", null, true, [new JobTaskParameter("seasons", "array", false) { Items = "string", Nullable = true }]),
        new JobTaskDefinition("climate", "variables", "season", "variable", null, true, [new JobTaskParameter("variables", "array", false) { Items = "string", Nullable = true }]),
        new JobTaskDefinition("climate", "combine", "variable", "combined", null, false, []),
        new JobTaskDefinition("climate", "summarize", null, "summary", null, false, []),
        new JobTaskDefinition("climate", "forecast", "season", "season", null, false, [new JobTaskParameter("field", "string", true), new JobTaskParameter("value", "string", true)]),
        new JobTaskDefinition("demo", "flaky", null, null, null, false, [new JobTaskParameter("failures", "integer", false) { Minimum = int.MinValue, Maximum = int.MaxValue }]),
        new JobTaskDefinition("demo", "modes", null, null, null, false,
        [
            new JobTaskParameter("mode", "string", true) { AllowedValues = ["Fast", "Slow"] },
            new JobTaskParameter("count", "integer", false) { Minimum = int.MinValue, Maximum = int.MaxValue },
            new JobTaskParameter("ratio", "number", false),
            new JobTaskParameter("enabled", "boolean", false),
            new JobTaskParameter("tags", "array", false) { Items = "string" },
            new JobTaskParameter("options", "object", false),
        ]),
    ]);

    public static string Map(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Jobs", "Maps", name));

    public static JobMap Parse(string name) => JobMap.Parse(Map(name), Catalog);

    /// <summary>Runs a compiled job on the virtual driver: each Task state answers with the fake behavior of its task.</summary>
    public static ExecutionState Run(JobMap map, Func<JobTask, JsonObject, int, JsonNode> behavior, JsonNode? input = null, List<(string Task, int Attempt)>? calls = null)
    {
        var driver = new VirtualDriver(map.StateMachine, invoke =>
        {
            var task = map[invoke.Resource[JobMap.ResourcePrefix.Length..]];
            calls?.Add((task.Name, invoke.Attempt));

            try
            {
                return new TaskSucceeded(invoke.InvocationId, behavior(task, (JsonObject)invoke.Input!.DeepClone(), invoke.Attempt));
            }
            catch (StatesTaskException e)
            {
                return new TaskFailed(invoke.InvocationId, e.Error, e.Cause);
            }
        });
        var content = input ?? ((DirectDatasource)map.Datasource).Content;
        return driver.Run(JobMap.StateMachineInput(content));
    }

    /// <summary>What the sample tasks do, enough for the fixture maps.</summary>
    public static JsonNode Sample(JobTask task, JsonObject input, int attempt)
    {
        switch (task.Definition!.QualifiedName)
        {
            case "main.example":
                return new JsonObject { ["input"] = $"{(string?)input["input"]} {(string?)task.InitArgs["example_property"]}" };
            case "text.shout":
                return new JsonObject { ["input"] = ((string?)input["input"])!.ToUpperInvariant() };
            case "text.whisper":
                return new JsonObject { ["input"] = ((string?)input["input"])!.ToLowerInvariant() };
            case "climate.seasons":
                return new JsonArray([.. new[] { "spring", "summer", "winter", "autumn" }.Select(s => (JsonNode?)new JsonObject { ["season"] = s })]);
            case "climate.variables":
                return new JsonArray([.. new[] { "tmax", "tmin", "precip" }.Select(v => (JsonNode?)new JsonObject { ["season"] = input["season"]!.DeepClone(), ["variable"] = v })]);
            case "climate.combine":
                return new JsonObject { ["combined"] = $"{(string?)input["season"]}{(string?)input["variable"]}" };
            case "climate.summarize":
                return new JsonObject { ["count"] = ((JsonArray)input["items"]!).Count };
            case "climate.forecast":
                return (string?)input[(string)task.InitArgs["field"]!] == (string?)task.InitArgs["value"]
                    ? throw new StatesTaskException("Climate.NoData", $"No forecast for {(string?)task.InitArgs["value"]}.")
                    : input;
            case "demo.flaky":
                return attempt < (int)task.InitArgs["failures"]! ? throw new StatesTaskException("Demo.Flaky", "on purpose") : input;
            default:
                throw new InvalidOperationException(task.Definition.QualifiedName);
        }
    }
}
