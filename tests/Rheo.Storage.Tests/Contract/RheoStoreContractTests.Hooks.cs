using Rheo.Runtime.Storage;

namespace Rheo.Storage.Tests.Contract;

public abstract partial class RheoStoreContractTests
{
    private static HookRecord Hook(long id, int minutes = 1) => new(id, "Sample.Published, Sample", $$"""{"route":"r","id":{{id}}}""", At(minutes));

    [Fact]
    public async Task Hook_calls_committed_with_a_batch_are_read_back_in_id_order()
    {
        await CommitAsync("app", b => b.Hooks.AddRange([Hook(2), Hook(1)]));

        var hooks = await Store.GetHooksAsync("app", Ct);

        Assert.Equal([Hook(1), Hook(2)], hooks);
    }

    [Fact]
    public async Task A_failed_hook_attempt_replaces_the_call_and_a_completed_call_leaves_the_outbox()
    {
        await CommitAsync("app", b => b.Hooks.AddRange([Hook(1), Hook(2), Hook(3)]));

        await CommitAsync("app", b =>
        {
            b.Hooks.Add(Hook(2) with { Attempts = 1, NextAttemptAt = At(5), Error = "smtp down" });
            b.Hooks.Add(Hook(3) with { Attempts = 5, Error = "smtp down", GaveUp = true });
            b.CompletedHooks.Add(1);
        });

        var hooks = await Store.GetHooksAsync("app", Ct);
        Assert.Equal([Hook(2) with { Attempts = 1, NextAttemptAt = At(5), Error = "smtp down" }, Hook(3) with { Attempts = 5, Error = "smtp down", GaveUp = true }], hooks);
    }

    [Fact]
    public async Task Hook_calls_of_applications_are_isolated_and_deleted_with_their_application()
    {
        await CommitAsync("one", b => b.Hooks.Add(Hook(1)));
        await CommitAsync("two", b => b.Hooks.Add(Hook(1, minutes: 9)));

        await Store.DeleteApplicationAsync("one", Ct);

        Assert.Empty(await Store.GetHooksAsync("one", Ct));
        Assert.Equal([Hook(1, minutes: 9)], await Store.GetHooksAsync("two", Ct));
    }

    [Fact]
    public async Task A_rejected_batch_adds_no_hook_call()
    {
        var rejected = Batch(b =>
        {
            b.Hooks.Add(Hook(1));
            b.ExecutionUpdates.Add(new ExecutionUpdate(404, ExecutionStatus.Succeeded));
        });

        await Assert.ThrowsAnyAsync<Exception>(() => Store.CommitAsync("app", rejected, Ct));

        Assert.Empty(await Store.GetHooksAsync("app", Ct));
    }
}
