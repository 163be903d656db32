// Seed, "Working with the State Data Client": put and get items, fan out over stored items with a Map.
using System.Text.Json.Nodes;
using Rheo.Flows;
using static Rheo.Flows.Flow;

namespace Seed.StateData;

public sealed class StoreCharacters : FlowTask
{
    public override async Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken)
    {
        await context.StateData.PutItemAsync("characters", new JsonObject { ["name"] = "jerry" }, cancellationToken: cancellationToken);
        await context.StateData.PutItemAsync("characters", new JsonObject { ["name"] = "elaine" }, index: 24, cancellationToken);
        return await context.StateData.PutItemsAsync("characters", [new JsonObject { ["name"] = "jerry" }, new JsonObject { ["name"] = "elaine" }], cancellationToken);
    }
}

public sealed class Greet : FlowTask
{
    public override async Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken)
    {
        var character = await context.StateData.GetItemForMapIterationAsync(input, cancellationToken);
        return $"hello {character?["name"]}";
    }
}

public sealed class Summarize : FlowTask
{
    public override async Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken)
    {
        var first = await context.StateData.GetItemAsync("characters", cancellationToken: cancellationToken);
        var all = await context.StateData.GetItemsAsync("characters", cancellationToken);
        return new JsonObject { ["first"] = first?.DeepClone(), ["count"] = all.Count };
    }
}

public static class StateMachines
{
    public static void GreetCharacter(FlowData data)
    {
        data["greeting"] = Run<Greet>();
    }

    public static void Main(FlowData data)
    {
        data["characters"] = Run<StoreCharacters>();
        data["greetings"] = Map(data["characters"], GreetCharacter);
        data["summary"] = Run<Summarize>();
    }
}
