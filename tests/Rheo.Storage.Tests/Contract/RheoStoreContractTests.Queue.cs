using Rheo.Runtime.Storage;

namespace Rheo.Storage.Tests.Contract;

public abstract partial class RheoStoreContractTests
{
    [Fact]
    public async Task Enqueue_gives_increasing_sequences_in_the_order_of_the_events()
    {
        var first = await EnqueueAsync("app", Event("a", "1"), Event("a", "2"), Event("b", "3"));
        var second = await EnqueueAsync("app", Event("a", "4"));

        long[] all = [.. first, .. second];
        Assert.Equal(4, all.Length);
        Assert.Equal(all.Order(), all);
        Assert.Equal(4, all.Distinct().Count());
    }

    [Fact]
    public async Task Enqueueing_no_events_gives_no_sequences_and_queues_nothing()
    {
        var sequences = await EnqueueAsync("app");

        Assert.Empty(sequences);
        Assert.Equal(0, await Store.CountQueuedAsync("app", Ct));
    }

    [Fact]
    public async Task Queued_events_read_back_in_sequence_order_with_every_field()
    {
        EventRecord[] events = [new("a", ["NA", "2024-05-01"], At(1)), new("b", [], At(2)), new("a", ["é/✓ ..", "", "a\"b\\c"], At(3))];
        var sequences = await EnqueueAsync("app", events);

        var queued = await Store.ReadQueueAsync("app", 10, Ct);

        Assert.Equal(sequences, queued.Select(q => q.Sequence));
        for (var i = 0; i < events.Length; i++)
        {
            AssertEvent(events[i], queued[i].Event);
        }
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(3, 3)]
    [InlineData(5, 5)]
    [InlineData(100, 5)]
    public async Task Reading_the_queue_returns_at_most_max_events_from_the_oldest(int max, int expected)
    {
        var sequences = await EnqueueAsync("app", [.. Enumerable.Range(0, 5).Select(i => Event("a", $"{i}"))]);

        var queued = await Store.ReadQueueAsync("app", max, Ct);

        Assert.Equal(sequences.Take(expected), queued.Select(q => q.Sequence));
    }

    [Fact]
    public async Task Read_events_stay_queued_until_a_commit_consumes_them()
    {
        var sequences = await EnqueueAsync("app", Event("a", "1"), Event("a", "2"));

        await Store.ReadQueueAsync("app", 10, Ct);
        var again = await Store.ReadQueueAsync("app", 10, Ct);

        Assert.Equal(sequences, again.Select(q => q.Sequence));
        Assert.Equal(2, await Store.CountQueuedAsync("app", Ct));
    }

    [Fact]
    public async Task A_commit_consumes_queued_events_up_to_its_sequence_only()
    {
        var sequences = await EnqueueAsync("app", Event("a", "1"), Event("a", "2"), Event("a", "3"), Event("a", "4"));

        await CommitAsync("app", b => b.ConsumedThrough = sequences[1]);

        Assert.Equal(sequences[2..], (await Store.ReadQueueAsync("app", 10, Ct)).Select(q => q.Sequence));
        Assert.Equal(2, await Store.CountQueuedAsync("app", Ct));
    }

    [Fact]
    public async Task Events_enqueued_while_a_batch_was_built_survive_its_commit()
    {
        var read = await EnqueueAsync("app", Event("a", "1"), Event("a", "2"));
        var later = await EnqueueAsync("app", Event("a", "3"));

        await CommitAsync("app", b => b.ConsumedThrough = read[^1]);

        Assert.Equal(later, (await Store.ReadQueueAsync("app", 10, Ct)).Select(q => q.Sequence));
    }

    [Fact]
    public async Task Sequences_keep_increasing_after_the_queue_is_emptied()
    {
        var first = await EnqueueAsync("app", Event("a", "1"), Event("a", "2"));
        await CommitAsync("app", b => b.ConsumedThrough = first[^1]);

        var second = await EnqueueAsync("app", Event("a", "3"));

        Assert.True(second[0] > first[^1], $"sequence {second[0]} after {first[^1]}");
    }

    [Fact]
    public async Task Queues_of_applications_are_isolated()
    {
        var one = await EnqueueAsync("one", Event("a", "1"), Event("a", "2"));
        var two = await EnqueueAsync("two", Event("b", "1"));

        await CommitAsync("one", b => b.ConsumedThrough = one[^1]);

        Assert.Equal(0, await Store.CountQueuedAsync("one", Ct));
        Assert.Equal(two, (await Store.ReadQueueAsync("two", 10, Ct)).Select(q => q.Sequence));
        AssertEvent(Event("b", "1"), (await Store.ReadQueueAsync("two", 10, Ct))[0].Event);
    }

    [Fact]
    public async Task An_unknown_application_has_an_empty_queue()
    {
        var count = await Store.CountQueuedAsync("nowhere", Ct);
        var queued = await Store.ReadQueueAsync("nowhere", 10, Ct);

        Assert.Equal(0, count);
        Assert.Empty(queued);
    }

    [Fact]
    public async Task A_commit_queues_its_new_events_after_the_events_already_queued()
    {
        var before = await EnqueueAsync("app", Event("a", "1"));
        var deferred = Event("paused", "x", "y");

        await CommitAsync("app", b => b.NewEvents.Add(deferred));

        var queued = await Store.ReadQueueAsync("app", 10, Ct);
        Assert.Equal(2, queued.Count);
        Assert.Equal(before[0], queued[0].Sequence);
        Assert.True(queued[1].Sequence > before[0]);
        AssertEvent(deferred, queued[1].Event);
    }

    [Fact]
    public async Task A_commit_can_consume_events_and_queue_new_ones_together()
    {
        var consumed = await EnqueueAsync("app", Event("a", "1"));

        await CommitAsync("app", b =>
        {
            b.ConsumedThrough = consumed[0];
            b.NewEvents.Add(Event("a", "again"));
        });

        var queued = Assert.Single(await Store.ReadQueueAsync("app", 10, Ct));
        Assert.True(queued.Sequence > consumed[0]);
        AssertEvent(Event("a", "again"), queued.Event);
    }

    [Fact]
    public async Task Concurrent_enqueues_lose_no_event_and_give_unique_sequences()
    {
        const int tasks = 8, calls = 25, perCall = 4;

        var results = await Task.WhenAll(Enumerable.Range(0, tasks).Select(t => Task.Run(async () =>
        {
            var mine = new List<long>();
            for (var c = 0; c < calls; c++)
            {
                mine.AddRange(await EnqueueAsync("app", [.. Enumerable.Range(0, perCall).Select(i => Event($"node{t}", $"{c}", $"{i}"))]));
            }

            return mine;
        })));

        var all = results.SelectMany(r => r).ToList();
        Assert.Equal(tasks * calls * perCall, all.Count);
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.All(results, mine => Assert.Equal(mine.Order(), mine));
        var queued = await Store.ReadQueueAsync("app", int.MaxValue, Ct);
        Assert.Equal(all.Order(), queued.Select(q => q.Sequence));
        Assert.All(Enumerable.Range(0, tasks), t => Assert.Equal(calls * perCall, queued.Count(q => q.Event.NodeId == $"node{t}")));
    }
}
