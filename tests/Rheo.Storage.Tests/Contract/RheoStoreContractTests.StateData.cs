using System.Text;
using Rheo.Runtime.Storage;

namespace Rheo.Storage.Tests.Contract;

public abstract partial class RheoStoreContractTests
{
    [Fact]
    public async Task A_state_item_reads_back_as_it_was_put()
    {
        await Store.PutStateItemsAsync("t", "ex-1:k", [new StateItem(0, """{"name":"jerry","n":[1,2.5,null],"s":"é\"✓"}""")], Ct);

        var json = await Store.GetStateItemAsync("t", "ex-1:k", 0, Ct);

        Assert.Equal("""{"name":"jerry","n":[1,2.5,null],"s":"é\"✓"}""", json);
    }

    [Fact]
    public async Task State_items_read_back_in_index_order_whatever_order_they_were_put_in()
    {
        StateItem[] items = [new(24, "\"elaine\""), new(0, "\"jerry\""), new(-1, "\"newman\""), new(3, "null")];

        await Store.PutStateItemsAsync("t", "ex-1:k", items, Ct);

        Assert.Equal(items.OrderBy(i => i.Index), await Store.GetStateItemsAsync("t", "ex-1:k", Ct));
    }

    [Fact]
    public async Task Putting_an_index_again_replaces_its_item_and_keeps_the_others()
    {
        await Store.PutStateItemsAsync("t", "ex-1:k", [new StateItem(0, "1"), new StateItem(1, "2")], Ct);

        await Store.PutStateItemsAsync("t", "ex-1:k", [new StateItem(1, "\"two\"")], Ct);

        Assert.Equal([new StateItem(0, "1"), new StateItem(1, "\"two\"")], await Store.GetStateItemsAsync("t", "ex-1:k", Ct));
        Assert.Equal("\"two\"", await Store.GetStateItemAsync("t", "ex-1:k", 1, Ct));
    }

    [Fact]
    public async Task A_missing_state_item_reads_as_null_and_a_missing_key_as_no_items()
    {
        await Store.PutStateItemsAsync("t", "ex-1:k", [new StateItem(0, "1")], Ct);

        Assert.Null(await Store.GetStateItemAsync("t", "ex-1:k", 1, Ct));
        Assert.Null(await Store.GetStateItemAsync("t", "ex-1:other", 0, Ct));
        Assert.Empty(await Store.GetStateItemsAsync("t", "ex-1:other", Ct));
    }

    [Fact]
    public async Task State_items_of_other_tables_and_partition_keys_are_apart()
    {
        await Store.PutStateItemsAsync("t1", "p", [new StateItem(0, "\"t1 p\"")], Ct);
        await Store.PutStateItemsAsync("t2", "p", [new StateItem(0, "\"t2 p\"")], Ct);
        await Store.PutStateItemsAsync("t1", "p2", [new StateItem(0, "\"t1 p2\""), new StateItem(1, "\"t1 p2 1\"")], Ct);
        await Store.PutStateItemsAsync("t1", "P", [new StateItem(0, "\"t1 P\"")], Ct);

        Assert.Equal("\"t1 p\"", await Store.GetStateItemAsync("t1", "p", 0, Ct));
        Assert.Equal("\"t2 p\"", await Store.GetStateItemAsync("t2", "p", 0, Ct));
        Assert.Equal("\"t1 P\"", await Store.GetStateItemAsync("t1", "P", 0, Ct));
        Assert.Equal([new StateItem(0, "\"t1 p\"")], await Store.GetStateItemsAsync("t1", "p", Ct));
        Assert.Equal(2, (await Store.GetStateItemsAsync("t1", "p2", Ct)).Count);
    }

    [Fact]
    public async Task State_data_is_not_part_of_an_application_and_outlives_its_deletion()
    {
        await EnqueueAsync("app", Event("a", "1"));
        await Store.PutStateItemsAsync("t", "app:k", [new StateItem(0, "1")], Ct);

        await Store.DeleteApplicationAsync("app", Ct);

        Assert.Equal("1", await Store.GetStateItemAsync("t", "app:k", 0, Ct));
    }

    [Fact]
    public async Task A_one_megabyte_state_item_round_trips()
    {
        var json = new StringBuilder("[");
        for (var i = 0; json.Length < 1_048_576; i++)
        {
            json.Append(i == 0 ? "" : ",").Append("{\"i\":").Append(i).Append(",\"s\":\"").Append((char)('a' + (i % 26)), 20).Append("\"}");
        }

        var text = json.Append(']').ToString();

        await Store.PutStateItemsAsync("t", "big", [new StateItem(0, text)], Ct);

        Assert.Equal(text, await Store.GetStateItemAsync("t", "big", 0, Ct));
        Assert.Equal(text, Assert.Single(await Store.GetStateItemsAsync("t", "big", Ct)).Json);
    }

    [Fact]
    public async Task Concurrent_puts_from_several_tasks_lose_no_item()
    {
        const int Writers = 8;
        const int PutsEach = 25;

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < PutsEach; i++)
            {
                await Store.PutStateItemsAsync("t", $"p{i % 3}", [new StateItem((w * PutsEach) + i, $"[{w},{i}]")], Ct);
            }
        })));

        var all = (await Task.WhenAll(Enumerable.Range(0, 3).Select(p => Store.GetStateItemsAsync("t", $"p{p}", Ct)))).SelectMany(items => items).ToList();
        Assert.Equal(Writers * PutsEach, all.Count);
        Assert.All(all, item => Assert.Equal($"[{item.Index / PutsEach},{item.Index % PutsEach}]", item.Json));
    }

    [Fact]
    public async Task Deleting_a_partition_key_removes_its_items_only()
    {
        await Store.PutStateItemsAsync("t", "p", [new StateItem(0, "1"), new StateItem(1, "2")], Ct);
        await Store.PutStateItemsAsync("t", "q", [new StateItem(0, "3")], Ct);

        var deleted = await Store.DeleteStateItemsAsync("t", "p", Ct);

        Assert.Equal(2, deleted);
        Assert.Empty(await Store.GetStateItemsAsync("t", "p", Ct));
        Assert.Equal("3", await Store.GetStateItemAsync("t", "q", 0, Ct));
        Assert.Equal(0, await Store.DeleteStateItemsAsync("t", "p", Ct));
    }

    [Fact]
    public async Task Putting_a_state_item_without_json_is_refused_and_puts_nothing()
    {
        StateItem[] items = [new(0, "1"), new(1, null!)];

        await Assert.ThrowsAsync<ArgumentNullException>(() => Store.PutStateItemsAsync("t", "p", items, Ct));

        Assert.Empty(await Store.GetStateItemsAsync("t", "p", Ct));
    }
}
