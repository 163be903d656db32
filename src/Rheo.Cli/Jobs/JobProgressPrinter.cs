using System.Globalization;
using Rheo.Runtime.Jobs;

namespace Rheo.Cli.Jobs;

/// <summary>
/// Prints a running job's progress: a line per finished task invocation for the first <see cref="DetailedLines"/>,
/// then a summary each second; failures are always printed.
/// </summary>
/// <remarks>Thread-safe: tasks report from many threads at once.</remarks>
internal sealed class JobProgressPrinter : IProgress<JobEvent>, IDisposable
{
    private const int DetailedLines = 40;

    private readonly Lock _gate = new();
    private readonly TextWriter _writer;
    private readonly ITimer _timer;
    private long _started;
    private long _succeeded;
    private long _failed;
    private int _lines;
    private long _printedAt = -1;

    public JobProgressPrinter(TextWriter writer, TimeProvider time)
    {
        _writer = writer;
        _timer = time.CreateTimer(_ => Summarize(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public void Report(JobEvent value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            switch (value.Kind)
            {
                case JobEventKind.TaskStarted:
                    _started++;
                    return;
                case JobEventKind.TaskSucceeded:
                    _succeeded++;
                    if (_lines++ < DetailedLines)
                    {
                        var items = value.Items == 1 ? "1 item" : $"{value.Items} items";
                        _writer.WriteLine($"  done {value.Task}{Attempt(value)} ({items}, {Milliseconds(value.Duration)} ms)");
                    }

                    return;
                default:
                    _failed++;
                    _writer.WriteLine($"  failed {value.Task}{Attempt(value)}: {value.Error}: {value.Cause}");
                    return;
            }
        }
    }

    /// <summary>Stops the periodic summary; the caller prints the result.</summary>
    public void Finish() => _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    public void Dispose() => _timer.Dispose();

    private static string Attempt(JobEvent value) => value.Attempt == 0 ? string.Empty : $" (retry {value.Attempt})";

    private static string Milliseconds(TimeSpan duration) => duration.TotalMilliseconds.ToString("0.#", CultureInfo.InvariantCulture);

    private void Summarize()
    {
        lock (_gate)
        {
            var done = _succeeded + _failed;
            if (_lines <= DetailedLines || done == _printedAt)
            {
                return;
            }

            _printedAt = done;
            _writer.WriteLine($"  ... {_succeeded} task run(s) done, {_started - done} running, {_failed} failed");
        }
    }
}
