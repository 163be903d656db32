using Rheo.Runtime.Compute;
using Rheo.Runtime.Storage;
using Rheo.Runtime.Tests.States;
using Rheo.Runtime.Timers;

namespace Rheo.Runtime.Tests.Applications;

public sealed class ComputeTargetTests
{
    [Fact]
    public async Task A_process_target_gets_paths_and_dimensions_and_its_output_is_kept_while_the_exit_code_decides()
    {
        using var root = new TempRoot();
        await using var app = TestApps.InMemory(root, "process");
        var t = app.AddTimer("T", "rate(1 day)", timeDimension: "day");
        var a = app.CreateData("A", inputs: [t], computeTargets:
            [ComputeTarget.Process("sh", ["-c", "echo \"day=$RHEO_DIM_DAY input=$RHEO_INPUT_T_PATH\" > \"$1/out.txt\"; echo hello; echo warn >&2", "sh", "{output}"])]);
        var bad = app.CreateData("Bad", inputs: [t], computeTargets: [ComputeTarget.Process("sh", ["-c", "echo broken >&2; exit 3"], retryCount: 1)]);
        await app.ActivateAsync();

        var path = await app.ExecuteAsync(a["2024-03-10"]);
        var failure = await Assert.ThrowsAsync<ExecutionFailedException>(() => app.ExecuteAsync(bad["2024-03-10"]));

        Assert.Equal(["day=2024-03-10 input=T/2024-03-10"], await File.ReadAllLinesAsync(Path.Combine(path, "out.txt")));
        var record = Assert.Single((await app.PollAsync(a["2024-03-10"])).ComputeRecords);
        Assert.Equal("hello", (await File.ReadAllTextAsync(record.LogPath + ".stdout")).Trim());
        Assert.Equal("warn", (await File.ReadAllTextAsync(record.LogPath + ".stderr")).Trim());
        Assert.Contains("exited with code 3: broken", failure.Message, StringComparison.Ordinal);
        Assert.Equal(2, failure.ComputeRecords.Count);
        Assert.All(failure.ComputeRecords, r => Assert.Equal(ComputeStatus.Failed, r.Status));
    }

    [Fact]
    public async Task A_timer_fires_on_its_schedule_with_its_shift_and_triggers_the_node()
    {
        using var root = new TempRoot();
        var time = new FakeTimeProvider(new DateTimeOffset(2024, 3, 10, 23, 59, 0, TimeSpan.Zero));
        await using var app = TestApps.InMemory(root, "timer", TestApps.Fast(time));
        var t = app.AddTimer("T", "rate(1 day)", timeDimension: "day", shift: -1);
        var a = app.CreateData("A", inputs: [t], computeTargets: [ComputeTarget.NoOp]);
        await app.ActivateAsync();
        await app.WaitForIdleAsync();

        time.Advance(TimeSpan.FromMinutes(2));
        await RoutingTests.Eventually(async () => (await app.PollAsync(a["2024-03-10"])).Status == PollStatus.Succeeded);

        Assert.Equal(PollStatus.NeverAttempted, (await app.PollAsync(a["2024-03-11"])).Status);
    }

    [Theory]
    [InlineData("rate(5 minutes)", "2024-03-10T10:02:00Z", "2024-03-10T10:05:00Z")]
    [InlineData("rate(1 hour)", "2024-03-10T10:02:00Z", "2024-03-10T11:00:00Z")]
    [InlineData("cron(0 12 * * ? *)", "2024-03-10T12:00:00Z", "2024-03-11T12:00:00Z")]
    [InlineData("cron(15 8 ? * MON-FRI *)", "2024-03-08T09:00:00Z", "2024-03-11T08:15:00Z")]
    public void Schedules_give_the_next_fire_time_in_utc(string expression, string after, string expected)
    {
        var next = Schedule.Parse(expression).NextAfter(DateTimeOffset.Parse(after, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), next);
    }

    [Theory]
    [InlineData("rate(0 days)", "positive whole number")]
    [InlineData("rate(2 day)", "must use 'days'")]
    [InlineData("rate(1 week)", "valid units")]
    [InlineData("cron(0 12 * *)", "takes 6")]
    [InlineData("cron(0 12 1 * MON *)", "exactly one")]
    [InlineData("every day", "neither rate")]
    public void Invalid_schedules_are_rejected_with_what_is_valid(string expression, string expected)
    {
        var error = Assert.Throws<FormatException>(() => Schedule.Parse(expression));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
