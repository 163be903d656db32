namespace Rheo.Cli.Tests;

/// <summary>Runs the rheo command in-process and captures what it prints.</summary>
internal static class CliRun
{
    public static async Task<(int Exit, string Output, string Error)> InvokeAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await RheoCommand.InvokeAsync(args, output, error, CancellationToken.None);

        return (exit, output.ToString(), error.ToString());
    }

    public static string Case(string name, string file) => Path.Combine(AppContext.BaseDirectory, "Conformance", name, file);
}
