using System.Text.Json.Nodes;
using Rheo.CSharp.Flows;
using Rheo.Runtime;
using Rheo.Runtime.States;
using Rheo.States.Tests;
using Rheo.Storage.Sqlite;

namespace Rheo.CSharp.Tests.Flows;

/// <summary>A flow's state data in the application's SQLite store: put by one task, read per Map iteration, read again by another process.</summary>
public sealed class StoreStateDataTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private readonly string _root = Directory.CreateTempSubdirectory("rheo-state-data-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_map_reads_the_items_a_task_put_in_the_store_and_a_second_store_on_the_file_reads_the_global_report()
    {
        var compilation = FlowCompiler.Compile(File.ReadAllText(Path.Combine(FlowFiles.Output("Runs"), "state-data.cs")), "state-data.cs");
        Assert.Empty(compilation.Diagnostics);
        ExecutionResult result;
        await using (var app = Application.Local("orders", _root))
        {
            using var program = FlowProgram.Load(compilation, new FlowProgramOptions { StateData = new StoreStateData(app.StateData).ClientFor });
            result = await program.RunAsync("Main", JsonNode.Parse("""{"count": 3}"""), new ExecutionOptions { StateMachineName = "Main", ExecutionName = "ex-1" }, Ct);
        }

        await using var store = SqliteRheoStore.Open(Path.Combine(_root, SqliteLocalStoreFactory.FileName));
        var stateData = new StateDataStore(store);
        var report = await stateData.GetItemAsync("reports", "orders-total", cancellationToken: Ct);
        var orders = await new StoreStateData(stateData).ClientFor("ex-1").GetItemsAsync("orders", Ct);

        Assert.Equal(ExecutionResult.Succeeded, result.Status);
        Assert.Equal([10, 20, 30], result.Output!["prices"]!.AsArray().Select(p => p!["price"]!.GetValue<int>()));
        JsonEquality.AssertJson("""{"table_name":"reports","partition_key":"orders-total"}""", result.Output["report"]);
        JsonEquality.AssertJson("""{"table_name":"rheo-state-data","partition_key":"ex-1:orders","key":"orders","items":[1,1,1]}""", result.Output["orders"]);
        JsonEquality.AssertJson("""{"execution":"ex-1","total":60,"ids":[1,2,3]}""", report);
        JsonEquality.AssertJson("""{"id":2,"price":20,"blob_ok":true}""", orders[1]);
    }

    [Fact]
    public async Task Local_items_of_one_execution_are_not_seen_by_another_on_the_same_store()
    {
        await using var app = Application.Local("orders", _root);
        var data = new StoreStateData(app.StateData);
        await data.ClientFor("ex-1").PutItemAsync("k", "mine", cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<KeyNotFoundException>(() => data.ClientFor("ex-2").GetItemAsync("k", cancellationToken: Ct));

        Assert.Equal("No state data item: partition_key=ex-2:k sort_key=0 table_name=rheo-state-data.", error.Message);
        JsonEquality.AssertJson("\"mine\"", await data.ClientFor("ex-1").GetItemAsync("k", cancellationToken: Ct));
    }
}
