using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Rheo.Runtime.Backfills;
using Spectre.Console;

namespace Rheo.Cli.Applications;

/// <summary><c>rheo backfill</c>: a node over a range of dates, with a progress bar; Ctrl+C stops it and running it again continues.</summary>
internal static class BackfillCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var options = new AppOptions();
        var node = Partitions.NodeArgument();
        var values = new Argument<string[]>("dimensions") { Description = "<dim>=<value> for every dimension but the backfilled datetime one.", Arity = ArgumentArity.ZeroOrMore };
        var from = new Option<string>("--from") { Description = "The first value of the datetime dimension (inclusive).", Required = true };
        var to = new Option<string>("--to") { Description = "The last value (inclusive).", Required = true };
        var recursive = new Option<bool>("--recursive") { Description = "First execute the missing ancestor partitions of each." };
        var force = new Option<bool>("--force") { Description = "Run every partition: also those already produced, and those whose inputs are missing." };
        var concurrency = new Option<int>("--concurrency") { Description = "Partitions run at once.", DefaultValueFactory = _ => 4 };
        concurrency.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--concurrency must be 1 or more.");
            }
        });
        var command = AppCommand.Create("backfill", "Execute a data node for every value of its datetime dimension from --from to --to that its inputs can produce, skipping partitions already produced (their _SUCCESS is there) and naming those whose inputs are missing.", options, node, values, from, to, recursive, concurrency, force);
        AppCommand.SetAction(command, error, async (parse, cancellationToken) =>
        {
            await using var session = await Session.OpenAsync(parse, options, drive: true, cancellationToken).ConfigureAwait(false);
            var app = session.Application;
            var request = new BackfillRequest(Partitions.DataNode(app, parse.GetValue(node)!).Id, Partitions.Named(parse.GetValue(values)!), parse.GetValue(from)!, parse.GetValue(to)!, parse.GetValue(recursive), parse.GetValue(concurrency), parse.GetValue(force));
            var json = options.IsJson(parse);
            var watch = Stopwatch.StartNew();
            var started = DateTimeOffset.UtcNow;
            var last = new BackfillProgress(0, 0, 0, 0, 0);
            var failures = new List<string>();
            void Record(BackfillProgress p)
            {
                last = p;
                if (p.Outcome is BackfillOutcome.Failed or BackfillOutcome.MissingInputs)
                {
                    failures.Add($"{Word(p.Outcome.Value)} {request.NodeId}[{string.Join(", ", p.Partition!)}]: {p.Error}");
                }
            }

            try
            {
                if (AppCommand.IsInteractive(output) && !json)
                {
                    await AnsiConsole.Progress()
                        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                        .StartAsync(async context =>
                        {
                            var task = context.AddTask($"{request.NodeId}", maxValue: 1);
                            var progress = new Reporter(p =>
                            {
                                Record(p);
                                task.MaxValue = Math.Max(1, p.Total);
                                task.Value = p.Done + p.Failed + p.MissingInputs;
                                var rate = (p.Done - p.AlreadyDone) / Math.Max(0.001, watch.Elapsed.TotalSeconds);
                                task.Description = Markup.Escape($"{request.NodeId}: {p.Done}/{p.Total} done · {p.Running} running · {p.Failed} failed · {rate:F1}/s");
                            });
                            await app.BackfillAsync(request, progress, cancellationToken).ConfigureAwait(false);
                        }).ConfigureAwait(false);
                }
                else
                {
                    var gate = new object();
                    var progress = new Reporter(p =>
                    {
                        Record(p);
                        if (p.Outcome is not { } outcome)
                        {
                            return;
                        }

                        lock (gate)
                        {
                            var partition = string.Join(", ", p.Partition!);
                            output.WriteLine(json
                                ? new JsonObject { ["partition"] = new JsonArray([.. p.Partition!.Select(v => (JsonNode)v)]), ["outcome"] = Word(outcome), ["error"] = p.Error, ["done"] = p.Done, ["failed"] = p.Failed, ["total"] = p.Total }.ToJsonString()
                                : $"{Word(outcome),-8} {request.NodeId}[{partition}] ({p.Done + p.Failed + p.MissingInputs}/{p.Total}){(p.Error is null ? string.Empty : ": " + p.Error)}");
                            output.Flush();
                        }
                    });
                    await app.BackfillAsync(request, progress, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await Summary(output, json, request, last, watch, stopped: true).ConfigureAwait(false);
                await error.WriteLineAsync($"stopped after {last.Done + last.Failed + last.MissingInputs} of {last.Total} partitions; run the same command again to continue where it stopped.").ConfigureAwait(false);
                return ExitCodes.Stopped;
            }

            // Successes of the backfilled node trigger its consumers: finish them too, or they would be left running.
            var downstream = (await ExecutionDisplay.FinishAsync(output, app, started, null, cancellationToken).ConfigureAwait(false))
                .Where(d => !d.StartsWith(request.NodeId + "[", StringComparison.Ordinal)).ToList();
            await Summary(output, json, request, last, watch, stopped: false).ConfigureAwait(false);
            if (!json && downstream.Count > 0)
            {
                await output.WriteLineAsync($"also ran: {string.Join(", ", downstream.Take(20))}{(downstream.Count > 20 ? $" (+{downstream.Count - 20} more)" : string.Empty)}").ConfigureAwait(false);
            }

            foreach (var failure in failures)
            {
                await error.WriteLineAsync(failure).ConfigureAwait(false);
            }

            if (last.Skipped > 0 && !json)
            {
                var plan = await app.PlanBackfillAsync(request, cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync($"left out {plan.Skipped.Count} partition(s) the inputs cannot produce, e.g. [{string.Join(", ", plan.Skipped[0].Partition)}]: {plan.Skipped[0].Reason}").ConfigureAwait(false);
            }

            return last.Complete ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    private static string Word(BackfillOutcome outcome) => outcome switch
    {
        BackfillOutcome.AlreadyDone => "already",
        BackfillOutcome.Succeeded => "done",
        BackfillOutcome.Rebuilt => "rebuilt",
        BackfillOutcome.MissingInputs => "missing",
        _ => "failed",
    };

    private static Task Summary(TextWriter output, bool json, BackfillRequest request, BackfillProgress p, Stopwatch watch, bool stopped) => json
        ? AppCommand.WriteJsonAsync(output, new JsonObject
        {
            ["node"] = request.NodeId,
            ["total"] = p.Total,
            ["done"] = p.Done,
            ["alreadyDone"] = p.AlreadyDone,
            ["failed"] = p.Failed,
            ["missingInputs"] = p.MissingInputs,
            ["skipped"] = p.Skipped,
            ["stopped"] = stopped,
            ["seconds"] = Math.Round(watch.Elapsed.TotalSeconds, 3),
        })
        : output.WriteLineAsync($"backfill of {request.NodeId} {request.From}..{request.To}: {p.Done} of {p.Total} done ({p.AlreadyDone} already), {p.Failed} failed, {p.MissingInputs} with missing inputs{(p.Skipped > 0 ? $", {p.Skipped} left out" : string.Empty)}{(stopped ? ", stopped" : string.Empty)} in {watch.Elapsed.TotalSeconds:F1} s");

    /// <summary>Reports synchronously on the reporting thread (<see cref="Progress{T}"/> would post and reorder).</summary>
    private sealed class Reporter(Action<BackfillProgress> report) : IProgress<BackfillProgress>
    {
        public void Report(BackfillProgress value) => report(value);
    }
}
