using System.Diagnostics;
using Rheo.Runtime.Storage;

namespace Rheo.Runtime.Tests.Applications;

/// <summary>Kills a process running a backfill with SIGKILL and checks that a restart completes every partition exactly once.</summary>
public sealed class CrashSafetyTests
{
    private const int Partitions = 300;

    [Fact]
    public async Task A_backfill_killed_mid_way_completes_every_partition_exactly_once_after_a_restart()
    {
        using var root = new TempRoot();
        using var first = Start(root.Path, "start", Partitions.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await WaitForLineAsync(first, "queued");
        await RoutingTests.Eventually(async () => await SucceededAsync(root.Path, "C") >= 5);

        first.Kill();
        await first.WaitForExitAsync();
        var atKill = await SucceededAsync(root.Path, "C");
        using var second = Start(root.Path, "resume");
        await WaitForLineAsync(second, "idle");
        await second.WaitForExitAsync();

        Assert.True(atKill < Partitions, $"The kill landed after the backfill finished ({atKill} of {Partitions}); the test proves nothing.");
        await using var reader = Application.Local("crash", root.Path, new ApplicationOptions { StartProcessor = false });
        foreach (var node in new[] { "A", "B", "C" })
        {
            var executions = await reader.GetExecutionsAsync(node, limit: int.MaxValue);
            var succeeded = executions.Where(e => e.Status == ExecutionStatus.Succeeded).GroupBy(e => e.OutputKey).ToList();
            Assert.Equal(Partitions, succeeded.Count);
            Assert.All(succeeded, g => Assert.Single(g));
            Assert.DoesNotContain(executions, e => e.IsActive);
        }

        Assert.Equal(0, second.ExitCode);
    }

    private static async Task<int> SucceededAsync(string root, string node)
    {
        await using var reader = Application.Local("crash", root, new ApplicationOptions { StartProcessor = false });
        return (await reader.GetExecutionsAsync(node, limit: int.MaxValue)).Count(e => e.Status == ExecutionStatus.Succeeded);
    }

    private static Process Start(string root, params string[] args)
    {
        var host = Path.Combine(AppContext.BaseDirectory.Replace("Rheo.Runtime.Tests", "Rheo.Runtime.CrashHost", StringComparison.Ordinal), "Rheo.Runtime.CrashHost.dll");
        Assert.True(File.Exists(host), $"The crash host was not built at {host}.");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(host);
        info.ArgumentList.Add(root);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        return Process.Start(info)!;
    }

    private static async Task WaitForLineAsync(Process process, string expected)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line == expected)
            {
                return;
            }
        }

        Assert.Fail($"The child exited before printing '{expected}': {await process.StandardError.ReadToEndAsync(timeout.Token)}");
    }
}
