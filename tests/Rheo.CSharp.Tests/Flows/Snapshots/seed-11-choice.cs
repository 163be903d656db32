// Seed, "Choice": if / else if / else with inferred and cast types, &&, !, nested data references.
using System.Text.Json.Nodes;
using Rheo.Flows;
using static Rheo.Flows.Flow;

namespace Seed.Choice;

public sealed class Bad(string message) : Exception(message);

public sealed class DoneButNot : Exception;

public sealed class Wrong(string message) : Exception(message);

public sealed class Bar : FlowTask
{
    public override Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken) => Task.FromResult(input);
}

public sealed class Baz : FlowTask
{
    public override Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken) => Task.FromResult(input);
}

public static class StateMachines
{
    public static void Branch1(FlowData data)
    {
        Run<Baz>();
    }

    public static void Branch2(FlowData data)
    {
        Run<Bar>();
    }

    public static void Main(FlowData data)
    {
        if (data["foo"] > 0 && data["foo"] < 100)
        {
            throw new Bad("nope");
        }
        else if (!(bool)data["empty"])
        {
            return;
        }
        else if (data["empty"]["inner"] == "something")
        {
            return;
        }
        else if (data["empty"]["inner"] == 4.25)
        {
            Parallel(Branch1, Branch2);
            if (data["done"] != 10)
            {
                throw new DoneButNot();
            }
        }
        else if (data["array"][5] == 5)
        {
            Run<Bar>();
            Run<Baz>();
        }
        else
        {
            throw new Wrong("mmk");
        }
    }
}
