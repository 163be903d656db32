using Rheo.Runtime.Storage;

namespace Rheo.Storage.Tests.Contract;

public abstract partial class RheoStoreContractTests
{
    public static TheoryData<ExecutionStatus> ExecutionStatuses => [.. Enum.GetValues<ExecutionStatus>()];

    public static TheoryData<ComputeStatus> ComputeStatuses => [.. Enum.GetValues<ComputeStatus>()];

    [Fact]
    public async Task A_new_execution_reads_back_with_every_field()
    {
        var execution = new ExecutionRecord(7, "route", "NA/2024-05-01", ["NA", "2024-05-01"], """{"a":["p1","p2"]}""", ExecutionStatus.Failed, At(1), At(2), At(3), "boom: ✗", "execute");

        await CommitAsync("app", b => b.NewExecutions.Add(execution));

        AssertExecution(execution, await ExecutionAsync("app", 7));
    }

    [Fact]
    public async Task A_new_execution_without_optional_fields_reads_back_with_nulls_and_the_default_trigger()
    {
        var execution = new ExecutionRecord(1, "route", "", [], "{}", ExecutionStatus.Pending, At(1));

        await CommitAsync("app", b => b.NewExecutions.Add(execution));

        var read = await ExecutionAsync("app", 1);
        AssertExecution(execution, read);
        Assert.Equal("event", read.Trigger);
    }

    [Theory]
    [MemberData(nameof(ExecutionStatuses))]
    public async Task Every_execution_status_is_stored(ExecutionStatus status)
    {
        await CommitAsync("app", b => b.NewExecutions.Add(Execution(1, status: status)));

        var read = await ExecutionAsync("app", 1);

        Assert.Equal(status, read.Status);
    }

    [Fact]
    public async Task An_update_changes_the_status_and_the_given_fields()
    {
        await CommitAsync("app", b => b.NewExecutions.Add(Execution(1)));

        await CommitAsync("app", b => b.ExecutionUpdates.Add(new ExecutionUpdate(1, ExecutionStatus.Failed, At(5), At(6), "exit 2")));

        AssertExecution(Execution(1) with { Status = ExecutionStatus.Failed, StartedAt = At(5), EndedAt = At(6), Error = "exit 2" }, await ExecutionAsync("app", 1));
    }

    [Fact]
    public async Task An_update_keeps_start_end_and_error_it_does_not_give()
    {
        await CommitAsync("app", b => b.NewExecutions.Add(Execution(1) with { StartedAt = At(5), EndedAt = At(6), Error = "first" }));

        await CommitAsync("app", b => b.ExecutionUpdates.Add(new ExecutionUpdate(1, ExecutionStatus.Running)));

        AssertExecution(Execution(1) with { Status = ExecutionStatus.Running, StartedAt = At(5), EndedAt = At(6), Error = "first" }, await ExecutionAsync("app", 1));
    }

    [Fact]
    public async Task An_execution_inserted_and_updated_in_one_batch_has_the_updated_state()
    {
        await CommitAsync("app", b =>
        {
            b.NewExecutions.Add(Execution(1));
            b.ExecutionUpdates.Add(new ExecutionUpdate(1, ExecutionStatus.Running, StartedAt: At(2)));
        });

        AssertExecution(Execution(1) with { Status = ExecutionStatus.Running, StartedAt = At(2) }, await ExecutionAsync("app", 1));
    }

    [Fact]
    public async Task Updates_of_one_batch_apply_in_order()
    {
        await CommitAsync("app", b => b.NewExecutions.Add(Execution(1)));

        await CommitAsync("app", b =>
        {
            b.ExecutionUpdates.Add(new ExecutionUpdate(1, ExecutionStatus.Running, StartedAt: At(2)));
            b.ExecutionUpdates.Add(new ExecutionUpdate(1, ExecutionStatus.Succeeded, EndedAt: At(3)));
        });

        AssertExecution(Execution(1) with { Status = ExecutionStatus.Succeeded, StartedAt = At(2), EndedAt = At(3) }, await ExecutionAsync("app", 1));
    }

    [Fact]
    public async Task Executions_are_read_newest_first()
    {
        await CommitAsync("app", b => b.NewExecutions.AddRange([Execution(2), Execution(10), Execution(1)]));
        await CommitAsync("app", b => b.NewExecutions.Add(Execution(5)));

        var executions = await Store.GetExecutionsAsync("app", new ExecutionQuery(), Ct);

        Assert.Equal([10L, 5L, 2L, 1L], executions.Select(e => e.Id));
    }

    [Theory]
    [InlineData("r", null, false, int.MaxValue, new long[] { 6, 4, 2, 1 })]
    [InlineData(null, "NA/2024-05-02", false, int.MaxValue, new long[] { 5, 4 })]
    [InlineData("r", "NA/2024-05-01", false, int.MaxValue, new long[] { 2, 1 })]
    [InlineData(null, null, true, int.MaxValue, new long[] { 6, 5, 4, 2 })]
    [InlineData("r", null, true, int.MaxValue, new long[] { 6, 4, 2 })]
    [InlineData("r", "NA/2024-05-01", true, int.MaxValue, new long[] { 2 })]
    [InlineData(null, null, false, 2, new long[] { 6, 5 })]
    [InlineData("r", null, true, 2, new long[] { 6, 4 })]
    [InlineData(null, null, false, 0, new long[0])]
    [InlineData("unknown", null, false, int.MaxValue, new long[0])]
    [InlineData("r", "unknown", false, int.MaxValue, new long[0])]
    public async Task An_execution_query_filters_by_route_output_and_activity_and_limits_the_newest(string? routeId, string? outputKey, bool activeOnly, int limit, long[] expected)
    {
        await CommitAsync("app", b => b.NewExecutions.AddRange(
        [
            Execution(1, "r", "NA/2024-05-01", ExecutionStatus.Succeeded),
            Execution(2, "r", "NA/2024-05-01", ExecutionStatus.Running),
            Execution(3, "s", "NA/2024-05-01", ExecutionStatus.Failed),
            Execution(4, "r", "NA/2024-05-02", ExecutionStatus.Pending),
            Execution(5, "s", "NA/2024-05-02", ExecutionStatus.Pending),
            Execution(6, "r", "EU/2024-05-01", ExecutionStatus.Running),
        ]));
        await CommitAsync("other", b => b.NewExecutions.Add(Execution(7, "r", "NA/2024-05-01", ExecutionStatus.Running)));

        var executions = await Store.GetExecutionsAsync("app", new ExecutionQuery(routeId, outputKey, activeOnly, limit), Ct);

        Assert.Equal(expected, executions.Select(e => e.Id));
    }

    [Fact]
    public async Task An_execution_that_ends_leaves_the_active_ones()
    {
        await CommitAsync("app", b => b.NewExecutions.AddRange([Execution(1, status: ExecutionStatus.Running), Execution(2, status: ExecutionStatus.Running)]));

        await CommitAsync("app", b => b.ExecutionUpdates.Add(new ExecutionUpdate(1, ExecutionStatus.Killed, EndedAt: At(9))));

        var active = await Store.GetExecutionsAsync("app", new ExecutionQuery(ActiveOnly: true), Ct);
        Assert.Equal([2L], active.Select(e => e.Id));
    }

    [Fact]
    public async Task The_highest_execution_id_is_zero_without_executions_and_the_largest_id_otherwise()
    {
        var none = await Store.GetMaxExecutionIdAsync("app", Ct);
        await CommitAsync("app", b => b.NewExecutions.AddRange([Execution(3), Execution(12), Execution(5)]));
        await CommitAsync("other", b => b.NewExecutions.Add(Execution(40)));

        var max = await Store.GetMaxExecutionIdAsync("app", Ct);

        Assert.Equal((0L, 12L), (none, max));
    }

    [Fact]
    public async Task Compute_records_are_read_in_order_of_target_then_attempt()
    {
        ComputeRecord Record(int target, int attempt) => new(1, target, attempt, $"inlined T{target}", ComputeStatus.Failed, At(attempt), At(attempt + 1));
        await CommitAsync("app", b =>
        {
            b.NewExecutions.Add(Execution(1));
            b.ComputeRecords.AddRange([Record(1, 1), Record(0, 2)]);
        });

        await CommitAsync("app", b => b.ComputeRecords.AddRange([Record(1, 2), Record(0, 1), Record(0, 3)]));

        var records = await Store.GetComputeRecordsAsync("app", 1, Ct);
        Assert.Equal([(0, 1), (0, 2), (0, 3), (1, 1), (1, 2)], records.Select(r => (r.TargetIndex, r.Attempt)));
    }

    [Fact]
    public async Task Compute_records_read_back_with_every_field_for_their_execution_only()
    {
        var record = new ComputeRecord(1, 0, 1, "process python3 job.py", ComputeStatus.Failed, At(1), At(2), "exit 1", "/logs/1/0/1.log");
        var bare = new ComputeRecord(1, 1, 1, "noop", ComputeStatus.Succeeded, At(3), At(4));
        await CommitAsync("app", b =>
        {
            b.NewExecutions.AddRange([Execution(1), Execution(2)]);
            b.ComputeRecords.AddRange([record, new ComputeRecord(2, 0, 1, "other", ComputeStatus.Succeeded, At(1), At(2)), bare]);
        });
        await CommitAsync("other", b => b.ComputeRecords.Add(new ComputeRecord(1, 0, 2, "other app", ComputeStatus.Succeeded, At(1), At(2))));

        var records = await Store.GetComputeRecordsAsync("app", 1, Ct);

        Assert.Equal([record, bare], records);
    }

    [Theory]
    [MemberData(nameof(ComputeStatuses))]
    public async Task Every_compute_status_is_stored(ComputeStatus status)
    {
        await CommitAsync("app", b => b.ComputeRecords.Add(new ComputeRecord(1, 0, 1, "t", status, At(1), At(2))));

        var record = Assert.Single(await Store.GetComputeRecordsAsync("app", 1, Ct));

        Assert.Equal(status, record.Status);
    }

    [Fact]
    public async Task An_unknown_execution_has_no_compute_records()
    {
        var records = await Store.GetComputeRecordsAsync("app", 42, Ct);

        Assert.Empty(records);
    }
}
