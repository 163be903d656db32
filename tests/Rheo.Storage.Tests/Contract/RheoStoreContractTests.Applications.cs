using Rheo.Runtime;
using Rheo.Runtime.Storage;

namespace Rheo.Storage.Tests.Contract;

public abstract partial class RheoStoreContractTests
{
    public static TheoryData<ApplicationState> ApplicationStates => [.. Enum.GetValues<ApplicationState>()];

    [Fact]
    public async Task An_unknown_application_reads_as_null()
    {
        var record = await Store.GetApplicationAsync("nowhere", Ct);

        Assert.Null(record);
    }

    [Theory]
    [MemberData(nameof(ApplicationStates))]
    public async Task A_saved_application_record_reads_back_with_every_field(ApplicationState state)
    {
        var record = new ApplicationRecord("app", state, 3, At(1));

        await Store.SaveApplicationAsync(record, Ct);

        Assert.Equal(record, await Store.GetApplicationAsync("app", Ct));
    }

    [Fact]
    public async Task Saving_an_application_record_again_replaces_it()
    {
        await Store.SaveApplicationAsync(new ApplicationRecord("app", ApplicationState.Inactive, 0, At(1)), Ct);
        var second = new ApplicationRecord("app", ApplicationState.Paused, 2, At(2));

        await Store.SaveApplicationAsync(second, Ct);

        Assert.Equal(second, await Store.GetApplicationAsync("app", Ct));
    }

    [Fact]
    public async Task An_application_that_only_holds_data_has_no_record()
    {
        await Store.AddTopologyAsync("app", "{}", Ct);
        await EnqueueAsync("app", Event("a", "x"));

        var record = await Store.GetApplicationAsync("app", Ct);

        Assert.Null(record);
    }

    [Fact]
    public async Task Application_records_are_kept_per_application()
    {
        await Store.SaveApplicationAsync(new ApplicationRecord("one", ApplicationState.Active, 1, At(1)), Ct);
        await Store.SaveApplicationAsync(new ApplicationRecord("two", ApplicationState.Paused, 5, At(2)), Ct);

        var one = await Store.GetApplicationAsync("one", Ct);

        Assert.Equal(new ApplicationRecord("one", ApplicationState.Active, 1, At(1)), one);
    }

    [Fact]
    public async Task Topology_versions_are_numbered_from_one_per_application()
    {
        var first = await Store.AddTopologyAsync("one", """{"v":1}""", Ct);
        var second = await Store.AddTopologyAsync("one", """{"v":2}""", Ct);
        var other = await Store.AddTopologyAsync("two", """{"v":"other"}""", Ct);
        var third = await Store.AddTopologyAsync("one", """{"v":3}""", Ct);

        Assert.Equal([1L, 2L, 3L, 1L], [first, second, third, other]);
    }

    [Fact]
    public async Task Every_topology_version_reads_back_its_json()
    {
        await Store.AddTopologyAsync("one", """{"v":1}""", Ct);
        await Store.AddTopologyAsync("one", """{"v":2,"text":"é ✓ \u0000"}""", Ct);
        await Store.AddTopologyAsync("two", """{"v":"other"}""", Ct);

        string?[] versions = [await Store.GetTopologyAsync("one", 1, Ct), await Store.GetTopologyAsync("one", 2, Ct), await Store.GetTopologyAsync("two", 1, Ct)];

        string?[] expected = ["""{"v":1}""", """{"v":2,"text":"é ✓ \u0000"}""", """{"v":"other"}"""];
        Assert.Equal(expected, versions);
    }

    [Theory]
    [InlineData("one", 0)]
    [InlineData("one", -1)]
    [InlineData("one", 3)]
    [InlineData("two", 1)]
    public async Task A_topology_version_that_does_not_exist_reads_as_null(string application, long version)
    {
        await Store.AddTopologyAsync("one", "{}", Ct);
        await Store.AddTopologyAsync("one", "{}", Ct);

        var json = await Store.GetTopologyAsync(application, version, Ct);

        Assert.Null(json);
    }
}
