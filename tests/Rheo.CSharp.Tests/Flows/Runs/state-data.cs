// State data in a real store for StoreStateDataTests: one task puts large orders, each Map iteration reads and
// replaces its own, the last task reads them all and puts a global report another process can read.
using System.Text.Json.Nodes;
using Rheo.Flows;
using static Rheo.Flows.Flow;

namespace Runs.StateData;

public sealed class Split : FlowTask
{
    public override async Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken)
    {
        var count = input!["count"]!.GetValue<int>();
        var orders = new List<JsonNode?>();
        for (var id = 1; id <= count; id++)
        {
            orders.Add(new JsonObject { ["id"] = id, ["blob"] = new string((char)('a' + id), 100_000) });
        }

        return await context.StateData.PutItemsAsync("orders", orders, cancellationToken);
    }
}

public sealed class Price : FlowTask
{
    public override async Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken)
    {
        var order = await context.StateData.GetItemForMapIterationAsync(input, cancellationToken);
        var id = order!["id"]!.GetValue<int>();
        var blob = order["blob"]!.GetValue<string>();
        var priced = new JsonObject { ["id"] = id, ["price"] = id * 10, ["blob_ok"] = blob.Length == 100_000 && blob[0] == (char)('a' + id) };
        await context.StateData.PutItemForMapIterationAsync(input, priced, cancellationToken);
        return id * 10;
    }
}

public sealed class Report : FlowTask
{
    public override async Task<JsonNode?> RunAsync(JsonNode? input, TaskContext context, CancellationToken cancellationToken)
    {
        var priced = await context.StateData.GetItemsAsync("orders", cancellationToken);
        var total = 0;
        var ids = new JsonArray();
        foreach (var order in priced)
        {
            total += order!["price"]!.GetValue<int>();
            ids.Add(order["blob_ok"]!.GetValue<bool>() ? order["id"]!.GetValue<int>() : -1);
        }

        var report = new JsonObject { ["execution"] = context.ExecutionName, ["total"] = total, ["ids"] = ids };
        return await context.StateData.PutGlobalItemAsync("reports", "orders-total", report, cancellationToken: cancellationToken);
    }
}

public static class Machines
{
    public static void PriceIt(FlowData data)
    {
        data["price"] = Run<Price>();
    }

    public static void Main(FlowData data)
    {
        data["orders"] = Run<Split>();
        data["prices"] = Map(data["orders"], PriceIt, maxConcurrency: 2);
        data["report"] = Run<Report>();
    }
}
