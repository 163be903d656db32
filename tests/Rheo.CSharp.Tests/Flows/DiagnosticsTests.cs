using Rheo.CSharp.Flows;
using Rheo.States.Validation;

namespace Rheo.CSharp.Tests.Flows;

/// <summary>Each unsupported construct is a diagnostic with a code, file:line:column and the supported alternative.</summary>
public sealed class DiagnosticsTests
{
    private const string Header = """
        using System.Text.Json.Nodes;
        using Rheo.Flows;
        using static Rheo.Flows.Flow;

        public sealed class Foo : FlowTask
        {
            public override Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken) => Task.FromResult(input);
        }

        public static class Machines
        {
            public static void Iterator(FlowData data) { Run<Foo>(); }

        """;

    private static IReadOnlyList<FlowDiagnostic> Diagnose(string main, string extra = "")
    {
        var source = Header + "    public static void Main(FlowData data)\n    {\n" + main + "\n    }\n}\n" + extra;
        return FlowCompiler.Compile(source, "flow.cs").Diagnostics;
    }

    private static FlowDiagnostic Single(IReadOnlyList<FlowDiagnostic> diagnostics, string code, string mentions)
    {
        var found = Assert.Single(diagnostics, d => d.Code == code);
        Assert.Contains(mentions, found.Message, StringComparison.Ordinal);
        Assert.Equal("flow.cs", found.File);
        return found;
    }

    [Theory]
    [InlineData("foreach (var x in new[] { 1 }) { }", "Map(data[\"items\"], Iterator)")]
    [InlineData("while (true) { }", "Map(")]
    [InlineData("var total = 1;", "data[\"key\"]")]
    [InlineData("switch (1) { default: break; }", "if / else if / else")]
    [InlineData("Console.WriteLine(\"x\");", "Run<MyTask>()")]
    [InlineData("Iterator(data);", "Parallel(Iterator)")]
    [InlineData("return 1;", "return;")]
    public void Statement_without_a_state_is_FLOW002_with_the_alternative(string statement, string alternative)
    {
        var diagnostics = Diagnose(statement);

        Assert.Contains(diagnostics, d => (d.Code == FlowDiagnosticCodes.UnsupportedStatement || d.Code.StartsWith("CS", StringComparison.Ordinal)) && d.Severity == DiagnosticSeverity.Error);
        Assert.Contains(diagnostics, d => d.Code == FlowDiagnosticCodes.UnsupportedStatement && d.Message.Contains(alternative, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("if (data[\"a\"] == data[\"b\"] + 1) { }")]
    [InlineData("if (1 == 2) { }")]
    [InlineData("if ((bool)data[\"a\"] && data[\"b\"].ToString() == \"x\") { }")]
    [InlineData("if (data[\"a\"] > true) { }")]
    public void Condition_without_a_choice_rule_is_FLOW003(string statement)
    {
        var diagnostics = Diagnose(statement);

        Assert.Contains(diagnostics, d => d.Code == FlowDiagnosticCodes.UnsupportedCondition);
    }

    [Fact]
    public void A_computed_data_key_is_FLOW004_at_its_position()
    {
        var diagnostics = Diagnose("        var k = \"a\";\n        data[k] = 1;");

        var found = diagnostics.First(d => d.Code == FlowDiagnosticCodes.InvalidDataReference);
        Assert.Equal(16, found.Line);
        Assert.Contains("constants", found.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_computed_at_run_time_is_FLOW005()
    {
        Single(Diagnose("data[\"when\"] = DateTime.UtcNow.ToString();"), FlowDiagnosticCodes.NotStaticValue, "Run<MyTask>()");
    }

    [Fact]
    public void A_try_with_two_tasks_is_FLOW006_and_finally_is_FLOW007()
    {
        var diagnostics = Diagnose("try { Run<Foo>(); Run<Foo>(); } catch { } finally { }");

        Single(diagnostics, FlowDiagnosticCodes.InvalidTry, "exactly one task call");
        Single(diagnostics, FlowDiagnosticCodes.InvalidCatch, "'finally'");
    }

    [Fact]
    public void A_catch_filter_on_data_is_FLOW007()
    {
        Single(Diagnose("try { Run<Foo>(); } catch (Exception e) when (e.Message == \"x\") { }"), FlowDiagnosticCodes.InvalidCatch, "e is KeyNotFoundException or States.Timeout");
    }

    [Fact]
    public void A_retry_around_two_tasks_or_a_using_declaration_is_FLOW008()
    {
        var diagnostics = Diagnose("using (Retry()) { Run<Foo>(); Run<Foo>(); }\n        using var r = Retry();");

        Assert.Equal(2, diagnostics.Count(d => d.Code == FlowDiagnosticCodes.InvalidRetry));
    }

    [Fact]
    public void Retry_options_out_of_range_are_FLOW009()
    {
        var diagnostics = Diagnose("using (Retry(interval: 0, maxAttempts: 0, backoffRate: 0.5)) { Run<Foo>(); }");

        Assert.Equal(3, diagnostics.Count(d => d.Code == FlowDiagnosticCodes.InvalidRetryOption));
    }

    [Fact]
    public void Task_settings_are_validated_with_the_valid_choices_FLOW010()
    {
        var diagnostics = Diagnose("Run<Big>(); Run<Worker>();", """
            [TaskSettings(Service = "batch", Timeout = 0)]
            public sealed class Big : FlowTask
            {
                public override Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken) => Task.FromResult(input);
            }

            [TaskSettings(Service = TaskService.EcsWorker, Timeout = 60, Cpu = 300, Concurrency = 101, HeartbeatInterval = 60, AutoscalingMin = 3, AutoscalingMax = 2)]
            public sealed class Worker : FlowTask;

            [TaskSettings(Memory = 4096, Timeout = 901)]
            public sealed class Lambda : FlowTask
            {
                public override Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken) => Task.FromResult(input);
            }
            """);

        var messages = diagnostics.Where(d => d.Code == FlowDiagnosticCodes.InvalidTaskSetting && d.Severity == DiagnosticSeverity.Error).Select(d => d.Message).ToList();
        Assert.Contains(messages, m => m.Contains("Service 'batch'", StringComparison.Ordinal) && m.Contains("lambda, lambda:container, ecs, ecs:worker", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("Timeout 0", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("Spec", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("Cpu 300", StringComparison.Ordinal) && m.Contains("256, 512, 1024, 2048, 4096", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("Concurrency 101", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("HeartbeatInterval 60", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("AutoscalingMin 3", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("Memory 4096", StringComparison.Ordinal) && m.Contains("128, 512, 1024, 1536, 2048, 3008", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("Timeout 901", StringComparison.Ordinal) && m.Contains("900 seconds", StringComparison.Ordinal));
    }

    [Fact]
    public void Settings_a_service_ignores_and_a_deprecated_service_are_warnings()
    {
        var diagnostics = Diagnose("Run<Old>();", """
            [TaskSettings(Service = TaskService.LambdaPexpmRunner, Cpu = 512, Concurrency = 2)]
            public sealed class Old : FlowTask
            {
                public override Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken) => Task.FromResult(input);
            }
            """);

        Assert.All(diagnostics, d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
        Single(diagnostics, FlowDiagnosticCodes.DeprecatedService, "LambdaContainer");
        Assert.Equal(2, diagnostics.Count(d => d.Code == FlowDiagnosticCodes.IgnoredSetting));
    }

    [Fact]
    public void A_task_class_without_RunAsync_or_with_a_snake_case_name_is_FLOW011()
    {
        var diagnostics = Diagnose("Run<load_orders>();", "public sealed class load_orders : FlowTask;");

        Assert.Equal(2, diagnostics.Count(d => d.Code == FlowDiagnosticCodes.InvalidTask));
    }

    [Fact]
    public void Map_over_something_that_is_not_data_or_with_a_lambda_is_FLOW012()
    {
        var diagnostics = Diagnose("Map(\"items\", Iterator);\n        Map(data[\"items\"], d => Run<Foo>());");

        Assert.Equal(2, diagnostics.Count(d => d.Code == FlowDiagnosticCodes.InvalidArgument));
    }

    [Fact]
    public void Wait_with_both_or_a_bad_timestamp_is_FLOW013()
    {
        var diagnostics = Diagnose("Wait(seconds: 1, timestamp: \"2020-01-01T00:00:00Z\");\n        Wait(timestamp: \"tomorrow\");\n        Wait(seconds: -1);");

        Assert.Equal(3, diagnostics.Count(d => d.Code == FlowDiagnosticCodes.InvalidWait));
    }

    [Fact]
    public void Throwing_a_computed_cause_or_rethrowing_outside_a_catch_is_FLOW014()
    {
        var diagnostics = Diagnose("if (data[\"a\"] == 1) { throw new InvalidOperationException(DateTime.UtcNow.ToString()); }\n        throw;");

        Assert.Equal(2, diagnostics.Count(d => d.Code == FlowDiagnosticCodes.InvalidThrow));
        Assert.Contains(diagnostics, d => d.Code == FlowDiagnosticCodes.InvalidThrow && d.Message.Contains("constant message", StringComparison.Ordinal));
    }

    [Fact]
    public void Invalid_triggers_are_FLOW015()
    {
        var source = Header + """
                [Schedule("every hour")]
                public static void Main(FlowData data) { Run<Foo>(); }

                [Subscribe(project: "a", topicArnImportValue: "t", status: "done")]
                public static void Both(FlowData data) { Run<Foo>(); }

                [ProcessEvents]
                public static void NotExported(FlowData data) { Run<Foo>(); }
            }
            """;

        var diagnostics = FlowCompiler.Compile(source, "flow.cs").Diagnostics;

        Assert.Equal(5, diagnostics.Count(d => d.Code == FlowDiagnosticCodes.InvalidAttribute));
        Assert.Contains(diagnostics, d => d.Message.Contains("rate(N minute", StringComparison.Ordinal));
    }

    [Fact]
    public void The_same_key_twice_is_FLOW016()
    {
        Single(Diagnose("Run<Foo>(key: \"Load\");\n        Run<Foo>(key: \"Load\");"), FlowDiagnosticCodes.DuplicateStateName, "'Load'");
    }

    [Fact]
    public void A_statement_after_return_is_a_FLOW017_warning()
    {
        var found = Single(Diagnose("return;\n        Run<Foo>();"), FlowDiagnosticCodes.UnreachableStatement, "return or throw");

        Assert.Equal(DiagnosticSeverity.Warning, found.Severity);
    }

    [Fact]
    public void Assigning_the_result_of_an_ecs_task_is_FLOW018()
    {
        Single(Diagnose("data[\"x\"] = Run<Container>();", """
            [TaskSettings(Service = TaskService.Ecs)]
            public sealed class Container : FlowTask
            {
                public override Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken) => Task.FromResult(input);
            }
            """), FlowDiagnosticCodes.NoResult, "returns no result");
    }

    [Fact]
    public void A_machine_that_contains_itself_is_FLOW021()
    {
        Assert.Contains(Diagnose("Parallel(Main);"), d => d.Code == FlowDiagnosticCodes.InvalidStateMachine);
    }

    [Fact]
    public void An_event_processor_without_custom_tags_is_FLOW022()
    {
        Single(Diagnose("Run<Foo>();", "public sealed class Quiet : EventProcessor;"), FlowDiagnosticCodes.InvalidEventProcessor, "GetCustomTagsExecutionStartedAsync");
    }

    [Fact]
    public void A_file_without_a_state_machine_is_FLOW001()
    {
        var diagnostics = FlowCompiler.Compile("public static class Empty { }", "flow.cs").Diagnostics;

        Single(diagnostics, FlowDiagnosticCodes.NoStateMachine, "Main(FlowData data)");
    }

    [Fact]
    public void CSharp_errors_are_reported_with_their_code_and_position()
    {
        var found = Assert.Single(Diagnose("Run<Missing>();"));

        Assert.Equal("CS0246", found.Code);
        Assert.Equal(15, found.Line);
        Assert.StartsWith("flow.cs:15:", found.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_diagnostic_of_a_file_is_reported_at_once_in_source_order()
    {
        var diagnostics = Diagnose("var a = 1;\n        while (true) { }\n        Wait();\n        if (1 == 1) { }");

        Assert.Equal(4, diagnostics.Count);
        Assert.Equal(diagnostics.OrderBy(d => d.Line).ThenBy(d => d.Column), diagnostics);
    }
}
