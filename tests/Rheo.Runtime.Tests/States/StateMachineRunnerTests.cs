using System.Text.Json.Nodes;
using Rheo.Runtime.States;
using Rheo.States;
using Rheo.States.Tests;

namespace Rheo.Runtime.Tests.States;

public sealed class StateMachineRunnerTests
{
    private static readonly ExecutionOptions Options = new() { StateMachineName = "orders", ExecutionName = "run-1", Account = "111122223333", Region = "eu-west-1" };

    private static Task<ExecutionResult> RunAsync(StateMachineRunner runner, string definition, string input = "{}", ExecutionOptions? options = null, CancellationToken cancellationToken = default) =>
        runner.RunAsync(definition, input, options ?? Options, cancellationToken).WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);

    [Fact]
    public async Task Task_state_runs_the_handler_registered_for_its_resource()
    {
        var handlers = new TaskHandlerRegistry().AddResource("orders:price", (input, context, ct) =>
            ValueTask.FromResult<JsonNode?>(new JsonObject { ["total"] = input!["qty"]!.GetValue<int>() * 3, ["state"] = context.StateName }));

        var result = await RunAsync(new StateMachineRunner(handlers), """
            {"StartAt":"Price","States":{"Price":{"Type":"Task","Resource":"orders:price","ResultPath":"$.price","End":true}}}
            """, """{"qty":4}""");

        Assert.Equal(ExecutionResult.Succeeded, result.Status);
        JsonEquality.AssertJson("""{"qty":4,"price":{"total":12,"state":"Price"}}""", result.Output);
    }

    [Fact]
    public async Task Lambda_invoke_resolves_the_function_by_name_and_wraps_the_payload()
    {
        var handlers = new TaskHandlerRegistry().AddFunction("greet", (input, _, _) => ValueTask.FromResult<JsonNode?>($"hello {input!["name"]}"));

        var result = await RunAsync(new StateMachineRunner(handlers), """
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
              "Parameters":{"FunctionName":"arn:aws:lambda:eu-west-1:111122223333:function:greet:$LATEST","Payload.$":"$"},
              "ResultSelector":{"body.$":"$.Payload","code.$":"$.StatusCode"},"End":true}}}
            """, """{"name":"Ada"}""");

        JsonEquality.AssertJson("""{"body":"hello Ada","code":200}""", result.Output);
    }

    [Fact]
    public async Task Lambda_function_ARN_resource_resolves_to_the_function_and_returns_its_result_as_is()
    {
        var handlers = new TaskHandlerRegistry().AddFunction("double", (input, _, _) => ValueTask.FromResult<JsonNode?>(input!.GetValue<int>() * 2));

        var result = await RunAsync(new StateMachineRunner(handlers), """
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:eu-west-1:111122223333:function:double","End":true}}}
            """, "21");

        JsonEquality.AssertJson("42", result.Output);
    }

    [Fact]
    public async Task Unregistered_function_fails_with_Lambda_ResourceNotFoundException()
    {
        var result = await RunAsync(new StateMachineRunner(), """
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"ghost"},"End":true}}}
            """);

        Assert.Equal(ExecutionResult.Failed, result.Status);
        Assert.Equal("Lambda.ResourceNotFoundException", result.Error);
        Assert.Contains("arn:aws:lambda:eu-west-1:111122223333:function:ghost", result.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lambda_invoke_without_a_string_FunctionName_fails_with_States_Runtime()
    {
        var result = await RunAsync(new StateMachineRunner(), """
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":5},"End":true}}}
            """);

        Assert.Equal(ExecutionResult.Failed, result.Status);
        Assert.Equal(ErrorNames.Runtime, result.Error);
    }

    [Fact]
    public async Task Handler_throwing_StatesTaskException_is_caught_by_its_error_name()
    {
        var handlers = new TaskHandlerRegistry().AddResource("check", (_, _, _) => throw new StatesTaskException("Stock.Empty", "no stock"));

        var result = await RunAsync(new StateMachineRunner(handlers), """
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"check","Catch":[{"ErrorEquals":["Stock.Empty"],"Next":"H"}],"End":true},
              "H":{"Type":"Pass","End":true}}}
            """);

        JsonEquality.AssertJson("""{"Error":"Stock.Empty","Cause":"no stock"}""", result.Output);
    }

    [Fact]
    public async Task Handler_throwing_any_other_exception_fails_with_its_type_name()
    {
        var handlers = new TaskHandlerRegistry().AddResource("bad", (_, _, _) => throw new InvalidOperationException("broken"));

        var result = await RunAsync(new StateMachineRunner(handlers), """{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"bad","End":true}}}""");

        Assert.Equal("InvalidOperationException", result.Error);
        Assert.Contains("broken", result.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_resource_fails_and_names_the_registered_ones()
    {
        var handlers = new TaskHandlerRegistry().AddResource("known", (_, _, _) => ValueTask.FromResult<JsonNode?>(null));

        var result = await RunAsync(new StateMachineRunner(handlers), """{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"unknown","End":true}}}""");

        Assert.Equal(ErrorNames.TaskFailed, result.Error);
        Assert.Contains("known", result.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parallel_branches_run_at_the_same_time()
    {
        // Each branch waits until the other has started: run one after the other, this would never finish.
        var started = 0;
        var both = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handlers = new TaskHandlerRegistry().AddResource("meet", async (input, _, ct) =>
        {
            if (Interlocked.Increment(ref started) == 2)
            {
                both.TrySetResult();
            }

            await both.Task.WaitAsync(ct);
            return input;
        });

        var result = await RunAsync(new StateMachineRunner(handlers), """
            {"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
              {"StartAt":"A","States":{"A":{"Type":"Task","Resource":"meet","Parameters":{"b":"a"},"End":true}}},
              {"StartAt":"B","States":{"B":{"Type":"Task","Resource":"meet","Parameters":{"b":"b"},"End":true}}}]}}}
            """);

        JsonEquality.AssertJson("""[{"b":"a"},{"b":"b"}]""", result.Output);
    }

    [Fact]
    public async Task Map_never_runs_more_iterations_at_once_than_MaxConcurrency()
    {
        var running = 0;
        var highest = 0;
        var handlers = new TaskHandlerRegistry().AddResource("work", async (input, _, _) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref highest, now);
            await Task.Yield();
            Interlocked.Decrement(ref running);
            return input;
        });

        var result = await RunAsync(new StateMachineRunner(handlers), """
            {"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":2,"End":true,
              "ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"work","End":true}}}}}}
            """, "[1,2,3,4,5,6,7,8]");

        JsonEquality.AssertJson("[1,2,3,4,5,6,7,8]", result.Output);
        Assert.InRange(highest, 1, 2);
    }

    [Fact]
    public async Task Cancellation_stops_the_execution_as_ABORTED()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handlers = new TaskHandlerRegistry().AddResource("forever", async (_, _, ct) =>
        {
            entered.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return null;
        });
        using var cancellation = new CancellationTokenSource();

        var run = RunAsync(new StateMachineRunner(handlers), """{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"forever","End":true}}}""", cancellationToken: cancellation.Token);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await cancellation.CancelAsync();
        var result = await run;

        Assert.Equal(ExecutionResult.Aborted, result.Status);
    }

    [Fact]
    public async Task Wait_state_waits_on_the_injected_clock()
    {
        var time = new FakeTimeProvider();
        var runner = new StateMachineRunner(options: new StateMachineRunnerOptions { TimeProvider = time });

        var run = RunAsync(runner, """{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":90,"End":true}}}""", """{"k":1}""");
        await time.WaitForTimersAsync(1);
        time.Advance(TimeSpan.FromSeconds(89));
        var early = run.IsCompleted;
        time.Advance(TimeSpan.FromSeconds(1));
        var result = await run;

        Assert.False(early);
        Assert.Equal(TimeSpan.FromSeconds(90), Assert.Single(time.Requested));
        JsonEquality.AssertJson("""{"k":1}""", result.Output);
    }

    [Fact]
    public async Task A_wait_longer_than_one_timer_can_take_is_rearmed_until_due()
    {
        var time = new FakeTimeProvider();
        var runner = new StateMachineRunner(options: new StateMachineRunnerOptions { TimeProvider = time });

        var run = RunAsync(runner, """{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":8640000,"End":true}}}""");
        await time.WaitForTimersAsync(1);
        time.Advance(TimeSpan.FromDays(40));
        await time.WaitForTimersAsync(2);
        time.Advance(TimeSpan.FromDays(40));
        await time.WaitForTimersAsync(3);
        var early = run.IsCompleted;
        time.Advance(TimeSpan.FromDays(20));
        var result = await run;

        Assert.False(early);
        Assert.Equal([TimeSpan.FromDays(40), TimeSpan.FromDays(40), TimeSpan.FromDays(20)], time.Requested);
        Assert.Equal(ExecutionResult.Succeeded, result.Status);
    }

    [Fact]
    public async Task Task_TimeoutSeconds_fails_a_slow_handler_with_States_Timeout()
    {
        var time = new FakeTimeProvider();
        var handlers = new TaskHandlerRegistry().AddResource("slow", async (_, _, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return null;
        });

        var run = RunAsync(new StateMachineRunner(handlers, new StateMachineRunnerOptions { TimeProvider = time }), """
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"slow","TimeoutSeconds":5,"End":true}}}
            """);
        await time.WaitForTimersAsync(1);
        time.Advance(TimeSpan.FromSeconds(5));
        var result = await run;

        Assert.Equal(ExecutionResult.Failed, result.Status);
        Assert.Equal(ErrorNames.Timeout, result.Error);
    }

    [Fact]
    public async Task Retries_wait_on_the_injected_clock()
    {
        var time = new FakeTimeProvider { AutoAdvance = true };
        var attempts = 0;
        var handlers = new TaskHandlerRegistry().AddResource("flaky", (_, context, _) =>
        {
            Interlocked.Increment(ref attempts);
            return context.Attempt < 2 ? throw new StatesTaskException("Flaky") : ValueTask.FromResult<JsonNode?>("ok");
        });

        var result = await RunAsync(new StateMachineRunner(handlers, new StateMachineRunnerOptions { TimeProvider = time }), """
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"flaky","Retry":[{"ErrorEquals":["Flaky"],"IntervalSeconds":3}],"End":true}}}
            """);

        JsonEquality.AssertJson("\"ok\"", result.Output);
        Assert.Equal(3, attempts);
        Assert.Equal([TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(6)], time.Requested);
    }

    [Fact]
    public async Task Context_object_ARNs_are_built_from_the_execution_options()
    {
        var result = await RunAsync(new StateMachineRunner(), """
            {"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"e.$":"$$.Execution.Id","m.$":"$$.StateMachine.Id","r.$":"$$.Execution.RoleArn"},"End":true}}}
            """);

        JsonEquality.AssertJson(
            """
            {"e":"arn:aws:states:eu-west-1:111122223333:execution:orders:run-1",
             "m":"arn:aws:states:eu-west-1:111122223333:stateMachine:orders",
             "r":"arn:aws:iam::111122223333:role/orders-role"}
            """,
            result.Output);
    }

    [Fact]
    public async Task Invalid_definition_is_CREATE_FAILED_with_the_diagnostics_as_cause()
    {
        var result = await RunAsync(new StateMachineRunner(), """{"StartAt":"A","States":{"A":{"Type":"Nope","End":true}}}""");

        Assert.Equal(ExecutionResult.CreateFailed, result.Status);
        Assert.Equal("InvalidDefinition", result.Error);
        Assert.Contains("ASL004", result.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Input_that_is_not_JSON_is_START_FAILED()
    {
        var result = await RunAsync(new StateMachineRunner(), """{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}""", "{oops");

        Assert.Equal(ExecutionResult.StartFailed, result.Status);
        Assert.Equal("InvalidExecutionInput", result.Error);
    }

    [Fact]
    public async Task History_is_recorded_across_iterations_when_asked()
    {
        var result = await RunAsync(new StateMachineRunner(), """
            {"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}}}}
            """, "[1,2]", Options with { RecordHistory = true });

        var types = result.History.Select(h => h.Type).ToList();
        Assert.Equal("ExecutionStarted", types[0]);
        Assert.Equal(2, types.Count(t => t == "MapIterationStarted"));
        Assert.Equal(2, types.Count(t => t == "MapIterationSucceeded"));
        Assert.Equal("ExecutionSucceeded", types[^1]);
        Assert.Contains("\"history\":[", result.ToJsonLine(includeHistory: true), StringComparison.Ordinal);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
