using Rheo.CSharp.Scripts;
using Rheo.Runtime;

namespace Rheo.CSharp.Tests.Scripts;

public sealed class PipelineScriptTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("rheo-script-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_root, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string Cache => PipelineScript.CacheDirectoryOf(_root);

    [Fact]
    public async Task A_script_builds_an_application_with_the_normal_api_and_is_compiled_once()
    {
        var path = Write("p.csx", """
            var app = CreateApplication("scripted");
            var timer = app.AddTimer("T", "rate(1 day)");
            app.CreateData("A", inputs: [timer], computeTargets: [ComputeTarget.CSharp("File.WriteAllText(Path.Combine(Output.Path, \"day.txt\"), Dimensions[\"time\"]);")]);
            """);

        var first = await PipelineScript.LoadAsync(path, Cache);
        var second = await PipelineScript.LoadAsync(path, Cache);
        var applications = await second.RunAsync(new PipelineGlobals(_root, path));
        await using var app = Assert.Single(applications);
        await app.ActivateAsync();
        var output = await app.ExecuteAsync(app["A"]["2024-05-01"]);

        Assert.True(first.Succeeded);
        Assert.False(first.FromCache);
        Assert.True(second.FromCache);
        Assert.Equal(first.Hash, second.Hash);
        Assert.Equal(["A", "T"], app.ActiveNodes.Select(n => n.Id).Order());
        Assert.Equal("2024-05-01", await File.ReadAllTextAsync(Path.Combine(output, "day.txt")));
    }

    [Fact]
    public async Task A_changed_script_is_compiled_again()
    {
        var path = Write("p.csx", "CreateApplication(\"a\");");
        var first = await PipelineScript.LoadAsync(path, Cache);
        File.WriteAllText(path, "CreateApplication(\"b\");");

        var second = await PipelineScript.LoadAsync(path, Cache);

        Assert.NotEqual(first.Hash, second.Hash);
        Assert.False(second.FromCache);
    }

    [Fact]
    public async Task Compile_errors_name_the_file_line_and_column_and_the_script_cannot_run()
    {
        var path = Write("bad.csx", """
            var app = CreateApplication("bad");
            app.CreateData("A", inputs: [undefinedNode]);
            app.NoSuchMethod();
            """);

        var script = await PipelineScript.LoadAsync(path, Cache);

        Assert.False(script.Succeeded);
        var errors = script.Diagnostics.Where(d => d.IsError).Select(d => d.ToString()).ToList();
        Assert.Equal(2, errors.Count);
        Assert.StartsWith($"{path}:2:30: error CS0103:", errors[0], StringComparison.Ordinal);
        Assert.Contains("undefinedNode", errors[0], StringComparison.Ordinal);
        Assert.StartsWith($"{path}:3:5: error CS1061:", errors[1], StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => script.RunAsync(new PipelineGlobals(_root, path)));
        Assert.False(Directory.Exists(Path.Combine(_root, "bad")));
    }

    [Fact]
    public async Task A_script_that_creates_no_application_is_an_error_that_says_what_to_do()
    {
        var path = Write("empty.csx", "var x = 1;");
        var script = await PipelineScript.LoadAsync(path, Cache);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => script.RunAsync(new PipelineGlobals(_root, path)));

        Assert.Contains("CreateApplication", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Types_defined_in_a_script_load_in_a_later_process_from_the_record_without_compiling()
    {
        var path = Write("hooks.csx", """
            public sealed class Marker : IInlinedCompute
            {
                public Task ComputeAsync(ComputeContext context, CancellationToken cancellationToken) =>
                    File.WriteAllTextAsync(Path.Combine(context.Output.Path, "m.txt"), "from a script class", cancellationToken);
            }

            var app = CreateApplication("typed");
            app.CreateData("A", inputs: [app.AddTimer("T", "rate(1 day)")], computeTargets: [ComputeTarget.Inlined<Marker>()]);
            """);
        var script = await PipelineScript.LoadAsync(path, Cache);
        await using (var app = Assert.Single(await script.RunAsync(new PipelineGlobals(_root, path))))
        {
            await app.ActivateAsync();
            script.RecordFor(app);
        }

        var loaded = PipelineScript.LoadRecorded(Path.Combine(_root, "typed"), Cache);
        await using var attached = Application.Local("typed", _root);
        await attached.OpenAsync();
        var output = await attached.ExecuteAsync(attached["A"]["2024-05-02"]);

        Assert.Equal(path, loaded);
        Assert.Equal("from a script class", await File.ReadAllTextAsync(Path.Combine(output, "m.txt")));
    }
}
