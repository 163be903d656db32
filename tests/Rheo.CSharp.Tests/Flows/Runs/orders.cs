// End-to-end flow for FlowProgramTests: retries, catches, maps over stored items, parallels, choices, stop, workers.
using System.Text.Json.Nodes;
using Rheo.Flows;
using static Rheo.Flows.Flow;

namespace Runs.Orders;

public static class Orders
{
    public sealed class NotFound(string message) : Exception(message);
}

public sealed class Glitch(string message) : Exception(message);

public sealed class Rejected(string message) : Exception(message);

public sealed class Flaky : FlowTask
{
    public override Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken) =>
        context.Attempt < 2 ? throw new Glitch($"attempt {context.Attempt}") : Task.FromResult<JsonNode?>(new JsonObject { ["attempts"] = context.Attempt + 1 });
}

public sealed class Missing : FlowTask
{
    public override Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken) => throw new Orders.NotFound("order 42");
}

public sealed class Echo : FlowTask
{
    public override Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken) => Task.FromResult(input);
}

public sealed class Generate : FlowTask
{
    public override async Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken) =>
        await context.StateData.PutItemsAsync("numbers", [1, 2, 3, 4], cancellationToken);
}

public sealed class Double : FlowTask
{
    public override async Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken)
    {
        var item = await context.StateData.GetItemForMapIterationAsync(input, cancellationToken);
        return item!.GetValue<int>() * 2;
    }
}

public sealed class Left : FlowTask
{
    public override Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken) => Task.FromResult<JsonNode?>("left");
}

public sealed class Stopper : FlowTask
{
    public override async Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken) =>
        await context.StopExecutionAsync("FeatureDisabled", "orders are paused", cancellationToken);
}

public sealed class SquareWorker : TaskWorker
{
    public static int Started;

    public override Task OnStartupAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Started);
        return Task.CompletedTask;
    }

    public override async Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken)
    {
        var item = await context.StateData.GetItemForMapIterationAsync(input, cancellationToken);
        return item!.GetValue<int>() * item.GetValue<int>();
    }
}

[TaskSettings(Service = TaskService.EcsWorker, Spec = "Runs.Orders.SquareWorker", Concurrency = 2)]
public sealed class Square : FlowTask;

public static class Machines
{
    public static void Main(FlowData data)
    {
        if ((string)data["kind"] == "reject")
        {
            throw new Rejected("not today");
        }
        else if (data["kind"] == "stop")
        {
            Run<Stopper>();
        }
        else if (data["amount"] >= 100 && !(bool)data["trusted"])
        {
            data["review"] = true;
        }

        data.Update(new { done = true, tags = new[] { "a", "b" } });
        data["settings"] = Json("""{"level": "INFO"}""");
        data["copy"] = data["amount"];
        Wait(seconds: 0);
    }

    [Export]
    public static void RetryThenSucceed(FlowData data)
    {
        using (Retry(onExceptions: [typeof(Glitch)], interval: 1, maxAttempts: 3))
        {
            data["flaky"] = Run<Flaky>();
        }
    }

    [Export]
    public static void RetryExhausted(FlowData data)
    {
        using (Retry(maxAttempts: 1))
        {
            data["flaky"] = Run<Flaky>();
        }
    }

    [Export]
    public static void CatchAndContinue(FlowData data)
    {
        try
        {
            data["order"] = Run<Missing>();
        }
        catch (Exception e) when (e is Orders.NotFound or States.Timeout)
        {
            data["handled"] = "not found";
        }

        data["echo"] = Run<Echo>(data["e"]);
    }

    [Export]
    public static void CatchAndRethrow(FlowData data)
    {
        try
        {
            Run<Missing>();
        }
        catch (Exception e)
        {
            throw;
        }
    }

    public static void DoubleIt(FlowData data)
    {
        data["doubled"] = Run<Double>();
    }

    [Export]
    public static void FanOut(FlowData data)
    {
        data["numbers"] = Run<Generate>();
        data["results"] = Map(data["numbers"], DoubleIt, maxConcurrency: 2);
    }

    public static void LeftBranch(FlowData data)
    {
        data["side"] = Run<Left>();
    }

    public static void RightBranch(FlowData data)
    {
        data["side"] = "right";
    }

    [Export]
    public static void Branches(FlowData data)
    {
        data["both"] = Parallel(LeftBranch, RightBranch);
    }

    public static void SquareIt(FlowData data)
    {
        data["squared"] = Run<Square>();
    }

    [Export]
    public static void Workers(FlowData data)
    {
        data["numbers"] = Run<Generate>();
        data["results"] = Map(data["numbers"], SquareIt);
    }
}
