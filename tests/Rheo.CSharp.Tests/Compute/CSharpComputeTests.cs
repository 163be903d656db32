using Rheo.Core.Topology;
using Rheo.Runtime;
using Rheo.Runtime.Compute;
using Rheo.Runtime.Storage;

namespace Rheo.CSharp.Tests.Compute;

public sealed class CSharpComputeTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("rheo-code-").FullName;
    private readonly InMemoryRheoStore _store = new();

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private Application Open() => Application.Create("code", _store, _root, new ApplicationOptions { RetryBackoff = TimeSpan.FromMilliseconds(1) });

    [Fact]
    public async Task Code_sees_inputs_output_dimensions_and_params_and_an_attached_application_runs_it_from_the_stored_text()
    {
        await using (var app = Open())
        {
            var timer = app.AddTimer("T", "rate(1 day)", timeDimension: "day");
            var a = app.CreateData("A", inputs: [timer], computeTargets: [ComputeTarget.NoOp]);
            app.CreateData("B", inputs: [a.Range(-2)], metadata: new Dictionary<string, string> { ["owner"] = "sales" }, computeTargets: [ComputeTarget.CSharp("""
                var days = string.Join(",", Input("A").Partitions.Select(p => p[0]));
                await File.WriteAllTextAsync(Path.Combine(Output.Path, "out.txt"), $"{Dimensions["day"]} {days} {Params["owner"]} {Inputs.Count}", CancellationToken);
                """)]);
            await app.ActivateAsync();
        }

        await using var attached = Open();
        await attached.OpenAsync();
        var output = await attached.ExecuteAsync(attached["B"]["2024-05-03"], recursive: true);

        Assert.Equal("2024-05-03 2024-05-03,2024-05-02 sales 1", await File.ReadAllTextAsync(Path.Combine(output, "out.txt")));
    }

    [Fact]
    public async Task Code_that_does_not_compile_fails_activation_with_line_and_column_and_nothing_is_activated()
    {
        await using var app = Open();
        app.CreateData("A", inputs: [app.AddTimer("T", "rate(1 day)")], computeTargets: [ComputeTarget.CSharp("var x = 1;\nreturn y;")]);

        var error = await Assert.ThrowsAsync<TopologyException>(() => app.ActivateAsync());

        var diagnostic = Assert.Single(error.Diagnostics);
        Assert.Equal(RuntimeCodes.InvalidComputeCode, diagnostic.Code);
        Assert.Contains("(2,8): error CS0103", diagnostic.Message, StringComparison.Ordinal);
        Assert.Null(await _store.GetApplicationAsync("code", CancellationToken.None));
    }

    [Fact]
    public async Task An_exception_thrown_by_code_fails_the_attempt_and_is_retried()
    {
        await using var app = Open();
        var counter = Path.Combine(_root, "attempts.txt");
        app.CreateData("A", inputs: [app.AddTimer("T", "rate(1 day)")], computeTargets: [ComputeTarget.CSharp($$"""
            File.AppendAllText(@"{{counter}}", "x");
            if (Context.Attempt < 2) throw new InvalidOperationException("first attempt fails");
            """, retryCount: 1)]);
        await app.ActivateAsync();

        var output = await app.ExecuteAsync(app["A"]["2024-05-03"]);

        Assert.Equal("xx", await File.ReadAllTextAsync(counter));
        Assert.True(File.Exists(Path.Combine(output, "_SUCCESS")));
    }
}
