using System.Text.Json.Nodes;
using Rheo.CSharp.Flows;
using Rheo.Flows;
using Rheo.States.Tests;

namespace Rheo.CSharp.Tests.Flows;

/// <summary>The state data client's keys, pointers and Map iteration, on the in-memory store (the store-backed client is the same code).</summary>
public sealed class StateDataClientTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private readonly InMemoryStateData _data = new();

    [Fact]
    public async Task A_local_put_returns_the_pointer_with_the_execution_scoped_partition_key()
    {
        var client = _data.ClientFor("ex-1");

        var pointer = await client.PutItemAsync("characters", new JsonObject { ["name"] = "jerry" }, index: 24, Ct);

        JsonEquality.AssertJson("""{"table_name":"rheo-state-data","partition_key":"ex-1:characters","key":"characters"}""", pointer);
        JsonEquality.AssertJson("""{"name":"jerry"}""", await client.GetItemAsync("characters", 24, Ct));
        JsonEquality.AssertJson("""{"name":"jerry"}""", await client.GetGlobalItemAsync("rheo-state-data", "ex-1:characters", 24, Ct));
    }

    [Fact]
    public async Task Putting_items_returns_one_1_per_item_and_they_read_back_in_order()
    {
        var client = _data.ClientFor("ex-1");

        var pointer = await client.PutItemsAsync("numbers", [3, "two", null], Ct);

        JsonEquality.AssertJson("""{"table_name":"rheo-state-data","partition_key":"ex-1:numbers","key":"numbers","items":[1,1,1]}""", pointer);
        JsonEquality.AssertJson("""[3,"two",null]""", new JsonArray([.. (await client.GetItemsAsync("numbers", Ct)).Select(i => i?.DeepClone())]));
    }

    [Fact]
    public async Task Local_items_of_two_executions_are_apart_and_a_missing_one_names_its_keys()
    {
        await _data.ClientFor("ex-1").PutItemAsync("k", 1, cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<KeyNotFoundException>(() => _data.ClientFor("ex-2").GetItemAsync("k", cancellationToken: Ct));

        Assert.Equal("No state data item: partition_key=ex-2:k sort_key=0 table_name=rheo-state-data.", error.Message);
        Assert.Empty(await _data.ClientFor("ex-2").GetItemsAsync("k", Ct));
    }

    [Fact]
    public async Task Global_items_are_reached_from_any_execution_without_a_key_in_the_pointer()
    {
        var pointer = await _data.ClientFor("ex-1").PutGlobalItemsAsync("reports", "daily", [new JsonObject { ["n"] = 1 }, new JsonObject { ["n"] = 2 }], Ct);

        var second = await _data.ClientFor("ex-2").GetGlobalItemAsync("reports", "daily", 1, Ct);

        JsonEquality.AssertJson("""{"table_name":"reports","partition_key":"daily","items":[1,1]}""", pointer);
        JsonEquality.AssertJson("""{"n":2}""", second);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("\"1\"")]
    public async Task A_map_iteration_reads_and_replaces_its_own_item_by_context_index(string contextIndex)
    {
        var client = _data.ClientFor("ex-1");
        await client.PutItemsAsync("orders", ["a", "b", "c"], Ct);
        var input = JsonNode.Parse($$"""
            {"items_result_table_name":"rheo-state-data","items_result_partition_key":"ex-1:orders","items_result_key":"orders","context_index":{{contextIndex}},"context_value":1}
            """);

        var item = await client.GetItemForMapIterationAsync(input, Ct);
        await client.PutItemForMapIterationAsync(input, "B", Ct);

        JsonEquality.AssertJson("\"b\"", item);
        JsonEquality.AssertJson("\"B\"", await client.GetGlobalItemForMapIterationAsync(input, Ct));
        JsonEquality.AssertJson("""["a","B","c"]""", new JsonArray([.. (await client.GetItemsAsync("orders", Ct)).Select(i => i?.DeepClone())]));
    }

    [Fact]
    public async Task A_map_iteration_call_outside_a_map_says_which_field_is_missing()
    {
        IStateDataClient client = _data.ClientFor("ex-1");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.GetItemForMapIterationAsync(JsonNode.Parse("""{"items_result_key":"orders"}"""), Ct));
        var global = await Assert.ThrowsAsync<ArgumentException>(() => client.GetGlobalItemForMapIterationAsync(JsonNode.Parse("{}"), Ct));

        Assert.Contains("'context_index'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'items_result_table_name'", global.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stored_item_is_a_copy_that_later_changes_to_the_node_do_not_reach()
    {
        var client = _data.ClientFor("ex-1");
        var node = new JsonObject { ["n"] = 1 };

        await client.PutItemAsync("k", node, cancellationToken: Ct);
        node["n"] = 2;
        var read = await client.GetItemAsync("k", cancellationToken: Ct);
        read!["n"] = 3;

        JsonEquality.AssertJson("""{"n":1}""", await client.GetItemAsync("k", cancellationToken: Ct));
    }
}
