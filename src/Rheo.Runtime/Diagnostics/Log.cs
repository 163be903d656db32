using Microsoft.Extensions.Logging;

namespace Rheo.Runtime.Diagnostics;

/// <summary>The runtime's log messages; event ids 1000–1099 engine, 1100–1199 executions, 1200–1299 hooks and timers, 1300–1399 job maps.</summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Information, "Application {Application}: processor started with {Routes} route(s), {Pending} pending group(s), {Resumed} interrupted execution(s) to run again")]
    public static partial void ProcessorStarted(ILogger logger, string application, int routes, int pending, int resumed);

    [LoggerMessage(1001, LogLevel.Critical, "Application {Application}: a store commit failed; the processor stops and recovers from the store when restarted")]
    public static partial void CommitFailed(ILogger logger, string application, Exception exception);

    [LoggerMessage(1002, LogLevel.Warning, "Application {Application}, route {Route}: {Warning}")]
    public static partial void RouteWarning(ILogger logger, string application, string route, string warning);

    [LoggerMessage(1003, LogLevel.Warning, "Application {Application}: event of node {Node} [{Values}] dropped: {Reason}")]
    public static partial void EventDropped(ILogger logger, string application, string node, string values, string reason);

    [LoggerMessage(1004, LogLevel.Information, "Application {Application}: another process holds the engine lock {LockPath}; this instance only reads and queues events")]
    public static partial void EngineHeldElsewhere(ILogger logger, string application, string lockPath);

    [LoggerMessage(1100, LogLevel.Debug, "Application {Application}: execution {Execution} of {Route} [{Output}] {Status}")]
    public static partial void ExecutionEnded(ILogger logger, string application, long execution, string route, string output, string status);

    [LoggerMessage(1101, LogLevel.Warning, "Application {Application}: execution {Execution} of {Route}, target {Target} attempt {Attempt} failed: {Error}")]
    public static partial void ComputeFailed(ILogger logger, string application, long execution, string route, int target, int attempt, string error);

    [LoggerMessage(1102, LogLevel.Information, "Application {Application}: execution {Execution} of {Route} killed at another process's request")]
    public static partial void KillRequested(ILogger logger, string application, long execution, string route);

    [LoggerMessage(1200, LogLevel.Warning, "Application {Application}: hook {Hook} ({Type}) of route {Route} threw on attempt {Attempt}; it runs again at {NextAttempt}")]
    public static partial void HookFailed(ILogger logger, string application, string hook, string type, string route, int attempt, DateTimeOffset nextAttempt, Exception exception);

    [LoggerMessage(1202, LogLevel.Error, "Application {Application}: hook {Hook} ({Type}) of route {Route} threw on each of its {Attempts} attempts and is given up (kept in the outbox): {Error}")]
    public static partial void HookGaveUp(ILogger logger, string application, string hook, string type, string route, int attempts, string error);

    [LoggerMessage(1201, LogLevel.Information, "Application {Application}: timer {Timer} fired for {Value}")]
    public static partial void TimerFired(ILogger logger, string application, string timer, string value);

    [LoggerMessage(1300, LogLevel.Information, "Job {Job}: run {Execution} started")]
    public static partial void JobStarted(ILogger logger, string job, string execution);

    [LoggerMessage(1301, LogLevel.Information, "Job {Job}: run {Execution} {Status} in {ElapsedMs} ms: {TaskRuns} task run(s), {Failures} failed, {Retries} retried, {Caught} caught")]
    public static partial void JobEnded(ILogger logger, string job, string execution, string status, double elapsedMs, long taskRuns, long failures, long retries, int caught);

    [LoggerMessage(1302, LogLevel.Warning, "Job {Job}: run {Execution}, task {Task} attempt {Attempt} failed: {Error}: {Cause}")]
    public static partial void JobTaskFailed(ILogger logger, string job, string execution, string task, int attempt, string error, string? cause);

    [LoggerMessage(1303, LogLevel.Debug, "Job {Job}: run {Execution}, task {Task} attempt {Attempt} returned {Items} item(s) in {ElapsedMs} ms")]
    public static partial void JobTaskSucceeded(ILogger logger, string job, string execution, string task, int attempt, int items, double elapsedMs);

    [LoggerMessage(1304, LogLevel.Error, "Job {Job}: run {Execution} {Status}: {Error}: {Cause}")]
    public static partial void JobFailed(ILogger logger, string job, string execution, string status, string? error, string? cause);
}
