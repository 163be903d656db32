using System.Diagnostics;

namespace Rheo.Runtime.Compute;

/// <summary>Waiting on a started child process with a timeout and cancellation, killing its whole tree on either.</summary>
internal static class ChildProcesses
{
    /// <summary>Waits for the process to exit; returns false when it ran past <paramref name="timeout"/> and was killed.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; the process was killed.</exception>
    public static async Task<bool> WaitOrKillAsync(Process process, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout ?? Timeout.InfiniteTimeSpan);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            return false;
        }
    }
}
