using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Rheo.Core;
using Rheo.Runtime.Compute;

namespace Rheo.Runtime.StepFlows;

/// <summary>Thrown by a flow action that failed (a non-zero exit code, a timeout, the fail action).</summary>
public sealed class FlowActionException : RheoException
{
    /// <summary>Creates the exception.</summary>
    public FlowActionException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>Runs one flow action as a compute target of its step's execution, on this machine: C# actions in-process, shell commands as child processes.</summary>
internal static class FlowActionRunner
{
    public static async Task RunAsync(FlowActionTarget target, ComputeContext compute, string applicationRoot, CancellationToken cancellationToken)
    {
        var flow = compute.Params.GetValueOrDefault(FlowMetadata.Flow) as string ?? target.Step;
        var settings = FlowMetadata.Settings(compute.Params);
        var period = string.Join('/', compute.Dimensions.Values);
        var log = new FlowLogWriter(FlowLogs.DirectoryOf(applicationRoot, settings), flow, target.Step, period);
        var context = new FlowActionContext(flow, target.Step, target, period, settings, FlowMetadata.Credentials(compute.Params), compute, log);
        var source = $"{target.Step}.{target.Action.Name}";
        var attempt = compute.Attempt > 1 ? $" (attempt {compute.Attempt})" : string.Empty;
        log.Write(source, FlowLogLevel.Info, $"{target.Phase.ToString().ToLowerInvariant()} action started{attempt}");
        var started = Stopwatch.GetTimestamp();
        try
        {
            await RunKindAsync(target.Action, context, cancellationToken).ConfigureAwait(false);
            log.Write(source, FlowLogLevel.Info, $"succeeded in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0.#} ms");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            log.Write(source, FlowLogLevel.Warn, "killed");
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            log.Write(source, FlowLogLevel.Error, $"failed after {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0.#} ms: {e.Message}");
            throw;
        }
    }

    private static async Task RunKindAsync(FlowAction action, FlowActionContext context, CancellationToken cancellationToken)
    {
        switch (action.Kind)
        {
            case FlowActionKinds.Identity:
                return;
            case FlowActionKinds.Fail:
                throw new FlowActionException(action.Arguments.GetValueOrDefault("message") ?? "failed on purpose");
            case FlowActionKinds.Sleep:
                await Task.Delay(TimeSpan.FromMilliseconds(long.Parse(action.Arguments["milliseconds"], CultureInfo.InvariantCulture)), cancellationToken).ConfigureAwait(false);
                return;
            case FlowActionKinds.CSharp:
                await Copy(action).RunAsync(context, cancellationToken).ConfigureAwait(false);
                return;
            case FlowActionKinds.Shell:
                await ShellAsync(action, context, cancellationToken).ConfigureAwait(false);
                return;
            default:
                throw new FlowActionException($"The action '{action.Name}' has the unknown kind '{action.Kind}'; the kinds are: {FlowActionKinds.Shell}, {FlowActionKinds.CSharp}, {FlowActionKinds.Sleep}, {FlowActionKinds.Identity}, {FlowActionKinds.Fail}.");
        }
    }

    // synergy_flow deep-copies every action so executions never share state; the stored JSON is that copy's source.
    private static IFlowAction Copy(FlowAction action)
    {
        var typeName = action.Arguments["type"];
        var type = TypeNames.Resolve(typeName) ?? throw new FlowActionException($"The action type '{typeName}' cannot be found in this process; load the assembly that defines it before running the flow.");
        if (!typeof(IFlowAction).IsAssignableFrom(type))
        {
            throw new FlowActionException($"The action type '{typeName}' does not implement {nameof(IFlowAction)}.");
        }

        return action.Arguments.TryGetValue("state", out var state)
            ? (IFlowAction)(JsonSerializer.Deserialize(state, type) ?? throw new FlowActionException($"The state of action '{action.Name}' is null."))
            : TypeNames.Create<IFlowAction>(typeName, "action");
    }

    private static async Task ShellAsync(FlowAction action, FlowActionContext context, CancellationToken cancellationToken)
    {
        var command = action.Arguments["command"];
        var info = OperatingSystem.IsWindows() ? new ProcessStartInfo("cmd.exe") { ArgumentList = { "/c", command } } : new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", command } };
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        info.WorkingDirectory = context.Compute.Output.Path;
        var env = info.Environment;
        env["RHEO_FLOW"] = context.Flow;
        env["RHEO_STEP"] = context.Step;
        env["RHEO_ACTION"] = context.Action;
        env["RHEO_PERIOD"] = context.Period;
        env["RHEO_OUTPUT_PATH"] = context.Compute.Output.Path;
        foreach (var (name, value) in context.Settings)
        {
            env["RHEO_SETTING_" + EnvName(name)] = value;
        }

        foreach (var name in context.CredentialNames)
        {
            try
            {
                env["RHEO_CREDENTIAL_" + EnvName(name)] = context.Credential(name);
            }
            catch (KeyNotFoundException e)
            {
                // A command may not need every credential; it runs without the missing one, and the log says why.
                context.LogWarning(e.Message);
            }
        }

        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                context.LogInfo(line);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                context.LogWarning(line);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var timeout = action.Arguments.TryGetValue("timeoutMilliseconds", out var ms) ? TimeSpan.FromMilliseconds(long.Parse(ms, CultureInfo.InvariantCulture)) : (TimeSpan?)null;
        if (!await ChildProcesses.WaitOrKillAsync(process, timeout, cancellationToken).ConfigureAwait(false))
        {
            throw new FlowActionException($"the command ran longer than its timeout of {timeout} and was killed");
        }

        if (process.ExitCode != 0)
        {
            throw new FlowActionException($"the command exited with code {process.ExitCode}");
        }
    }

    private static string EnvName(string name) => new([.. name.ToUpperInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_')]);
}
