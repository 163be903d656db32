using Rheo.States.Jobs;
using Rheo.States.Validation;

namespace Rheo.States.Tests.Jobs;

public sealed class JobMapValidationTests
{
    private const string Datasource = """{"source":"direct","content":{"input":"x"}}""";

    private static string Job(string tasks, string workflow, string datasource = Datasource) =>
        $$"""{"name":"j","datasource":{{datasource}},"tasks":[{{tasks}}],"workflow":[{{workflow}}]}""";

    private static string Simple(string function) => Job(
        $$"""{"name":"in","type":"input"},{{function}},{"name":"out","type":"output"}""",
        """["in","f"],["f","out"]""");

    private static IReadOnlyList<Diagnostic> Validate(string json) => JobMap.Validate(json, JobFixtures.Catalog);

    private static Diagnostic AssertDiagnostic(string json, string code, string location, string? messagePart = null)
    {
        var diagnostics = Validate(json);
        var found = diagnostics.FirstOrDefault(d => d.Code == code && d.Location == location);
        Assert.True(found is not null, $"expected {code} at {location}; got:\n{string.Join("\n", diagnostics)}");
        if (messagePart is not null)
        {
            Assert.Contains(messagePart, found.Message, StringComparison.Ordinal);
        }

        return found;
    }

    [Fact]
    public void Every_fixture_map_is_valid()
    {
        foreach (var name in new[] { "example.json", "branching.json", "multi-layer.json", "aggregate.json", "retry.json", "catch.json" })
        {
            Assert.Empty(Validate(JobFixtures.Map(name)));
        }
    }

    [Fact]
    public void Text_that_is_not_JSON_is_JOB001()
    {
        AssertDiagnostic("{\"name\":", JobDiagnosticCodes.InvalidJson, "$");
        AssertDiagnostic("[1]", JobDiagnosticCodes.InvalidJson, "$", "must be a JSON object");
    }

    [Fact]
    public void Missing_top_level_fields_are_each_JOB002()
    {
        var diagnostics = Validate("{}");

        Assert.Equal(["$.name", "$.datasource", "$.tasks", "$.workflow"], diagnostics.Where(d => d.Code == JobDiagnosticCodes.MissingField).Select(d => d.Location));
    }

    [Fact]
    public void A_function_task_without_namespace_and_method_is_JOB002_for_each()
    {
        var json = Simple("""{"name":"f","type":"function"}""");

        AssertDiagnostic(json, JobDiagnosticCodes.MissingField, "$.tasks[1].method");
        AssertDiagnostic(json, JobDiagnosticCodes.MissingField, "$.tasks[1].namespace");
    }

    [Fact]
    public void A_field_of_the_wrong_type_is_JOB003()
    {
        AssertDiagnostic(Job("""{"name":1,"type":"input"}""", ""), JobDiagnosticCodes.WrongType, "$.tasks[0].name", "must be a string");
        AssertDiagnostic("""{"name":"j","datasource":{"source":"direct","content":{}},"tasks":{},"workflow":[]}""", JobDiagnosticCodes.WrongType, "$.tasks");
    }

    [Fact]
    public void An_unknown_field_is_a_JOB004_warning_and_the_map_still_parses()
    {
        var json = JobFixtures.Map("example.json").Replace("\"name\":\"in\",", "\"name\":\"in\", \"colour\": \"blue\",", StringComparison.Ordinal);

        var diagnostic = AssertDiagnostic(json, JobDiagnosticCodes.UnknownField, "$.tasks[0].colour", "known fields are");

        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.True(JobMap.TryParse(json, JobFixtures.Catalog, out var map, out _));
        Assert.Single(map!.Warnings);
    }

    [Fact]
    public void A_bad_datasource_is_JOB005()
    {
        const string tasks = """{"name":"in","type":"input"},{"name":"out","type":"output"}""";
        const string workflow = """["in","out"]""";

        AssertDiagnostic(Job(tasks, workflow, """{"source":"ftp"}"""), JobDiagnosticCodes.InvalidDatasource, "$.datasource.source", "valid sources are \"direct\" and \"file\"");
        AssertDiagnostic(Job(tasks, workflow, """{"source":"direct"}"""), JobDiagnosticCodes.InvalidDatasource, "$.datasource.content");
        AssertDiagnostic(Job(tasks, workflow, """{"source":"direct","content":"text"}"""), JobDiagnosticCodes.InvalidDatasource, "$.datasource.content", "a dictionary");
        AssertDiagnostic(Job(tasks, workflow, """{"source":"direct","content":[{},3]}"""), JobDiagnosticCodes.InvalidDatasource, "$.datasource.content", "element 1");
        AssertDiagnostic(Job(tasks, workflow, """[{"source":"direct","content":{}},{"source":"direct","content":{}}]"""), JobDiagnosticCodes.InvalidDatasource, "$.datasource", "exactly one datasource");
        AssertDiagnostic(Job(tasks, workflow, """{"source":"file"}"""), JobDiagnosticCodes.MissingField, "$.datasource.path");
    }

    [Fact]
    public void A_file_datasource_parses_with_its_path()
    {
        var json = Job("""{"name":"in","type":"input"},{"name":"out","type":"output"}""", """["in","out"]""", """{"source":"file","path":"data/input.json"}""");

        var map = JobMap.Parse(json, JobFixtures.Catalog);

        Assert.Equal(new FileDatasource("data/input.json"), map.Datasource);
    }

    [Fact]
    public void No_input_task_or_two_are_JOB006()
    {
        AssertDiagnostic(Job("""{"name":"out","type":"output"}""", ""), JobDiagnosticCodes.InputCount, "$.tasks", "no input task");
        AssertDiagnostic(Job("""{"name":"a","type":"input"},{"name":"b","type":"input"},{"name":"out","type":"output"}""", """["a","out"],["b","out"]"""), JobDiagnosticCodes.InputCount, "$.tasks[1].type", "2 input tasks");
    }

    [Fact]
    public void An_unknown_task_type_is_JOB007_with_the_valid_types()
    {
        AssertDiagnostic(Simple("""{"name":"f","type":"lambda"}"""), JobDiagnosticCodes.UnknownTaskType, "$.tasks[1].type", "\"input\", \"function\", \"output\", \"aggregate\"");
    }

    [Fact]
    public void A_duplicate_or_empty_task_name_is_JOB008()
    {
        AssertDiagnostic(Job("""{"name":"in","type":"input"},{"name":"out","type":"output"},{"name":"out","type":"output"}""", """["in","out"]"""), JobDiagnosticCodes.DuplicateTaskName, "$.tasks[2].name");
        AssertDiagnostic(Job("""{"name":"in","type":"input"},{"name":"","type":"output"}""", ""), JobDiagnosticCodes.DuplicateTaskName, "$.tasks[1].name", "must not be empty");
    }

    [Fact]
    public void An_unknown_namespace_is_JOB009_with_the_known_ones()
    {
        AssertDiagnostic(Simple("""{"name":"f","type":"function","namespace":"nope","method":"example"}"""), JobDiagnosticCodes.UnknownNamespace, "$.tasks[1].namespace", "\"climate\", \"demo\", \"main\", \"text\"");
    }

    [Fact]
    public void An_unknown_task_in_a_namespace_is_JOB010_with_its_tasks()
    {
        AssertDiagnostic(Simple("""{"name":"f","type":"function","namespace":"text","method":"mumble"}"""), JobDiagnosticCodes.UnknownTask, "$.tasks[1].method", "\"shout\", \"whisper\"");
    }

    [Fact]
    public void An_unknown_init_arg_is_JOB011_with_the_valid_ones()
    {
        AssertDiagnostic(
            Simple("""{"name":"f","type":"function","namespace":"main","method":"example","init_args":{"example_property":"x","colour":"red"}}"""),
            JobDiagnosticCodes.UnknownInitArg,
            "$.tasks[1].init_args.colour",
            "valid arguments are 'example_property'");
    }

    [Fact]
    public void A_missing_required_init_arg_is_JOB012()
    {
        AssertDiagnostic(Simple("""{"name":"f","type":"function","namespace":"main","method":"example"}"""), JobDiagnosticCodes.MissingInitArg, "$.tasks[1]", "'example_property'");
        AssertDiagnostic(Simple("""{"name":"f","type":"function","namespace":"main","method":"example","init_args":{}}"""), JobDiagnosticCodes.MissingInitArg, "$.tasks[1].init_args");
    }

    [Theory]
    [InlineData("\"mode\":\"Medium\"", "mode", "valid values are \"Fast\", \"Slow\"")]
    [InlineData("\"mode\":3", "mode", "must be a string but is the number 3")]
    [InlineData("\"mode\":\"Fast\",\"count\":1.5", "count", "must be an integer")]
    [InlineData("\"mode\":\"Fast\",\"count\":3000000000", "count", "outside")]
    [InlineData("\"mode\":\"Fast\",\"ratio\":\"half\"", "ratio", "must be a number")]
    [InlineData("\"mode\":\"Fast\",\"enabled\":\"yes\"", "enabled", "must be a boolean")]
    [InlineData("\"mode\":\"Fast\",\"tags\":[\"a\",2]", "tags", "'tags[1]' must be a string")]
    [InlineData("\"mode\":\"Fast\",\"options\":[]", "options", "must be an object")]
    [InlineData("\"mode\":null", "mode", "not null")]
    public void An_init_arg_of_the_wrong_type_is_JOB013(string args, string key, string message)
    {
        AssertDiagnostic(Simple($$$"""{"name":"f","type":"function","namespace":"demo","method":"modes","init_args":{{{{args}}}}}"""), JobDiagnosticCodes.InvalidInitArg, $"$.tasks[1].init_args.{key}", message);
    }

    [Fact]
    public void Init_args_of_the_right_types_are_accepted()
    {
        Assert.Empty(Validate(Simple("""{"name":"f","type":"function","namespace":"demo","method":"modes","init_args":{"mode":"Slow","count":3,"ratio":0.5,"enabled":true,"tags":["a"],"options":{"k":1}}}""")));
    }

    [Fact]
    public void A_malformed_edge_is_JOB014()
    {
        var json = Job("""{"name":"in","type":"input"},{"name":"out","type":"output"}""", """["in","out"],["in"],"in",["in",3]""");

        AssertDiagnostic(json, JobDiagnosticCodes.MalformedEdge, "$.workflow[1]");
        AssertDiagnostic(json, JobDiagnosticCodes.MalformedEdge, "$.workflow[2]");
        AssertDiagnostic(json, JobDiagnosticCodes.MalformedEdge, "$.workflow[3]");
    }

    [Fact]
    public void An_edge_or_catcher_naming_no_task_is_JOB015()
    {
        AssertDiagnostic(Job("""{"name":"in","type":"input"},{"name":"out","type":"output"}""", """["in","out"],["in","nowhere"]"""), JobDiagnosticCodes.UnknownEdgeTask, "$.workflow[1][1]", "'in', 'out'");
        AssertDiagnostic(
            Simple("""{"name":"f","type":"function","namespace":"text","method":"shout","catch":{"next":"nowhere"}}"""),
            JobDiagnosticCodes.UnknownEdgeTask,
            "$.tasks[1].catch.next");
    }

    [Fact]
    public void Produces_and_consumes_that_differ_along_an_edge_are_JOB016()
    {
        var json = Job(
            """{"name":"in","type":"input"},{"name":"s","type":"function","namespace":"climate","method":"seasons"},{"name":"c","type":"function","namespace":"climate","method":"combine"},{"name":"out","type":"output"}""",
            """["in","s"],["s","c"],["c","out"]""");

        AssertDiagnostic(json, JobDiagnosticCodes.TypeMismatch, "$.workflow[1]", "'s' produces \"season\" but 'c' consumes \"variable\"");
    }

    [Fact]
    public void The_input_tasks_declared_produces_is_checked_too()
    {
        var json = Job(
            """{"name":"in","type":"input","produces":"number"},{"name":"f","type":"function","namespace":"text","method":"shout"},{"name":"out","type":"output"}""",
            """["in","f"],["f","out"]""");

        AssertDiagnostic(json, JobDiagnosticCodes.TypeMismatch, "$.workflow[0]");
    }

    [Fact]
    public void A_cycle_is_JOB017_at_the_edge_that_closes_it()
    {
        var json = Job(
            """{"name":"in","type":"input"},{"name":"a","type":"function","namespace":"text","method":"shout"},{"name":"b","type":"function","namespace":"text","method":"whisper"},{"name":"out","type":"output"}""",
            """["in","a"],["a","b"],["b","a"],["b","out"]""");

        AssertDiagnostic(json, JobDiagnosticCodes.Cycle, "$.workflow[2]", "'a' → 'b' → 'a'");
    }

    [Fact]
    public void A_task_that_cannot_be_reached_is_JOB018()
    {
        var json = Job(
            """{"name":"in","type":"input"},{"name":"lost","type":"function","namespace":"text","method":"shout"},{"name":"out","type":"output"}""",
            """["in","out"],["lost","out"]""");

        AssertDiagnostic(json, JobDiagnosticCodes.Unreachable, "$.tasks[1]", "'lost' cannot be reached from the input task 'in'");
    }

    [Fact]
    public void A_task_that_reaches_no_output_is_JOB019()
    {
        var json = Job(
            """{"name":"in","type":"input"},{"name":"dead","type":"function","namespace":"text","method":"shout"},{"name":"out","type":"output"}""",
            """["in","out"],["in","dead"]""");

        AssertDiagnostic(json, JobDiagnosticCodes.ReachesNoOutput, "$.tasks[1]", "towards 'out'");
        AssertDiagnostic(Job("""{"name":"in","type":"input"}""", ""), JobDiagnosticCodes.ReachesNoOutput, "$.tasks[0]", "no output task");
    }

    [Theory]
    [InlineData("\"retry\":{\"max_attempts\":-1}", "$.tasks[1].retry.max_attempts")]
    [InlineData("\"retry\":{\"interval_seconds\":0.5}", "$.tasks[1].retry.interval_seconds")]
    [InlineData("\"retry\":{\"backoff_rate\":0.5}", "$.tasks[1].retry.backoff_rate")]
    [InlineData("\"retry\":{\"jitter\":\"SOME\"}", "$.tasks[1].retry.jitter")]
    [InlineData("\"retry\":[{},{\"errors\":[\"X\"]}]", "$.tasks[1].retry[0]")]
    [InlineData("\"retry\":{\"errors\":[\"States.ALL\",\"X\"]}", "$.tasks[1].retry.errors")]
    [InlineData("\"retry\":{\"errors\":[]}", "$.tasks[1].retry.errors")]
    [InlineData("\"catch\":[{\"errors\":[\"States.ALL\"]},{\"errors\":[\"X\"]}]", "$.tasks[1].catch[0].errors")]
    [InlineData("\"max_concurrency\":-2", "$.tasks[1].max_concurrency")]
    [InlineData("\"timeout_seconds\":0", "$.tasks[1].timeout_seconds")]
    [InlineData("\"timeout_seconds\":\"5\"", "$.tasks[1].timeout_seconds")]
    public void A_bad_retry_catch_or_max_concurrency_is_JOB020(string policy, string location)
    {
        AssertDiagnostic(Simple($$"""{"name":"f","type":"function","namespace":"climate","method":"seasons",{{policy}}}"""), JobDiagnosticCodes.InvalidPolicy, location);
    }

    [Fact]
    public void An_edge_into_the_input_or_out_of_an_output_is_JOB021()
    {
        var json = Job("""{"name":"in","type":"input"},{"name":"out","type":"output"},{"name":"more","type":"output"}""", """["in","out"],["out","more"],["out","in"]""");

        AssertDiagnostic(json, JobDiagnosticCodes.EdgeDirection, "$.workflow[1][0]", "'out' is an output task");
        AssertDiagnostic(json, JobDiagnosticCodes.EdgeDirection, "$.workflow[2][1]", "'in' is the input task");
    }

    [Fact]
    public void A_declared_consumes_that_differs_from_the_registered_task_is_JOB022()
    {
        AssertDiagnostic(
            Simple("""{"name":"f","type":"function","namespace":"main","method":"example","consumes":"number","init_args":{"example_property":"x"}}"""),
            JobDiagnosticCodes.DeclarationMismatch,
            "$.tasks[1].consumes",
            "main.example is registered as consumes \"string\"");
    }

    [Fact]
    public void An_aggregates_consumes_describes_what_it_gathers_not_what_its_reducer_takes()
    {
        var json = Job(
            """{"name":"in","type":"input"},{"name":"s","type":"function","namespace":"climate","method":"seasons"},{"name":"a","type":"aggregate","namespace":"climate","method":"summarize","consumes":"season","produces":"count"},{"name":"out","type":"output"}""",
            """["in","s"],["s","a"],["a","out"]""");

        var diagnostics = Validate(json);

        Assert.Equal([JobDiagnosticCodes.DeclarationMismatch], diagnostics.Select(d => d.Code));
        Assert.Equal("$.tasks[2].produces", diagnostics[0].Location);
    }

    [Fact]
    public void A_duplicate_edge_is_a_JOB023_warning()
    {
        var json = Job("""{"name":"in","type":"input"},{"name":"out","type":"output"}""", """["in","out"],["in","out"]""");

        var diagnostic = AssertDiagnostic(json, JobDiagnosticCodes.DuplicateEdge, "$.workflow[1]");

        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Single(JobMap.Parse(json, JobFixtures.Catalog).Workflow);
    }

    [Fact]
    public void Function_fields_on_an_input_or_output_task_are_JOB024()
    {
        var json = Job("""{"name":"in","type":"input","retry":{}},{"name":"out","type":"output","method":"example"}""", """["in","out"]""");

        AssertDiagnostic(json, JobDiagnosticCodes.FieldNotApplicable, "$.tasks[0].retry");
        AssertDiagnostic(json, JobDiagnosticCodes.FieldNotApplicable, "$.tasks[1].method");
    }

    [Fact]
    public void A_window_anywhere_but_on_an_aggregate_is_JOB024_and_a_bad_size_is_JOB020()
    {
        AssertDiagnostic(Simple("""{"name":"f","type":"function","namespace":"text","method":"shout","window":{"size":2}}"""), JobDiagnosticCodes.FieldNotApplicable, "$.tasks[1].window", "only an aggregate");
        AssertDiagnostic(Simple("""{"name":"f","type":"aggregate","window":{"size":0}}"""), JobDiagnosticCodes.InvalidPolicy, "$.tasks[1].window.size");
        AssertDiagnostic(Simple("""{"name":"f","type":"aggregate","window":{}}"""), JobDiagnosticCodes.InvalidPolicy, "$.tasks[1].window.size", "needs 'size'");
        AssertDiagnostic(Simple("""{"name":"f","type":"aggregate","window":5}"""), JobDiagnosticCodes.WrongType, "$.tasks[1].window");
        AssertDiagnostic(Simple("""{"name":"f","type":"aggregate","timeout_seconds":5}"""), JobDiagnosticCodes.FieldNotApplicable, "$.tasks[1].timeout_seconds");
        Assert.DoesNotContain(Validate(Simple("""{"name":"f","type":"aggregate","window":{"size":3}}""")), d => d.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public void Max_concurrency_on_a_task_that_does_not_fan_out_is_a_JOB024_warning()
    {
        var diagnostic = AssertDiagnostic(Simple("""{"name":"f","type":"function","namespace":"text","method":"shout","max_concurrency":2}"""), JobDiagnosticCodes.FieldNotApplicable, "$.tasks[1].max_concurrency");

        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
    }

    [Fact]
    public void A_workflow_whose_shared_tails_would_pass_the_state_limit_is_JOB025()
    {
        // 14 diamonds in a row: 2^14 paths to the output, each repeating the tail.
        var tasks = new List<string> { """{"name":"in","type":"input"}""", """{"name":"out","type":"output"}""" };
        var edges = new List<string>();
        var previous = "in";
        for (var i = 0; i < 14; i++)
        {
            tasks.Add($$"""{"name":"a{{i}}","type":"function","namespace":"text","method":"shout"}""");
            tasks.Add($$"""{"name":"b{{i}}","type":"function","namespace":"text","method":"shout"}""");
            tasks.Add($$"""{"name":"j{{i}}","type":"function","namespace":"text","method":"shout"}""");
            edges.AddRange([$"[\"{previous}\",\"a{i}\"]", $"[\"{previous}\",\"b{i}\"]", $"[\"a{i}\",\"j{i}\"]", $"[\"b{i}\",\"j{i}\"]"]);
            previous = $"j{i}";
        }

        edges.Add($"[\"{previous}\",\"out\"]");

        AssertDiagnostic(Job(string.Join(",", tasks), string.Join(",", edges)), JobDiagnosticCodes.TooLarge, "$.workflow", "aggregate");
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var json = Job(
            """{"name":"in","type":"input"},{"name":"f","type":"function","namespace":"nope","method":"x"},{"name":"g","type":"mystery"},{"name":"out","type":"output"}""",
            """["in","f"],["f","out"],["in","ghost"]""");

        var codes = Validate(json).Select(d => d.Code).ToHashSet();

        Assert.Superset(new HashSet<string> { JobDiagnosticCodes.UnknownNamespace, JobDiagnosticCodes.UnknownTaskType, JobDiagnosticCodes.UnknownEdgeTask, JobDiagnosticCodes.Unreachable }, codes);
    }

    [Fact]
    public void Parse_throws_with_every_diagnostic()
    {
        var e = Assert.Throws<InvalidJobMapException>(() => JobMap.Parse("{}", JobFixtures.Catalog));

        Assert.Equal(4, e.Diagnostics.Count);
        Assert.Contains("JOB002 error at $.tasks", e.Message, StringComparison.Ordinal);
    }
}
