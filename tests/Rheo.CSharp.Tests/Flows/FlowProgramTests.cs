using System.Text.Json.Nodes;
using Rheo.CSharp.Flows;
using Rheo.Runtime.States;
using Rheo.States.Tests;

namespace Rheo.CSharp.Tests.Flows;

/// <summary>The flow is compiled and loaded once for the class (Roslyn is the slow part).</summary>
public sealed class OrdersFlow : IDisposable
{
    public OrdersFlow()
    {
        var compilation = FlowCompiler.Compile(File.ReadAllText(Path.Combine(FlowFiles.Output("Runs"), "orders.cs")), "orders.cs");
        Assert.Empty(compilation.Diagnostics);
        Program = FlowProgram.Load(compilation, new FlowProgramOptions { TimeProvider = new InstantTime() });
    }

    public FlowProgram Program { get; }

    public void Dispose() => Program.Dispose();

    /// <summary>Retry intervals and waits (up to a minute) fire at once; task timeouts (300 s) keep their length.</summary>
    private sealed class InstantTime : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            System.CreateTimer(callback, state, dueTime <= TimeSpan.FromMinutes(1) ? TimeSpan.Zero : dueTime, period);
    }
}

public sealed class FlowProgramTests(OrdersFlow flow) : IClassFixture<OrdersFlow>
{
    private Task<ExecutionResult> RunAsync(string machine, string input) =>
        flow.Program.RunAsync(machine, JsonNode.Parse(input), new ExecutionOptions { StateMachineName = machine, ExecutionName = "ex-1", RecordHistory = true }, CancellationToken.None);

    [Fact]
    public async Task Choice_passes_and_wait_run_to_success()
    {
        var result = await RunAsync("Main", """{"kind": "order", "amount": 150, "trusted": false}""");

        Assert.Equal(ExecutionResult.Succeeded, result.Status);
        JsonEquality.AssertJson(
            """{"kind":"order","amount":150,"trusted":false,"review":true,"done":true,"tags":["a","b"],"settings":{"level":"INFO"},"copy":150}""",
            result.Output);
    }

    [Fact]
    public async Task A_throw_in_a_branch_fails_the_execution_with_the_type_name_and_cause()
    {
        var result = await RunAsync("Main", """{"kind": "reject"}""");

        Assert.Equal((ExecutionResult.Failed, "Rejected", "not today"), (result.Status, result.Error, result.Cause));
    }

    [Fact]
    public async Task StopExecutionAsync_aborts_with_the_error_and_cause()
    {
        var result = await RunAsync("Main", """{"kind": "stop"}""");

        Assert.Equal((ExecutionResult.Aborted, "FeatureDisabled", "orders are paused"), (result.Status, result.Error, result.Cause));
        var aborted = Assert.Single(result.History, e => e.Type == "ExecutionAborted");
        Assert.Equal(("FeatureDisabled", "orders are paused"), (aborted.Error, aborted.Cause));
    }

    [Fact]
    public async Task A_retried_task_succeeds_on_its_third_attempt()
    {
        var result = await RunAsync("RetryThenSucceed", "{}");

        Assert.Equal(ExecutionResult.Succeeded, result.Status);
        JsonEquality.AssertJson("""{"flaky":{"attempts":3}}""", result.Output);
    }

    [Fact]
    public async Task A_task_that_fails_more_often_than_retried_fails_with_its_exception_type()
    {
        var result = await RunAsync("RetryExhausted", "{}");

        Assert.Equal((ExecutionResult.Failed, "Glitch"), (result.Status, result.Error));
        Assert.Contains("attempt 1", result.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_nested_error_type_is_caught_and_kept_in_the_catch_variable()
    {
        var result = await RunAsync("CatchAndContinue", """{"id": 42}""");

        Assert.Equal(ExecutionResult.Succeeded, result.Status);
        Assert.Equal("Orders.NotFound", result.Output!["e"]!["Error"]!.GetValue<string>());
        Assert.Equal("not found", result.Output["handled"]!.GetValue<string>());
        Assert.Equal("Orders.NotFound", result.Output["echo"]!["Error"]!.GetValue<string>());
        Assert.Equal(42, result.Output["id"]!.GetValue<int>());
    }

    [Fact]
    public async Task Throw_in_a_catch_rethrows_the_caught_error()
    {
        var result = await RunAsync("CatchAndRethrow", "{}");

        Assert.Equal((ExecutionResult.Failed, "Orders.NotFound"), (result.Status, result.Error));
    }

    [Fact]
    public async Task Map_runs_the_iterator_per_stored_item()
    {
        var result = await RunAsync("FanOut", "{}");

        Assert.Equal(ExecutionResult.Succeeded, result.Status);
        Assert.Equal([2, 4, 6, 8], result.Output!["results"]!.AsArray().Select(r => r!["doubled"]!.GetValue<int>()));
        Assert.Equal("ex-1:numbers", result.Output["numbers"]!["partition_key"]!.GetValue<string>());
    }

    [Fact]
    public async Task Parallel_collects_each_branch_result_in_order()
    {
        var result = await RunAsync("Branches", """{"x": 1}""");

        Assert.Equal(ExecutionResult.Succeeded, result.Status);
        Assert.Equal(["left", "right"], result.Output!["both"]!.AsArray().Select(b => b!["side"]!.GetValue<string>()));
    }

    [Fact]
    public async Task An_ecs_worker_handles_every_item_of_a_map()
    {
        var result = await RunAsync("Workers", "{}");

        Assert.Equal(ExecutionResult.Succeeded, result.Status);
        Assert.Equal([1, 4, 9, 16], result.Output!["results"]!.AsArray().Select(r => r!["squared"]!.GetValue<int>()));
    }
}
