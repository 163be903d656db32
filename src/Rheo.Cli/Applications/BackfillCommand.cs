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
        var concurrency = new Option<int>("--concurrency") { Description = "Partitions run at once.", DefaultValueFactory = _ => 4 };
        concurrency.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--concurrency must be 1 or more.");
            }
        });
        var command = AppCommand.Create("backfill", "Execute a data node for every value of its datetime dimension from --from to --to, skipping partitions already produced.", options, node, values, from, to, recursive, concurrency);
        AppCommand.SetAction(command, error, async (parse, cancellationToken) =>
        {
            await using var session = await Session.OpenAsync(parse, options, drive: true, cancellationToken).ConfigureAwait(false);
            var app = session.Application;
            var request = new BackfillRequest(Partitions.DataNode(app, parse.GetValue(node)!).Id, Partitions.Named(parse.GetValue(values)!), parse.GetValue(from)!, parse.GetValue(to)!, parse.GetValue(recursive), parse.GetValue(concurrency));
            var json = options.IsJson(parse);
            var watch = Stopwatch.StartNew();
            var last = new BackfillProgress(0, 0, 0, 0, 0);
            var failures = new List<string>();
            void Record(BackfillProgress p)
            {
                last = p;
                if (p.Outcome == BackfillOutcome.Failed)
                {
                    failures.Add($"{string.Join(", ", p.Partition!)}: {p.Error}");
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
                                task.Value = p.Done + p.Failed;
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
                                : $"{Word(outcome),-8} {request.NodeId}[{partition}] ({p.Done + p.Failed}/{p.Total}){(p.Error is null ? string.Empty : ": " + p.Error)}");
                            output.Flush();
                        }
                    });
                    await app.BackfillAsync(request, progress, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await Summary(output, json, request, last, watch, stopped: true).ConfigureAwait(false);
                await error.WriteLineAsync($"stopped after {last.Done + last.Failed} of {last.Total} partitions; run the same command again to continue where it stopped.").ConfigureAwait(false);
                return ExitCodes.Stopped;
            }

            await Summary(output, json, request, last, watch, stopped: false).ConfigureAwait(false);
            foreach (var failure in failures)
            {
                await error.WriteLineAsync($"failed {request.NodeId}[{failure}]").ConfigureAwait(false);
            }

            return last.Failed == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    private static string Word(BackfillOutcome outcome) => outcome switch
    {
        BackfillOutcome.AlreadyDone => "already",
        BackfillOutcome.Succeeded => "done",
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
            ["stopped"] = stopped,
            ["seconds"] = Math.Round(watch.Elapsed.TotalSeconds, 3),
        })
        : output.WriteLineAsync($"backfill of {request.NodeId} {request.From}..{request.To}: {p.Done} of {p.Total} done ({p.AlreadyDone} already), {p.Failed} failed{(stopped ? ", stopped" : string.Empty)} in {watch.Elapsed.TotalSeconds:F1} s");

    /// <summary>Reports synchronously on the reporting thread (<see cref="Progress{T}"/> would post and reorder).</summary>
    private sealed class Reporter(Action<BackfillProgress> report) : IProgress<BackfillProgress>
    {
        public void Report(BackfillProgress value) => report(value);
    }
}
