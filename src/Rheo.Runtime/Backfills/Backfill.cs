using Rheo.Core.Dimensions;
using Rheo.Core.Signals;
using Rheo.Runtime.Nodes;

namespace Rheo.Runtime.Backfills;

/// <summary>A backfill: a node executed for every value of one datetime dimension between two bounds.</summary>
/// <param name="NodeId">The data node.</param>
/// <param name="Fixed">Values of the node's other dimensions, by name (every dimension but the one backfilled).</param>
/// <param name="From">The first value of the backfilled dimension (inclusive).</param>
/// <param name="To">The last value (inclusive).</param>
/// <param name="Recursive">Execute missing ancestor partitions first.</param>
/// <param name="Concurrency">How many partitions run at once.</param>
/// <param name="Force">Run every partition: also those already produced, and those whose inputs are missing.</param>
public sealed record BackfillRequest(string NodeId, IReadOnlyDictionary<string, string> Fixed, string From, string To, bool Recursive = false, int Concurrency = 4, bool Force = false);

/// <summary>How one partition of a backfill ended.</summary>
public enum BackfillOutcome
{
    /// <summary>Its output already existed (an earlier run of the backfill, or anything else produced it).</summary>
    AlreadyDone,

    /// <summary>It was executed and succeeded.</summary>
    Succeeded,

    /// <summary>It was executed and failed.</summary>
    Failed,

    /// <summary>It was not executed: input partitions it needs are missing (the error names them); a recursive backfill produces missing upstream outputs first.</summary>
    MissingInputs,

    /// <summary>Its last execution had succeeded but its output was gone (no completion marker); it was executed again and succeeded.</summary>
    Rebuilt,
}

/// <summary>A partition of the backfill's range that the node's inputs can never produce, left out of the plan.</summary>
/// <param name="Partition">The partition's rendered values.</param>
/// <param name="Reason">Why (e.g. the timer's schedule never fires for it).</param>
public sealed record SkippedPartition(IReadOnlyList<string> Partition, string Reason);

/// <summary>The partitions a backfill runs, in order, and those of its range it leaves out.</summary>
/// <param name="Partitions">The node's signal narrowed to each output partition to run.</param>
/// <param name="Skipped">Partitions the node's inputs cannot produce (a calendar timer that never fires on that day, a value outside an input's filter).</param>
public sealed record BackfillPlan(IReadOnlyList<Signal> Partitions, IReadOnlyList<SkippedPartition> Skipped);

/// <summary>The counts of a backfill after each partition ends.</summary>
/// <param name="Total">Partitions in the backfill.</param>
/// <param name="Done">Partitions whose output exists (already done or succeeded now).</param>
/// <param name="AlreadyDone">Of <paramref name="Done"/>, those that needed nothing.</param>
/// <param name="Running">Partitions executing now.</param>
/// <param name="Failed">Partitions that failed.</param>
/// <param name="Partition">The partition that just ended (its rendered values), null for the first report.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Error">Why it failed, or which inputs are missing.</param>
/// <param name="MissingInputs">Partitions not run because inputs they need are missing.</param>
/// <param name="Skipped">Partitions of the range the node's inputs cannot produce (left out of <paramref name="Total"/>).</param>
public sealed record BackfillProgress(int Total, int Done, int AlreadyDone, int Running, int Failed, IReadOnlyList<string>? Partition = null, BackfillOutcome? Outcome = null, string? Error = null, int MissingInputs = 0, int Skipped = 0)
{
    /// <summary>Whether every planned partition's output exists.</summary>
    public bool Complete => Done == Total;
}

/// <summary>Runs backfills on an application.</summary>
public static class BackfillExtensions
{
    /// <summary>The most partitions one backfill covers; a longer one is almost always a wrong bound.</summary>
    public const int MaxPartitions = 1_000_000;

    /// <summary>The partitions a backfill covers, in order (the node's signal narrowed to each output partition), and those of the range the node's inputs cannot produce.</summary>
    /// <remarks>A partition is left out when an input's partition for it is outside the input's filter, or is a timer value the timer's schedule never emits (a Monday timer feeds only Mondays).</remarks>
    /// <exception cref="ArgumentException">The node is not a data node, a fixed value is missing or unknown, the backfilled dimension is not a datetime, or the bounds are invalid; the message says which and what is valid.</exception>
    public static async Task<BackfillPlan> PlanBackfillAsync(this Application application, BackfillRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(application);
        ArgumentNullException.ThrowIfNull(request);
        await application.OpenAsync(cancellationToken).ConfigureAwait(false);
        var node = application.ActiveNodes.FirstOrDefault(n => n.Id == request.NodeId)
            ?? throw new ArgumentException($"Application '{application.Name}' has no active node '{request.NodeId}'; its data nodes are: {string.Join(", ", application.ActiveNodes.OfType<DataNode>().Select(n => n.Id))}.", nameof(request));
        if (node is not DataNode)
        {
            throw new ArgumentException($"Node '{node.Id}' is not a data node; only data nodes can be backfilled.", nameof(request));
        }

        var spec = node.Signal.Spec;
        foreach (var name in request.Fixed.Keys.Where(k => !spec.Contains(k)))
        {
            throw new ArgumentException($"Node '{node.Id}' has no dimension '{name}'; its dimensions are: {spec}.", nameof(request));
        }

        var open = spec.Where(d => !request.Fixed.ContainsKey(d.Name)).ToList();
        if (open is not [{ Type: DimensionType.DateTime } dimension])
        {
            throw new ArgumentException($"A backfill of node '{node.Id}' runs over one DATETIME dimension and needs a value for every other one; dimensions: {spec}; without a value: {(open.Count == 0 ? "none" : string.Join(", ", open.Select(d => d.Name)))}.", nameof(request));
        }

        var from = Parse(dimension, request.From, "--from");
        var to = Parse(dimension, request.To, "--to");
        if (from.CompareTo(to) > 0)
        {
            throw new ArgumentException($"The backfill starts at {dimension.Render(from)}, after its end {dimension.Render(to)}; give --from before --to.", nameof(request));
        }

        var signals = new List<Signal>();
        var skipped = new List<SkippedPartition>();
        for (var value = from; value.CompareTo(to) <= 0; value = dimension.Add(value, 1))
        {
            if (signals.Count + skipped.Count == MaxPartitions)
            {
                throw new ArgumentException($"The backfill covers more than {MaxPartitions:N0} partitions of {dimension.Name}; narrow --from and --to.", nameof(request));
            }

            var signal = node.Signal;
            foreach (var d in spec)
            {
                signal = signal[d == dimension ? dimension.Render(value) : request.Fixed[d.Name]];
            }

            if (await application.WhyNotProducibleAsync(signal, cancellationToken).ConfigureAwait(false) is { } reason)
            {
                skipped.Add(new SkippedPartition(spec.Render(signal.Tip()), reason));
            }
            else
            {
                signals.Add(signal);
            }
        }

        return new BackfillPlan(signals, skipped);
    }

    /// <summary>Executes every partition of the backfill whose output does not exist yet, a few at a time, reporting after each.</summary>
    /// <remarks>
    /// Running it again continues where it stopped: partitions with an output are skipped, and an execution still
    /// active (interrupted by a stop or a crash, and run again when the application opens) is joined, not repeated.
    /// Cancellation stops starting partitions and stops waiting; executions already started run on in this process's
    /// processor until it stops, and run again when the application next opens.
    /// </remarks>
    /// <returns>The last progress report.</returns>
    public static async Task<BackfillProgress> BackfillAsync(this Application application, BackfillRequest request, IProgress<BackfillProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Concurrency < 1)
        {
            throw new ArgumentException($"The backfill concurrency is {request.Concurrency}; give 1 or more.", nameof(request));
        }

        var plan = await application.PlanBackfillAsync(request, cancellationToken).ConfigureAwait(false);
        var partitions = plan.Partitions;
        var gate = new object();
        var state = new BackfillProgress(partitions.Count, 0, 0, 0, 0, Skipped: plan.Skipped.Count);
        progress?.Report(state);

        void Ended(Signal partition, BackfillOutcome outcome, string? error)
        {
            lock (gate)
            {
                var ran = outcome is not (BackfillOutcome.AlreadyDone or BackfillOutcome.MissingInputs);
                state = state with
                {
                    Done = state.Done + (outcome is BackfillOutcome.AlreadyDone or BackfillOutcome.Succeeded or BackfillOutcome.Rebuilt ? 1 : 0),
                    AlreadyDone = state.AlreadyDone + (outcome == BackfillOutcome.AlreadyDone ? 1 : 0),
                    Running = state.Running - (ran ? 1 : 0),
                    Failed = state.Failed + (outcome == BackfillOutcome.Failed ? 1 : 0),
                    MissingInputs = state.MissingInputs + (outcome == BackfillOutcome.MissingInputs ? 1 : 0),
                    Partition = partition.Spec.Render(partition.Tip()),
                    Outcome = outcome,
                    Error = error,
                };
                progress?.Report(state);
            }
        }

        await Parallel.ForEachAsync(partitions, new ParallelOptions { MaxDegreeOfParallelism = request.Concurrency, CancellationToken = cancellationToken }, async (partition, token) =>
        {
            // The output's completion marker is the truth: a partition whose execution succeeded but whose output is
            // gone is lost, and the backfill runs it again.
            var poll = await application.PollAsync(partition, token).ConfigureAwait(false);
            if (poll.Status == PollStatus.Succeeded && !request.Force)
            {
                Ended(partition, BackfillOutcome.AlreadyDone, null);
                return;
            }

            lock (gate)
            {
                state = state with { Running = state.Running + 1 };
            }

            try
            {
                await application.ExecuteAsync(partition, wait: true, recursive: request.Recursive, force: request.Force, cancellationToken: token).ConfigureAwait(false);
                Ended(partition, poll.Status == PollStatus.Lost ? BackfillOutcome.Rebuilt : BackfillOutcome.Succeeded, poll.Status == PollStatus.Lost ? poll.Reason : null);
            }
            catch (ExecutionFailedException e)
            {
                Ended(partition, BackfillOutcome.Failed, e.Message);
            }
            catch (MissingInputsException e)
            {
                // Execute checks the inputs before it starts anything; nothing ran.
                lock (gate)
                {
                    state = state with { Running = state.Running - 1 };
                }

                Ended(partition, BackfillOutcome.MissingInputs, string.Join("; ", e.Missing.Select(m => m.Reason)));
            }
            catch (InvalidOperationException e) when (request.Recursive && !token.IsCancellationRequested)
            {
                // A recursive backfill met missing external data (or a failure signal) upstream.
                lock (gate)
                {
                    state = state with { Running = state.Running - 1 };
                }

                Ended(partition, BackfillOutcome.MissingInputs, e.Message);
            }
        }).ConfigureAwait(false);
        return state;
    }

    // A bound must be written as the dimension renders it: '2024-05-07' for an hourly dimension would silently mean hour 00.
    private static DimensionValue Parse(Dimension dimension, string raw, string what)
    {
        if (!dimension.TryParse(raw, out var value, out var error))
        {
            throw new ArgumentException($"{what} '{raw}' is not a value of {dimension}: {error}", what);
        }

        var rendered = dimension.Render(value);
        return rendered == raw
            ? value
            : throw new ArgumentException($"{what} '{raw}' is not a value of {dimension} as it is written: it would be read as '{rendered}'; give {what} {rendered}.", what);
    }
}
