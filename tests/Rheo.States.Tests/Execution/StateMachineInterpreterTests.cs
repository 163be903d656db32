using System.Text.Json.Nodes;
using Rheo.States.Execution;

namespace Rheo.States.Tests.Execution;

public sealed class StateMachineInterpreterTests
{
    private static readonly DateTimeOffset Now = new(2024, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static StateMachineInterpreter Interpreter(string json, bool history = true) =>
        new(StateMachineDefinition.Parse(json), new InterpreterOptions { Random = new Random(5), RecordHistory = history });

    private static ExecutionStart Start(string input = "{}") =>
        ExecutionStart.Create(JsonNode.Parse(input), "sm", "exec", "123456789012", "eu-west-1");

    private const string TaskMachine = """
        {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::my:thing",
          "InputPath":"$.in","Parameters":{"x.$":"$.x"},"ResultSelector":{"r.$":"$.value"},"ResultPath":"$.res","OutputPath":"$.res","End":true}}}
        """;

    [Fact]
    public void A_pass_chain_runs_to_the_end_in_one_step()
    {
        var interpreter = Interpreter("""{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Result":2,"ResultPath":"$.b","Next":"C"},"C":{"Type":"Pass","End":true}}}""");

        var step = interpreter.Start(Start("""{"a":1}"""), Now);

        Assert.Equal(ExecutionStatus.Succeeded, step.State.Status);
        JsonEquality.AssertJson("""{"a":1,"b":2}""", step.State.Output);
        Assert.IsType<CompleteExecution>(Assert.Single(step.Commands));
    }

    [Fact]
    public void History_uses_the_Step_Functions_event_names()
    {
        var step = Interpreter("""{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"W"},"W":{"Type":"Wait","Seconds":0,"End":true}}}""").Start(Start(), Now);

        Assert.Equal(
            ["ExecutionStarted", "PassStateEntered", "PassStateExited", "WaitStateEntered", "WaitStateExited", "ExecutionSucceeded"],
            step.History.Select(h => h.Type));
    }

    [Fact]
    public void A_failing_task_leaves_the_Step_Functions_trail_of_events()
    {
        var definition = StateMachineDefinition.Parse("""{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"r","End":true}}}""");
        var driver = new VirtualDriver(definition, task => new TaskFailed(task.InvocationId, "Boom", "c"));

        driver.Run(null);

        Assert.Equal(
            ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskFailed", "ExecutionFailed"],
            driver.History.Select(h => h.Type));
    }

    [Fact]
    public void A_failed_Parallel_state_is_reported_once_before_the_execution_fails()
    {
        var definition = StateMachineDefinition.Parse("""
            {"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"E"}}}]}}}
            """);
        var driver = new VirtualDriver(definition);

        driver.Run(null);

        Assert.Equal(
            ["ExecutionStarted", "ParallelStateEntered", "ParallelStateStarted", "FailStateEntered", "ParallelStateFailed", "ExecutionFailed"],
            driver.History.Select(h => h.Type));
    }

    [Fact]
    public void History_can_be_turned_off()
    {
        var step = Interpreter("""{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}""", history: false).Start(Start(), Now);

        Assert.Empty(step.History);
    }

    [Fact]
    public void Task_waits_for_its_answer_then_applies_ResultSelector_ResultPath_and_OutputPath()
    {
        var interpreter = Interpreter(TaskMachine);

        var started = interpreter.Start(Start("""{"in":{"x":7}}"""), Now);
        var invoke = Assert.IsType<InvokeTask>(Assert.Single(started.Commands));
        var done = interpreter.Advance(started.State, new TaskSucceeded(invoke.InvocationId, JsonNode.Parse("""{"value":42,"noise":true}""")), Now);

        Assert.Equal(ExecutionStatus.Running, started.State.Status);
        Assert.Equal("arn:aws:states:::my:thing", invoke.Resource);
        JsonEquality.AssertJson("""{"x":7}""", invoke.Input);
        Assert.Contains(started.History, h => h.Type == "TaskScheduled");
        JsonEquality.AssertJson("""{"r":42}""", done.State.Output);
        Assert.Contains(done.History, h => h.Type == "TaskSucceeded");
    }

    [Fact]
    public void Advance_leaves_the_state_it_was_given_unchanged()
    {
        var interpreter = Interpreter(TaskMachine);
        var started = interpreter.Start(Start("""{"in":{"x":7}}"""), Now);
        var invoke = (InvokeTask)started.Commands[0];

        interpreter.Advance(started.State, new TaskSucceeded(invoke.InvocationId, JsonNode.Parse("""{"value":1}""")), Now);
        var again = interpreter.Advance(started.State, new TaskSucceeded(invoke.InvocationId, JsonNode.Parse("""{"value":2}""")), Now);

        Assert.Equal(ExecutionStatus.Running, started.State.Status);
        JsonEquality.AssertJson("""{"r":2}""", again.State.Output);
    }

    [Fact]
    public void An_answer_for_an_unknown_invocation_is_ignored()
    {
        var interpreter = Interpreter(TaskMachine);
        var started = interpreter.Start(Start("""{"in":{"x":7}}"""), Now);

        var step = interpreter.Advance(started.State, new TaskSucceeded(999, null), Now);

        Assert.Equal(ExecutionStatus.Running, step.State.Status);
        Assert.Empty(step.Commands);
    }

    [Fact]
    public void Retry_waits_grow_by_BackoffRate_and_stop_at_MaxDelaySeconds()
    {
        var definition = StateMachineDefinition.Parse("""
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"r","End":true,
              "Parameters":{"retry.$":"$$.State.RetryCount"},
              "Retry":[{"ErrorEquals":["Boom"],"IntervalSeconds":2,"BackoffRate":3,"MaxAttempts":3,"MaxDelaySeconds":10}]}}}
            """);
        var driver = new VirtualDriver(definition, task => new TaskFailed(task.InvocationId, "Boom", "again"));

        var state = driver.Run(new JsonObject());

        Assert.Equal(ExecutionStatus.Failed, state.Status);
        Assert.Equal("Boom", state.Error);
        Assert.Equal([2.0, 6.0, 10.0], driver.Timers.Where(t => t.Purpose == "Retry").Select(t => t.Delay.TotalSeconds));
        Assert.Equal([0, 1, 2, 3], driver.Invocations.Select(i => i.Attempt));
        Assert.Equal([0, 1, 2, 3], driver.Invocations.Select(i => i.Input!["retry"]!.GetValue<int>()));
        Assert.Equal(TimeSpan.FromSeconds(18), driver.Now - driver.Started);
    }

    [Fact]
    public void An_exploding_backoff_stops_at_a_year_instead_of_overflowing_the_clock()
    {
        var definition = StateMachineDefinition.Parse("""
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"r","End":true,
              "Retry":[{"ErrorEquals":["States.ALL"],"BackoffRate":10,"MaxAttempts":400}]}}}
            """);
        var driver = new VirtualDriver(definition, task => new TaskFailed(task.InvocationId, "E", null));

        var state = driver.Run(null);

        Assert.Equal(ExecutionStatus.Failed, state.Status);
        Assert.Equal(400, driver.Timers.Count);
        Assert.Equal(31_622_400, driver.Timers.Max(t => t.Delay.TotalSeconds));
    }

    [Fact]
    public void Full_jitter_never_waits_longer_than_the_backoff()
    {
        var definition = StateMachineDefinition.Parse("""
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"r","End":true,
              "Retry":[{"ErrorEquals":["States.ALL"],"IntervalSeconds":4,"MaxAttempts":5,"JitterStrategy":"FULL"}]}}}
            """);
        var driver = new VirtualDriver(definition, task => new TaskFailed(task.InvocationId, "E", null));

        driver.Run(null);

        var delays = driver.Timers.Select(t => t.Delay.TotalSeconds).ToList();
        Assert.Equal(5, delays.Count);
        Assert.All(delays.Select((d, i) => (d, max: 4 * Math.Pow(2, i))), p => Assert.InRange(p.d, 0, p.max));
    }

    [Fact]
    public void Choice_with_no_match_and_no_default_fails_with_NoChoiceMatched()
    {
        var step = Interpreter("""{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.a","NumericEquals":1,"Next":"C"}]}}}""")
            .Start(Start("""{"a":2}"""), Now);

        Assert.Equal(ExecutionStatus.Failed, step.State.Status);
        Assert.Equal(ErrorNames.NoChoiceMatched, step.State.Error);
    }

    [Fact]
    public void Wait_starts_a_timer_and_continues_when_it_fires()
    {
        var interpreter = Interpreter("""{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":30,"Next":"P"},"P":{"Type":"Pass","Result":"done","End":true}}}""");

        var started = interpreter.Start(Start(), Now);
        var timer = Assert.IsType<StartTimer>(Assert.Single(started.Commands));
        var done = interpreter.Advance(started.State, new TimerFired(timer.TimerId), Now.AddSeconds(30));

        Assert.Equal(Now.AddSeconds(30), timer.DueTime);
        Assert.Equal("Wait", timer.Purpose);
        JsonEquality.AssertJson("\"done\"", done.State.Output);
    }

    [Fact]
    public void Task_timeout_fails_with_States_Timeout_and_a_late_answer_is_ignored()
    {
        var interpreter = Interpreter("""
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"r","TimeoutSeconds":5,
              "Catch":[{"ErrorEquals":["States.Timeout"],"Next":"Late"}],"End":true},"Late":{"Type":"Pass","End":true}}}
            """);

        var started = interpreter.Start(Start(), Now);
        var invoke = started.Commands.OfType<InvokeTask>().Single();
        var timeout = started.Commands.OfType<StartTimer>().Single();
        var caught = interpreter.Advance(started.State, new TimerFired(timeout.TimerId), Now.AddSeconds(5));
        var late = interpreter.Advance(caught.State, new TaskSucceeded(invoke.InvocationId, null), Now.AddSeconds(6));

        Assert.Equal("TaskTimeout", timeout.Purpose);
        Assert.Equal(ExecutionStatus.Succeeded, caught.State.Status);
        JsonEquality.AssertJson("""{"Error":"States.Timeout","Cause":"The task ran longer than its TimeoutSeconds."}""", caught.State.Output);
        Assert.Contains(caught.History, h => h.Type == "TaskTimedOut");
        Assert.Same(caught.State, late.State);
    }

    [Fact]
    public void Map_starts_no_more_iterations_than_MaxConcurrency()
    {
        var interpreter = Interpreter("""
            {"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":2,"End":true,
              "ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"r","End":true}}}}}}
            """);

        var started = interpreter.Start(Start("[1,2,3,4,5]"), Now);
        var first = started.Commands.OfType<StartIteration>().ToList();
        var next = interpreter.Advance(started.State, new IterationSucceeded(first[0].IterationId, JsonValue.Create(10)), Now);

        Assert.Equal([0, 1], first.Select(i => i.Index));
        var third = Assert.IsType<StartIteration>(Assert.Single(next.Commands));
        Assert.Equal(2, third.Index);
        JsonEquality.AssertJson("3", third.Input);
    }

    [Fact]
    public void Map_results_keep_the_item_order_whatever_the_completion_order()
    {
        var interpreter = Interpreter("""
            {"StartAt":"M","States":{"M":{"Type":"Map","End":true,
              "ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"r","End":true}}}}}}
            """);
        var step = interpreter.Start(Start("""["a","b","c"]"""), Now);
        var iterations = step.Commands.OfType<StartIteration>().ToList();

        foreach (var iteration in iterations.AsEnumerable().Reverse())
        {
            step = interpreter.Advance(step.State, new IterationSucceeded(iteration.IterationId, JsonValue.Create(iteration.Index * 10)), Now);
        }

        JsonEquality.AssertJson("[0,10,20]", step.State.Output);
        Assert.Contains(step.History, h => h.Type == "MapStateSucceeded");
    }

    [Fact]
    public void A_failed_Parallel_branch_stops_the_other_branches()
    {
        var interpreter = Interpreter("""
            {"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
              {"StartAt":"A","States":{"A":{"Type":"Task","Resource":"r","End":true}}},
              {"StartAt":"B","States":{"B":{"Type":"Task","Resource":"r","End":true}}}]}}}
            """);
        var started = interpreter.Start(Start(), Now);
        var branches = started.Commands.OfType<StartIteration>().ToList();

        var failed = interpreter.Advance(started.State, new IterationFailed(branches[0].IterationId, "Branch.Error", "c"), Now);

        Assert.Equal(ExecutionStatus.Failed, failed.State.Status);
        Assert.Equal("Branch.Error", failed.State.Error);
        Assert.Equal(branches[1].IterationId, Assert.Single(failed.Commands.OfType<StopIteration>()).IterationId);
    }

    [Fact]
    public void Abort_ends_the_execution_as_ABORTED()
    {
        var interpreter = Interpreter(TaskMachine);
        var started = interpreter.Start(Start("""{"in":{"x":1}}"""), Now);

        var aborted = interpreter.Advance(started.State, new AbortRequested(), Now);

        Assert.Equal(ExecutionStatus.Aborted, aborted.State.Status);
        Assert.Contains(aborted.History, h => h.Type == "ExecutionAborted");
    }

    [Fact]
    public void Machine_TimeoutSeconds_ends_the_execution_as_TIMED_OUT()
    {
        var interpreter = Interpreter("""{"TimeoutSeconds":3,"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":10,"End":true}}}""");
        var started = interpreter.Start(Start(), Now);
        var executionTimer = started.Commands.OfType<StartTimer>().Single(t => t.Purpose == "ExecutionTimeout");

        var timedOut = interpreter.Advance(started.State, new TimerFired(executionTimer.TimerId), Now.AddSeconds(3));

        Assert.Equal(ExecutionStatus.TimedOut, timedOut.State.Status);
        Assert.Equal(ErrorNames.Timeout, timedOut.State.Error);
    }

    [Fact]
    public void Assign_expressions_see_the_variables_from_before_the_state()
    {
        var step = Interpreter("""
            {"StartAt":"A","States":{
              "A":{"Type":"Pass","Assign":{"x":1},"Next":"B"},
              "B":{"Type":"Pass","Assign":{"x":2,"old.$":"$x"},"Next":"C"},
              "C":{"Type":"Pass","Parameters":{"x.$":"$x","old.$":"$old"},"End":true}}}
            """).Start(Start(), Now);

        JsonEquality.AssertJson("""{"x":2,"old":1}""", step.State.Output);
    }

    [Fact]
    public void A_long_Choice_loop_runs_without_deep_recursion()
    {
        var step = Interpreter("""
            {"StartAt":"Init","States":{
              "Init":{"Type":"Pass","Assign":{"i":0},"Next":"Loop"},
              "Loop":{"Type":"Choice","Choices":[{"Variable":"$i","NumericLessThan":20000,"Next":"Inc"}],"Default":"Done"},
              "Inc":{"Type":"Pass","Assign":{"i.$":"States.MathAdd($i, 1)"},"Next":"Loop"},
              "Done":{"Type":"Pass","Parameters":{"i.$":"$i"},"End":true}}}
            """, history: false).Start(Start(), Now);

        JsonEquality.AssertJson("""{"i":20000}""", step.State.Output);
    }
}
