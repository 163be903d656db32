namespace Rheo.Runtime;

/// <summary>How an application runs in this process.</summary>
public sealed class ApplicationOptions
{
    /// <summary>The clock (tests pass a fake one).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>How many executions run at once in this process (default: 4 per core, at least 8).</summary>
    public int MaxConcurrentExecutions { get; init; } = Math.Max(8, Environment.ProcessorCount * 4);

    /// <summary>The wait before the first retry of a failed compute target or hook call; it doubles each attempt.</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between retries.</summary>
    public TimeSpan MaxRetryBackoff { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How often pending groups waiting for range-checked partitions look at storage again (data may arrive without an event).</summary>
    public TimeSpan RangeCheckInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether this instance runs the processor (routes events, runs executions); false only reads and queues, as a status command does.</summary>
    public bool StartProcessor { get; init; } = true;

    /// <summary>Where log messages go.</summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; init; }

    internal ApplicationOptions Validated()
    {
        if (MaxConcurrentExecutions < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrentExecutions), MaxConcurrentExecutions, "At least one execution must be able to run.");
        }

        if (RetryBackoff < TimeSpan.Zero || MaxRetryBackoff < RetryBackoff)
        {
            throw new ArgumentOutOfRangeException(nameof(RetryBackoff), RetryBackoff, $"The retry backoff must be non-negative and at most {nameof(MaxRetryBackoff)} ({MaxRetryBackoff}).");
        }

        if (RangeCheckInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RangeCheckInterval), RangeCheckInterval, "The range check interval must be positive.");
        }

        return this;
    }
}
