namespace Rheo.Runtime.Tests.States;

/// <summary>
/// A hand-written fake clock: time moves only when a test calls <see cref="Advance"/>, or, with
/// <see cref="AutoAdvance"/>, jumps straight to each timer's due time as soon as it is created.
/// </summary>
internal sealed class FakeTimeProvider(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<FakeTimer> _timers = [];
    private readonly List<TimeSpan> _requested = [];
    private TaskCompletionSource _timerCreated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DateTimeOffset _now = start;

    public FakeTimeProvider()
        : this(new DateTimeOffset(2024, 3, 1, 12, 0, 0, TimeSpan.Zero))
    {
    }

    public bool AutoAdvance { get; init; }

    /// <summary>The delay of every timer created so far.</summary>
    public IReadOnlyList<TimeSpan> Requested
    {
        get
        {
            lock (_gate)
            {
                return [.. _requested];
            }
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        FakeTimer timer;
        TaskCompletionSource created;
        lock (_gate)
        {
            timer = new FakeTimer(this, callback, state, _now + dueTime);
            _timers.Add(timer);
            _requested.Add(dueTime);
            created = _timerCreated;
            _timerCreated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        created.TrySetResult();
        if (AutoAdvance)
        {
            // Each new timer lets one timer fire: the earliest pending one, so that timers created close together
            // (a machine timeout and a long Wait) fire in due order whatever order the thread pool runs this in.
            ThreadPool.QueueUserWorkItem(_ => FireEarliest());
        }

        return timer;
    }

    /// <summary>Completes when the next timer is created (or at once if <paramref name="count"/> timers already exist).</summary>
    public async Task WaitForTimersAsync(int count)
    {
        while (true)
        {
            Task next;
            lock (_gate)
            {
                if (_requested.Count >= count)
                {
                    return;
                }

                next = _timerCreated.Task;
            }

            await next.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    private void FireEarliest()
    {
        FakeTimer? next;
        lock (_gate)
        {
            next = _timers.MinBy(t => t.Due);
            if (next is null)
            {
                return;
            }

            _timers.Remove(next);
            if (next.Due > _now)
            {
                _now = next.Due;
            }
        }

        next.Fire();
    }

    public void Advance(TimeSpan by)
    {
        List<FakeTimer> due;
        lock (_gate)
        {
            _now += by;
            due = _timers.Where(t => t.Due <= _now).ToList();
            _timers.RemoveAll(due.Contains);
        }

        foreach (var timer in due)
        {
            timer.Fire();
        }
    }

    private sealed class FakeTimer(FakeTimeProvider owner, TimerCallback callback, object? state, DateTimeOffset due) : ITimer
    {
        private int _done;

        public DateTimeOffset Due { get; } = due;

        public void Fire()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                callback(state);
            }
        }

        public bool Change(TimeSpan dueTime, TimeSpan period) => throw new NotSupportedException();

        public void Dispose()
        {
            Interlocked.Exchange(ref _done, 1);
            lock (owner._gate)
            {
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
