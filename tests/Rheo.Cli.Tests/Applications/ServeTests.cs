namespace Rheo.Cli.Tests.Applications;

public sealed class ServeTests
{
    [Fact]
    public async Task Execute_beside_a_running_serve_is_carried_out_by_serve_and_waits_for_it()
    {
        using var rheo = new RheoProcess();
        var activate = await rheo.RunAsync("activate", Path.Combine(AppContext.BaseDirectory, "Backfill.dll"));
        Assert.True(activate.Exit == 0, activate.Error);
        using var serve = rheo.Start(null, "serve");
        try
        {
            Assert.StartsWith("serving backfill-1", await serve.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(1)), StringComparison.Ordinal);

            var status = await rheo.RunAsync("status", "--json");
            var refused = await rheo.RunAsync("execute", "B", "2024-05-10");
            var upstream = new[] { await rheo.RunAsync("execute", "A", "2024-05-09"), await rheo.RunAsync("execute", "A", "2024-05-10") };
            var execute = await rheo.RunAsync("execute", "B", "2024-05-10");
            var recursive = await rheo.RunAsync("execute", "B", "2024-05-11", "--recursive");

            Assert.Equal(serve.Id, (int)System.Text.Json.Nodes.JsonNode.Parse(status.Output)!["engine"]!["pid"]!);
            Assert.Equal(1, refused.Exit);
            Assert.Contains("A[2024-05-10] is not produced", refused.Error, StringComparison.Ordinal);
            Assert.All(upstream, u => Assert.True(u.Exit == 0, u.Error));
            Assert.True(execute.Exit == 0, execute.Output + execute.Error);
            Assert.Contains("B[2024-05-10] succeeded", execute.Output, StringComparison.Ordinal);
            Assert.Equal(
                "day 2024-05-10 read A 2024-05-10, 2024-05-09",
                (await File.ReadAllTextAsync(Path.Combine(rheo.Root, "backfill-1", "data", "B", "2024-05-10", "summary.txt"))).Trim());
            Assert.NotEqual(0, recursive.Exit);
            Assert.Contains("a recursive execute needs the engine", recursive.Error, StringComparison.Ordinal);
        }
        finally
        {
            serve.Kill(entireProcessTree: true);
            await serve.WaitForExitAsync();
        }
    }
}
