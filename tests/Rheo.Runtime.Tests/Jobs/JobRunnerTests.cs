using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Rheo.Runtime.Jobs;
using Rheo.Runtime.Tests.States;
using Rheo.Samples.Jobs;
using Rheo.States.Jobs;
using Rheo.States.Tests;

namespace Rheo.Runtime.Tests.Jobs;

public sealed class JobRunnerTests
{
    private static readonly JobTaskRegistry Registry = new JobTaskRegistry()
        .AddAssembly(typeof(ExampleTask).Assembly)
        .Add<BindingTask>()
        .Add<ConcurrencyTask>()
        .Add<NullTask>()
        .Add<ThrowingTask>()
        .Add<BareFailureTask>()
        .Add<BrokenConstructorTask>()
        .Add<HangingTask>()
        .Add<SplitTask>();

    private static string FixtureText(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Jobs", "Maps", name));

    private static JobMap Fixture(string name) => JobMap.Parse(FixtureText(name), Registry.Catalog);

    private static JobMap Chain(string task, string initArgs = "{}", string content = """{"input":"x"}""", string extra = "") => JobMap.Parse(
        $$"""
        {"name":"chain","datasource":{"source":"direct","content":{{content}}},
         "tasks":[{"name":"in","type":"input"{{extra}}},{"name":"t","type":"function","namespace":"test","method":"{{task}}","init_args":{{initArgs}}},{"name":"out","type":"output"}],
         "workflow":[["in","t"],["t","out"]]}
        """,
        Registry.Catalog);

    private static Task<JobResult> RunAsync(JobMap map, JsonNode? input = null, JobRunOptions? options = null, JobRunnerOptions? runner = null, CancellationToken cancellationToken = default) =>
        new JobRunner(Registry, runner).RunAsync(map, input, options ?? new JobRunOptions { ExecutionName = "run-1" }, cancellationToken);

    private static List<string?> Field(JobOutput output, string field) => [.. output.Data.Select(d => (string?)d[field])];

    [Fact]
    public async Task The_seed_example_returns_each_output_with_id_name_and_data()
    {
        var result = await RunAsync(Fixture("example.json"));

        Assert.Equal(JobResult.Succeeded, result.Status);
        JsonEquality.AssertJson(
            """{"id":"run-1:out","type":"output","name":"out","data":[{"input":"this is our test string input This is a test!"}]}""",
            Assert.Single(result.Outputs).ToJson());
        Assert.Equal(1, result.Statistics.TaskRuns);
    }

    [Fact]
    public async Task A_branching_job_runs_both_branches()
    {
        var result = await RunAsync(Fixture("branching.json"));

        Assert.Equal(["BRANCH ME TWICE"], Field(result["loud"], "input"));
        Assert.Equal(["branch me twice"], Field(result["quiet"], "input"));
        Assert.Equal(3, result.Statistics.TaskRuns);
    }

    [Fact]
    public async Task A_multi_layer_fan_out_returns_4_times_3_results()
    {
        var result = await RunAsync(Fixture("multi-layer.json"));

        Assert.Equal(
            ["springtmax", "springtmin", "springprecip", "summertmax", "summertmin", "summerprecip", "wintertmax", "wintertmin", "winterprecip", "autumntmax", "autumntmin", "autumnprecip"],
            Field(result["combined-output"], "combined"));
        Assert.Equal(1 + 4 + 12, result.Statistics.TaskRuns);
    }

    [Fact]
    public async Task An_aggregate_reduces_every_fanned_out_result_once()
    {
        var result = await RunAsync(Fixture("aggregate.json"));

        var summary = Assert.Single(result["summary"].Data);
        Assert.Equal(12, (int)summary["count"]!);
        Assert.Equal(12, summary["combined"]!.AsArray().Count);
        Assert.Equal(12, Assert.Single(result["gathered"].Data)["items"]!.AsArray().Count);
        Assert.Equal(1 + 4 + 12 + 1, result.Statistics.TaskRuns);
    }

    [Fact]
    public async Task Retries_follow_the_policy_on_the_runners_clock()
    {
        var time = new FakeTimeProvider { AutoAdvance = true };

        var result = await RunAsync(Fixture("retry.json"), JsonNode.Parse("""{"n":1}"""), runner: new JobRunnerOptions { TimeProvider = time });

        Assert.Equal(JobResult.Succeeded, result.Status);
        Assert.Equal(3, (int)Assert.Single(result["out"].Data)["attempts"]!);
        Assert.Equal((3, 2, 2), (result.Statistics.TaskRuns, result.Statistics.TaskFailures, result.Statistics.Retries));
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], time.Requested);
    }

    [Fact]
    public async Task Every_fanned_out_dictionary_is_retried_on_its_own()
    {
        var result = await RunAsync(Fixture("retry.json"), runner: new JobRunnerOptions { TimeProvider = new FakeTimeProvider { AutoAdvance = true } });

        Assert.Equal([3, 3], result["out"].Data.Select(d => (int)d["attempts"]!));
        Assert.Equal((6, 4, 4), (result.Statistics.TaskRuns, result.Statistics.TaskFailures, result.Statistics.Retries));
    }

    [Fact]
    public async Task A_failure_past_the_retries_fails_the_job_and_names_the_task()
    {
        var strict = JobMap.Parse(FixtureText("retry.json").Replace("\"failures\": 2", "\"failures\": 5", StringComparison.Ordinal), Registry.Catalog);

        var result = await RunAsync(strict, runner: new JobRunnerOptions { TimeProvider = new FakeTimeProvider { AutoAdvance = true } });

        Assert.Equal(JobResult.Failed, result.Status);
        Assert.Equal("Demo.Flaky", result.Error);
        Assert.Equal("flaky", result.FailedTask);
        Assert.Empty(result.Outputs);
    }

    [Fact]
    public async Task Caught_failures_go_to_the_handler_task_or_into_the_errors()
    {
        var result = await RunAsync(Fixture("catch.json"));

        Assert.Equal(JobResult.Succeeded, result.Status);
        Assert.Equal(["spring", "autumn"], Field(result["forecasts"], "season"));
        Assert.Equal("Climate.NoData", (string?)Assert.Single(result["missing"].Data)["error"]!["Error"]);
        Assert.Equal(new JobError("strict", "Climate.NoData", "No forecast for season 'summer'."), Assert.Single(result.Errors));
    }

    [Fact]
    public async Task A_plain_exception_fails_with_its_type_name_and_message()
    {
        var result = await RunAsync(Chain("throws"));

        Assert.Equal(JobResult.Failed, result.Status);
        Assert.Equal("InvalidOperationException", result.Error);
        Assert.Contains("the disk is full", result.Cause, StringComparison.Ordinal);
        Assert.Equal("t", result.FailedTask);
    }

    [Fact]
    public async Task A_failure_without_a_cause_still_names_its_task()
    {
        var result = await RunAsync(Chain("bare-failure"));

        Assert.Equal(("Bare.Failure", "t"), (result.Error, result.FailedTask));
    }

    [Fact]
    public async Task A_task_that_returns_null_fails_with_InvalidOutput()
    {
        var result = await RunAsync(Chain("null"));

        Assert.Equal(JobRunner.InvalidOutputError, result.Error);
    }

    [Fact]
    public async Task A_constructor_that_throws_fails_the_job_before_any_task_runs()
    {
        var result = await RunAsync(Chain("broken-constructor"));

        Assert.Equal((JobResult.Failed, JobRunner.TaskCreationError, "t"), (result.Status, result.Error, result.FailedTask));
        Assert.Contains("no licence", result.Cause, StringComparison.Ordinal);
        Assert.Equal(0, result.Statistics.TaskRuns);
    }

    [Fact]
    public async Task A_task_may_return_parts_of_its_input_more_than_once()
    {
        var result = await RunAsync(Chain("split", content: """{"items":[{"a":1}]}"""));

        JsonEquality.AssertJson("""[{"a":1},{"a":1}]""", new JsonArray([.. result["out"].Data.Select(d => (JsonNode?)d.DeepClone())]));
    }

    [Fact]
    public async Task Init_args_reach_the_task_through_the_map()
    {
        var result = await RunAsync(Chain("binding", """{"speed":"Fast","count":1,"big":2,"ratio":1.5,"enabled":false,"tags":[],"options":{},"numbers":[],"note":"hi"}"""));

        JsonEquality.AssertJson(
            """{"speed":"Fast","count":1,"big":2,"ratio":1.5,"enabled":false,"tags":[],"options":{},"numbers":[],"note":"hi","retries":3}""",
            Assert.Single(result["out"].Data));
    }

    [Fact]
    public async Task Max_concurrency_bounds_how_many_fanned_out_dictionaries_run_at_once()
    {
        ConcurrencyTask.Peak = 0;
        var items = new JsonArray([.. Enumerable.Range(0, 16).Select(i => (JsonNode?)new JsonObject { ["i"] = i })]);

        var result = await RunAsync(Chain("concurrency", content: items.ToJsonString(), extra: ",\"max_concurrency\":1"));

        Assert.Equal(16, result["out"].Data.Count);
        Assert.Equal(1, ConcurrencyTask.Peak);
    }

    [Fact]
    public async Task Given_input_replaces_the_datasource()
    {
        var result = await RunAsync(Fixture("example.json"), JsonNode.Parse("""[{"input":"a"},{"input":"b"}]"""));

        Assert.Equal(["a This is a test!", "b This is a test!"], Field(result["out"], "input"));
    }

    [Fact]
    public async Task Input_that_is_not_a_dictionary_is_START_FAILED()
    {
        var result = await RunAsync(Fixture("example.json"), JsonNode.Parse("[1]"));

        Assert.Equal(JobResult.StartFailed, result.Status);
        Assert.Contains("element 0 is the number 1", result.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_datasource_is_read_relative_to_the_base_directory()
    {
        var dir = Directory.CreateTempSubdirectory("rheo-job-tests").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "input.json"), """[{"input":"from a file"}]""");
            var map = JobMap.Parse(
                """
                {"name":"from a file","datasource":{"source":"file","path":"input.json"},
                 "tasks":[{"name":"in","type":"input"},{"name":"example","type":"function","namespace":"main","method":"example","init_args":{"example_property":"This is a test!"}},{"name":"out","type":"output"}],
                 "workflow":[["in","example"],["example","out"]]}
                """,
                Registry.Catalog);

            var result = await RunAsync(map, options: new JobRunOptions { BaseDirectory = dir });
            var missing = await RunAsync(map, options: new JobRunOptions { BaseDirectory = Path.Combine(dir, "elsewhere") });

            Assert.Equal(["from a file This is a test!"], Field(result["out"], "input"));
            Assert.Equal(JobResult.StartFailed, missing.Status);
            Assert.Contains("JOB005 error at $.datasource.path", missing.Cause, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task The_climate_sample_fans_out_retries_catches_and_aggregates()
    {
        var samples = Path.Combine(AppContext.BaseDirectory, "Samples");
        var map = JobMap.Parse(File.ReadAllText(Path.Combine(samples, "climate.json")), Registry.Catalog);
        var time = new FakeTimeProvider { AutoAdvance = true };

        var result = await RunAsync(map, options: new JobRunOptions { BaseDirectory = samples }, runner: new JobRunnerOptions { TimeProvider = time });

        Assert.Equal(JobResult.Succeeded, result.Status);
        Assert.Equal(9, result["combined-output"].Data.Count);
        Assert.Equal(9, (int)Assert.Single(result["summary"].Data)["count"]!);
        Assert.Equal("winter", (string?)Assert.Single(result["no-forecast"].Data)["season"]);
        Assert.Equal(9, result.Statistics.Retries);
    }

    [Fact]
    public async Task Progress_reports_every_invocation_as_it_starts_and_ends()
    {
        var events = new List<JobEvent>();
        var progress = new SynchronousProgress(e =>
        {
            lock (events)
            {
                events.Add(e);
            }
        });

        await RunAsync(Fixture("multi-layer.json"), options: new JobRunOptions { Progress = progress });

        Assert.Equal(17, events.Count(e => e.Kind == JobEventKind.TaskStarted));
        Assert.Equal(17, events.Count(e => e.Kind == JobEventKind.TaskSucceeded));
        Assert.Equal(4, events.Single(e => e.Task == "seasons" && e.Kind == JobEventKind.TaskSucceeded).Items);
    }

    [Fact]
    public async Task Cancelling_aborts_the_run_and_disposes_the_tasks()
    {
        HangingTask.Started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        HangingTask.Disposed = 0;
        using var cancellation = new CancellationTokenSource();

        var run = RunAsync(Chain("hang"), cancellationToken: cancellation.Token);
        await HangingTask.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await cancellation.CancelAsync();
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("ABORTED", result.Status);
        Assert.Equal(1, HangingTask.Disposed);
    }

    [Fact]
    public async Task A_windowed_aggregate_continues_once_per_window_of_what_it_gathered()
    {
        var map = JobMap.Parse(
            """
            {"name":"windows","datasource":{"source":"direct","content":{"input":"x"}},
             "tasks":[{"name":"in","type":"input"},
                      {"name":"ten","type":"function","namespace":"bench","method":"range","init_args":{"count":10}},
                      {"name":"batch","type":"aggregate","window":{"size":4}},
                      {"name":"out","type":"output"}],
             "workflow":[["in","ten"],["ten","batch"],["batch","out"]]}
            """,
            Registry.Catalog);

        var result = await RunAsync(map);

        Assert.Equal(JobResult.Succeeded, result.Status);
        var windows = result["out"].Data.OrderBy(w => (int)w["window"]!).ToList();
        Assert.Equal([0, 1, 2], windows.Select(w => (int)w["window"]!));
        Assert.Equal([4, 4, 2], windows.Select(w => w["items"]!.AsArray().Count));
        Assert.Equal(Enumerable.Range(0, 10), windows.SelectMany(w => w["items"]!.AsArray().Select(i => (int)i!["i"]!)).Order());
    }

    [Fact]
    public async Task A_task_over_its_timeout_fails_with_States_Timeout_which_a_catch_handles()
    {
        HangingTask.Started = new TaskCompletionSource();
        var timed = JobMap.Parse(
            """
            {"name":"slow","datasource":{"source":"direct","content":{"input":"x"}},
             "tasks":[{"name":"in","type":"input"},
                      {"name":"t","type":"function","namespace":"test","method":"hang","timeout_seconds":1,"catch":[{"errors":["States.Timeout"]}]},
                      {"name":"out","type":"output"}],
             "workflow":[["in","t"],["t","out"]]}
            """,
            Registry.Catalog);

        var result = await RunAsync(timed);

        Assert.Equal(JobResult.Succeeded, result.Status);
        Assert.Empty(result["out"].Data);
        Assert.Equal(("t", "States.Timeout"), (Assert.Single(result.Errors).Task, result.Errors[0].Error));
    }

    [Fact]
    public async Task The_result_serializes_to_one_JSON_line()
    {
        var result = await RunAsync(Fixture("catch.json"));

        var json = JsonNode.Parse(result.ToJsonLine())!;

        Assert.Equal("SUCCEEDED", (string?)json["status"]);
        Assert.Equal(["forecasts", "missing"], json["outputs"]!.AsArray().Select(o => (string?)o!["name"]));
        Assert.Equal("strict", (string?)json["errors"]![0]!["task"]);
        Assert.Equal(1 + 4 + 3, (int)json["statistics"]!["task_runs"]!);
    }

    [Fact]
    public async Task A_run_logs_its_start_its_task_failures_and_its_end()
    {
        var logger = new ListLogger();

        await RunAsync(Fixture("catch.json"), runner: new JobRunnerOptions { Logger = logger });

        var entries = logger.Entries;
        Assert.Equal(1300, entries[0].Id);
        Assert.Equal(2, entries.Count(e => e.Id == 1302 && e.Level == LogLevel.Warning));
        Assert.Contains(entries, e => e.Id == 1302 && e.Message.Contains("task strict attempt 0 failed: Climate.NoData", StringComparison.Ordinal));
        Assert.Equal(6, entries.Count(e => e.Id == 1303));
        Assert.StartsWith("Job Catch: run run-1 SUCCEEDED in ", entries[^1].Message, StringComparison.Ordinal);
        Assert.EndsWith("8 task run(s), 2 failed, 0 retried, 1 caught", entries[^1].Message, StringComparison.Ordinal);
    }

    private sealed class SynchronousProgress(Action<JobEvent> report) : IProgress<JobEvent>
    {
        public void Report(JobEvent value) => report(value);
    }

    private sealed class ListLogger : ILogger
    {
        private readonly List<(int Id, LogLevel Level, string Message)> _entries = [];

        public List<(int Id, LogLevel Level, string Message)> Entries
        {
            get
            {
                lock (_entries)
                {
                    return [.. _entries];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_entries)
            {
                _entries.Add((eventId.Id, logLevel, formatter(state, exception)));
            }
        }
    }
}
